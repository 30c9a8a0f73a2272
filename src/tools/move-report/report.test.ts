import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readCsv } from '../../lib/csv/read.ts';
import { parseMoves } from './parse.ts';
import {
  aggregate,
  cumulativeSeeded,
  estimateFinish,
  rateHistogram,
  remainingFraction,
  roundHalfEven,
  statusGroup,
  transferRate,
} from './report.ts';
import type { MoveRow } from './types.ts';

const GIB = 2 ** 30;
const HOUR = 3_600_000;
const exo = parseMoves(
  readCsv(new Uint8Array(readFileSync(new URL('./fixtures/exo-raw-en-US.csv', import.meta.url))), {
    file: 'exo.csv',
  }),
  'exo.csv',
);

/** A move with only the fields a test sets; the rest empty. */
function move(partial: Partial<MoveRow>): MoveRow {
  return {
    index: 0,
    line: 2,
    name: 'm',
    alias: '',
    identity: '',
    exchangeGuid: '',
    batch: '(no batch)',
    status: 'InProgress',
    statusDetail: '',
    syncStage: '',
    flags: '',
    isArchiveOnly: false,
    isPrimaryOnly: false,
    recipientType: '',
    dcs: '',
    percentComplete: null,
    primaryBytes: null,
    archiveBytes: null,
    bytesTransferred: null,
    movedBytes: null,
    primaryItems: null,
    archiveItems: null,
    itemsTransferred: null,
    badItems: null,
    largeItems: null,
    missingItems: null,
    badItemLimit: '',
    largeItemLimit: '',
    queuedAt: null,
    startedAt: null,
    seededAt: null,
    lastSyncAt: null,
    finalSyncAt: null,
    completedAt: null,
    suspendedAt: null,
    failedAt: null,
    lastUpdateAt: null,
    overallMs: null,
    inProgressMs: null,
    queuedMs: null,
    suspendedMs: null,
    failedMs: null,
    idleMs: null,
    transientMs: null,
    stallMs: [],
    failureType: '',
    failureSide: '',
    failureCode: '',
    message: '',
    sourceServer: '',
    targetDatabase: '',
    remoteHost: '',
    gbPerHour: null,
    badItemRows: 0,
    ...partial,
  };
}

describe('status groups', () => {
  it('puts each status where the stakeholder summary counts it', () => {
    expect(['Completed', 'CompletedWithWarning'].map(statusGroup)).toEqual(['done', 'done']);
    expect(['Synced', 'AutoSuspended'].map(statusGroup)).toEqual(['ready', 'ready']);
    expect(['Queued', 'InProgress', 'CompletionInProgress'].map(statusGroup)).toEqual([
      'inFlight',
      'inFlight',
      'inFlight',
    ]);
    expect(['Failed', 'Suspended'].map(statusGroup)).toEqual(['attention', 'attention']);
    expect(statusGroup('completed')).toBe('done');
    expect(statusGroup('Removing')).toBe('other');
  });
});

