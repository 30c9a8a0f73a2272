import type { CsvTable } from '../../lib/csv/read.ts';
import { inspectColumns, isTypeName } from '../../lib/csv/columns.ts';
import { detectDateOrder, parseDateParts, toEpochMs, type DateOrder } from '../../lib/culture/dates.ts';
import { InputError, throwIfAborted } from '../../lib/issue.ts';
import { FLATTENED_EXPORT, CLIXML_EXPORT } from './export-commands.ts';
import { NO_BATCH } from './report.ts';
import type { MoveReportIssue, MoveRow, MovesMeta } from './types.ts';

const GIB = 2 ** 30;

/**
 * What one value may be, documented in docs/move-report.md. A value outside is counted as empty and reported
 * once per column with its first line: no single row can make a total absurd, and totals stay exact integers.
 */
export const LIMITS = {
  /** One mailbox's size or bytes transferred: 4 TiB (an Exchange Online archive tops out at 1.5 TB). */
  bytes: 2 ** 42,
  /** Items in one mailbox. */
  items: 1_000_000_000,
  /** A duration: ten years. */
  durationMs: 3650 * 86_400_000,
  /** Dates before 1990 or more than two days after now are left empty: they would stretch the timeline. */
  earliest: Date.UTC(1990, 0, 1),
  aheadMs: 2 * 86_400_000,
  /** A text value; a failure message may be longer. Longer text is cut with `…`. */
  text: 1024,
  message: 16 * 1024,
  /** A whole file: decoded it must fit in one JavaScript string (~512 M characters). */
  fileBytes: 500 * 2 ** 20,
} as const;

/** Headers compared without case, spaces and punctuation: `TotalMailboxSize (bytes)` = `TotalMailboxSizeBytes`. */
export function normaliseHeader(header: string): string {
  return header.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/**
 * Exact bytes of a ByteQuantifiedSize as Exchange prints it, always invariant: `5.294 GB (5,684,054,577 bytes)`,
 * `0 B (0 bytes)`. NaN when the text has no `(… bytes)` part.
 */
export function parseSizeBytes(text: string): number {
  const open = text.lastIndexOf('(');
  if (open === -1) return NaN;
  let n = 0;
  let digits = 0;
  let i = open + 1;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      n = n * 10 + (c - 48);
      digits++;
    } else if (c !== 44 && c !== 46 && c !== 160 && c !== 0x202f && c !== 39) break;
  }
  if (!digits || text.indexOf('byte', i) === -1) return NaN;
  return n;
}

const UNIT: Record<string, number> = { b: 1, kb: 2 ** 10, mb: 2 ** 20, gb: 2 ** 30, tb: 2 ** 40 };
const APPROX = /^\s*(\d+(?:[.,]\d+)?)\s*(b|kb|mb|gb|tb)\b/i;

/** `5.294 GB` without the bytes part (a script cut it off): binary units, as ByteQuantifiedSize prints them. */
export function parseApproxSize(text: string): number {
  const m = APPROX.exec(text);
  if (!m) return NaN;
  return Math.round(Number(m[1]!.replace(',', '.')) * UNIT[m[2]!.toLowerCase()]!);
}

/**
 * Whether the rounded size in front agrees with the exact bytes in brackets, within the rounding its own
 * decimals allow: `1.234 GB (999,999,999,999 bytes)` is forged or damaged. True when there is no rounded size.
 */
export function isSizeConsistent(text: string, bytes: number): boolean {
  const m = APPROX.exec(text);
  if (!m) return true;
  const number = m[1]!.replace(',', '.');
  const decimals = number.includes('.') ? number.length - number.indexOf('.') - 1 : 0;
  const unit = UNIT[m[2]!.toLowerCase()]!;
  const slack = 0.5 * 10 ** -decimals * unit * 1.01 + 1;
  return Math.abs(Number(number) * unit - bytes) <= slack;
}

function isDigits(v: string): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return v.length > 0;
}

/**
 * .NET TimeSpan text, culture-invariant: `[-][d.]hh:mm:ss[.fffffff]` → milliseconds. NaN when not a time span.
 */
