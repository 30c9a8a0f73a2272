import { readCsv } from '../../lib/csv/read.ts';
import { unusableInput } from '../../lib/files/sniff.ts';
import {
  InputError,
  isAbortError,
  isInputError,
  throwIfAborted,
  type NamedBytes,
  type RunOptions,
} from '../../lib/issue.ts';
import { parseBadItems } from './bad-items.ts';
import { BAD_ITEMS_EXPORT, FLATTENED_EXPORT, exportCommands } from './export-commands.ts';
import { groupFailures } from './failures.ts';
import { healthChecks, healthFigures } from './health.ts';
import { LIMITS, parseMoves } from './parse.ts';
import { aggregate, cumulativeSeeded, estimateFinish, rateHistogram, transferRate } from './report.ts';
import type { MoveReport, MoveReportInput, MoveReportIssue } from './types.ts';

export type { MoveReport, MoveReportInput } from './types.ts';

export interface AnalyseOptions extends Omit<RunOptions, 'onProgress'> {
  onProgress?: (done: number, total: number, label?: string) => void;
  /** Epoch ms of "now" for the plausible-date window; defaults to now. */
  now?: number;
}

/**
 * Why a file cannot be read at all (empty, whitespace, binary, a workbook, too big for one string), as an
 * error Issue with the PowerShell for a good export; undefined when it may be a CSV.
 */
export function unusableCsv(f: NamedBytes, expected: string, hint: string): MoveReportIssue | undefined {
  const unusable = unusableInput(f.name, f.bytes, { expected, hint });
  if (unusable) return unusable;
  if (f.bytes.length > LIMITS.fileBytes) {
    return {
      code: 'too-large',
      severity: 'error',
      file: f.name,
      message: `${f.name} is ${Math.round(f.bytes.length / 2 ** 20).toLocaleString('en-US')} MiB; the move report reads files up to ${LIMITS.fileBytes / 2 ** 20} MiB. Export one batch per file (Get-MoveRequest -BatchName …).`,
      hint,
    };
  }
  return undefined;
}

/** readCsv's own InputError (no header at all) with the export that works. */
function withHint(e: unknown, hint: string): unknown {
  return isInputError(e) && !e.issue.hint ? new InputError({ ...e.issue, hint }) : e;
}

const STEPS = 1000;

/**
 * The whole report from a moves export and an optional bad-items export. Reading is ~80 % of the work and reports
 * progress in chunks; cancel is honoured between chunks and every 4,096 rows. Throws InputError only when the moves
 * file is unusable; a bad bad-items file becomes an issue beside the report.
 */
export function analyseMoves(input: MoveReportInput, opts: AnalyseOptions = {}): MoveReport {
  const { signal } = opts;
  const progress = (fraction: number, label: string) =>
    opts.onProgress?.(Math.round(fraction * STEPS), STEPS, label);
  const hasBadItems = !!input.badItems;
  const readShare = hasBadItems ? 0.72 : 0.8;

  progress(0, 'Reading moves');
  const unusable = unusableCsv(input.moves, 'a Get-MoveRequestStatistics CSV export', FLATTENED_EXPORT);
  if (unusable) throw new InputError(unusable);
  let table: ReturnType<typeof readCsv>;
  try {
    table = readCsv(input.moves.bytes, {
      file: input.moves.name,
      signal,
      onProgress: (done, total) => progress((done / total) * readShare, 'Reading moves'),
    });
  } catch (e) {
    throw withHint(e, FLATTENED_EXPORT);
  }
  throwIfAborted(signal);
  const parsed = parseMoves(table, input.moves.name, {
    signal,
    now: opts.now,
    onProgress: (done, total) =>
      progress(readShare + (total ? (done / total) * 0.15 : 0.15), 'Normalising moves'),
  });
  const issues: MoveReportIssue[] = parsed.issues;
  const { moves, stallColumns } = parsed;

  let badItems: MoveReport['badItems'] = null;
  if (input.badItems) {
    progress(readShare + 0.15, 'Reading bad items');
    // The bad-items file has its own boundary: whatever it holds, the moves' figures stay as they are.
    const name = input.badItems.name;
    const unusableBad = unusableCsv(input.badItems, 'a bad-items CSV export', BAD_ITEMS_EXPORT);
    if (unusableBad) issues.push(unusableBad);
    else {
      try {
        const badTable = readCsv(input.badItems.bytes, { file: name, signal });
        if (!badTable.rows.length) {
          issues.push({
            code: 'no-header',
            severity: 'error',
            file: name,
            message: `${name} has a header but no rows: no bad items to show.`,
            hint: BAD_ITEMS_EXPORT,
          });
        } else {
          const result = parseBadItems(badTable, name, moves);
          badItems = result.summary;
          for (const i of result.issues) issues.push(i);
        }
      } catch (e) {
        if (isAbortError(e)) throw e;
        for (const m of moves) m.badItemRows = 0;
        issues.push(
          isInputError(e)
            ? { ...(e.issue as MoveReportIssue), severity: 'error', hint: e.issue.hint ?? BAD_ITEMS_EXPORT }
            : {
                code: 'internal-error',
                severity: 'error',
                file: name,
                message: `${name} could not be read (${e instanceof Error ? e.message : String(e)}); the report is built without it.`,
                hint: BAD_ITEMS_EXPORT,
              },
        );
      }
    }
  }
  throwIfAborted(signal);

  progress(0.96, 'Building the report');
  const agg = aggregate(moves, badItems ? badItems.rows.length : null);
  const rate = transferRate(moves);
  const health = healthFigures(moves, stallColumns);
  const report: MoveReport = {
    meta: parsed.meta,
    moves,
    stallColumns,
    ...agg,
    transferRate: rate,
    health,
    checks: healthChecks(health, rate),
    eta: estimateFinish(moves),
    failures: groupFailures(moves),
    badItems,
    rateHistogram: rateHistogram(moves),
    cumulative: cumulativeSeeded(moves),
    commands: exportCommands(),
    issues,
  };
  progress(1, 'Done');
  return report;
}