describe('aggregate on the Exchange Online fixture', () => {
  const a = aggregate(exo.moves, 7);

  it('counts statuses in lifecycle order, details and scores with "(empty)"', () => {
    expect(a.byStatus).toEqual({ Queued: 1, InProgress: 1, AutoSuspended: 1, Completed: 1, Failed: 1 });
    expect(Object.keys(a.byStatus)).toEqual(['Queued', 'InProgress', 'AutoSuspended', 'Completed', 'Failed']);
    expect(a.byStatusDetail).toEqual({
      AutoSuspended: 1,
      Completed: 1,
      FailedOther: 1,
      Queued: 1,
      StalledDueToTarget_MdbReplication: 1,
    });
    expect(a.byDataConsistencyScore).toEqual({ Perfect: 2, Good: 1, Investigate: 1, '(empty)': 1 });
    expect(a.byFailureType).toEqual({ TooManyBadItemsPermanentException: 1 });
  });

  it('sums exact bytes and items', () => {
    expect(a.totals).toEqual({
      primaryMailboxBytes: 19_092_471_808,
      archiveBytes: 5_368_709_120,
      bytesTransferred: 11_693_719_552,
      movedBytes: 13_723_762_688,
      primaryItemCount: 139_000,
      archiveItemCount: 20_500,
      itemsTransferred: 64_090,
      badItemsEncountered: 62,
      largeItemsEncountered: 1,
      missingItemsEncountered: 3,
      badItemRows: 7,
    });
  });

  it('rolls up batches with the worst DataConsistencyScore', () => {
    expect(a.batches.map((b) => b.name)).toEqual(['Wave1', 'Wave2', '(no batch)']);
    const [wave1, wave2, none] = a.batches;
    expect(wave1).toEqual({
      name: 'Wave1',
      moves: 2,
      byStatus: { AutoSuspended: 1, Completed: 1 },
      bytesTransferred: 10_200_547_328,
      movedBytes: 8 * GIB,
      badItemsEncountered: 2,
      failed: 0,
      completedInclWarning: 1,
      worstDataConsistencyScore: 'Good',
    });
    expect(wave2!.byStatus).toEqual({ Queued: 1, Failed: 1 });
    expect(wave2!.failed).toBe(1);
    expect(wave2!.badItemsEncountered).toBe(60);
    expect(wave2!.worstDataConsistencyScore).toBe('Investigate');
    expect(none!.worstDataConsistencyScore).toBeNull();
  });

  it('gives the stakeholder figures', () => {
    expect(a.stakeholder).toEqual({
      completedInclWarning: 1,
      completedPercent: 20,
      readyToComplete: 1,
      inFlight: 2,
      needsAttention: 1,
      dcsInvestigateOrPoor: 1,
      dataTransferredGiB: 10.890625,
      mailboxDataGiB: 12.78125,
      dataLeftGiB: expect.any(Number),
      dataCopiedPercent: expect.any(Number),
    });
  });

  it('says how much mailbox data is copied and left, not only what was transferred', () => {
    // What the ETA waits for: Carla failed at 40 % (0.78125 GiB × 55/75), Dirk at 50 % (4 GiB × 45/75).
    const left = 0.78125 * (55 / 75) + 4 * (45 / 75);
    expect(a.stakeholder.dataLeftGiB).toBeCloseTo(left, 10);
    expect(a.stakeholder.dataLeftGiB).toBeCloseTo(estimateFinish(exo.moves).remainingGiB, 10);
    // 10.9 GiB were transferred of 12.8 GiB, yet only 76.7 % of the data is copied.
    expect(a.stakeholder.dataCopiedPercent).toBeCloseTo((100 * (12.78125 - left)) / 12.78125, 10);
    expect(a.stakeholder.dataCopiedPercent).toBeCloseTo(76.74, 2);
  });
});

describe('transferRate', () => {
  it('uses only moves with bytes and time, GB/h = bytes / 2^30 / hours', () => {
    const t = transferRate(exo.moves);
    expect(t.movesCounted).toBe(4);
    const rates = [1.75, 0.5859375, 0.25, 6 / 28];
    expect(t.meanGbPerHour).toBeCloseTo(rates.reduce((s, r) => s + r) / 4, 12);
    expect(t.medianGbPerHour).toBeCloseTo((0.5859375 + 0.25) / 2, 12);
    expect(t.minGbPerHour).toBeCloseTo(6 / 28, 12);
    expect(t.maxGbPerHour).toBe(1.75);
    expect(t.top90Moves).toBe(4); // 3.6 → 4
  });

  it("takes the fastest 90 % as PowerShell's Select-Object -First rounds (half to even)", () => {
    const five = [1, 2, 3, 4, 5].map((r) => move({ gbPerHour: r }));
    const t = transferRate(five);
    expect(t.top90Moves).toBe(4); // 4.5 → 4
    expect(t.top90MeanGbPerHour).toBe((5 + 4 + 3 + 2) / 4);
    expect(t.medianGbPerHour).toBe(3);
    expect(transferRate([move({ gbPerHour: 0.5 })]).top90Moves).toBe(1);
    expect(transferRate([]).meanGbPerHour).toBeNull();
  });

  it('rounds half to even like .NET', () => {
    expect([0.5, 1.5, 2.5, 4.5, 13.5, 22.5, 3.6].map(roundHalfEven)).toEqual([0, 2, 2, 4, 14, 22, 4]);
  });
});