export function parseTimeSpanMs(text: string): number {
  // Most stall and failure columns are zero.
  if (text === '00:00:00') return 0;
  let i = 0;
  const len = text.length;
  while (i < len && text.charCodeAt(i) === 32) i++;
  let sign = 1;
  if (text.charCodeAt(i) === 45) {
    sign = -1;
    i++;
  }
  const fields = [0, 0, 0, 0];
  let count = 0;
  let hasDays = false;
  let value = 0;
  let digits = 0;
  let fraction = 0;
  let fractionScale = 1;
  let inFraction = false;
  for (; i < len; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (inFraction) {
        if (fractionScale < 1e7) {
          fraction = fraction * 10 + (c - 48);
          fractionScale *= 10;
        }
      } else value = value * 10 + (c - 48);
      digits++;
    } else if (c === 58 /* : */) {
      if (!digits || inFraction || count > 2) return NaN;
      fields[count++] = value;
      value = 0;
      digits = 0;
    } else if (c === 46 /* . */) {
      if (!digits || inFraction) return NaN;
      if (count === 0 && !hasDays) {
        hasDays = true;
        fields[3] = value;
        value = 0;
        digits = 0;
      } else if (count === 2) {
        inFraction = true;
        fields[count++] = value;
        value = 0;
        digits = 0;
      } else return NaN;
    } else if (c === 32 || c === 13) {
      break;
    } else return NaN;
  }
  if (!inFraction) {
    if (!digits || count !== 2) return NaN;
    fields[2] = value;
  }
  const [h, m, s, d] = fields as [number, number, number, number];
  if (m > 59 || s > 59) return NaN;
  return sign * (((d * 24 + h) * 60 + m) * 60_000 + s * 1000 + (fraction / fractionScale) * 1000);
}

/** The columns the report reads, each by every name exports give it. Sizes also under a flattened bytes name. */
const COLUMNS = {
  displayName: ['DisplayName'],
  alias: ['Alias'],
  identity: ['Identity', 'MailboxIdentity', 'UserPrincipalName', 'EmailAddress'],
  exchangeGuid: ['ExchangeGuid', 'MailboxGuid'],
  batch: ['BatchName', 'Batch', 'BatchId'],
  status: ['Status', 'MoveStatus'],
  statusDetail: ['StatusDetail'],
  syncStage: ['SyncStage'],
  flags: ['Flags'],
  recipientType: ['RecipientTypeDetails'],
  dcs: ['DataConsistencyScore'],
  percentComplete: ['PercentComplete'],
  primaryItems: ['TotalMailboxItemCount'],
  archiveItems: ['TotalArchiveItemCount'],
  itemsTransferred: ['ItemsTransferred'],
  badItems: ['BadItemsEncountered'],
  largeItems: ['LargeItemsEncountered'],
  missingItems: ['MissingItemsEncountered'],
  badItemLimit: ['BadItemLimit'],
  largeItemLimit: ['LargeItemLimit'],
  failureType: ['FailureType'],
  failureSide: ['FailureSide'],
  failureCode: ['FailureCode'],
  message: ['Message', 'FailureMessage'],
  sourceServer: ['SourceServer'],
  targetDatabase: ['TargetDatabase'],
  remoteHost: ['RemoteHostName'],
} as const;

const SIZES = {
  primaryBytes: {
    bytes: ['TotalMailboxSizeBytes', 'TotalMailboxSizeInBytes', 'TotalPrimarySizeBytes'],
    text: ['TotalMailboxSize'],
  },
  archiveBytes: { bytes: ['TotalArchiveSizeBytes', 'TotalArchiveSizeInBytes'], text: ['TotalArchiveSize'] },
  bytesTransferred: {
    bytes: ['BytesTransferredBytes', 'BytesTransferredInBytes'],
    text: ['BytesTransferred'],
  },
} as const;

const DATES = {
  queuedAt: 'QueuedTimestamp',
  startedAt: 'StartTimestamp',
  seededAt: 'InitialSeedingCompletedTimestamp',
  lastSyncAt: 'LastSuccessfulSyncTimestamp',
  finalSyncAt: 'FinalSyncTimestamp',
  completedAt: 'CompletionTimestamp',
  suspendedAt: 'SuspendedTimestamp',
  failedAt: 'FailureTimestamp',
  lastUpdateAt: 'LastUpdateTimestamp',
} as const;

const DURATIONS = {
  overallMs: 'OverallDuration',
  inProgressMs: 'TotalInProgressDuration',
  queuedMs: 'TotalQueuedDuration',
  suspendedMs: 'TotalSuspendedDuration',
  failedMs: 'TotalFailedDuration',
  idleMs: 'TotalIdleDuration',
  transientMs: 'TotalTransientFailureDuration',
} as const;

/** What a type-name column held before Export-Csv turned it into its type; `isMinor` ones are only noted. */
const LOST: Record<string, { lost: string; isMinor?: boolean }> = {
  dataconsistencyscoringfactors: {
    lost: 'the factors behind each DataConsistencyScore (which kinds of items were skipped)',
  },
  report: { lost: 'the move report: failure history, bad and large items, session statistics' },
  skippeditemcounts: { lost: 'the count of skipped items per kind' },
  internalflags: { lost: 'internal MRS flags', isMinor: true },
  diagnosticinfo: { lost: 'diagnostic details', isMinor: true },
};

/** `TotalStalledDueToContentIndexingDuration` → `ContentIndexing`, `TotalStalledDueToReadCpu` → `ReadCpu`. */
export function stallKey(header: string): string {
  return header
    .trim()
    .replace(/^TotalStalledDueTo/i, '')
    .replace(/Duration$/i, '');
}

