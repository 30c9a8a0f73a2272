import type { HealthCheck, HealthFigures, MoveRow, TransferRate } from './types.ts';

/**
 * Thresholds from Microsoft's "Mailbox Migration Performance Analysis" (Exchange Team Blog, 2014, the post that
 * ships AnalyzeMoveRequestStats.ps1): stalls above 15 % or transient failures above 5 % of in-progress time are
 * a problem, move efficiency is healthy between 75 and 100 %, and 0.3–1 GB/h per move is the normal rate.
 */
export const THRESHOLDS = {
  stallPercent: 15,
  transientFailurePercent: 5,
  efficiencyLow: 75,
  efficiencyHigh: 100,
  rateLow: 0.3,
  rateHigh: 1,
} as const;

/** The throttle columns came after Microsoft's script, which therefore leaves them out of its overall figure. */
const THROTTLES = new Set(['readthrottle', 'writethrottle']);

/** What each stall usually means, one sentence, keyed by the stall key in lower case. */
const STALL_CAUSE: Record<string, { label: string; cause: string }> = {
  contentindexing: {
    label: 'Content indexing',
    cause:
      "The target database's search index fell behind and MRS waited for it to catch up; in Exchange Online this is the service protecting itself, on-premises check the health of the target's content index.",
  },
  ci: {
    label: 'Content indexing (CI)',
    cause:
      "The target database's search index fell behind and MRS waited for it to catch up; in Exchange Online this is the service protecting itself, on-premises check the health of the target's content index.",
  },
  mdbreplication: {
    label: 'Database replication',
    cause:
      "The target database's DAG copies were behind on copying or replaying logs, so MRS paused to keep them highly available; on-premises look at copy and replay queues and the replication network.",
  },
  ha: {
    label: 'High availability (HA)',
    cause:
      "The target database's DAG copies were behind on copying or replaying logs, so MRS paused to keep them highly available; on-premises look at copy and replay queues and the replication network.",
  },
  mailboxlocked: {
    label: 'Mailbox locked',
    cause:
      'The source mailbox stayed locked by an earlier MRS session, which is what repeated transient failures (dropped connections to MRSProxy) leave behind.',
  },
  readthrottle: {
    label: 'Source throttled',
    cause:
      'The source side throttled reads to protect its users (workload management on the on-premises servers, or Exchange Online when moving out).',
  },
  writethrottle: {
    label: 'Target throttled',
    cause:
      'The target throttled writes to protect its users; in Exchange Online migrations have the lowest priority and this is common during business hours.',
  },
  readcpu: {
    label: 'Source CPU',
    cause:
      'The source Mailbox or MRSProxy servers were short of CPU; move fewer mailboxes at once or free the servers.',
  },
  writecpu: {
    label: 'Target CPU',
    cause:
      'The target servers were short of CPU; in Exchange Online this passes, on-premises move fewer mailboxes at once.',
  },
  readunknown: {
    label: 'Source, unknown reason',
    cause:
      'The source stalled for a reason MRS could not classify, usually slow MRSProxy responses: network latency, a proxy or load balancer in the path, or busy source servers.',
  },
  writeunknown: {
    label: 'Target, unknown reason',
    cause:
      'The target stalled for a reason MRS could not classify; if it persists in Exchange Online, open a support case with the move report.',
  },
};

function pct(part: number, whole: number): number | null {
  return whole > 0 ? (100 * part) / whole : null;
}

/**
 * Each TotalStalledDueTo* column, transient failures and idle time as a share of Σ TotalInProgressDuration, and
 * move efficiency = Σ(moved size × PercentComplete / 100) / Σ BytesTransferred, all over every move that has them.
 */
export function healthFigures(moves: readonly MoveRow[], stallColumns: readonly string[]): HealthFigures {
  let inProgress = 0;
  let transient = 0;
  let idle = 0;
  let moved = 0;
  let transferred = 0;
  const stall = new Array<number>(stallColumns.length).fill(0);
  for (const m of moves) {
    inProgress += m.inProgressMs ?? 0;
    transient += m.transientMs ?? 0;
    idle += m.idleMs ?? 0;
    for (let i = 0; i < stall.length; i++) stall[i]! += m.stallMs[i] ?? 0;
    if (m.bytesTransferred !== null && m.movedBytes !== null && m.percentComplete !== null) {
      moved += (m.movedBytes * m.percentComplete) / 100;
      transferred += m.bytesTransferred;
    }
  }
  const perKey = new Map<string, number>();
  let all = 0;
  let withoutThrottles = 0;
  stallColumns.forEach((key, i) => {
    perKey.set(key, (perKey.get(key) ?? 0) + stall[i]!);
    all += stall[i]!;
    if (!THROTTLES.has(key.toLowerCase())) withoutThrottles += stall[i]!;
  });
  const stallPercent: Record<string, number | null> = {};
  for (const [key, ms] of perKey) stallPercent[key] = pct(ms, inProgress);
  return {
    stallPercent,
    overallStallPercent: stallColumns.length ? pct(all, inProgress) : null,
    overallStallPercentWithoutThrottles: stallColumns.length ? pct(withoutThrottles, inProgress) : null,
    transientFailurePercent: pct(transient, inProgress),
    idlePercent: pct(idle, inProgress),
    moveEfficiencyPercent: pct(moved, transferred),
    inProgressHours: inProgress / 3_600_000,
  };
}

