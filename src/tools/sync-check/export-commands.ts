/**
 * The PowerShell that produces exports this tool reads completely. Multi-valued and binary attributes are
 * flattened by calculated properties, because Export-Csv would otherwise write their .NET type name
 * (`ADPropertyValueCollection`, `System.Byte[]`, `System.String[]`) instead of the values; dates are written
 * with `ToString('o')` so that they carry their zone and no culture.
 */
export interface ExportCommand {
  id: 'ad' | 'mg' | 'entra' | 'mg-json';
  title: string;
  /** One line on when to use it. */
  note: string;
  command: string;
}

export const AD_EXPORT_COMMAND = [
  'Get-ADUser -Filter * -Properties displayName,mail,mailNickname,proxyAddresses,mS-DS-ConsistencyGuid,isCriticalSystemObject,userPrincipalName,whenCreated |',
  '  Select-Object DistinguishedName,SamAccountName,UserPrincipalName,DisplayName,mail,mailNickname,Enabled,ObjectGUID,isCriticalSystemObject,',
  "    @{n='proxyAddresses';e={$_.proxyAddresses -join ';'}},",
  "    @{n='mS-DS-ConsistencyGuid';e={if($_.'mS-DS-ConsistencyGuid'){[Convert]::ToBase64String($_.'mS-DS-ConsistencyGuid')}}},",
  "    @{n='whenCreated';e={$_.whenCreated.ToString('o')}} |",
  '  Export-Csv ad-users.csv -NoTypeInformation -Encoding UTF8',
].join('\n');

const GRAPH_PROPERTIES =
  'id,userPrincipalName,displayName,mail,mailNickname,userType,accountEnabled,proxyAddresses,createdDateTime,' +
  'onPremisesImmutableId,onPremisesSyncEnabled,onPremisesLastSyncDateTime,onPremisesDistinguishedName,' +
  'onPremisesSamAccountName,onPremisesUserPrincipalName,onPremisesProvisioningErrors';

const ENTRA_SELECT = [
  '  Select-Object Id,UserPrincipalName,DisplayName,Mail,MailNickname,UserType,AccountEnabled,OnPremisesImmutableId,OnPremisesSyncEnabled,',
  '    OnPremisesDistinguishedName,OnPremisesSamAccountName,OnPremisesUserPrincipalName,',
  "    @{n='OnPremisesLastSyncDateTime';e={if($_.OnPremisesLastSyncDateTime){$_.OnPremisesLastSyncDateTime.ToString('o')}}},",
  "    @{n='CreatedDateTime';e={if($_.CreatedDateTime){$_.CreatedDateTime.ToString('o')}}},",
  "    @{n='ProxyAddresses';e={$_.ProxyAddresses -join ';'}},",
  "    @{n='OnPremisesProvisioningErrors';e={($_.OnPremisesProvisioningErrors | ForEach-Object { $_.Category + '|' + $_.PropertyCausingError + '|' + $_.Value + '|' + $(if($_.OccurredDateTime){$_.OccurredDateTime.ToString('o')}) }) -join ';'}} |",
].join('\n');

export const MG_EXPORT_COMMAND = [
  'Connect-MgGraph -Scopes User.Read.All',
  `Get-MgUser -All -Property ${GRAPH_PROPERTIES} |`,
  ENTRA_SELECT,
  '  Export-Csv entra-users.csv -NoTypeInformation -Encoding UTF8',
].join('\n');

export const ENTRA_EXPORT_COMMAND = [
  "Connect-Entra -Scopes 'User.Read.All'",
  `Get-EntraUser -All -Property ${GRAPH_PROPERTIES} |`,
  ENTRA_SELECT,
  '  Export-Csv entra-users.csv -NoTypeInformation -Encoding UTF8',
].join('\n');

export const MG_JSON_EXPORT_COMMAND = [
  'Connect-MgGraph -Scopes User.Read.All',
  `Get-MgUser -All -Property ${GRAPH_PROPERTIES} |`,
  `  Select-Object ${GRAPH_PROPERTIES.split(',').join(',')} |`,
  '  ConvertTo-Json -Depth 5 | Out-File entra-users.json -Encoding utf8',
].join('\n');

export const EXPORT_COMMANDS: readonly ExportCommand[] = [
  {
    id: 'ad',
    title: 'Active Directory users (on a domain-joined machine with the ActiveDirectory module)',
    note: 'Run it again later for the deletion preview. Add -SearchBase "OU=…" only if you want part of the forest. Keep isCriticalSystemObject: without it Administrator, Guest and krbtgt look like sync candidates.',
    command: AD_EXPORT_COMMAND,
  },
  {
    id: 'mg',
    title: 'Entra users with Microsoft Graph PowerShell (Get-MgUser)',
    note: 'Without -Property, Get-MgUser returns only a few properties and the OnPremises* columns come out empty.',
    command: MG_EXPORT_COMMAND,
  },
  {
    id: 'entra',
    title: 'Entra users with Microsoft Entra PowerShell (Get-EntraUser)',
    note: 'The same export through the newer Microsoft.Entra module.',
    command: ENTRA_EXPORT_COMMAND,
  },
  {
    id: 'mg-json',
    title: 'Entra users as JSON (keeps provisioning errors and proxy addresses as lists)',
    note: 'JSON from Get-MgUser or pages saved from Graph Explorer (/v1.0/users) both work; drop several files at once.',
    command: MG_JSON_EXPORT_COMMAND,
  },
];

export function commandFor(kind: 'ad' | 'entra'): string {
  return kind === 'ad' ? AD_EXPORT_COMMAND : MG_EXPORT_COMMAND;
}

/** The built-in accounts a forest always has: without isCriticalSystemObject they look like sync candidates. */
export const BUILT_IN_ACCOUNTS = ['Administrator', 'Guest', 'krbtgt', 'DefaultAccount', 'WDAGUtilityAccount'];

export const IS_CRITICAL_HINT = `Add isCriticalSystemObject to -Properties and to Select-Object, as in:\n${AD_EXPORT_COMMAND}`;
