import { bytesToBase64 } from '../../lib/id/guid.ts';
import { READING, type IdReading, type IdResult } from './types.ts';

/** A ready command or request for one reading, titled for the UI and the CLI's text output. */
export interface IdCommand {
  title: string;
  code: string;
}

export function isObjectIdReading(r: IdReading): boolean {
  return r.as === READING.objectId;
}

/** An OData string literal doubles its single quotes. */
function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** Inside a PowerShell double-quoted string, backtick, `$` and `"` need a backtick. */
function psDoubleQuoted(value: string): string {
  return value.replace(/[`$"]/g, (c) => '`' + c);
}

export function graphImmutableIdUrl(immutableId: string): string {
  return (
    'https://graph.microsoft.com/v1.0/users?$filter=' +
    encodeURIComponent(`onPremisesImmutableId eq ${odataString(immutableId)}`)
  );
}

function immutableIdLookups(immutableId: string): IdCommand[] {
  return [
    {
      title: 'Entra user with this ImmutableID (Microsoft Graph PowerShell)',
      code: `Get-MgUser -Filter "onPremisesImmutableId eq ${psDoubleQuoted(odataString(immutableId))}"`,
    },
    { title: 'Graph request', code: graphImmutableIdUrl(immutableId) },
  ];
}

/** Commands for a GUID reading: find the AD object, find its Entra user, and convert both ways in PowerShell. */
export function readingCommands(r: IdReading): IdCommand[] {
  if (isObjectIdReading(r)) return objectIdCommands(r.guid);
  return [
    { title: 'AD object by objectGUID', code: `Get-ADUser -Identity ${r.guid}` },
    {
      title: 'AD object by mS-DS-ConsistencyGuid',
      code: `Get-ADUser -LDAPFilter '${r.ldapFilter.replace('(objectGUID=', '(mS-DS-ConsistencyGuid=')}'`,
    },
    ...immutableIdLookups(r.immutableId),
    { title: 'GUID → ImmutableID', code: `[Convert]::ToBase64String(([guid]'${r.guid}').ToByteArray())` },
    { title: 'ImmutableID → GUID', code: `[guid]([Convert]::FromBase64String('${r.immutableId}'))` },
  ];
}

/** An Entra object id names a cloud object: look it up by id, never in AD. */
export function objectIdCommands(objectId: string): IdCommand[] {
  return [
    { title: 'Entra user by object id', code: `Get-MgUser -UserId ${objectId}` },
    { title: 'Any Entra object by id', code: `Get-MgDirectoryObject -DirectoryObjectId ${objectId}` },
    { title: 'Graph request', code: `https://graph.microsoft.com/v1.0/directoryObjects/${objectId}` },
  ];
}

/** The onPremisesImmutableId Entra holds for a text or string anchor. */
export function storedAnchor(r: IdResult): string | undefined {
  if (r.text === undefined) return undefined;
  if (r.kind === 'string-anchor') return r.text;
  if (r.encoding === 'utf-16le') {
    const bytes = new Uint8Array(r.text.length * 2);
    for (let i = 0; i < r.text.length; i++) bytes[i * 2] = r.text.charCodeAt(i);
    return bytesToBase64(bytes);
  }
  return bytesToBase64(new TextEncoder().encode(r.text));
}

/** Commands for a text or string anchor: find the Entra user whose onPremisesImmutableId is this value. */
export function anchorCommands(r: IdResult): IdCommand[] {
  const stored = storedAnchor(r);
  return stored === undefined ? [] : immutableIdLookups(stored);
}

/** Every command for a result, reading by reading. */
export function resultCommands(r: IdResult): { as: string; commands: IdCommand[] }[] {
  if (r.readings.length === 0) {
    const commands = anchorCommands(r);
    return commands.length
      ? [{ as: r.kind === 'text-anchor' ? 'Text anchor' : 'String anchor', commands }]
      : [];
  }
  return r.readings.map((reading) => ({ as: reading.as, commands: readingCommands(reading) }));
}