export interface ParsedMoves {
  moves: MoveRow[];
  stallColumns: string[];
  meta: MovesMeta;
  issues: MoveReportIssue[];
}

export interface ParseMovesOptions {
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  /** Epoch ms of "now" for the date window (zone-less dates are compared as written); defaults to now. */
  now?: number;
}

interface BadValues {
  count: number;
  line: number;
  example: string;
}

function indexOf(normalised: Map<string, number>, names: readonly string[]): number {
  for (const n of names) {
    const i = normalised.get(normaliseHeader(n));
    if (i !== undefined) return i;
  }
  return -1;
}

/** PowerShell never pads values, so trimming (costly on 10 million cells) only happens when an edge is blank. */
function cell(row: readonly string[], i: number): string {
  if (i < 0) return '';
  const v = row[i];
  if (!v) return '';
  return v.charCodeAt(0) > 32 && v.charCodeAt(v.length - 1) > 32 ? v : v.trim();
}

interface OutOfRange extends BadValues {
  /** What the column's values must be, for the message. */
  rules: Set<string>;
}

/** Reads typed cells and counts what it could not read or could not believe, once per column with the first line. */
class CellReader {
  readonly bad = new Map<string, BadValues>();
  readonly outOfRange = new Map<string, OutOfRange>();
  readonly lateDates = new Map<string, BadValues>();
  readonly longText = new Map<string, BadValues>();
  readonly approxSizes = new Map<string, number>();
  /** Whether the last size() read a plain number. */
  wasPlain = false;
  /** Running totals per column (sizes of one mailbox share one): a value that would pass 2^53 is refused. */
  private readonly sums: Float64Array;

  constructor(
    private readonly headers: readonly string[],
    readonly dates: DateReader,
    private readonly latest: number,
  ) {
    this.sums = new Float64Array(headers.length + 1);
  }

  private note(map: Map<string, BadValues>, i: number, line: number, value: string): BadValues {
    const column = this.headers[i]!;
    let b = map.get(column);
    if (b) b.count++;
    else {
      b = { count: 1, line, example: value.length > 60 ? value.slice(0, 57) + '…' : value };
      map.set(column, b);
    }
    return b;
  }

  noteBad(i: number, line: number, value: string): void {
    this.note(this.bad, i, line, value);
  }

  noteRange(i: number, line: number, value: string, rule: string): null {
    const b = this.note(this.outOfRange, i, line, value) as OutOfRange;
    (b.rules ??= new Set()).add(rule);
    return null;
  }

  /** Adds to the column's running total, or refuses the value when the total would stop being exact. */
  private sum(slot: number, i: number, n: number, line: number, v: string): number | null {
    const total = this.sums[slot]! + n;
    if (total > Number.MAX_SAFE_INTEGER)
      return this.noteRange(i, line, v, 'small enough that the column total stays below 2^53');
    this.sums[slot] = total;
    return n;
  }

  /** A text cell, cut at `max` characters (noted once per column): one huge cell cannot swamp the page. */
  text(row: readonly string[], i: number, line: number, max: number = LIMITS.text): string {
    const v = cell(row, i);
    if (v.length <= max) return v;
    this.note(this.longText, i, line, v);
    return v.slice(0, max - 1) + '…';
  }

  int(row: readonly string[], i: number, line: number): number | null {
    const v = cell(row, i);
    if (!v) return null;
    if (isDigits(v)) {
      const n = Number(v);
      if (n > LIMITS.items)
        return this.noteRange(i, line, v, `a count from 0 to ${LIMITS.items.toLocaleString('en-US')}`);
      return this.sum(i, i, n, line, v);
    }
    if (Number.isFinite(Number(v)))
      return this.noteRange(i, line, v, `a whole count from 0 to ${LIMITS.items.toLocaleString('en-US')}`);
    this.noteBad(i, line, v);
    return null;
  }

  percent(row: readonly string[], i: number, line: number): number | null {
    const v = cell(row, i);
    if (!v) return null;
    const n = Number(v);
    if (!Number.isFinite(n)) {
      this.noteBad(i, line, v);
      return null;
    }
    return n >= 0 && n <= 100 ? n : this.noteRange(i, line, v, 'a percentage from 0 to 100');
  }

  /** `slot` names the running total: primary and archive sizes share one, as they add up to the data moved. */
  size(row: readonly string[], i: number, line: number, slot = i): number | null {
    this.wasPlain = false;
    const v = cell(row, i);
    if (!v) return null;
    let n = parseSizeBytes(v);
    if (n === n) {
      if (n > LIMITS.bytes) return this.noteRange(i, line, v, 'at most 4 TiB for one mailbox');
      if (!isSizeConsistent(v, n))
        return this.noteRange(i, line, v, 'a rounded size that agrees with the exact bytes in brackets');
      return this.sum(slot, i, n, line, v);
    }
    if (isDigits(v)) {
      this.wasPlain = true;
      n = Number(v);
      if (n > LIMITS.bytes) return this.noteRange(i, line, v, 'at most 4 TiB for one mailbox');
      return this.sum(slot, i, n, line, v);
    }
    n = parseApproxSize(v);
    if (n === n) {
      if (n > LIMITS.bytes) return this.noteRange(i, line, v, 'at most 4 TiB for one mailbox');
      this.approxSizes.set(this.headers[i]!, (this.approxSizes.get(this.headers[i]!) ?? 0) + 1);
      return this.sum(slot, i, n, line, v);
    }
    if (!isTypeName(v)) this.noteBad(i, line, v);
    return null;
  }

