import type {
  BatchRow,
  Eta,
  Histogram,
  MoveReport,
  MoveRow,
  Stakeholder,
  StatusGroup,
  TransferRate,
} from './types.ts';

export const GIB = 2 ** 30;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** How far back "recent throughput" looks for the ETA. */
export const ETA_WINDOW_DAYS = 7;
export const NO_BATCH = '(no batch)';
export const EMPTY = '(empty)';

/** RequestStatus in the order a move passes through them; unknown values follow, most frequent first. */
export const STATUS_ORDER = [
  'Queued',
  'InProgress',
  'AutoSuspended',
  'CompletionInProgress',
  'Synced',
  'Completed',
  'CompletedWithWarning',
  'Suspended',
  'Failed',
] as const;
const CANONICAL_STATUS = new Map<string, string>(STATUS_ORDER.map((s) => [s.toLowerCase(), s]));

const GROUP: Record<string, StatusGroup> = {
  Completed: 'done',
  CompletedWithWarning: 'done',
  Synced: 'ready',
  AutoSuspended: 'ready',
  Queued: 'inFlight',
  InProgress: 'inFlight',
  CompletionInProgress: 'inFlight',
  Failed: 'attention',
  Suspended: 'attention',
};

export function canonicalStatus(status: string): string {
  return CANONICAL_STATUS.get(status.toLowerCase()) ?? status;
}

export function statusGroup(status: string): StatusGroup {
  const s = canonicalStatus(status);
  return Object.hasOwn(GROUP, s) ? GROUP[s]! : 'other';
}

const DCS_RANK: Record<string, number> = { perfect: 1, good: 2, investigate: 3, poor: 4 };
export const DCS_ORDER = ['Perfect', 'Good', 'Investigate', 'Poor'] as const;

export function dcsRank(score: string): number {
  const s = score.toLowerCase();
  return Object.hasOwn(DCS_RANK, s) ? DCS_RANK[s]! : 0;
}

export function isDcsInvestigateOrPoor(score: string): boolean {
  return dcsRank(score) >= 3;
}

/**
 * A count per value read from the file. Without a prototype, a Status of `constructor` or `__proto__` is just
 * another key, not Object's own members.
 */
export function tally(): Record<string, number> {
  return Object.create(null) as Record<string, number>;
}

export function bump(map: Record<string, number>, key: string, by = 1): void {
  map[key] = (Object.hasOwn(map, key) ? map[key]! : 0) + by;
}

/** Known statuses first in lifecycle order, then the rest by count. */
export function orderStatuses(counts: Record<string, number>): Record<string, number> {
  const out = tally();
  for (const s of STATUS_ORDER) if (counts[s]) out[s] = counts[s];
  for (const [k, v] of Object.entries(counts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))) {
    if (!(k in out)) out[k] = v;
  }
  return out;
}

function byCount(counts: Record<string, number>): Record<string, number> {
  const out = tally();
  for (const [k, v] of Object.entries(counts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])))
    out[k] = v;
  return out;
}

/** PowerShell's [int] conversion (and so `Select-Object -First 13.5`) rounds half to even. */
export function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/**
 * Per-move GB/h over the moves where both BytesTransferred and TotalInProgressDuration are above zero, and the
 * mean of the fastest 90 % the way AnalyzeMoveRequestStats.ps1 takes them (`select -first (count * 0.9)`).
 */
export function transferRate(moves: readonly MoveRow[]): TransferRate {
  const rates = sortedRates(moves);
  const n = rates.length;
  if (!n) {
    return {
      movesCounted: 0,
      meanGbPerHour: null,
      medianGbPerHour: null,
      minGbPerHour: null,
      maxGbPerHour: null,
      top90Moves: 0,
      top90MeanGbPerHour: null,
    };
  }
  let sum = 0;
  for (let i = 0; i < n; i++) sum += rates[i]!;
  const mid = n >> 1;
  const median = n % 2 ? rates[mid]! : (rates[mid - 1]! + rates[mid]!) / 2;
  const top = Math.max(1, roundHalfEven(n * (90 / 100)));
  let topSum = 0;
  for (let i = n - top; i < n; i++) topSum += rates[i]!;
  return {
    movesCounted: n,
    meanGbPerHour: sum / n,
    medianGbPerHour: median,
    minGbPerHour: rates[0]!,
    maxGbPerHour: rates[n - 1]!,
    top90Moves: top,
    top90MeanGbPerHour: topSum / top,
  };
}

/** Per-move GB/h in ascending order (a typed array sorts numerically and fast). */
function sortedRates(moves: readonly MoveRow[]): Float64Array {
  let n = 0;
  for (const m of moves) if (m.gbPerHour !== null) n++;
  const rates = new Float64Array(n);
  let i = 0;
  for (const m of moves) if (m.gbPerHour !== null) rates[i++] = m.gbPerHour;
  return rates.sort();
}

const NICE_WIDTHS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 1, 2, 5, 10, 20, 50];

