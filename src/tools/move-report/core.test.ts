import { describe, expect, it } from 'vitest';
import { isAbortError, isInputError } from '../../lib/issue.ts';
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
      'dataLeftGiB',
      'dataCopiedPercent',
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

describe('unusable input stops with the reason and the export that works', () => {
  const enc = new TextEncoder();
  const good = generateMoves({ moves: 60, seed: 5 });
  const moves = { name: 'moves.csv', bytes: good.bytes };
  const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82]);
  const XLSX = new Uint8Array([0x50, 0x4b, 3, 4, ...enc.encode('[Content_Types].xml xl/workbook.xml')]);
  const AD_USERS = enc.encode(
    '#TYPE Microsoft.ActiveDirectory.Management.ADUser\r\n"DistinguishedName","Enabled","GivenName","Name","ObjectClass","ObjectGUID","SamAccountName","SID","Surname","UserPrincipalName"\r\n' +
      '"CN=Anna Berg,OU=Staff,DC=contoso,DC=local","True","Anna","Anna Berg","user","1f0c7a40-2c1e-4d55-9b1a-0a7e2b9c1a01","aberg","S-1-5-21-1-2-3-1104","Berg","aberg@contoso.com"\r\n',
  );
  const rejected = (bytes: Uint8Array) => {
    try {
      analyseMoves({ moves: { name: 'in.csv', bytes } });
    } catch (e) {
      if (isInputError(e)) return e.issue;
      throw e;
    }
    throw new Error('accepted');
  };

  it.each([
    [
      'an empty file',
      new Uint8Array(),
      'empty-file',
      /^in\.csv is empty: expected a Get-MoveRequestStatistics CSV export/,
    ],
    ['white space', enc.encode('\r\n  \r\n'), 'empty-file', /only white space/],
    ['a PNG renamed .csv', PNG, 'binary-file', /is a PNG image/],
    ['a workbook', XLSX, 'binary-file', /Excel workbook.*Save As/],
    [
      'a header without rows',
      enc.encode('"DisplayName","Status","TotalMailboxSize","PercentComplete"\r\n'),
      'no-moves',
      /header but no rows/,
    ],
    [
      'a Get-ADUser export',
      AD_USERS,
      'not-move-stats',
      /^This looks like a Get-ADUser export, not Get-MoveRequestStatistics/,
    ],
  ])('refuses %s as the moves file', (_, bytes, code, message) => {
    const issue = rejected(bytes);
    expect(issue).toMatchObject({ code, severity: 'error', message: expect.stringMatching(message) });
    expect(issue.hint).toContain('Get-MoveRequestStatistics');
  });

  it.each([
    ['a PNG', PNG, 'binary-file'],
    ['an empty file', new Uint8Array(), 'empty-file'],
    ['a header without rows', enc.encode('"Mailbox","Kind","Subject"\r\n'), 'no-header'],
    ['a Get-ADUser export', AD_USERS, 'not-bad-items'],
    ['plain notes', enc.encode('notes from the cut-over call\r\nall good\r\n'), 'not-bad-items'],
  ])('rejects %s as the bad-items file and leaves every move figure as it was', (_, bytes, code) => {
    const alone = toJsonSummary(analyseMoves({ moves }));
    const report = analyseMoves({ moves, badItems: { name: 'bad.csv', bytes } });
    const json = toJsonSummary(report);
    expect({ ...json, warnings: [] }).toEqual({ ...alone, warnings: [] });
    expect(report.badItems).toBeNull();
    expect(report.moves.every((m) => m.badItemRows === 0)).toBe(true);
    const errors = report.issues.filter((i) => i.severity === 'error');
    expect(errors).toEqual([
      expect.objectContaining({ code, file: 'bad.csv', hint: expect.stringContaining('BadItems') }),
    ]);
  });

  it('errors mean rejected input only: a usable export with odd values has warnings, no errors', () => {
    const report = analyseMoves({ moves, badItems: { name: 'bad-items.csv', bytes: good.badItems.bytes } });
    expect(report.issues.filter((i) => i.severity === 'error')).toEqual([]);
  });
});

describe('values that are names of Object members', () => {
  it('counts a Status, detail, score, failure side or bad-item kind of __proto__ or constructor like any other', () => {
    const csv =
      '"DisplayName","Status","StatusDetail","DataConsistencyScore","FailureType","FailureSide"\r\n' +
      '"A","__proto__","constructor","toString","hasOwnProperty","__proto__"\r\n' +
      '"B","constructor","__proto__","Perfect","constructor","constructor"\r\n' +
      '"C","Completed","Completed","Perfect","",""\r\n';
    const bad =
      '"Mailbox","Kind","Subject"\r\n"A","__proto__","x"\r\n"A","constructor","y"\r\n"B","__proto__","z"\r\n';
    const enc = new TextEncoder();
    const r = analyseMoves({
      moves: { name: 'm.csv', bytes: enc.encode(csv) },
      badItems: { name: 'b.csv', bytes: enc.encode(bad) },
    });
    const plain = (o: object) => JSON.parse(JSON.stringify(o)) as unknown;
    expect(plain(r.byStatus)).toEqual({ Completed: 1, ['__proto__']: 1, constructor: 1 });
    expect(Object.keys(r.byStatusDetail)).toEqual(['__proto__', 'Completed', 'constructor']);
    expect(plain(r.byDataConsistencyScore)).toEqual({ Perfect: 2, toString: 1 });
    expect(r.stakeholder).toMatchObject({ completedInclWarning: 1, needsAttention: 0 });
    expect(r.failures.map((f) => [f.failureType, plain(f.bySide)])).toEqual([
      ['constructor', { constructor: 1 }],
      ['hasOwnProperty', { ['__proto__']: 1 }],
    ]);
    expect(plain(r.badItems!.byKind)).toEqual({ ['__proto__']: 2, constructor: 1 });
  });
});