  duration(row: readonly string[], i: number, line: number): number | null {
    const v = cell(row, i);
    if (!v) return null;
    const ms = parseTimeSpanMs(v);
    if (ms !== ms) {
      this.noteBad(i, line, v);
      return null;
    }
    return ms >= 0 && ms <= LIMITS.durationMs
      ? ms
      : this.noteRange(i, line, v, 'a time span from 00:00:00 to 3650 days');
  }

  /** A timestamp inside 1990…now+2 days, else empty (and counted): a 1979 or 2090 date would stretch the timeline. */
  date(row: readonly string[], i: number, line: number): number | null {
    const t = this.dates.read(row, i, line, this);
    if (t === null) return null;
    if (t >= LIMITS.earliest && t <= this.latest) return t;
    this.note(this.lateDates, i, line, cell(row, i));
    return null;
  }
}

/**
 * Dates in the exporting machine's culture. Day/month order is decided per file: one machine wrote every column,
 * so the first column that proves the order (a day above 12) settles all of them. The date part of each value goes
 * through dates.ts once per distinct day; the time of day is read here.
 */
class DateReader {
  order: DateOrder | undefined;
  isGuessed = false;
  isZoneLess = false;
  private readonly orders = new Map<number, DateOrder>();
  /** Epoch ms of each distinct date part, per day/month order. */
  private readonly days = new Map<DateOrder | undefined, Map<string, number | null>>();

  constructor(rows: readonly (readonly string[])[], columns: readonly number[]) {
    let proven: DateOrder | undefined;
    const guessed = new Map<number, DateOrder>();
    // A sample usually proves the order; whole columns are read only when it does not.
    for (const limit of [2000, Infinity]) {
      for (const i of columns) {
        const f = detectDateOrder(columnValues(rows, i, limit));
        if (f && !f.isGuessed) {
          proven = f.order;
          break;
        }
        if (f) guessed.set(i, f.order);
      }
      if (proven || rows.length <= 2000) break;
    }
    if (proven) for (const i of columns) this.orders.set(i, proven);
    else for (const [i, o] of guessed) this.orders.set(i, o);
    this.order = proven ?? guessed.values().next().value;
    this.isGuessed = !proven && guessed.size > 0;
  }

  read(row: readonly string[], i: number, line: number, cells: CellReader): number | null {
    const v = cell(row, i);
    if (!v) return null;
    const order = this.orders.get(i);
    const space = v.indexOf(' ');
    if (space > 0) {
      let days = this.days.get(order);
      if (!days) this.days.set(order, (days = new Map()));
      const text = v.slice(0, space);
      let day = days.get(text);
      if (day === undefined) {
        const parts = parseDateParts(text, order);
        day = parts && parts.offsetMinutes === undefined ? toEpochMs(parts) : null;
        days.set(text, day);
      }
      if (day !== null) {
        const time = parseClock(v, space + 1);
        if (time === time) {
          this.isZoneLess = true;
          return day + time;
        }
      }
    }
    const parts = parseDateParts(v, order);
    if (!parts) {
      cells.noteBad(i, line, v);
      return null;
    }
    if (parts.offsetMinutes === undefined) this.isZoneLess = true;
    return toEpochMs(parts);
  }
}

/**
 * `14:05:09`, `2:05:09 PM`, `8:33:08 a.m.`, with optional fraction → milliseconds since midnight; NaN for anything
 * else (a zone, say), which then goes through dates.ts whole.
 */
export function parseClock(text: string, start: number): number {
  const f = [0, 0, 0];
  let n = 0;
  let digits = 0;
  let i = start;
  let ms = 0;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      f[n] = f[n]! * 10 + (c - 48);
      if (++digits > 2) return NaN;
    } else if (c === 58 && digits && n < 2) {
      n++;
      digits = 0;
    } else break;
  }
  if (n < 1 || !digits) return NaN;
  if ((text.charCodeAt(i) === 46 || text.charCodeAt(i) === 44) && n === 2) {
    let scale = 100;
    for (i++; i < text.length && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57; i++) {
      ms += (text.charCodeAt(i) - 48) * scale;
      scale /= 10;
    }
  }
  while (text.charCodeAt(i) === 32) i++;
  let hour = f[0]!;
  if (i < text.length) {
    const rest = text.slice(i).replace(/\./g, '').toLowerCase();
    if (rest === 'pm' && hour < 12) hour += 12;
    else if (rest === 'am' && hour === 12) hour = 0;
    else if (rest !== 'am' && rest !== 'pm') return NaN;
  }
  if (hour > 23 || f[1]! > 59 || f[2]! > 59) return NaN;
  return ((hour * 60 + f[1]!) * 60 + f[2]!) * 1000 + Math.round(ms);
}