/** GB/h distribution with a round bin width so that the 99th percentile fits in about 40 bins. */
export function rateHistogram(moves: readonly MoveRow[]): Histogram {
  const rates = sortedRates(moves);
  if (!rates.length) return { binWidth: 0.1, counts: [], overflow: 0 };
  const p99 = rates[Math.floor(0.99 * (rates.length - 1))]!;
  const binWidth = NICE_WIDTHS.find((w) => p99 / w <= 40) ?? 100;
  // The epsilon keeps 0.15 / 0.05 (2.9999999999999996 in binary) in the bin it belongs to.
  const bin = (r: number) => Math.floor(r / binWidth + 1e-9);
  const bins = bin(p99) + 1;
  const counts = new Array<number>(bins).fill(0);
  let overflow = 0;
  for (const r of rates) {
    const b = bin(r);
    if (b < bins) counts[b]!++;
    else overflow++;
  }
  return { binWidth, counts, overflow };
}

/** When a move's bulk copy was done: InitialSeedingCompletedTimestamp, else completion for finished moves. */
function seededAt(m: MoveRow): number | null {
  if (m.seededAt !== null) return m.seededAt;
  if (statusGroup(m.status) === 'done') return m.completedAt ?? m.finalSyncAt;
  return null;
}

/** Cumulative GiB whose initial copy had finished, at most ~400 points for a chart. */
export function cumulativeSeeded(moves: readonly MoveRow[]): { t: number; gib: number }[] {
  const events: [number, number][] = [];
  for (const m of moves) {
    const t = seededAt(m);
    if (t !== null && m.movedBytes) events.push([t, m.movedBytes]);
  }
  events.sort((a, b) => a[0] - b[0]);
  const out: { t: number; gib: number }[] = [];
  const step = Math.max(1, Math.ceil(events.length / 400));
  let sum = 0;
  for (let i = 0; i < events.length; i++) {
    sum += events[i]![1];
    if (i % step === step - 1 || i === events.length - 1) out.push({ t: events[i]![0], gib: sum / GIB });
  }
  return out;
}

/**
 * Share of a move's data still to copy. MRS reports stages, not bytes: 0–20 % is setup, copying runs from 20 to
 * 95 %, and a synced move sits at 95 %; so the copy fraction is read from that band.
 */
export function remainingFraction(percent: number | null): number {
  if (percent === null || percent <= 20) return 1;
  if (percent >= 95) return 0;
  return (95 - percent) / 75;
}

/** Bytes of a move's mailbox data still to copy: none once its initial copy finished or it is done or ready. */
export function bytesLeftToCopy(m: MoveRow): number {
  const group = statusGroup(m.status);
  if (group === 'done' || group === 'ready' || m.seededAt !== null || !m.movedBytes) return 0;
  return m.movedBytes * remainingFraction(m.percentComplete);
}

export function zoneLessIso(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19);
}

/**
 * Finish estimate: data still to copy divided by the rate at which initial copies finished over the last
 * ETA_WINDOW_DAYS before the newest timestamp in the export (the export's own "now", zone-less).
 */
export function estimateFinish(moves: readonly MoveRow[]): Eta {
  let asOf = -Infinity;
  let firstStart = Infinity;
  let remaining = 0;
  const later = (t: number | null) => {
    if (t !== null && t > asOf) asOf = t;
  };
  for (const m of moves) {
    later(m.lastUpdateAt);
    later(m.completedAt);
    later(m.lastSyncAt);
    later(m.seededAt);
    later(m.failedAt);
    later(m.suspendedAt);
    later(m.startedAt);
    later(m.queuedAt);
    const start = m.startedAt ?? m.queuedAt;
    if (start !== null && start < firstStart) firstStart = start;
    remaining += bytesLeftToCopy(m);
  }
  const remainingGiB = remaining / GIB;
  if (asOf === -Infinity) {
    return {
      asOf: null,
      windowHours: null,
      recentGiBPerHour: null,
      remainingGiB,
      hours: null,
      finishAt: null,
      reason: 'The export has no timestamps.',
    };
  }
  const windowStart = Math.max(
    asOf - ETA_WINDOW_DAYS * DAY,
    firstStart === Infinity ? asOf - ETA_WINDOW_DAYS * DAY : firstStart,
  );
  const windowHours = (asOf - windowStart) / HOUR;
  let recent = 0;
  for (const m of moves) {
    const t = seededAt(m);
    if (t !== null && t > windowStart && t <= asOf && m.movedBytes) recent += m.movedBytes;
  }
  const base = { asOf: zoneLessIso(asOf), windowHours, remainingGiB };
  if (remaining === 0)
    return {
      ...base,
      recentGiBPerHour: windowHours > 0 ? recent / GIB / windowHours : null,
      hours: 0,
      finishAt: zoneLessIso(asOf),
      reason: 'Nothing is left to copy.',
    };
  if (windowHours <= 0 || recent === 0) {
    return {
      ...base,
      recentGiBPerHour: null,
      hours: null,
      finishAt: null,
      reason: `No move finished its initial copy in the ${ETA_WINDOW_DAYS} days before the newest timestamp.`,
    };
  }
  const rate = recent / GIB / windowHours;
  const hours = remainingGiB / rate;
  return { ...base, recentGiBPerHour: rate, hours, finishAt: zoneLessIso(asOf + hours * HOUR) };
}

