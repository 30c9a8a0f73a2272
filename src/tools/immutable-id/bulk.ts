import type { CsvTable, ReadCsvOptions } from '../../lib/csv/read.ts';
import { unusableInput } from '../../lib/files/sniff.ts';
import { isAbortError, isInputError, throwIfAborted, type Issue, type RunOptions } from '../../lib/issue.ts';
import { guidTextToBytes } from '../../lib/id/guid.ts';
import { convertId } from './core.ts';
import { ID_KINDS, type IdKind, type IdResult } from './types.ts';

export const ID_EXPORT_HINT = [
  'Get-ADUser -Filter * | Select-Object SamAccountName,ObjectGUID |',
  '  Export-Csv ad-ids.csv -NoTypeInformation -Encoding UTF8',
  'Get-MgUser -All -Property userPrincipalName,onPremisesImmutableId | Select-Object UserPrincipalName,OnPremisesImmutableId |',
  '  Export-Csv entra-ids.csv -NoTypeInformation -Encoding UTF8',
].join('\n');

export interface IdFile {
  /** The table when the file was a readable CSV with at least one row. */
  table?: CsvTable & { name: string };
  /** The column whose values look most like IDs. */
  column: number;
  /** Why the file was not used (severity error), or notes on reading it. */
  issues: Issue[];
}

/**
 * Reads a dropped file for bulk conversion inside its own boundary: empty, binary (a PNG renamed .csv, a
 * workbook) and header-only files give an error and no table, so nothing from them is shown as IDs. `read` is
 * the CSV reader, passed in so that Papa Parse loads with the first file, not with the page.
 */
export function readIdFile(
  name: string,
  bytes: Uint8Array,
  read: (bytes: Uint8Array, opts: ReadCsvOptions) => CsvTable,
): IdFile {
  const unusable = unusableInput(name, bytes, {
    expected: 'a CSV or text file with one ID per line',
    hint: ID_EXPORT_HINT,
  });
  if (unusable) return { column: 0, issues: [unusable] };
  try {
    const t = withoutIdHeader(read(bytes, { file: name }));
    if (!t.rows.length) {
      return {
        column: 0,
        issues: [
          ...t.issues,
          {
            code: 'no-rows',
            severity: 'error',
            file: name,
            message: `${name} has a header (${t.headers.slice(0, 5).join(', ')}) but no rows: there is nothing to convert.`,
            hint: ID_EXPORT_HINT,
          },
        ],
      };
    }
    return { table: { ...t, name }, column: Math.max(0, guessIdColumn(t.headers, t.rows)), issues: t.issues };
  } catch (e) {
    if (isAbortError(e)) throw e;
    const issue: Issue = isInputError(e)
      ? { ...e.issue, hint: e.issue.hint ?? ID_EXPORT_HINT }
      : {
          code: 'unreadable',
          severity: 'error',
          file: name,
          message: `${name} could not be read: ${e instanceof Error ? e.message : String(e)}`,
          hint: ID_EXPORT_HINT,
        };
    return { column: 0, issues: [issue] };
  }
}

/**
 * The values of one column, packed for the page: one string and where each value ends, so a million IDs cross
 * from the worker as two allocations instead of a million strings.
 */
export class PackedValues {
  constructor(
    readonly text: string,
    readonly ends: Uint32Array,
  ) {}
  get length(): number {
    return this.ends.length;
  }
  at(i: number): string | undefined {
    if (i < 0 || i >= this.ends.length) return undefined;
    return this.text.slice(i ? this.ends[i - 1] : 0, this.ends[i]);
  }
  static of(values: readonly string[]): PackedValues {
    const ends = new Uint32Array(values.length);
    let end = 0;
    for (let i = 0; i < values.length; i++) ends[i] = end += values[i]!.length;
    return new PackedValues(values.join(''), ends);
  }
}

/** Kinds no header name reads as: a first line holding one of these is data (a plain list of IDs, no header). */
const STRONG_ID: ReadonlySet<IdKind> = new Set(
  ID_KINDS.filter((k) => k !== 'text-anchor' && k !== 'string-anchor' && k !== 'invalid'),
);

/**
 * A list of IDs one per line has no header: its first line is an ID, and taken as a header it was lost from the
 * table and named the column. Such a line goes back among the rows, and the columns are numbered.
 */
export function withoutIdHeader(t: CsvTable): CsvTable {
  if (!t.headers.some((h) => STRONG_ID.has(convertId(h.trim()).kind))) return t;
  return {
    ...t,
    headers: t.headers.map((_, i) => `Column ${i + 1}`),
    rows: [t.headers, ...t.rows],
    lines: t.lines.length ? [Math.max(1, t.lines[0]! - 1), ...t.lines] : [],
    firstRow: t.headers,
    rowCount: t.rowCount + 1,
  };
}

/** A dropped file as the page needs it: the header to pick a column from, and that column's values. */
export interface IdColumn {
  name: string;
  headers: string[];
  /** Data rows in the file. */
  rows: number;
  /** The column read; -1 when the file was not usable. */
  column: number;
  issues: Issue[];
  text: string;
  ends: Uint32Array;
}

/**
 * Reads a file and packs the non-empty cells of `column` (the guessed ID column when not given or out of range);
 * an unusable file gives its issues and no values.
 */
