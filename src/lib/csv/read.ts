import Papa from 'papaparse';
import { decodeText, type TextEncodingName } from './decode.ts';
import { type Issue, type RunOptions, InputError, throwIfAborted } from '../issue.ts';

export type Delimiter = ',' | ';' | '\t' | '|';
export type CsvIssueCode =
  | 'lossy-ascii'
  | 'windows-1252'
  | 'row-width'
  | 'csv-quotes'
  | 'unclosed-quote'
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

/** Line breaks in a value Papa Parse read from normalised text, where every break is one `\n`. */
function countNewlines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

/** The first CR or LF at or after `from`, or -1; for the few short lines before the header. */
function lineBreakAt(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) return i;
  }
  return -1;
}

/** Where the text goes on after the line break at `at`: past CRLF, LF or a lone CR. */
function afterBreak(text: string, at: number): number {
  return at + (text.charCodeAt(at) === 13 && text.charCodeAt(at + 1) === 10 ? 2 : 1);
}

/** The longest value kept, in UTF-16 units (1 Mi characters); longer values are cut there, with a warning. */
export const MAX_VALUE_LENGTH = 1 << 20;
/** The most header columns read; columns past it are ignored, with a warning. */
export const MAX_COLUMNS = 10_000;

const IRREGULAR = -1;

/**
 * Reads records as RFC 4180 does (`""` escapes), with one difference real exports need: every line break outside
 * quotes ends a record — CRLF, LF or a lone CR, mixed freely in one file (files joined, or edited on different
 * systems), so no record swallows the next. Cells go into one reused buffer. It handles well-formed input only:
 * at a quote not followed by a delimiter or line end, or one never closed, it stops at the start of that record
 * and Papa Parse reads the rest.
 */
class RecordReader {
  pos = 0;
  /** Where the last record's text ends (before its line ending). */
  end = 0;
  /** Cells of the last record up to `width`; columns not in `keep` stay ''. */
  cells: string[] = [];
  width = 0x7fffffff;
  keep: Uint8Array | null = null;
  /** Values of the last record that were cut at MAX_VALUE_LENGTH. */
  cut = 0;
  readonly #text: string;
  readonly #len: number;
  readonly #delim: number;
  #nextLf: number;
  #nextCr: number;

  /** Reads `text` from `start`: the whole decoded text, not a slice of it, so every character is one load. */
  constructor(text: string, start: number, delimiter: Delimiter) {
    this.#text = text;
    this.#len = text.length;
    this.#delim = delimiter.charCodeAt(0);
    this.pos = start;
    this.#nextLf = text.indexOf('\n', start);
    this.#nextCr = text.indexOf('\r', start);
  }

