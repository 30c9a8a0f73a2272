import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readCsv } from '../../lib/csv/read.ts';
import { healthChecks, healthFigures } from './health.ts';
import { parseMoves } from './parse.ts';
import { transferRate } from './report.ts';

const load = (name: string) =>
  parseMoves(
    readCsv(new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url))), { file: name }),
    name,
  );

describe('health on the Exchange Online fixture', () => {
  const { moves, stallColumns } = load('exo-raw-en-US.csv');
  const h = healthFigures(moves, stallColumns);
  // Σ TotalInProgressDuration = 120 + 1680 + 40 + 240 + 0 minutes.
  const total = 2080;

  it('gives each stall column as a share of in-progress time', () => {
    expect(h.inProgressHours).toBeCloseTo(total / 60, 10);
    expect(h.stallPercent.ContentIndexing).toBeCloseTo((100 * (12 + 180)) / total, 10);
    expect(h.stallPercent.MdbReplication).toBeCloseTo((100 * (6 + 60)) / total, 10);
    expect(h.stallPercent.MailboxLocked).toBeCloseTo((100 * 30) / total, 10);
    expect(h.stallPercent.ReadThrottle).toBeCloseTo((100 * 120) / total, 10);
    expect(h.stallPercent.WriteThrottle).toBeCloseTo((100 * 60) / total, 10);
    expect(h.stallPercent.WriteCpu).toBeCloseTo((100 * 4) / total, 10);
    expect(h.stallPercent.ReadCpu).toBe(0);
  });

  it('adds them up, with and without the throttles', () => {
    expect(h.overallStallPercent).toBeCloseTo((100 * 472) / total, 10);
    expect(h.overallStallPercentWithoutThrottles).toBeCloseTo((100 * 292) / total, 10);
    expect(h.transientFailurePercent).toBeCloseTo((100 * 87) / total, 10);
    expect(h.idlePercent).toBeCloseTo((100 * 30) / total, 10);
  });

  it('computes move efficiency with the archive alone for archive-only moves', () => {
    // (3 × 1 + 5 × 0.95 + 0.78125 × 0.4 + 4 × 0.5 + 0) GiB moved / 10.890625 GiB transferred.
    expect(h.moveEfficiencyPercent).toBeCloseTo((100 * 10.0625) / 10.890625, 10);
  });

  it('flags the overall stall above 15 % and explains it; the rest is within range', () => {
    const checks = healthChecks(h, transferRate(moves));
    const bad = checks.filter((c) => c.status === 'bad');
    expect(bad.map((c) => c.key)).toEqual(['overallStall']);
    expect(bad[0]!.explanation).toMatch(/more than 15 % of their time waiting, mostly on “Content indexing”/);
    // The cause itself, not a pointer to rows that a printout does not have.
    expect(bad[0]!.explanation).toMatch(
      /“Content indexing” \(\d+\.\d %\): The target database's search index/,
    );
    expect(bad[0]!.explanation).not.toMatch(/below|tab\b/);
    expect(checks.find((c) => c.key === 'overallStallWithoutThrottles')!.status).toBe('good');
    expect(checks.find((c) => c.key === 'transientFailure')!.status).toBe('good');
    expect(checks.find((c) => c.key === 'moveEfficiency')!.status).toBe('good');
    expect(checks.find((c) => c.key === 'rate')!.status).toBe('good');
    expect(checks.every((c) => c.status === 'bad' || !c.explanation)).toBe(true);
  });
});

describe('health on the Exchange 2013 fixture', () => {
  const { moves, stallColumns } = load('onprem2013-de-DE-utf16.csv');
  const h = healthFigures(moves, stallColumns);
  const checks = healthChecks(h, transferRate(moves));
  // Σ TotalInProgressDuration = 60 + 10 + 120 minutes.

  it('uses the CI/HA keys of 2013 and explains the high one', () => {
    expect(h.stallPercent.CI).toBeCloseTo((100 * 6) / 190, 10);
    expect(h.stallPercent.HA).toBeCloseTo((100 * 48) / 190, 10);
    const ha = checks.find((c) => c.key === 'stall:HA')!;
    expect(ha.status).toBe('bad');
    expect(ha.explanation).toMatch(/DAG copies were behind/);
  });

  it('marks efficiency above 100 % as a warning with its usual cause', () => {
    // (1.5 × 1 + 3.2 × 0.1 + 4 × 0.35) GiB at the stated bytes / (1.6 + 0 + 1.2) GiB.
    const moved = 1_610_612_736 + 3_435_973_837 * 0.1 + 4_294_967_296 * 0.35;
    expect(h.moveEfficiencyPercent).toBeCloseTo((100 * moved) / (1_717_986_918 + 1_288_490_189), 8);
    const e = checks.find((c) => c.key === 'moveEfficiency')!;
    expect(e.status).toBe('warn');
    expect(e.explanation).toMatch(/PercentComplete counts stages/);
  });
});

describe('health thresholds', () => {
  const rate = (mean: number | null) => ({
    movesCounted: 1,
    meanGbPerHour: mean,
    medianGbPerHour: mean,
    minGbPerHour: mean,
    maxGbPerHour: mean,
    top90Moves: 1,
    top90MeanGbPerHour: mean,
  });
  const figures = (over: Partial<ReturnType<typeof healthFigures>>) => ({
    stallPercent: {},
    overallStallPercent: 10,
    overallStallPercentWithoutThrottles: 10,
    transientFailurePercent: 1,
    idlePercent: 1,
    moveEfficiencyPercent: 90,
    inProgressHours: 1,
    ...over,
  });

  it('uses the published limits: stalls > 15 %, transient > 5 %, efficiency < 75 %, rate < 0.3 GB/h', () => {
    const at = healthChecks(
      figures({ overallStallPercent: 15, transientFailurePercent: 5, moveEfficiencyPercent: 75 }),
      rate(0.3),
    );
    expect(at.filter((c) => c.status !== 'good' && c.status !== 'unknown')).toEqual([]);
    const over = healthChecks(
      figures({ overallStallPercent: 15.01, transientFailurePercent: 5.01, moveEfficiencyPercent: 74.9 }),
      rate(0.29),
    );
    expect(over.filter((c) => c.status === 'bad').map((c) => c.key)).toEqual([
      'overallStall',
      'transientFailure',
      'moveEfficiency',
      'rate',
    ]);
    for (const c of over.filter((c) => c.status === 'bad')) expect(c.explanation).toMatch(/\.$/);
    expect(over.find((c) => c.key === 'transientFailure')!.explanation).toMatch(/MRSProxy/);
  });

  it('does not flag a fast rate, and says "unknown" without data', () => {
    expect(healthChecks(figures({}), rate(1.8)).find((c) => c.key === 'rate')!.status).toBe('good');
    const none = healthChecks(
      figures({ overallStallPercent: null, moveEfficiencyPercent: null }),
      rate(null),
    );
    expect(none.find((c) => c.key === 'overallStall')!.status).toBe('unknown');
    expect(none.find((c) => c.key === 'rate')!.status).toBe('unknown');
  });
});
