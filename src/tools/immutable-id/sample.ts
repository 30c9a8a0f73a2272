/**
 * "Try with sample data" for bulk conversion: a Get-ADUser export as Windows PowerShell 5.1 writes it (`#TYPE`
 * line, quoted), with ObjectGUID and mS-DS-ConsistencyGuid (base64, empty for users never synced). Loaded by the
 * view on demand.
 */
import { seededRandom } from '../../lib/seeded-random.ts';
import { sampleName } from '../../lib/sample-names.ts';
import { guidToImmutableId } from '../../lib/id/guid.ts';

export const SAMPLE_USERS = 2000;

export function sampleCsv(seed = 9): string {
  const rand = seededRandom(seed);
  const h = (n: number) => Array.from({ length: n }, () => Math.floor(rand() * 16).toString(16)).join('');
  const lines = [
    '#TYPE Microsoft.ActiveDirectory.Management.ADUser',
    '"SamAccountName","UserPrincipalName","ObjectGUID","mS-DS-ConsistencyGuid","DistinguishedName"',
  ];
  for (let i = 0; i < SAMPLE_USERS; i++) {
    const { first, last } = sampleName(i);
    const sam = `${first[0]}${last}${i}`.toLowerCase();
    const guid = `${h(8)}-${h(4)}-4${h(3)}-${'89ab'[Math.floor(rand() * 4)]}${h(3)}-${h(12)}`;
    const cg = rand() < 0.85 ? guidToImmutableId(guid) : '';
    const dn = `CN=${first} ${last} ${i},OU=Staff,OU=Corp,DC=contoso,DC=example`;
    lines.push(`"${sam}","${sam}@contoso.example","${guid}","${cg}","${dn}"`);
  }
  return lines.join('\r\n') + '\r\n';
}

export function sampleFile(): File {
  return new File([sampleCsv()], 'sample-ad-users.csv', { type: 'text/csv' });
}