function stripBatchPrefix(batch: string): string {
  return batch.startsWith('MigrationService:') ? batch.slice(17) : batch;
}

/**
 * Turns a Get-MoveRequestStatistics export (raw or flattened, Exchange Online or on-premises) into MoveRows.
 * Per-value problems are counted per column and reported once; throws only when the file is not move statistics.
 */
export function parseMoves(table: CsvTable, file: string, opts: ParseMovesOptions = {}): ParsedMoves {
  const { headers, rows, lines } = table;
  const issues: MoveReportIssue[] = [...table.issues];
  const byName = new Map<string, number>();
  headers.forEach((h, i) => {
    const n = normaliseHeader(h);
    if (!byName.has(n)) byName.set(n, i);
  });
  const col = Object.fromEntries(
    Object.entries(COLUMNS).map(([k, names]) => [k, indexOf(byName, names)]),
  ) as Record<keyof typeof COLUMNS, number>;
  const sizeCol = Object.fromEntries(
    Object.entries(SIZES).map(([k, s]) => {
      const b = indexOf(byName, s.bytes);
      return [k, b !== -1 ? { i: b, isBytesName: true } : { i: indexOf(byName, s.text), isBytesName: false }];
    }),
  ) as Record<keyof typeof SIZES, { i: number; isBytesName: boolean }>;
  const dateCol = Object.fromEntries(
    Object.entries(DATES).map(([k, n]) => [k, indexOf(byName, [n])]),
  ) as Record<keyof typeof DATES, number>;
  const durationCol = Object.fromEntries(
    Object.entries(DURATIONS).map(([k, n]) => [k, indexOf(byName, [n])]),
  ) as Record<keyof typeof DURATIONS, number>;
  const stallIdx: number[] = [];
  const stallColumns: string[] = [];
  headers.forEach((h, i) => {
    if (/^totalstalleddueto/i.test(h.trim())) {
      stallIdx.push(i);
      stallColumns.push(stallKey(h));
    }
  });

  const hasIdentity = col.displayName >= 0 || col.alias >= 0 || col.identity >= 0 || col.exchangeGuid >= 0;
  const hasMoveData =
    col.status >= 0 ||
    sizeCol.primaryBytes.i >= 0 ||
    col.percentComplete >= 0 ||
    durationCol.inProgressMs >= 0;
  if (!hasIdentity || !hasMoveData) {
    const known = recogniseOtherExport(byName);
    throw new InputError({
      code: 'not-move-stats',
      severity: 'error',
      file,
      message: `${known ? `This looks like ${known}, not` : 'This does not look like'} Get-MoveRequestStatistics output: expected a mailbox column (DisplayName, Alias, Identity or ExchangeGuid) and Status, TotalMailboxSize or PercentComplete; the header has ${headers.slice(0, 8).join(', ')}${headers.length > 8 ? ', …' : ''}.`,
      hint: FLATTENED_EXPORT,
    });
  }
  if (!rows.length) {
    throw new InputError({
      code: 'no-moves',
      severity: 'error',
      file,
      message:
        'The file has the move-statistics header but no rows: there are no moves to report. Were the move requests removed before the export, or did Get-MoveRequest find none?',
      hint: FLATTENED_EXPORT,
    });
  }

  const dates = new DateReader(
    rows,
    Object.values(dateCol).filter((i) => i >= 0),
  );
  const read = new CellReader(headers, dates, (opts.now ?? Date.now()) + LIMITS.aheadMs);
  // Primary and archive sizes add up to the data moved, so they share one running total.
  const mailboxSlot = headers.length;
  const plain = new Map<keyof typeof SIZES, { count: number; max: number }>();

  const moves: MoveRow[] = new Array(rows.length);
  const total = rows.length;
  const seen = new Set<string>();
  let duplicates = 0;
  let firstDuplicate = '';

  for (let r = 0; r < total; r++) {
    if ((r & 4095) === 0) {
      throwIfAborted(opts.signal);
      opts.onProgress?.(r, total);
    }
    const row = rows[r]!;
    const line = lines[r] ?? r + 2;
    const size = (key: keyof typeof SIZES): number | null => {
      const { i, isBytesName } = sizeCol[key];
      const n = read.size(row, i, line, key === 'bytesTransferred' ? i : mailboxSlot);
      if (n !== null && read.wasPlain && !isBytesName) {
        const p = plain.get(key) ?? { count: 0, max: 0 };
        p.count++;
        if (n > p.max) p.max = n;
        plain.set(key, p);
      }
      return n;
    };

    const displayName = read.text(row, col.displayName, line);
    const alias = read.text(row, col.alias, line);
    const identity = read.text(row, col.identity, line);
    const exchangeGuid = read.text(row, col.exchangeGuid, line);
    const flags = read.text(row, col.flags, line);
    const isArchiveOnly = flags.includes('MoveOnlyArchiveMailbox');
    const isPrimaryOnly = flags.includes('MoveOnlyPrimaryMailbox');
    const primaryBytes = size('primaryBytes');
    const archiveBytes = size('archiveBytes');
    const bytesTransferred = size('bytesTransferred');
    const inProgressMs = read.duration(row, durationCol.inProgressMs, line);
    const stallMs = new Array<number>(stallIdx.length);
    for (let s = 0; s < stallIdx.length; s++) stallMs[s] = read.duration(row, stallIdx[s]!, line) ?? 0;
    const batch = stripBatchPrefix(read.text(row, col.batch, line));
    const key = exchangeGuid || identity;
    if (key) {
      if (seen.has(key)) {
        duplicates++;
        firstDuplicate ||= displayName || key;
      } else seen.add(key);
    }

    moves[r] = {
      index: r,
      line,
      name: displayName || alias || identity || exchangeGuid || `(line ${line})`,
      alias,
      identity,
      exchangeGuid,
      batch: batch || NO_BATCH,
      status: read.text(row, col.status, line),
      statusDetail: read.text(row, col.statusDetail, line),
      syncStage: read.text(row, col.syncStage, line),
      flags,
      isArchiveOnly,
      isPrimaryOnly,
      recipientType: read.text(row, col.recipientType, line),
      dcs: read.text(row, col.dcs, line),
      percentComplete: read.percent(row, col.percentComplete, line),
      primaryBytes,
      archiveBytes,
      bytesTransferred,
      movedBytes: movedBytesOf(primaryBytes, archiveBytes, isArchiveOnly, isPrimaryOnly),
      primaryItems: read.int(row, col.primaryItems, line),
      archiveItems: read.int(row, col.archiveItems, line),
      itemsTransferred: read.int(row, col.itemsTransferred, line),
      badItems: read.int(row, col.badItems, line),
      largeItems: read.int(row, col.largeItems, line),
      missingItems: read.int(row, col.missingItems, line),
      badItemLimit: read.text(row, col.badItemLimit, line),
      largeItemLimit: read.text(row, col.largeItemLimit, line),
      queuedAt: read.date(row, dateCol.queuedAt, line),
      startedAt: read.date(row, dateCol.startedAt, line),
      seededAt: read.date(row, dateCol.seededAt, line),
      lastSyncAt: read.date(row, dateCol.lastSyncAt, line),
      finalSyncAt: read.date(row, dateCol.finalSyncAt, line),
      completedAt: read.date(row, dateCol.completedAt, line),
      suspendedAt: read.date(row, dateCol.suspendedAt, line),
      failedAt: read.date(row, dateCol.failedAt, line),
      lastUpdateAt: read.date(row, dateCol.lastUpdateAt, line),
      overallMs: read.duration(row, durationCol.overallMs, line),
      inProgressMs,
      queuedMs: read.duration(row, durationCol.queuedMs, line),
      suspendedMs: read.duration(row, durationCol.suspendedMs, line),
      failedMs: read.duration(row, durationCol.failedMs, line),
      idleMs: read.duration(row, durationCol.idleMs, line),
      transientMs: read.duration(row, durationCol.transientMs, line),
      stallMs,
      failureType: read.text(row, col.failureType, line),
      failureSide: read.text(row, col.failureSide, line),
      failureCode: read.text(row, col.failureCode, line),
      message: read.text(row, col.message, line, LIMITS.message),
      sourceServer: read.text(row, col.sourceServer, line),
      targetDatabase: read.text(row, col.targetDatabase, line),
      remoteHost: read.text(row, col.remoteHost, line),
      gbPerHour:
        bytesTransferred !== null && bytesTransferred > 0 && inProgressMs !== null && inProgressMs > 0
          ? bytesTransferred / GIB / (inProgressMs / 3_600_000)
          : null,
      badItemRows: 0,
    };
  }
  opts.onProgress?.(total, total);

  // Plain numbers under a size column's own name: bytes when they are that big (Cristian Dimofte's script writes
  // bytes); small ones are most likely ToMB() and cannot be told apart from bytes, so they are dropped.
  for (const [key, p] of plain) {
    const { i } = sizeCol[key];
    if (p.max >= 2 ** 20) {
      issues.push({
        code: 'size-unit-unknown',
        severity: 'info',
        file,
        path: headers[i],
        message: `${headers[i]} holds plain numbers instead of "5.294 GB (5,684,054,577 bytes)"; they were read as bytes.`,
        hint: FLATTENED_EXPORT,
      });
      continue;
    }
    for (let r = 0; r < moves.length; r++) {
      if (/^\d+$/.test(cell(rows[r]!, i))) {
        const m = moves[r]!;
        m[key] = null;
        m.movedBytes = movedBytesOf(m.primaryBytes, m.archiveBytes, m.isArchiveOnly, m.isPrimaryOnly);
        if (key === 'bytesTransferred') m.gbPerHour = null;
      }
    }
    issues.push({
      code: 'size-unit-unknown',
      severity: 'warning',
      file,
      path: headers[i],
      message: `${headers[i]} holds plain numbers no larger than ${p.max}: too small for bytes, and the unit (MB? KB?) is not written anywhere, so the column was ignored.`,
      hint: FLATTENED_EXPORT,
    });
  }
  for (const [column, count] of read.approxSizes) {
    issues.push({
      code: 'size-without-bytes',
      severity: 'warning',
      file,
      path: column,
      message: `${count} value(s) in ${column} have no exact "(… bytes)" part (e.g. "5.294 GB"); they were rounded from the unit, so totals are approximate.`,
      hint: FLATTENED_EXPORT,
    });
  }
  for (const [column, b] of read.bad) {
    issues.push({
      code: 'bad-value',
      severity: 'warning',
      file,
      line: b.line,
      path: column,
      message: `${b.count} value(s) in ${column} could not be read (first on line ${b.line}: "${b.example}"); expected ${describeExpected(column)}.`,
    });
  }
  for (const [column, b] of read.outOfRange) {
    issues.push({
      code: 'out-of-range',
      severity: 'warning',
      file,
      line: b.line,
      path: column,
      message: `${b.count} value(s) in ${column} are outside what one move can hold (first on line ${b.line}: "${b.example}"); expected ${[...b.rules].join('; or ')}. They are counted as empty.`,
    });
  }
  for (const [column, b] of read.longText) {
    issues.push({
      code: 'long-value',
      severity: 'warning',
      file,
      line: b.line,
      path: column,
      message: `${b.count} value(s) in ${column} are longer than ${(normaliseHeader(column) === 'message' || normaliseHeader(column) === 'failuremessage' ? LIMITS.message : LIMITS.text).toLocaleString('en-US')} characters (first on line ${b.line}); they were cut there.`,
    });
  }
  for (const [column, b] of read.lateDates) {
    issues.push({
      code: 'date-out-of-range',
      severity: 'warning',
      file,
      line: b.line,
      path: column,
      message: `${b.count} date(s) in ${column} lie outside 1990 to two days from now (first on line ${b.line}: "${b.example}"); they are left empty so they do not stretch the timeline or the ETA.`,
    });
  }
  if (duplicates) {
    issues.push({
      code: 'duplicate-move',
      severity: 'warning',
      file,
      message: `${duplicates} move(s) appear more than once (first: ${firstDuplicate}); each row is counted, so totals may be too high. Were two exports concatenated?`,
    });
  }
  if (dates.isGuessed) {
    issues.push({
      code: 'date-order-guessed',
      severity: 'warning',
      file,
      message: `No date in the file has a day above 12, so day and month order was assumed (${dates.order === 'mdy' ? 'month first, as en-US writes' : 'day first'}) from the separator. Check one date against the Exchange admin center.`,
    });
  }
  if (dates.isZoneLess) {
    issues.push({
      code: 'zone-less-dates',
      severity: 'info',
      file,
      message:
        'Dates are the exporting machine\'s local time without a time zone; they are shown as written, and "now" is the newest date in the file.',
    });
  }

  const lostColumns = findLostColumns(headers, rows);
  for (const l of lostColumns) {
    const isReport = normaliseHeader(l.column) === 'report';
    const isText = isReport && !isTypeName(l.typeName);
    issues.push({
      code: isText ? 'report-text-column' : 'type-name-column',
      severity: isText || LOST[normaliseHeader(l.column)]?.isMinor ? 'info' : 'warning',
      file,
      path: l.column,
      message: isText
        ? `Report holds the move log as text; this tool does not read it. What it held as objects is lost in CSV: ${l.lost}.`
        : `${l.column} holds the type name "${l.typeName}" instead of data; lost: ${l.lost}.`,
      // The minor columns lose nothing the report needs; the others show the export that keeps their data.
      ...(isText || LOST[normaliseHeader(l.column)]?.isMinor
        ? isText
          ? { hint: `Session statistics and the failure history need the objects:\n${CLIXML_EXPORT}` }
          : {}
        : { hint: FLATTENED_EXPORT }),
    });
  }
  issues.push(...missingColumnIssues(file, col, sizeCol, durationCol, stallColumns.length));

  const hasBytesNames = Object.values(sizeCol).some((s) => s.isBytesName);
  const meta: MovesMeta = {
    file,
    encoding: table.meta.encoding,
    delimiter: table.meta.delimiter,
    typeName: table.meta.typeName,
    // A flattened on-premises export may still have an (empty) DataConsistencyScore column.
    columnSet: moves.some((m) => m.dcs !== '') ? 'exchange-online' : 'on-premises',
    shape: hasBytesNames || headers.length < 70 ? 'flattened' : 'raw',
    stallGeneration: stallColumns.some((s) => /^(CI|HA)$/i.test(s))
      ? 'CI/HA'
      : stallColumns.length
        ? 'ContentIndexing/MdbReplication'
        : 'none',
    dateOrder: dates.order,
    isDateOrderGuessed: dates.isGuessed,
    isZoneLess: dates.isZoneLess,
    lostColumns,
    rows: moves.length,
  };
  return { moves, stallColumns, meta, issues };
}