  /** Reads one record: its number of values, 0 at the end, IRREGULAR (pos unchanged) where Papa Parse must take over. */
  next(): number {
    const text = this.#text;
    const len = this.#len;
    const delim = this.#delim;
    const cells = this.cells;
    const width = this.width;
    const keep = this.keep;
    const start = this.pos;
    if (start >= len) return 0;
    let pos = start;
    let n = 0;
    this.cut = 0;
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
          if (c !== delim && c !== 10 && c !== 13) return IRREGULAR;
        }
        if (isWanted) {
          value = text.substring(pos + 1, close);
          if (isEscaped) value = value.replaceAll('""', '"');
        }
      } else {
        end = pos;
        while (end < len) {
          const c = text.charCodeAt(end);
          if (c === delim || c === 10 || c === 13) break;
          end++;
        }
        if (isWanted) value = text.substring(pos, end);
      }
      if (value.length > MAX_VALUE_LENGTH) {
        value = value.slice(0, MAX_VALUE_LENGTH);
        this.cut++;
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
      this.pos = afterBreak(text, end);
      break;
    }
    return n;
  }

  /** Line breaks inside the last record (multi-line values): every LF, and every CR not followed by LF. */
  spannedLines(start: number): number {
    const text = this.#text;
    const end = this.end;
    let n = 0;
    let lf = this.#nextLf;
    if (lf !== -1 && lf < start) lf = text.indexOf('\n', start);
    while (lf !== -1 && lf < end) {
      n++;
      lf = text.indexOf('\n', lf + 1);
    }
    this.#nextLf = lf;
    let cr = this.#nextCr;
    if (cr !== -1 && cr < start) cr = text.indexOf('\r', start);
    while (cr !== -1 && cr < end) {
      if (text.charCodeAt(cr + 1) !== 10) n++;
      cr = text.indexOf('\r', cr + 1);
    }
    this.#nextCr = cr;
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
 * NUL characters (a file cut off while being written, or bytes of another encoding) and byte-order marks inside
 * the text (files joined into one) are removed, and said so: either would otherwise sit invisibly inside a value.
 */
function cleanText(text: string, file: string | undefined, issues: Issue<CsvIssueCode>[]): string {
  let out = text;
  // A regular expression, not indexOf: on two-byte strings V8's indexOf('\0') stops at every ASCII character.
  if (/\0/.test(out)) {
    const before = out.length;
    out = out.replaceAll('\0', '');
    issues.push({
      code: 'nul-bytes',
      severity: 'warning',
      file,
      message: `The file holds ${(before - out.length).toLocaleString('en')} NUL characters; they were removed. A file cut off while it was written, or bytes of another encoding, leave them: check its last rows.`,
    });
  }
  if (out.indexOf('\ufeff') !== -1) {
    const before = out.length;
    out = out.replaceAll('\ufeff', '');
    issues.push({
      code: 'stray-bom',
      severity: 'warning',
      file,
      message: `The file holds ${before - out.length} byte-order mark(s) (U+FEFF) after its start; they were removed. Files joined into one carry the second file's mark.`,
    });
  }
  return out;
}

/** Header names that occur more than once (compared as `findColumn` compares them), with their 1-based columns. */
function duplicateHeaders(headers: readonly string[]): { name: string; columns: number[] }[] {
  const seen = new Map<string, number[]>();
  headers.forEach((h, i) => {
    if (!h) return;
    const k = normName(h);
    const list = seen.get(k);
    if (list) list.push(i + 1);
    else seen.set(k, [i + 1]);
  });
  const out: { name: string; columns: number[] }[] = [];
  for (const columns of seen.values())
    if (columns.length > 1) out.push({ name: headers[columns[0]! - 1]!, columns });
  return out;
}

const normName = (s: string) => s.toLowerCase().replace(/[\s_\-.]/g, '');

/** Leading blank lines and the `#TYPE` line: where the header starts, on which physical line, and the type. */
function skipPreamble(text: string): { offset: number; headerLine: number; typeName?: string } {
  let offset = 0;
  let headerLine = 1;
  let typeName: string | undefined;
  for (;;) {
    const end = lineBreakAt(text, offset);
    const line = text.slice(offset, end === -1 ? text.length : end);
    if (line.trim() === '' && end !== -1) {
      offset = afterBreak(text, end);
      headerLine++;
      continue;
    }
    if (line.startsWith('#TYPE ') && end !== -1) {
      typeName = line.slice(6).trim();
      offset = afterBreak(text, end);
      headerLine++;
      continue;
    }
    break;
  }
  return { offset, headerLine, typeName };
}

/** The header row's names (at most MAX_COLUMNS, trimmed), with issues for too many and duplicate names. */
function headerNames(
  cells: readonly string[],
  count: number,
  startLine: number,
  file: string | undefined,
  issues: Issue<CsvIssueCode>[],
): string[] {
  if (count > MAX_COLUMNS) {
    issues.push({
      code: 'too-large',
      severity: 'warning',
      file,
      line: startLine,
      message: `The header has ${count.toLocaleString('en')} columns; only the first ${MAX_COLUMNS.toLocaleString('en')} are read.`,
    });
    count = MAX_COLUMNS;
  }
  const headers = cells.slice(0, count).map((h) => h.trim());
  const duplicates = duplicateHeaders(headers);
  if (duplicates.length) {
    issues.push({
      code: 'duplicate-header',
      severity: 'warning',
      file,
      line: startLine,
      message: `The header names ${duplicates.map((d) => `"${d.name}" (columns ${d.columns.join(', ')})`).join(', ')} more than once; the first column of each name is used.`,
    });
  }
  return headers;
}

/** The counted issues past `maxRowIssues`, and repeated headers, each said once at the end. */
function overflowIssues(
  file: string | undefined,
  maxRowIssues: number,
  counts: { cut: number; repeats: number; width: number },
): Issue<CsvIssueCode>[] {
  const issues: Issue<CsvIssueCode>[] = [];
  if (counts.cut > maxRowIssues) {
    issues.push({
      code: 'value-too-long',
      severity: 'warning',
      file,
      message: `${counts.cut - maxRowIssues} more values were cut at ${MAX_VALUE_LENGTH.toLocaleString('en')} characters.`,
    });
  }
  if (counts.repeats > 1) {
    issues.push({
      code: 'repeated-header',
      severity: 'warning',
      file,
      message: `The header row repeats ${counts.repeats} times in all; none of them is read as a user.`,
    });
  }
  if (counts.width > maxRowIssues) {
    issues.push({
      code: 'row-width',
      severity: 'warning',
      file,
      message: `${counts.width - maxRowIssues} more lines have a different number of values than the header.`,
    });
  }
  return issues;
}

/** What the reader hands Papa Parse when it meets a malformed record: the rest of the text and its sinks. */
interface PapaRest {
  text: string;
  /** Where the first record the reader could not split starts. */
  from: number;
  delimiter: Delimiter;
  /** The physical line that record starts on, and the records read before it. */
  line: number;
  records: number;
  issues: Issue<CsvIssueCode>[];
  maxRowIssues: number;
  opts: ReadCsvOptions;
  progressBase: number;
  total: number;
  /** The header once read; the columns to keep once the first data row is read (null: all). */
  headers: () => string[] | undefined;
  mask: () => Uint8Array | null;
  take: (cells: string[], count: number, startLine: number) => void;
  noteCut: (startLine: number, n: number) => void;
}

/** Papa Parse reads the rest of the text from the first malformed record on, into the same `take`. */
function readRestWithPapa(r: PapaRest): void {
  const { opts, issues, maxRowIssues, take, noteCut } = r;
  const file = opts.file;
  const onRow = opts.onRow;
  const buffer: string[] = [];
  let line = r.line;
  let quoteIssues = 0;
  let recordsBefore = r.records;
  let lastStart = line;
  let lastSpan = 0;
  let isUnclosed = false;
  // Papa Parse knows one line ending per text: every CRLF and lone CR becomes LF, as the reader reads them.
  let rest = r.from ? r.text.slice(r.from) : r.text;
  if (rest.indexOf('\r') !== -1) rest = rest.replace(/\r\n?/g, '\n');
  Papa.parse<string[]>(rest, {
    delimiter: r.delimiter,
    newline: '\n',
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
        if (err.code === 'MissingQuotes') isUnclosed = true;
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
        let cut = 0;
        for (let k = 0; k < row.length; k++) {
          const cell = row[k]!;
          if (cell.indexOf('\n') !== -1) spanned += countNewlines(cell);
          if (cell.length > MAX_VALUE_LENGTH) {
            row[k] = cell.slice(0, MAX_VALUE_LENGTH);
            cut++;
          }
        }
        lastStart = startLine;
        lastSpan = spanned;
        line += 1 + spanned;
        const headers = r.headers();
        if (headers && row.length === 1 && row[0] === '') continue;
        if (cut) noteCut(startLine, cut);
        if (!headers) {
          take(row, row.length, startLine);
          continue;
        }
        const cells = onRow ? buffer : row;
        const width = headers.length;
        const count = row.length;
        const mask = r.mask();
        for (let k = 0; k < width; k++) cells[k] = k < count && (!mask || mask[k]) ? row[k]! : '';
        take(cells, count, startLine);
      }
      opts.onProgress?.(r.progressBase + result.meta.cursor, r.total);
    },
  });
  if (isUnclosed && lastSpan > 0) {
    // Papa Parse reads everything after a quote that never closes as one value: say how much that swallowed.
    issues.push({
      code: 'unclosed-quote',
      severity: 'warning',
      file,
      line: lastStart,
      message: `Line ${lastStart} opens a quoted value that never closes, so the ${lastSpan.toLocaleString('en')} lines after it were read as part of that one value, not as rows: they are missing from the results. Look for an odd number of " on that line and export again.`,
    });
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

  text = cleanText(text, file, issues);

  const { offset, headerLine, typeName } = skipPreamble(text);
  const body = offset ? text.slice(offset) : text;
  if (body.trim() === '') {
    throw new InputError({
      code: 'empty-file',
      severity: 'error',
      file,
      message: 'The file has no header row and no data.',
    });
  }
  const firstLineEnd = lineBreakAt(text, offset);
  const delimiter =
    opts.delimiter ?? sniffDelimiter(text.slice(offset, firstLineEnd === -1 ? text.length : firstLineEnd));

  let headers: string[] | undefined;
  let firstRow: string[] | undefined;
  let keep: Uint8Array | null = null;
  const rows: string[][] = [];
  const lines: number[] = [];
  let rowCount = 0;
  let line = headerLine;
  let widthIssues = 0;
  const maxRowIssues = opts.maxRowIssues ?? 20;
  const total = body.length;
  const onRow = opts.onRow;
  const reader = new RecordReader(text, offset, delimiter);

  let cutIssues = 0;
  let repeats = 0;
  /** A column to compare first when looking for a repeated header row: one that is read in every row. */
  let probe = 0;
  const noteCut = (startLine: number, n: number) => {
    cutIssues += n;
    if (cutIssues - n < maxRowIssues) {
      issues.push({
        code: 'value-too-long',
        severity: 'warning',
        file,
        line: startLine,
        message: `Line ${startLine} has a value longer than ${MAX_VALUE_LENGTH.toLocaleString('en')} characters; it was cut there (an unbalanced quote can make the rest of a file one value).`,
      });
    }
  };
  /** True for a data row that repeats the header: two exports joined into one file. */
  const isHeaderAgain = (cells: readonly string[], count: number, width: number): boolean => {
    const h = headers!;
    const p = cells[probe]!;
    if (width < 2 || count !== width || p.length < h[probe]!.length || p.trim() !== h[probe]) return false;
    const mask: Uint8Array | null = firstRow ? keep : null;
    let named = 0;
    for (let k = 0; k < width; k++) {
      if (mask && !mask[k]) continue;
      if (cells[k]!.trim() !== h[k]) return false;
      if (h[k]) named++;
    }
    // Two names at least: one column alone could hold its own name as a value.
    return named >= 2;
  };

  /** The header, or one data row of `count` values in `cells` (which may be reused once this returns). */
  const take = (cells: string[], count: number, startLine: number): void => {
    if (!headers) {
      headers = headerNames(cells, count, startLine, file, issues);
      const wanted = opts.columns?.(headers);
      if (wanted) {
        keep = new Uint8Array(headers.length);
        for (const i of wanted) if (i >= 0 && i < keep.length) keep[i] = 1;
      }
      // The first data row is read whole; `keep` applies from the second.
      reader.width = headers.length;
      reader.cells = Array.from({ length: headers.length }, () => '');
      probe = Math.max(
        0,
        headers.findIndex((h, k) => h !== '' && (!keep || keep[k] === 1)),
      );
      return;
    }
    const width = headers.length;
    const at = cells[probe]!.length - headers[probe]!.length;
    if (at >= 0 && at <= 8 && (at === 0 ? cells[probe] === headers[probe] : true)) {
      if (isHeaderAgain(cells, count, width)) {
        if (++repeats === 1) {
          issues.push({
            code: 'repeated-header',
            severity: 'warning',
            file,
            line: startLine,
            message: `Line ${startLine} repeats the header row (were two exports joined into one file?); it is not read as a user.`,
          });
        }
        return;
      }
    }
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
    if (reader.cut) noteCut(startLine, reader.cut);
    take(reader.cells, count, startLine);
    if (reader.pos >= nextCheck) {
      nextCheck = reader.pos + CHUNK;
      if (opts.signal?.aborted) break;
      opts.onProgress?.(reader.pos - offset, total);
    }
  }

  if (fallbackAt === -1 && !opts.signal?.aborted) opts.onProgress?.(total, total);
  if (fallbackAt !== -1 && !opts.signal?.aborted) {
    readRestWithPapa({
      text,
      from: fallbackAt,
      delimiter,
      line,
      records,
      issues,
      maxRowIssues,
      opts,
      progressBase: fallbackAt - offset,
      total,
      headers: () => headers,
      mask: () => (firstRow ? keep : null),
      take,
      noteCut,
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
  issues.push(...overflowIssues(file, maxRowIssues, { cut: cutIssues, repeats, width: widthIssues }));
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
  const wanted = names.map(normName);
  for (const w of wanted) {
    const i = headers.findIndex((h) => normName(h) === w);
    if (i !== -1) return i;
  }
  return -1;
}