export function readIdColumn(
  name: string,
  bytes: Uint8Array,
  read: (bytes: Uint8Array, opts: ReadCsvOptions) => CsvTable,
  column?: number,
): IdColumn {
  const f = readIdFile(name, bytes, read);
  if (!f.table)
    return { name, headers: [], rows: 0, column: -1, issues: f.issues, text: '', ends: new Uint32Array() };
  const { headers, rows } = f.table;
  const c = column !== undefined && column >= 0 && column < headers.length ? column : f.column;
  const packed = PackedValues.of(columnValues(rows, c));
  return {
    name,
    headers,
    rows: rows.length,
    column: c,
    issues: f.issues,
    text: packed.text,
    ends: packed.ends,
  };
}

/** Kinds that show a column holds IDs; plain strings and junk do not. */
const ID_LIKE: ReadonlySet<IdKind> = new Set(
  ID_KINDS.filter((k) => k !== 'string-anchor' && k !== 'invalid'),
);

/**
 * The first column whose first non-empty values mostly read as IDs (a Get-ADUser export: ObjectGUID, not
 * DistinguishedName or SID); the first column when none does, -1 without columns.
 */
export function guessIdColumn(headers: readonly string[], rows: readonly string[][], sample = 50): number {
  for (let c = 0; c < headers.length; c++) {
    let seen = 0;
    let ids = 0;
    for (const row of rows) {
      const v = row[c]?.trim();
      if (!v) continue;
      seen++;
      if (ID_LIKE.has(convertId(v).kind)) ids++;
      if (seen >= sample) break;
    }
    if (seen > 0 && ids / seen >= 0.6) return c;
  }
  return headers.length ? 0 : -1;
}

/** The non-empty cells of one column, in order. */
export function columnValues(rows: readonly string[][], column: number): string[] {
  const out: string[] = [];
  for (const row of rows) {
    const v = row[column];
    if (v !== undefined && v.trim() !== '') out.push(v);
  }
  return out;
}

/**
 * Converts many values in chunks, yielding to the event loop between them so a page stays responsive with
 * hundreds of thousands of lines (`onChunk` lets the caller build its table as it goes); stops with an
 * AbortError when the signal fires.
 */
export async function convertAll(
  values: readonly string[],
  opts: RunOptions & { chunk?: number; onChunk?: (results: IdResult[]) => void } = {},
): Promise<IdResult[]> {
  const chunk = opts.chunk ?? 5000;
  const out: IdResult[] = [];
  for (let i = 0; i < values.length; i += chunk) {
    throwIfAborted(opts.signal);
    const end = Math.min(values.length, i + chunk);
    const part: IdResult[] = [];
    for (let k = i; k < end; k++) part.push(convertId(values[k]!));
    for (const r of part) out.push(r);
    opts.onChunk?.(part);
    opts.onProgress?.(end, values.length);
    if (end < values.length) await new Promise((resolve) => setTimeout(resolve, 0));
  }
  return out;
}

/**
 * splitValues for a long paste, a slice of about `step` characters at a time with `pause` between them, so a
 * million lines never hold the page in one task. The same lines as splitValues, except that sixteen byte-lines
 * are not joined: leave short texts to splitValues.
 */
export async function splitLongText(
  text: string,
  pause: () => Promise<void>,
  step = 1 << 20,
): Promise<string[]> {
  const out: string[] = [];
  let start = 0;
  while (start < text.length) {
    let end = Math.min(text.length, start + step);
    // Cut after a line feed, so a CRLF pair is never split.
    if (end < text.length) {
      const lf = text.indexOf('\n', end);
      end = lf === -1 ? text.length : lf + 1;
    }
    for (const line of text.slice(start, end).split(/\r\n|\r|\n/)) {
      const v = line.trim();
      if (v !== '') out.push(v);
    }
    start = end;
    if (start < text.length) await pause();
  }
  return out;
}

const GUID_BYTES = new Uint8Array(16);

/**
 * What counting a bulk list needs of one value: its kind and how many table rows (readings, at least one) it
 * takes. A `D` GUID, what bulk lists mostly hold, is known by convertId's own first test without building its
 * seven forms: a million of those strings cost the page long garbage-collector pauses.
 */
export function kindOf(value: string): { kind: IdKind; rows: number } {
  if (value.length === 36 && guidTextToBytes(value, 0, GUID_BYTES)) return { kind: 'guid', rows: 1 };
  const r = convertId(value);
  return { kind: r.kind, rows: Math.max(1, r.readings.length) };
}

export interface BulkSummary {
  values: number;
  /** Read as one or more GUIDs (including two-way hex). */
  ids: number;
  /** Of those, 32 bare hex digits shown both ways. */
  ambiguous: number;
  anchors: number;
  invalid: number;
}

export function summarise(results: readonly IdResult[]): BulkSummary {
  const s: BulkSummary = { values: results.length, ids: 0, ambiguous: 0, anchors: 0, invalid: 0 };
  for (const r of results) {
    if (r.kind === 'invalid') s.invalid++;
    else if (r.kind === 'text-anchor' || r.kind === 'string-anchor') s.anchors++;
    else {
      s.ids++;
      if (r.kind === 'hex-ambiguous') s.ambiguous++;
    }
  }
  return s;
}