/** Exports people drop here by mistake, recognised by columns only they have. */
function recogniseOtherExport(byName: Map<string, number>): string | undefined {
  const has = (...names: string[]) => names.every((n) => byName.has(normaliseHeader(n)));
  if (has('SamAccountName', 'DistinguishedName') || has('ObjectGUID', 'SID')) return 'a Get-ADUser export';
  if (has('onPremisesImmutableId') || has('ImmutableId', 'UserPrincipalName')) return 'an Entra users export';
  if (has('PrimarySmtpAddress', 'RecipientTypeDetails') && !byName.has('status'))
    return 'a Get-Mailbox export';
  if (has('Kind', 'Subject') || has('BadItemKind')) return 'a bad-items export (drop it as bad items)';
  return undefined;
}

export function movedBytesOf(
  primary: number | null,
  archive: number | null,
  isArchiveOnly: boolean,
  isPrimaryOnly: boolean,
): number | null {
  if (isArchiveOnly) return archive;
  if (isPrimaryOnly) return primary;
  if (primary === null && archive === null) return null;
  return (primary ?? 0) + (archive ?? 0);
}

function* columnValues(rows: readonly (readonly string[])[], i: number, limit: number): Generator<string> {
  const end = Math.min(rows.length, limit);
  for (let r = 0; r < end; r++) yield rows[r]![i] ?? '';
}