const r2 = (n: number | null) => (n === null ? null : Math.round(n * 100) / 100);
const r3 = (n: number | null) => (n === null ? null : Math.round(n * 1000) / 1000);

/**
 * The documented, stable JSON of `hybrid-toolbox move-report --json`. Percentages are rounded to 2 decimals, GiB
 * and GiB/h to 3; byte counts are exact. Every `…GiB` and `…GbPerHour` field counts 2³⁰ bytes (the names stay).
 */
export function toJsonSummary(report: Omit<MoveReport, 'moves'> & { moves: { length: number } }) {
  const { transferRate: t, health: h, stakeholder: s, eta } = report;
  return {
    moves: report.moves.length,
    byStatus: report.byStatus,
    byStatusDetail: report.byStatusDetail,
    byDataConsistencyScore: report.byDataConsistencyScore,
    byFailureType: report.byFailureType,
    totals: {
      primaryMailboxBytes: report.totals.primaryMailboxBytes,
      archiveBytes: report.totals.archiveBytes,
      bytesTransferred: report.totals.bytesTransferred,
      primaryItemCount: report.totals.primaryItemCount,
      archiveItemCount: report.totals.archiveItemCount,
      itemsTransferred: report.totals.itemsTransferred,
      badItemsEncountered: report.totals.badItemsEncountered,
      largeItemsEncountered: report.totals.largeItemsEncountered,
      missingItemsEncountered: report.totals.missingItemsEncountered,
      badItemRows: report.totals.badItemRows,
    },
    perBatch: Object.fromEntries(
      report.batches.map((b) => [
        b.name,
        {
          moves: b.moves,
          byStatus: b.byStatus,
          bytesTransferred: b.bytesTransferred,
          badItemsEncountered: b.badItemsEncountered,
          failed: b.failed,
          completedInclWarning: b.completedInclWarning,
          worstDataConsistencyScore: b.worstDataConsistencyScore,
        },
      ]),
    ),
    transferRate: {
      movesCounted: t.movesCounted,
      meanGbPerHour: r3(t.meanGbPerHour),
      medianGbPerHour: r3(t.medianGbPerHour),
      minGbPerHour: r3(t.minGbPerHour),
      maxGbPerHour: r3(t.maxGbPerHour),
      top90Moves: t.top90Moves,
      top90MeanGbPerHour: r3(t.top90MeanGbPerHour),
    },
    health: {
      stallPercent: Object.fromEntries(Object.entries(h.stallPercent).map(([k, v]) => [k, r2(v)])),
      overallStallPercent: r2(h.overallStallPercent),
      overallStallPercentWithoutThrottles: r2(h.overallStallPercentWithoutThrottles),
      transientFailurePercent: r2(h.transientFailurePercent),
      idlePercent: r2(h.idlePercent),
      moveEfficiencyPercent: r2(h.moveEfficiencyPercent),
    },
    stakeholder: {
      completedInclWarning: s.completedInclWarning,
      completedPercent: r2(s.completedPercent),
      readyToComplete: s.readyToComplete,
      inFlight: s.inFlight,
      needsAttention: s.needsAttention,
      dcsInvestigateOrPoor: s.dcsInvestigateOrPoor,
      dataTransferredGiB: r3(s.dataTransferredGiB),
      mailboxDataGiB: r3(s.mailboxDataGiB),
      dataLeftGiB: r3(s.dataLeftGiB),
      dataCopiedPercent: r2(s.dataCopiedPercent),
    },
    eta: {
      asOf: eta.asOf,
      recentGiBPerHour: r3(eta.recentGiBPerHour),
      remainingGiB: r3(eta.remainingGiB),
      hours: r2(eta.hours),
      finishAt: eta.finishAt,
    },
    warnings: report.issues.map((i) => ({
      code: i.code,
      severity: i.severity,
      message: i.message,
      ...(i.file ? { file: i.file } : {}),
      ...(i.line ? { line: i.line } : {}),
      ...(i.path ? { column: i.path } : {}),
    })),
  };
}

export type MoveReportJson = ReturnType<typeof toJsonSummary>;
