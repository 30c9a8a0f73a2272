import { describe, expect, it } from 'vitest';
import { isAbortError } from '../../lib/issue.ts';
import { analyseMoves, toJsonSummary } from './core.ts';
import { formatDate, formatSize, formatTimeSpan, generateMoves, type GenerateOptions } from './generate.ts';

const sorted = (o: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));

describe('the generator writes what PowerShell writes', () => {
  it('formats sizes, time spans and dates per culture', () => {
    expect(formatSize(5_684_054_577)).toBe('5.294 GB (5,684,054,577 bytes)');
    expect(formatSize(14_132_917)).toBe('13.48 MB (14,132,917 bytes)');
    expect(formatSize(0)).toBe('0 B (0 bytes)');
    expect(formatTimeSpan(327_100.8444)).toBe('00:05:27.1008444');
    expect(formatTimeSpan(26 * 3_600_000 + 63_000)).toBe('1.02:01:03');
    const t = Date.UTC(2026, 10, 3, 14, 5, 9);
    expect(formatDate(t, 'en-US')).toBe('11/3/2026 2:05:09 PM');
    expect(formatDate(t, 'en-GB')).toBe('03/11/2026 14:05:09');
    expect(formatDate(t, 'de-DE')).toBe('03.11.2026 14:05:09');
    expect(formatDate(t, 'nl-NL')).toBe('3-11-2026 14:05:09');
  });
});

const MATRIX: (Partial<GenerateOptions> & { label: string })[] = [
  { label: 'EXO raw, en-US, ",", UTF-8 BOM, #TYPE, Report', culture: 'en-US', columnSet: 'exo' },
  { label: 'EXO raw, de-DE, ";", UTF-16LE', culture: 'de-DE', delimiter: ';', encoding: 'utf-16le' },
  {
    label: 'Exchange 2013 raw, de-DE, ";", UTF-16LE',
    culture: 'de-DE',
    delimiter: ';',
    encoding: 'utf-16le',
    columnSet: 'onprem2013',
  },
  {
    label: 'Exchange 2016 raw, en-GB, ",", UTF-8 without BOM, no #TYPE',
    culture: 'en-GB',
    encoding: 'utf-8',
    hasTypeLine: false,
    columnSet: 'onprem2016',
  },
  { label: 'EXO flattened, nl-NL, ";"', culture: 'nl-NL', delimiter: ';', shape: 'flat' },
  {
    label: 'Exchange 2016 flattened, en-GB, ASCII',
    culture: 'en-GB',
    encoding: 'ascii',
    shape: 'flat',
    columnSet: 'onprem2016',
  },
];

describe.each(MATRIX)('analyseMoves on generated exports: $label', (cfg) => {
  const g = generateMoves({ moves: 1500, seed: 11, strayBadItems: 2, ...cfg });
  const report = analyseMoves({
    moves: { name: 'moves.csv', bytes: g.bytes },
    badItems: { name: 'bad.csv', bytes: g.badItems.bytes },
  });
  const json = toJsonSummary(report);
  const e = g.expected;

  it('counts every status, detail, score and failure type as generated', () => {
    expect(json.moves).toBe(e.moves);
    expect(sorted(json.byStatus)).toEqual(sorted(e.byStatus));
    expect(sorted(json.byStatusDetail)).toEqual(sorted(e.byStatusDetail));
    expect(sorted(json.byDataConsistencyScore)).toEqual(sorted(e.byDataConsistencyScore));
    expect(sorted(json.byFailureType)).toEqual(sorted(e.byFailureType));
  });

  it('sums bytes and items exactly', () => {
    expect(json.totals).toEqual(e.totals);
  });

  it('rolls up every batch', () => {
    expect(Object.keys(json.perBatch).sort()).toEqual(Object.keys(e.perBatch).sort());
    for (const [name, b] of Object.entries(e.perBatch)) {
      const got = json.perBatch[name]!;
      expect({ ...got, byStatus: sorted(got.byStatus), worstDataConsistencyScore: undefined }).toEqual({
        ...b,
        byStatus: sorted(b.byStatus),
        worstDataConsistencyScore: undefined,
      });
    }
  });

  it('rates the same moves, and every move agrees with the model', () => {
    expect(json.transferRate.movesCounted).toBe(e.rateMoves);
    const byGuid = new Map(g.moves.map((m) => [m.exchangeGuid, m]));
    // DateTime.ToString() in a culture shows whole seconds.
    const seconds = (t: number | null) => (t === null ? null : Math.floor(t / 1000) * 1000);
    for (const m of report.moves) {
      const want = byGuid.get(m.exchangeGuid)!;
      expect(m.percentComplete).toBe(want.percentComplete);
      expect(m.inProgressMs).toBe(want.inProgressMs);
      expect(m.startedAt).toBe(seconds(want.startedAt));
      expect(m.completedAt).toBe(seconds(want.completedAt));
      expect(m.badItemRows).toBe(want.badItemRows);
    }
  });

  it('ties bad items to moves and names the strays', () => {
    expect(report.badItems!.unmatchedRows).toBe(2);
    expect(report.issues.some((i) => i.code === 'bad-items-unmatched')).toBe(true);
  });

  it('reads dates with a proven order and says they are zone-less', () => {
    expect(report.meta.isDateOrderGuessed).toBe(false);
    expect(report.meta.dateOrder).toBe(cfg.culture === 'en-US' ? 'mdy' : 'dmy');
    expect(report.issues.some((i) => i.code === 'zone-less-dates')).toBe(true);
  });
});