function describeExpected(column: string): string {
  const n = normaliseHeader(column);
  if (n.includes('timestamp')) return 'a date as the exporting machine writes it';
  if (n.includes('duration') || n.startsWith('totalstalled')) return 'a time span like 1.02:03:04.5670000';
  if (n.includes('size') || n.includes('bytes')) return 'a size like "5.294 GB (5,684,054,577 bytes)"';
  return 'a whole number';
}

function findLostColumns(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
): MovesMeta['lostColumns'] {
  // Type names repeat in every row, so a sample is enough and keeps this cheap on 100,000 moves.
  const sample = rows.length > 2000 ? rows.slice(0, 2000) : rows;
  const out: MovesMeta['lostColumns'] = inspectColumns(headers, sample).typeNameColumns.map(
    ({ column, typeName }) => ({
      column,
      typeName,
      lost: LOST[normaliseHeader(column)]?.lost ?? 'a list or object that Export-Csv cannot flatten',
    }),
  );
  const report = headers.findIndex((h) => normaliseHeader(h) === 'report');
  if (report !== -1 && !out.some((o) => o.column === headers[report])) {
    const text = sample.find((r) => (r[report] ?? '').trim() !== '')?.[report];
    if (text) out.push({ column: headers[report]!, typeName: 'text', lost: LOST.report!.lost });
  }
  return out;
}