/** The figures against the published thresholds, with the usual cause for every value out of range. */
export function healthChecks(h: HealthFigures, rate: TransferRate): HealthCheck[] {
  const checks: HealthCheck[] = [];
  const stallCheck = (key: string, label: string, value: number | null, cause: string): HealthCheck => ({
    key,
    label,
    value,
    unit: '%',
    threshold: `≤ ${THRESHOLDS.stallPercent} % of in-progress time`,
    status: value === null ? 'unknown' : value > THRESHOLDS.stallPercent ? 'bad' : 'good',
    ...(value !== null && value > THRESHOLDS.stallPercent ? { explanation: cause } : {}),
  });
  // The largest stall and its usual cause, in words that hold on paper too (no "see below").
  const largest = (keys: string[]) => {
    const key = keys.sort((a, b) => (h.stallPercent[b] ?? 0) - (h.stallPercent[a] ?? 0))[0];
    if (key === undefined) return '.';
    const known = STALL_CAUSE[key.toLowerCase()];
    const share = (h.stallPercent[key] ?? 0).toFixed(1);
    return `, mostly on “${known?.label ?? key}” (${share} %)${known ? `: ${known.cause}` : '.'}`;
  };
  const keys = Object.keys(h.stallPercent);
  checks.push(
    stallCheck(
      'overallStall',
      'All stalls',
      h.overallStallPercent,
      `Moves spent more than ${THRESHOLDS.stallPercent} % of their time waiting${largest(keys)}`,
    ),
    stallCheck(
      'overallStallWithoutThrottles',
      'All stalls without read/write throttles (as AnalyzeMoveRequestStats.ps1)',
      h.overallStallPercentWithoutThrottles,
      `Even leaving throttling aside the moves waited too long${largest(keys.filter((k) => !THROTTLES.has(k.toLowerCase())))}`,
    ),
  );
  for (const [key, value] of Object.entries(h.stallPercent)) {
    const known = STALL_CAUSE[key.toLowerCase()];
    checks.push(
      stallCheck(
        `stall:${key}`,
        known?.label ?? key,
        value,
        known?.cause ?? `MRS waited on "${key}" for more than ${THRESHOLDS.stallPercent} % of the time.`,
      ),
    );
  }
  const t = h.transientFailurePercent;
  checks.push({
    key: 'transientFailure',
    label: 'Transient failures',
    value: t,
    unit: '%',
    threshold: `≤ ${THRESHOLDS.transientFailurePercent} % of in-progress time`,
    status: t === null ? 'unknown' : t > THRESHOLDS.transientFailurePercent ? 'bad' : 'good',
    ...(t !== null && t > THRESHOLDS.transientFailurePercent
      ? {
          explanation:
            'Connections to MRSProxy keep dropping, usually because a firewall, reverse proxy or load balancer without session affinity sits between Exchange Online and the on-premises servers, or the source servers are overloaded.',
        }
      : {}),
  });
  checks.push({
    key: 'idle',
    label: 'Idle',
    value: h.idlePercent,
    unit: '%',
    threshold: 'no published limit: time MRS had nothing to do between incremental syncs',
    status: h.idlePercent === null ? 'unknown' : 'good',
  });
  const e = h.moveEfficiencyPercent;
  checks.push({
    key: 'moveEfficiency',
    label: 'Move efficiency',
    value: e,
    unit: '%',
    threshold: `${THRESHOLDS.efficiencyLow}–${THRESHOLDS.efficiencyHigh} %`,
    status:
      e === null
        ? 'unknown'
        : e < THRESHOLDS.efficiencyLow
          ? 'bad'
          : e > THRESHOLDS.efficiencyHigh
            ? 'warn'
            : 'good',
    ...(e !== null && e < THRESHOLDS.efficiencyLow
      ? {
          explanation:
            'Much more data crossed the wire than the mailboxes hold, because transient failures made MRS copy the same data again; fix what causes the transient failures.',
        }
      : e !== null && e > THRESHOLDS.efficiencyHigh
        ? {
            explanation:
              'Less data was transferred than the finished share of the mailboxes holds, usually because PercentComplete counts stages rather than bytes on moves still running, or because items were skipped.',
          }
        : {}),
  });
  const r = rate.meanGbPerHour;
  checks.push({
    key: 'rate',
    label: 'Mean rate per move',
    value: r,
    unit: 'GiB/h',
    threshold: `${THRESHOLDS.rateLow}–${THRESHOLDS.rateHigh} GiB/h is normal`,
    status: r === null ? 'unknown' : r < THRESHOLDS.rateLow ? 'bad' : 'good',
    ...(r !== null && r < THRESHOLDS.rateLow
      ? {
          explanation:
            'Moves copy slower than usual, most often because of latency or bandwidth between Exchange Online and MRSProxy, busy source servers, or stalls and transient failures listed above.',
        }
      : {}),
  });
  return checks;
}
