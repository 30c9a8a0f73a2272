import { parseArgs, type CliIo, type ToolCli } from '../../cli/io.ts';
import { convertId, splitValues } from './core.ts';
import { formatText, toCsvText } from './report.ts';

const usage = `Usage: hybrid-toolbox immutable-id <value>… [--json|--csv]
       … | hybrid-toolbox immutable-id - [--json|--csv]

Reads each value as a GUID (D, B, P, N, urn:uuid), ImmutableID (base64, unpadded, base64url), AD octet
string (74 E5 D2 …), LDAP escape or filter, csvde X'…', LDIF objectGUID:: …, PowerShell byte array,
Entra Connect connector-space DN CN={…}, cloud anchor User_<id> or cloud SID S-1-12-1-…, and prints every
other form. "-" reads one value per line from stdin (16 lines of 0–255 are one byte array).

  --json   {"results":[{input, kind, readings:[{as, guid, immutableId, hex, ldapFilter,
           connectorSpaceDn, bigEndianGuid, cloudSid}], text, encoding, note, error}]}
  --csv    one row per reading: ${'input,kind,as,guid,immutableId,hex,ldapFilter,connectorSpaceDn,bigEndianGuid,text,error,cloudSid,note'}

Exit status: 0 when every value was understood, 1 when any was invalid, 2 for a usage error.`;

async function run(io: CliIo): Promise<number> {
  const { positional, flags, unknown } = parseArgs(io.args, { flags: ['json', 'csv'] });
  if (unknown.length) {
    io.stderr(`Unknown option ${unknown.join(', ')}\n${usage}\n`);
    return 2;
  }
  if (flags.has('json') && flags.has('csv')) {
    io.stderr('Choose one of --json and --csv.\n');
    return 2;
  }
  if (positional.length === 0) {
    io.stderr(`No value given.\n${usage}\n`);
    return 2;
  }
  const values: string[] = [];
  for (const p of positional) {
    if (p === '-') values.push(...splitValues(await io.readStdin()));
    else values.push(p);
  }
  const results = values.map(convertId);
  if (flags.has('json')) io.stdout(JSON.stringify({ results }, null, 2) + '\n');
  else if (flags.has('csv')) io.stdout(toCsvText(results));
  else io.stdout(results.map(formatText).join('\n'));
  return results.some((r) => r.kind === 'invalid') ? 1 : 0;
}

export const cli: ToolCli = {
  summary: 'Convert a GUID, ImmutableID, octet string, LDAP filter or cloud SID to every other form.',
  usage,
  run,
};