function missingColumnIssues(
  file: string,
  col: Record<keyof typeof COLUMNS, number>,
  sizeCol: Record<keyof typeof SIZES, { i: number }>,
  durationCol: Record<keyof typeof DURATIONS, number>,
  stallCount: number,
): MoveReportIssue[] {
  const missing: [string, string, 'warning' | 'info'][] = [];
  if (col.status < 0) missing.push(['Status', 'status counts and the stakeholder summary', 'warning']);
  if (col.batch < 0)
    missing.push(['BatchName', 'the per-batch view (every move is under "(no batch)")', 'info']);
  if (sizeCol.primaryBytes.i < 0)
    missing.push(['TotalMailboxSize', 'mailbox data totals and move efficiency', 'warning']);
  if (sizeCol.bytesTransferred.i < 0)
    missing.push(['BytesTransferred', 'throughput and move efficiency', 'warning']);
  if (durationCol.inProgressMs < 0)
    missing.push(['TotalInProgressDuration', 'throughput and every health percentage', 'warning']);
  if (col.percentComplete < 0) missing.push(['PercentComplete', 'move efficiency and the ETA', 'warning']);
  if (!stallCount) missing.push(['TotalStalledDueTo*', 'stall percentages', 'info']);
  return missing.map(([column, what, severity]) => ({
    code: 'missing-column' as const,
    severity,
    file,
    path: column,
    message: `No ${column} column: ${what} cannot be shown.`,
    hint: FLATTENED_EXPORT,
  }));
}
