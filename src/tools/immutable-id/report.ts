import { toCsv, type CsvWriteOptions } from '../../lib/csv/write.ts';
import { resultCommands } from './commands.ts';
import type { IdResult } from './types.ts';

/** CSV columns, in this order, for the CLI's `--csv` and the page's bulk download. Stable. */
export const CSV_COLUMNS = [
  'input',
  'kind',
  'as',
  'guid',
  'immutableId',
  'hex',
  'ldapFilter',
  'connectorSpaceDn',
  'bigEndianGuid',
  'text',
  'error',
  'cloudSid',
  'note',
] as const;
export type CsvColumn = (typeof CSV_COLUMNS)[number];
export type IdRow = Record<CsvColumn, string>;

/** The table row of one reading of a result; a result without readings (anchor, invalid) has a row at index 0. */
export function rowOf(r: IdResult, reading: number): IdRow {
  const g = r.readings[reading];
  // A literal object of one shape: spreading a shared base made every row a slow dictionary object.
  return {
    input: r.input,
    kind: r.kind,
    as: g?.as ?? '',
    guid: g?.guid ?? '',
    immutableId: g?.immutableId ?? '',
    hex: g?.hex ?? '',
    ldapFilter: g?.ldapFilter ?? '',
    connectorSpaceDn: g?.connectorSpaceDn ?? '',
    bigEndianGuid: g?.bigEndianGuid ?? '',
    text: r.text ?? '',
    error: r.error ?? '',
    cloudSid: g?.cloudSid ?? '',
    note: r.note ?? '',
  };
}

/** How many table rows a result takes: one per reading, at least one. */
export const rowCount = (r: IdResult): number => Math.max(1, r.readings.length);

/** One row per reading; a result without readings (anchor, invalid) still gets one row. */
export function toRows(results: readonly IdResult[]): IdRow[] {
  const rows: IdRow[] = [];
  for (const r of results) for (let k = 0, n = rowCount(r); k < n; k++) rows.push(rowOf(r, k));
  return rows;
}

export function toCsvText(results: readonly IdResult[], opts: CsvWriteOptions = {}): string {
  return toCsv(
    CSV_COLUMNS,
    toRows(results).map((row) => CSV_COLUMNS.map((c) => row[c])),
    opts,
  );
}

const FIELDS: [keyof IdResult['readings'][number], string][] = [
  ['guid', 'GUID'],
  ['immutableId', 'ImmutableID'],
  ['hex', 'Hex (AD order)'],
  ['ldapFilter', 'LDAP filter'],
  ['connectorSpaceDn', 'Connector-space DN'],
  ['cloudSid', 'Cloud SID'],
  ['bigEndianGuid', 'RFC byte order'],
];

/** A readable block per result for the terminal. */
export function formatText(r: IdResult): string {
  const lines = [r.input || '(empty)', `  kind: ${r.kind}`];
  if (r.error) lines.push(`  error: ${r.error}`);
  if (r.text !== undefined) lines.push(`  text: ${r.text}${r.encoding ? ` (${r.encoding})` : ''}`);
  if (r.note) lines.push(`  note: ${r.note}`);
  const commands = new Map(resultCommands(r).map((c) => [c.as, c.commands]));
  for (const g of r.readings) {
    lines.push(`  ${g.as}`);
    for (const [key, label] of FIELDS) lines.push(`    ${label.padEnd(19)}${g[key]}`);
    lines.push(`    ${''.padEnd(19)}(the GUID if these bytes were read in big-endian order by mistake)`);
    for (const c of commands.get(g.as) ?? []) lines.push(`    > ${c.code}`);
  }
  if (r.readings.length === 0)
    for (const list of commands.values()) for (const c of list) lines.push(`    > ${c.code}`);
  return lines.join('\n') + '\n';
}
