import Papa from 'papaparse';
import { decodeText, type TextEncodingName } from './decode.ts';
import { type Issue, type RunOptions, InputError, throwIfAborted } from '../issue.ts';

export type Delimiter = ',' | ';' | '\t' | '|';
export type CsvIssueCode =
  'lossy-ascii' | 'windows-1252' | 'row-width' | 'csv-quotes' | 'empty-file' | 'no-header';

export interface CsvMeta {
  encoding: TextEncodingName;
  delimiter: Delimiter;
  /** The `#TYPE …` line PowerShell 5.1 writes first, without `#TYPE `. */
  typeName?: string;
  /** 1-based line of the header row. */
  headerLine: number;
}

export interface CsvTable {
  headers: string[];
  rows: string[][];
  /** 1-based physical line where each row starts (multi-line values counted). */
  lines: number[];
  meta: CsvMeta;
  issues: Issue<CsvIssueCode>[];
}

export interface ReadCsvOptions extends RunOptions {
  file?: string;
  delimiter?: Delimiter;
  /** At most this many row-level issues are listed; the rest are counted in one summary issue. */
  maxRowIssues?: number;
}

const DELIMITERS: Delimiter[] = [',', ';', '\t', '|'];

/** Counts each candidate outside double quotes on the header line; PowerShell quotes every header. */
export function sniffDelimiter(headerLine: string): Delimiter {
  const counts = new Map<Delimiter, number>(DELIMITERS.map((d) => [d, 0]));
  let quoted = false;
  for (const ch of headerLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && counts.has(ch as Delimiter))
      counts.set(ch as Delimiter, counts.get(ch as Delimiter)! + 1);
  }
  let best: Delimiter = ',';
  for (const d of DELIMITERS) if (counts.get(d)! > counts.get(best)!) best = d;
  return best;
}

function countNewlines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

/**
 * Reads a CSV export as Windows admins produce them: any encoding `decodeText` knows, an optional `#TYPE` line,
 * `,` `;` tab or `|` sniffed from the header, Papa Parse underneath in chunks (progress and cancel between them).
 * Throws InputError only when there is no header at all; everything else is an issue beside the rows.
 */
export function readCsv(input: Uint8Array | string, opts: ReadCsvOptions = {}): CsvTable {
  const file = opts.file;
  const issues: Issue<CsvIssueCode>[] = [];
  let text: string;
  let encoding: TextEncodingName = 'utf-8';
  if (typeof input === 'string') {
    text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  } else {
    const decoded = decodeText(input, file);
    text = decoded.text;
    encoding = decoded.encoding;
    issues.push(...decoded.issues);
  }

  // Skip leading blank lines and the #TYPE line; remember how many physical lines that was.
  let offset = 0;
  let headerLine = 1;
  let typeName: string | undefined;
  for (;;) {
    const end = text.indexOf('\n', offset);
    const line = text.slice(offset, end === -1 ? text.length : end).replace(/\r$/, '');
    if (line.trim() === '' && end !== -1) {
      offset = end + 1;
      headerLine++;
      continue;
    }
    if (line.startsWith('#TYPE ') && end !== -1) {
      typeName = line.slice(6).trim();
      offset = end + 1;
      headerLine++;
      continue;
    }
    break;
  }
  const body = offset ? text.slice(offset) : text;
  if (body.trim() === '') {
    throw new InputError({
      code: 'empty-file',
      severity: 'error',
      file,
      message: 'The file has no header row and no data.',
    });
  }
  const firstLineEnd = body.indexOf('\n');
  const delimiter =
    opts.delimiter ?? sniffDelimiter(firstLineEnd === -1 ? body : body.slice(0, firstLineEnd));

  let headers: string[] | undefined;
  const rows: string[][] = [];
  const lines: number[] = [];
  let line = headerLine;
  let widthIssues = 0;
  const maxRowIssues = opts.maxRowIssues ?? 20;
  const total = body.length;

  Papa.parse<string[]>(body, {
    delimiter,
    header: false,
    skipEmptyLines: false,
    chunkSize: 1 << 22,
    complete: () => undefined,
    chunk(result: Papa.ParseResult<string[]>, parser: Papa.Parser) {
      if (opts.signal?.aborted) {
        parser.abort();
        return;
      }
      for (const err of result.errors) {
        if (err.type === 'Quotes' && issues.filter((i) => i.code === 'csv-quotes').length < maxRowIssues) {
          issues.push({
            code: 'csv-quotes',
            severity: 'warning',
            file,
            message: `Unbalanced quotes near record ${(err.row ?? 0) + 1}: ${err.message}. Values after it may be shifted.`,
          });
        }
      }
      for (const row of result.data) {
        const startLine = line;
        let spanned = 0;
        for (const cell of row) if (cell.indexOf('\n') !== -1) spanned += countNewlines(cell);
        line += 1 + spanned;
        if (!headers) {
          headers = row.map((h) => h.trim());
          continue;
        }
        if (row.length === 1 && row[0] === '') continue;
        if (row.length !== headers.length) {
          widthIssues++;
          if (widthIssues <= maxRowIssues) {
            issues.push({
              code: 'row-width',
              severity: 'warning',
              file,
              line: startLine,
              message: `Line ${startLine} has ${row.length} values; the header has ${headers.length}.`,
            });
          }
          if (row.length < headers.length) while (row.length < headers.length) row.push('');
          else row.length = headers.length;
        }
        rows.push(row);
        lines.push(startLine);
      }
      opts.onProgress?.(result.meta.cursor, total);
    },
  });
  throwIfAborted(opts.signal);
  if (!headers) {
    throw new InputError({
      code: 'no-header',
      severity: 'error',
      file,
      message: 'The file has no header row.',
    });
  }
  if (widthIssues > maxRowIssues) {
    issues.push({
      code: 'row-width',
      severity: 'warning',
      file,
      message: `${widthIssues - maxRowIssues} more lines have a different number of values than the header.`,
    });
  }
  return { headers, rows, lines, meta: { encoding, delimiter, typeName, headerLine }, issues };
}

/**
 * Finds a column by any of its names, case-insensitively and ignoring spaces, `-` and `_`
 * (`mS-DS-ConsistencyGuid` = `msDsConsistencyGuid`). Returns -1 when absent.
 */
export function findColumn(headers: readonly string[], ...names: string[]): number {
  const norm = (s: string) => s.toLowerCase().replace(/[\s_\-.]/g, '');
  const wanted = names.map(norm);
  for (const w of wanted) {
    const i = headers.findIndex((h) => norm(h) === w);
    if (i !== -1) return i;
  }
  return -1;
}
