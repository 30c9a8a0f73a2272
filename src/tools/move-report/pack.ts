import type { MoveReport, MoveRow } from './types.ts';

/**
 * Moves as columns for the trip from worker to page. Structured-cloning 100,000 row objects of 55 fields blocks the
 * page for about half a second when they arrive; numbers in transferred Float64Arrays, repeated strings as codes
 * into a small dictionary and the other strings joined into one text arrive in a few milliseconds.
 */
const NUMBERS = [
  'index',
  'line',
  'percentComplete',
  'primaryBytes',
  'archiveBytes',
  'bytesTransferred',
  'movedBytes',
  'primaryItems',
  'archiveItems',
  'itemsTransferred',
  'badItems',
  'largeItems',
  'missingItems',
  'queuedAt',
  'startedAt',
  'seededAt',
  'lastSyncAt',
  'finalSyncAt',
  'completedAt',
  'suspendedAt',
  'failedAt',
  'lastUpdateAt',
  'overallMs',
  'inProgressMs',
  'queuedMs',
  'suspendedMs',
  'failedMs',
  'idleMs',
  'transientMs',
  'gbPerHour',
  'badItemRows',
] as const satisfies readonly (keyof MoveRow)[];

const STRINGS = [
  'name',
  'alias',
  'identity',
  'exchangeGuid',
  'batch',
  'status',
  'statusDetail',
  'syncStage',
  'flags',
  'recipientType',
  'dcs',
  'badItemLimit',
  'largeItemLimit',
  'failureType',
  'failureSide',
  'failureCode',
  'message',
  'sourceServer',
  'targetDatabase',
  'remoteHost',
] as const satisfies readonly (keyof MoveRow)[];

export type NumberField = (typeof NUMBERS)[number];
export type StringField = (typeof STRINGS)[number];

/** Few distinct values (status, batch): codes into a dictionary. Many (names, GUIDs): one joined text. */
type StringColumn = { values: string[]; codes: Int32Array } | { text: string; ends: Uint32Array };

export interface PackedMoves {
  count: number;
  numbers: Record<NumberField, Float64Array>;
  strings: Record<StringField, StringColumn>;
  /** Bit 0 MoveOnlyArchiveMailbox, bit 1 MoveOnlyPrimaryMailbox. */
  only: Uint8Array;
  /** count × stallColumns.length, row by row. */
  stallMs: Float64Array;
}

export type PackedReport = Omit<MoveReport, 'moves'> & { packed: PackedMoves };

const DICTIONARY_LIMIT = 4096;

function packStrings(moves: readonly MoveRow[], field: StringField): StringColumn {
  const index = new Map<string, number>();
  const codes = new Int32Array(moves.length);
  for (let i = 0; i < moves.length; i++) {
    const v = moves[i]![field];
    let code = index.get(v);
    if (code === undefined) {
      if (index.size >= DICTIONARY_LIMIT) return joinStrings(moves, field);
      index.set(v, (code = index.size));
    }
    codes[i] = code;
  }
  return { values: [...index.keys()], codes };
}

function joinStrings(moves: readonly MoveRow[], field: StringField): StringColumn {
  const ends = new Uint32Array(moves.length);
  const parts: string[] = new Array(moves.length);
  let at = 0;
  for (let i = 0; i < moves.length; i++) {
    const v = moves[i]![field];
    parts[i] = v;
    at += v.length;
    ends[i] = at;
  }
  return { text: parts.join(''), ends };
}

/** The report with its moves packed, and the buffers to transfer. */
export function packReport(report: MoveReport): { result: PackedReport; transfer: ArrayBuffer[] } {
  const { moves, ...rest } = report;
  const n = moves.length;
  const numbers = {} as Record<NumberField, Float64Array>;
  for (const f of NUMBERS) {
    const col = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const v = moves[i]![f];
      col[i] = v === null ? NaN : v;
    }
    numbers[f] = col;
  }
  const strings = {} as Record<StringField, StringColumn>;
  for (const f of STRINGS) strings[f] = packStrings(moves, f);
  const only = new Uint8Array(n);
  const k = report.stallColumns.length;
  const stallMs = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    const m = moves[i]!;
    only[i] = (m.isArchiveOnly ? 1 : 0) | (m.isPrimaryOnly ? 2 : 0);
    for (let s = 0; s < k; s++) stallMs[i * k + s] = m.stallMs[s] ?? 0;
  }
  const transfer: ArrayBuffer[] = [only.buffer, stallMs.buffer];
  for (const f of NUMBERS) transfer.push(numbers[f].buffer as ArrayBuffer);
  for (const f of STRINGS) {
    const c = strings[f];
    transfer.push(('codes' in c ? c.codes.buffer : c.ends.buffer) as ArrayBuffer);
  }
  return { result: { ...rest, packed: { count: n, numbers, strings, only, stallMs } }, transfer };
}

/** Page side: reads single values without building 100,000 objects; `row(i)` builds one when a view needs it. */
export class MoveTable {
  readonly length: number;
  /** 0 … length-1, the rows a DataTable shows. */
  readonly indices: number[];

  constructor(
    private readonly p: PackedMoves,
    private readonly stallColumns: readonly string[],
  ) {
    this.length = p.count;
    this.indices = Array.from({ length: p.count }, (_, i) => i);
  }

  num(field: NumberField, i: number): number | null {
    const v = this.p.numbers[field][i]!;
    return v === v ? v : null;
  }

  str(field: StringField, i: number): string {
    const c = this.p.strings[field];
    if ('codes' in c) return c.values[c.codes[i]!]!;
    return c.text.slice(i ? c.ends[i - 1]! : 0, c.ends[i]!);
  }

  row(i: number): MoveRow {
    const row = {} as Record<string, unknown>;
    for (const f of NUMBERS) row[f] = this.num(f, i);
    for (const f of STRINGS) row[f] = this.str(f, i);
    const k = this.stallColumns.length;
    row.stallMs = Array.from(this.p.stallMs.subarray(i * k, i * k + k));
    row.isArchiveOnly = (this.p.only[i]! & 1) === 1;
    row.isPrimaryOnly = (this.p.only[i]! & 2) === 2;
    row.index = i;
    row.line = this.num('line', i) ?? 0;
    row.badItemRows = this.num('badItemRows', i) ?? 0;
    return row as unknown as MoveRow;
  }

  rows(): MoveRow[] {
    return this.indices.map((i) => this.row(i));
  }
}

/** The report with row objects again (tests, small files). */
export function unpackReport(packed: PackedReport): MoveReport {
  const { packed: p, ...rest } = packed;
  return { ...rest, moves: new MoveTable(p, packed.stallColumns).rows() };
}