describe('rateHistogram', () => {
  it('bins GB/h with a round width and counts the fastest 1 % as overflow', () => {
    const moves = [0.05, 0.12, 0.15, 0.31, 0.33, 0.8, 0.95, 1.2].map((r) => move({ gbPerHour: r }));
    const h = rateHistogram(moves);
    // 99th percentile = 0.95 → 0.05 wide bins (0.95 / 0.05 = 19 ≤ 40); 20 bins so 0.95 has one; 1.2 overflows.
    expect(h.binWidth).toBe(0.05);
    expect(h.counts.length).toBe(20);
    expect(h.counts[1]).toBe(1);
    expect(h.counts[2]).toBe(1);
    expect(h.counts[3]).toBe(1);
    expect(h.counts[6]).toBe(2);
    expect(h.overflow).toBe(1);
    expect(h.counts.reduce((s, c) => s + c, 0) + h.overflow).toBe(8);
  });
});

describe('cumulative seeded data', () => {
  it('adds each move when its initial copy finished', () => {
    const c = cumulativeSeeded(exo.moves);
    expect(c).toEqual([
      { t: Date.UTC(2026, 10, 20, 11, 1), gib: 3 },
      { t: Date.UTC(2026, 10, 21, 13, 0), gib: 8 },
    ]);
  });
});

describe('estimateFinish', () => {
  it('reads the copy share from the 20–95 % band', () => {
    expect([null, 0, 20, 50, 95, 100].map(remainingFraction)).toEqual([1, 1, 1, 0.6, 0, 0]);
  });

  it('divides what is left by the rate of the last seven days before the newest timestamp', () => {
    const eta = estimateFinish(exo.moves);
    expect(eta.asOf).toBe('2026-11-23T15:00:00');
    // From the first start (20 Nov 09:01) to 23 Nov 15:00: 77 h 59 min; Anna (3 GiB) and Bernd (5 GiB) seeded in it.
    const windowHours = 77 + 59 / 60;
    expect(eta.windowHours).toBeCloseTo(windowHours, 10);
    expect(eta.recentGiBPerHour).toBeCloseTo(8 / windowHours, 10);
    // Carla failed at 40 %: 0.78125 GiB × 55/75; Dirk archive-only at 50 %: 4 GiB × 45/75; Eva is empty.
    const remaining = 0.78125 * (55 / 75) + 4 * (45 / 75);
    expect(eta.remainingGiB).toBeCloseTo(remaining, 10);
    expect(eta.hours).toBeCloseTo(remaining / (8 / windowHours), 8);
    expect(eta.finishAt).toBe(
      new Date(Date.UTC(2026, 10, 23, 15) + (remaining / (8 / windowHours)) * HOUR)
        .toISOString()
        .slice(0, 19),
    );
  });

  it('explains when there is no estimate', () => {
    const stuck = [
      move({
        status: 'InProgress',
        percentComplete: 30,
        movedBytes: GIB,
        startedAt: 0,
        lastUpdateAt: 10 * HOUR,
      }),
    ];
    const eta = estimateFinish(stuck);
    expect(eta.finishAt).toBeNull();
    expect(eta.reason).toMatch(/No move finished its initial copy/);
    expect(estimateFinish([move({})]).reason).toBe('The export has no timestamps.');
    const done = estimateFinish([
      move({
        status: 'Completed',
        completedAt: 5 * HOUR,
        startedAt: 0,
        movedBytes: GIB,
        percentComplete: 100,
      }),
    ]);
    expect(done.hours).toBe(0);
    expect(done.reason).toBe('Nothing is left to copy.');
  });
});
