import Papa from 'papaparse';
import { decodeText, type TextEncodingName } from './decode.ts';
import { type Issue, type RunOptions, InputError, throwIfAborted } from '../issue.ts';

export type Delimiter = ',' | ';' | '\t' | '|';
export type CsvIssueCode =
  | 'lossy-ascii'
  | 'windows-1252'
  | 'row-width'
  | 'csv-quotes'
  | 'empty-file'
  | 'no-header'
  | 'too-large'
  | 'nul-bytes'
  | 'stray-bom'
  | 'duplicate-header'
  | 'repeated-header'
  | 'value-too-long';

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
  /** Every data row; empty when `onRow` took them. */
  rows: string[][];
  /** 1-based physical line where each row starts (multi-line values counted); empty with `onRow`. */
  lines: number[];
  /** The first data row with every column read, whatever `columns` chose; undefined when there is none. */
  firstRow?: string[];
  /** Data rows read (blank lines not counted), also with `onRow`. */
  rowCount: number;
  meta: CsvMeta;
  issues: Issue<CsvIssueCode>[];
}

export interface ReadCsvOptions extends RunOptions {
  file?: string;
  delimiter?: Delimiter;
  /** At most this many row-level issues are listed; the rest are counted in one summary issue. */
  maxRowIssues?: number;
  /**
   * Streaming: each data row goes here instead of into `rows`, so the caller keeps what it needs and the rest is
   * garbage at once. `cells` is one buffer reused for every row, always as wide as the header: copy, do not keep it.
   */
  onRow?: (cells: readonly string[], line: number) => void;
  /**
   * Called with the header before any data row: the indexes of the columns to read. Cells of the other columns
   * are '' (they still count for the row-width check). Default: every column.
   */
  columns?: (headers: readonly string[]) => readonly number[] | undefined;
}

const DELIMITERS: Delimiter[] = [',', ';', '\t', '|'];
const CHUNK = 1 << 22;

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

type Newline = '\r\n' | '\n' | '\r';

/**
 * Papa Parse's own line-ending guess (first MiB, quoted values removed), so the fast reader below splits records
 * exactly where Papa Parse would: with `\r\n` files a lone `\n` inside an unquoted value is data.
 */
export function guessNewline(text: string): Newline {
  const input = text.substring(0, 1024 * 1024).replace(/"([^]*?)"/gm, '');
  const r = input.split('\r');
  const n = input.split('\n');
  if (r.length === 1 || (n.length > 1 && n[0]!.length < r[0]!.length)) return '\n';
  let withN = 0;
  for (const part of r) if (part.charCodeAt(0) === 10) withN++;
  return withN >= r.length / 2 ? '\r\n' : '\r';
}

const IRREGULAR = -1;

/**
 * Reads records the way Papa Parse does (RFC 4180 quoting, `""` escapes, the guessed line ending), without its
 * per-value regular expression and per-chunk arrays: cells go into one reused buffer. It handles well-formed
 * input only: at anything Papa Parse would report or forgive (a quote not followed by a delimiter or line end,
 * an unterminated quote) it stops at the start of that record and Papa Parse reads the rest.
 */
class RecordReader {
  pos = 0;
  /** Where the last record's text ends (before its line ending). */
  end = 0;
  /** Cells of the last record up to `width`; columns not in `keep` stay ''. */
  cells: string[] = [];
  width = 0x7fffffff;
  keep: Uint8Array | null = null;
  readonly #text: string;
  readonly #len: number;
  readonly #delim: number;
  readonly #nl0: number;
  readonly #nlLen: number;
  #nextLf: number;

  /** Reads `text` from `start`: the whole decoded text, not a slice of it, so every character is one load. */
  constructor(text: string, start: number, delimiter: Delimiter, newline: Newline) {
    this.#text = text;
    this.#len = text.length;
    this.#delim = delimiter.charCodeAt(0);
    this.#nl0 = newline.charCodeAt(0);
    this.#nlLen = newline.length;
    this.pos = start;
    this.#nextLf = text.indexOf('\n', start);
  }

  /** Reads one record: its number of values, 0 at the end, IRREGULAR (pos unchanged) where Papa Parse must take over. */
  next(): number {
    const text = this.#text;
    const len = this.#len;
    const delim = this.#delim;
    const nl0 = this.#nl0;
    const isCrLf = this.#nlLen === 2;
    const cells = this.cells;
    const width = this.width;
    const keep = this.keep;
    const start = this.pos;
    if (start >= len) return 0;
    let pos = start;
    let n = 0;
    for (;;) {
      const isWanted = n < width && (keep === null || keep[n] === 1);
      let end: number;
      let value = '';
      if (text.charCodeAt(pos) === 34) {
        let close = text.indexOf('"', pos + 1);
        let isEscaped = false;
        while (close !== -1 && text.charCodeAt(close + 1) === 34) {
          isEscaped = true;
          close = text.indexOf('"', close + 2);
        }
        if (close === -1) return IRREGULAR;
        end = close + 1;
        if (end < len) {
          const c = text.charCodeAt(end);
          if (c !== delim && !(c === nl0 && (!isCrLf || text.charCodeAt(end + 1) === 10))) return IRREGULAR;
        }
        if (isWanted) {
          value = text.substring(pos + 1, close);
          if (isEscaped) value = value.replaceAll('""', '"');
        }
      } else {
        end = pos;
        while (end < len) {
          const c = text.charCodeAt(end);
          if (c === delim || (c === nl0 && (!isCrLf || text.charCodeAt(end + 1) === 10))) break;
          end++;
        }
        if (isWanted) value = text.substring(pos, end);
      }
      if (n < width) cells[n] = value;
      n++;
      if (end >= len) {
        this.end = len;
        this.pos = len;
        break;
      }
      if (text.charCodeAt(end) === delim) {
        pos = end + 1;
        continue;
      }
      this.end = end;
      this.pos = end + this.#nlLen;
      break;
    }
    return n;
  }