type Aggregates = Pick<
  MoveReport,
  | 'byStatus'
  | 'byStatusDetail'
  | 'byDataConsistencyScore'
  | 'byFailureType'
  | 'totals'
  | 'batches'
  | 'stakeholder'
>;

/** One pass over the moves for every count, sum and per-batch roll-up. */
export function aggregate(moves: readonly MoveRow[], badItemRows: number | null): Aggregates {
  const byStatus = tally();
  const byStatusDetail = tally();
  const byDcs = tally();
  const byFailureType = tally();
  const totals = {
    primaryMailboxBytes: 0,
    archiveBytes: 0,
    bytesTransferred: 0,
    movedBytes: 0,
    primaryItemCount: 0,
    archiveItemCount: 0,
    itemsTransferred: 0,
    badItemsEncountered: 0,
    largeItemsEncountered: 0,
    missingItemsEncountered: 0,
    badItemRows,
  };
  const groups: Record<StatusGroup, number> = { done: 0, ready: 0, inFlight: 0, attention: 0, other: 0 };
  let dcsInvestigateOrPoor = 0;
  let bytesLeft = 0;
  const batches = new Map<string, BatchRow & { rank: number }>();

  for (const m of moves) {
    const status = canonicalStatus(m.status) || EMPTY;
    bump(byStatus, status);
    bump(byStatusDetail, m.statusDetail || EMPTY);
    bump(byDcs, m.dcs || EMPTY);
    if (m.failureType) bump(byFailureType, m.failureType);
    const group = statusGroup(status);
    groups[group]++;
    const rank = dcsRank(m.dcs);
    if (rank >= 3) dcsInvestigateOrPoor++;

    totals.primaryMailboxBytes += m.primaryBytes ?? 0;
    totals.archiveBytes += m.archiveBytes ?? 0;
    totals.bytesTransferred += m.bytesTransferred ?? 0;
    totals.movedBytes += m.movedBytes ?? 0;
    bytesLeft += bytesLeftToCopy(m);
    totals.primaryItemCount += m.primaryItems ?? 0;
    totals.archiveItemCount += m.archiveItems ?? 0;
    totals.itemsTransferred += m.itemsTransferred ?? 0;
    totals.badItemsEncountered += m.badItems ?? 0;
    totals.largeItemsEncountered += m.largeItems ?? 0;
    totals.missingItemsEncountered += m.missingItems ?? 0;

    let b = batches.get(m.batch);
    if (!b) {
      b = {
        name: m.batch,
        moves: 0,
        byStatus: tally(),
        bytesTransferred: 0,
        movedBytes: 0,
        badItemsEncountered: 0,
        failed: 0,
        completedInclWarning: 0,
        worstDataConsistencyScore: null,
        rank: 0,
      };
      batches.set(m.batch, b);
    }
    b.moves++;
    bump(b.byStatus, status);
    b.bytesTransferred += m.bytesTransferred ?? 0;
    b.movedBytes += m.movedBytes ?? 0;
    b.badItemsEncountered += m.badItems ?? 0;
    if (status === 'Failed') b.failed++;
    if (group === 'done') b.completedInclWarning++;
    if (rank > b.rank) {
      b.rank = rank;
      b.worstDataConsistencyScore = DCS_ORDER[rank - 1]!;
    }
  }

  const stakeholder: Stakeholder = {
    completedInclWarning: groups.done,
    completedPercent: moves.length ? (100 * groups.done) / moves.length : null,
    readyToComplete: groups.ready,
    inFlight: groups.inFlight,
    needsAttention: groups.attention,
    dcsInvestigateOrPoor,
    dataTransferredGiB: totals.bytesTransferred / GIB,
    mailboxDataGiB: totals.movedBytes / GIB,
    dataLeftGiB: bytesLeft / GIB,
    dataCopiedPercent: totals.movedBytes ? (100 * (totals.movedBytes - bytesLeft)) / totals.movedBytes : null,
  };
  const batchRows = [...batches.values()]
    .sort((a, b) => (a.name === NO_BATCH ? 1 : b.name === NO_BATCH ? -1 : a.name.localeCompare(b.name)))
    .map(({ rank: _rank, ...row }) => ({ ...row, byStatus: orderStatuses(row.byStatus) }));
  return {
    byStatus: orderStatuses(byStatus),
    byStatusDetail: byCount(byStatusDetail),
    byDataConsistencyScore: orderDcs(byDcs),
    byFailureType: byCount(byFailureType),
    totals,
    batches: batchRows,
    stakeholder,
  };
}

function orderDcs(counts: Record<string, number>): Record<string, number> {
  const out = tally();
  for (const s of DCS_ORDER) if (counts[s]) out[s] = counts[s];
  for (const [k, v] of Object.entries(byCount(counts))) if (!(k in out)) out[k] = v;
  return out;
}
