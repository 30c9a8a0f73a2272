import type { CommandSpec } from '../../cli/spec.ts';

export const command: CommandSpec = {
  name: 'immutable-id',
  summary: 'Convert a GUID, ImmutableID, octet string, LDAP filter or cloud SID to every other form.',
  synopsis: [
    'immutable-id <value>… [--json|--csv]',
    'immutable-id - [--json|--csv]    (one value per line on stdin)',
  ],
  description:
    'Reads each value as a GUID (D, B, P, N, urn:uuid), ImmutableID (base64, unpadded, base64url), AD octet\n' +
    "string (74 E5 D2 …), LDAP escape or filter, csvde X'…', LDIF objectGUID:: …, PowerShell byte array,\n" +
    'Entra Connect connector-space DN CN={…}, cloud anchor User_<id> or cloud SID S-1-12-1-…, and prints every\n' +
    'other form. "-" reads one value per line from stdin, streamed (16 lines of 0–255 alone are one byte array).',
  operands: { name: '<value>…', min: 1, summary: 'values to convert, or - for one value per line on stdin' },
  options: [
    {
      name: 'json',
      format: true,
      summary: '{"results":[{input, kind, readings:[{as, guid, immutableId, hex, ldapFilter, …}], …}]}',
    },
    { name: 'csv', format: true, summary: 'one row per reading, UTF-8, the columns in docs/immutable-id.md' },
  ],
  defaultOutput: 'a block per value with every form and ready lookup commands',
  exit1: 'a value was not understood (it is in the output with its error)',
  docs: 'docs/immutable-id.md#cli',
  load: () => import('./cli.ts'),
};