  /** Line feeds inside the last record (multi-line values), for physical line numbers. */
  spannedLines(start: number): number {
    let n = 0;
    let lf = this.#nextLf;
    if (lf !== -1 && lf < start) lf = this.#text.indexOf('\n', start);
    while (lf !== -1 && lf < this.end) {
      n++;
      lf = this.#text.indexOf('\n', lf + 1);
    }
    this.#nextLf = lf;
    return n;
  }

  /** True when the last record is one empty value: a blank line. */
  isBlank(start: number, count: number): boolean {
    if (count !== 1) return false;
    const span = this.end - start;
    return span === 0 || (span === 2 && this.#text.charCodeAt(start) === 34);
  }
}

/**
 * Reads a CSV export as Windows admins produce them: any encoding `decodeText` knows, an optional `#TYPE` line,
 * `,` `;` tab or `|` sniffed from the header, records split as Papa Parse splits them (Papa Parse itself reads
 * anything malformed). Progress and cancel every 4 MiB. With `onRow` no row is kept.
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
  const newline = guessNewline(body);

  let headers: string[] | undefined;
  let firstRow: string[] | undefined;
  let keep: Uint8Array | null = null;
  const rows: string[][] = [];
  const lines: number[] = [];
  let rowCount = 0;
  let line = headerLine;
  let widthIssues = 0;
  let quoteIssues = 0;
  const maxRowIssues = opts.maxRowIssues ?? 20;
  const total = body.length;
  const onRow = opts.onRow;
  const reader = new RecordReader(text, offset, delimiter, newline);

  /** The header, or one data row of `count` values in `cells` (which may be reused once this returns). */
  const take = (cells: string[], count: number, startLine: number): void => {
    if (!headers) {
      headers = cells.slice(0, count).map((h) => h.trim());
      const wanted = opts.columns?.(headers);
      if (wanted) {
        keep = new Uint8Array(headers.length);
        for (const i of wanted) if (i >= 0 && i < keep.length) keep[i] = 1;
      }
      // The first data row is read whole; `keep` applies from the second.
      reader.width = headers.length;
      reader.cells = Array.from({ length: headers.length }, () => '');
      return;
    }
    const width = headers.length;
    if (count !== width) {
      widthIssues++;
      if (widthIssues <= maxRowIssues) {
        issues.push({
          code: 'row-width',
          severity: 'warning',
          file,
          line: startLine,
          message: `Line ${startLine} has ${count} values; the header has ${width}.`,
        });
      }
      for (let k = count; k < width; k++) cells[k] = '';
    }
    rowCount++;
    if (!firstRow) {
      firstRow = cells.slice(0, width);
      reader.keep = keep;
      if (keep) for (let k = 0; k < width; k++) if (!keep[k]) cells[k] = '';
    }
    if (onRow) onRow(cells, startLine);
    else {
      rows.push(cells.slice(0, width));
      lines.push(startLine);
    }
  };

  let nextCheck = offset + CHUNK;
  let fallbackAt = -1;
  let records = 0;
  for (;;) {
    const start = reader.pos;
    const count = reader.next();
    if (count === 0) break;
    if (count === IRREGULAR) {
      fallbackAt = start;
      break;
    }
    records++;
    const startLine = line;
    line += 1 + reader.spannedLines(start);
    if (headers && reader.isBlank(start, count)) continue;
    take(reader.cells, count, startLine);
    if (reader.pos >= nextCheck) {
      nextCheck = reader.pos + CHUNK;
      if (opts.signal?.aborted) break;
      opts.onProgress?.(reader.pos - offset, total);
    }
  }

  if (fallbackAt === -1 && !opts.signal?.aborted) opts.onProgress?.(total, total);
  if (fallbackAt !== -1 && !opts.signal?.aborted) {
    const buffer: string[] = [];
    let recordsBefore = records;
    Papa.parse<string[]>(fallbackAt ? text.slice(fallbackAt) : text, {
      delimiter,
      newline,
      header: false,
      skipEmptyLines: false,
      chunkSize: CHUNK,
      complete: () => undefined,
      chunk(result: Papa.ParseResult<string[]>, parser: Papa.Parser) {
        if (opts.signal?.aborted) {
          parser.abort();
          return;
        }
        for (const err of result.errors) {
          if (err.type === 'Quotes' && ++quoteIssues <= maxRowIssues) {
            issues.push({
              code: 'csv-quotes',
              severity: 'warning',
              file,
              message: `Unbalanced quotes near record ${recordsBefore + (err.row ?? 0) + 1}: ${err.message}. Values after it may be shifted.`,
            });
          }
        }
        recordsBefore += result.data.length;
        for (const row of result.data) {
          const startLine = line;
          let spanned = 0;
          for (const cell of row) if (cell.indexOf('\n') !== -1) spanned += countNewlines(cell);
          line += 1 + spanned;
          if (headers && row.length === 1 && row[0] === '') continue;
          if (!headers) {
            take(row, row.length, startLine);
            continue;
          }
          const cells = onRow ? buffer : row;
          const width = headers.length;
          const count = row.length;
          const mask: Uint8Array | null = firstRow ? keep : null;
          for (let k = 0; k < width; k++) cells[k] = k < count && (!mask || mask[k]) ? row[k]! : '';
          take(cells, count, startLine);
        }
        opts.onProgress?.(fallbackAt - offset + result.meta.cursor, total);
      },
    });
  }
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
  return {
    headers,
    rows,
    lines,
    firstRow,
    rowCount,
    meta: { encoding, delimiter, typeName, headerLine },
    issues,
  };
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