describe('analyseMoves, the whole report', () => {
  const g = generateMoves({ moves: 400, seed: 3 });
  const input = { moves: { name: 'moves.csv', bytes: g.bytes } };

  it('prints exactly the documented JSON fields', () => {
    const json = toJsonSummary(analyseMoves(input));
    expect(Object.keys(json)).toEqual([
      'moves',
      'byStatus',
      'byStatusDetail',
      'byDataConsistencyScore',
      'byFailureType',
      'totals',
      'perBatch',
      'transferRate',
      'health',
      'stakeholder',
      'eta',
      'warnings',
    ]);
    expect(Object.keys(json.totals)).toEqual([
      'primaryMailboxBytes',
      'archiveBytes',
      'bytesTransferred',
      'primaryItemCount',
      'archiveItemCount',
      'itemsTransferred',
      'badItemsEncountered',
      'largeItemsEncountered',
      'missingItemsEncountered',
      'badItemRows',
    ]);
    expect(json.totals.badItemRows).toBeNull();
    expect(Object.keys(Object.values(json.perBatch)[0]!)).toEqual([
      'moves',
      'byStatus',
      'bytesTransferred',
      'badItemsEncountered',
      'failed',
      'completedInclWarning',
      'worstDataConsistencyScore',
    ]);
    expect(Object.keys(json.transferRate)).toEqual([
      'movesCounted',
      'meanGbPerHour',
      'medianGbPerHour',
      'minGbPerHour',
      'maxGbPerHour',
      'top90Moves',
      'top90MeanGbPerHour',
    ]);
    expect(Object.keys(json.health)).toEqual([
      'stallPercent',
      'overallStallPercent',
      'overallStallPercentWithoutThrottles',
      'transientFailurePercent',
      'idlePercent',
      'moveEfficiencyPercent',
    ]);
    expect(Object.keys(json.health.stallPercent)).toEqual([
      'ContentIndexing',
      'MdbReplication',
      'MailboxLocked',
      'ReadThrottle',
      'WriteThrottle',
      'ReadCpu',
      'WriteCpu',
      'ReadUnknown',
      'WriteUnknown',
    ]);
    expect(Object.keys(json.stakeholder)).toEqual([
      'completedInclWarning',
      'completedPercent',
      'readyToComplete',
      'inFlight',
      'needsAttention',
      'dcsInvestigateOrPoor',
      'dataTransferredGiB',
      'mailboxDataGiB',
    ]);
    expect(json.warnings.every((w) => typeof w.code === 'string' && typeof w.message === 'string')).toBe(
      true,
    );
  });

  it('gives stakeholder groups that add up to all moves of known status', () => {
    const s = toJsonSummary(analyseMoves(input)).stakeholder;
    expect(s.completedInclWarning + s.readyToComplete + s.inFlight + s.needsAttention).toBe(400);
  });

  it('is structured-clone friendly', () => {
    const report = analyseMoves(input);
    expect(structuredClone(report)).toEqual(report);
  });

  it('reports progress up to the end, in order', () => {
    const seen: number[] = [];
    analyseMoves(input, { onProgress: (done, total) => seen.push(done / total) });
    expect(seen[seen.length - 1]).toBe(1);
    expect(seen.every((v, i) => i === 0 || v >= seen[i - 1]!)).toBe(true);
  });

  it('stops when cancelled', () => {
    const before = new AbortController();
    before.abort();
    expect(() => analyseMoves(input, { signal: before.signal })).toThrow(
      expect.objectContaining({ name: 'AbortError' }),
    );
    const during = new AbortController();
    try {
      analyseMoves(input, { signal: during.signal, onProgress: (done) => done > 0 && during.abort() });
      expect.unreachable();
    } catch (e) {
      expect(isAbortError(e)).toBe(true);
    }
  });

  it('keeps the report when the bad-items file is unusable', () => {
    const report = analyseMoves({ ...input, badItems: { name: 'empty.csv', bytes: new Uint8Array() } });
    expect(report.moves).toHaveLength(400);
    expect(report.badItems).toBeNull();
    expect(report.issues.find((i) => i.file === 'empty.csv')!.severity).toBe('error');
  });
});
