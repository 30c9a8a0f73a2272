export interface CsvWriteOptions {
  delimiter?: ',' | ';' | '\t';
  /** A UTF-8 BOM makes Excel open the file as UTF-8 instead of the ANSI code page. */
  bom?: boolean;
  newline?: '\r\n' | '\n';
}

export type CsvCell = string | number | boolean | null | undefined;

/**
 * Cells that Excel or LibreOffice would run as a formula are prefixed with `'` (OWASP's advice for CSV
 * injection). Numbers written as numbers stay numbers: only text can carry a formula.
 */
export function neutraliseFormula(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

function cellText(cell: CsvCell, delimiter: string): string {
  if (cell === null || cell === undefined) return '';
  const text = typeof cell === 'string' ? neutraliseFormula(cell) : String(cell);
  return text.includes('"') || text.includes(delimiter) || /[\r\n]/.test(text) || /^\s|\s$/.test(text)
    ? `"${text.replace(/"/g, '""')}"`
    : text;
}

/** RFC 4180 text: one header row, CRLF line ends by default. */
export function toCsv(
  headers: readonly string[],
  rows: Iterable<readonly CsvCell[]>,
  opts: CsvWriteOptions = {},
): string {
  const d = opts.delimiter ?? ',';
  const nl = opts.newline ?? '\r\n';
  const out: string[] = [];
  out.push(headers.map((h) => cellText(h, d)).join(d));
  for (const row of rows) out.push(row.map((c) => cellText(c, d)).join(d));
  return (opts.bom ? '\ufeff' : '') + out.join(nl) + nl;
}

/** Rows of objects → CSV, the columns in the order given. */
export function recordsToCsv<T extends object>(
  columns: readonly { key: keyof T & string; header?: string }[],
  records: Iterable<T>,
  opts: CsvWriteOptions = {},
): string {
  function* rows() {
    for (const r of records) yield columns.map((c) => r[c.key] as CsvCell);
  }
  return toCsv(
    columns.map((c) => c.header ?? c.key),
    rows(),
    opts,
  );
}
