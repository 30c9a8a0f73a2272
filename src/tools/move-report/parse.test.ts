import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readCsv } from '../../lib/csv/read.ts';
import { isInputError } from '../../lib/issue.ts';
import {
  normaliseHeader,
  parseApproxSize,
  parseMoves,
  parseSizeBytes,
  parseTimeSpanMs,
  stallKey,
} from './parse.ts';

const fixture = (name: string) =>
  new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));
const parse = (text: string | Uint8Array, file = 'moves.csv') => parseMoves(readCsv(text, { file }), file);
const GIB = 2 ** 30;

describe('parseSizeBytes', () => {
  it('takes the exact bytes in parentheses', () => {
    expect(parseSizeBytes('5.294 GB (5,684,054,577 bytes)')).toBe(5_684_054_577);
    expect(parseSizeBytes('13.48 MB (14,132,917 bytes)')).toBe(14_132_917);
    expect(parseSizeBytes('3.235 KB (3,313 bytes)')).toBe(3313);
    expect(parseSizeBytes('0 B (0 bytes)')).toBe(0);
    expect(parseSizeBytes('1.5 TB (1,649,267,441,664 bytes)')).toBe(1_649_267_441_664);
  });
  it('is NaN without the bytes part', () => {
    expect(parseSizeBytes('5.294 GB')).toBeNaN();
    expect(parseSizeBytes('')).toBeNaN();
    expect(parseSizeBytes('Unlimited')).toBeNaN();
  });
});

describe('parseApproxSize', () => {
  it('reads a size cut off before the bytes in binary units', () => {
    expect(parseApproxSize('5.294 GB ')).toBe(Math.round(5.294 * GIB));
    expect(parseApproxSize('512 MB')).toBe(512 * 2 ** 20);
    expect(parseApproxSize('0 B')).toBe(0);
    expect(parseApproxSize('five')).toBeNaN();
  });
});

describe('parseTimeSpanMs', () => {
  it('reads .NET TimeSpan text', () => {
    expect(parseTimeSpanMs('00:05:27.1008444')).toBeCloseTo(327_100.8444, 4);
    expect(parseTimeSpanMs('02:00:00')).toBe(7_200_000);
    expect(parseTimeSpanMs('1.04:00:00')).toBe(28 * 3_600_000);
    expect(parseTimeSpanMs('3650.00:00:00')).toBe(3650 * 86_400_000);
    expect(parseTimeSpanMs('1.02:03:04.5670000')).toBe(((26 * 60 + 3) * 60 + 4) * 1000 + 567);
    expect(parseTimeSpanMs('00:00:00')).toBe(0);
    expect(parseTimeSpanMs('-00:00:01')).toBe(-1000);
  });
  it('refuses what is not a time span', () => {
    for (const bad of ['', '12:30', '1.5', 'abc', '00:61:00', '1 day', '00:00:00:00'])
      expect(parseTimeSpanMs(bad)).toBeNaN();
  });
});

describe('header helpers', () => {
  it('compares headers without case and punctuation', () => {
    expect(normaliseHeader('TotalMailboxSize (bytes)')).toBe(normaliseHeader('totalMailboxSizeBytes'));
  });
  it('names stall columns as the JSON contract does', () => {
    expect(stallKey('TotalStalledDueToContentIndexingDuration')).toBe('ContentIndexing');
    expect(stallKey('TotalStalledDueToCIDuration')).toBe('CI');
    expect(stallKey('TotalStalledDueToHADuration')).toBe('HA');
    expect(stallKey('TotalStalledDueToReadCpu')).toBe('ReadCpu');
    expect(stallKey('TotalStalledDueToMailboxLockedDuration')).toBe('MailboxLocked');
  });
});

describe('parseMoves on a raw Exchange Online export (PowerShell 5.1, en-US, #TYPE, UTF-8 BOM)', () => {
  const parsed = parse(fixture('exo-raw-en-US.csv'), 'exo.csv');
  const [anna, bernd, carla, dirk, eva] = parsed.moves;

  it('reads every move with its identity and strips the MigrationService: prefix from batches', () => {
    expect(parsed.moves).toHaveLength(5);
    expect(anna!.name).toBe('Anna Berg');
    expect(anna!.batch).toBe('Wave1');
    expect(bernd!.name).toBe('Bernd Müller');
    expect(dirk!.batch).toBe('(no batch)');
    // #TYPE on line 1, header on 2; Anna and Bernd start on 3 and 6 because each Report spans three lines.
    expect(carla!.line).toBe(9);
  });

  it('takes exact bytes, items, percent and archive-only flags', () => {
    expect(anna!.primaryBytes).toBe(2 * GIB);
    expect(anna!.archiveBytes).toBe(GIB);
    expect(anna!.movedBytes).toBe(3 * GIB);
    expect(bernd!.archiveBytes).toBeNull();
    expect(bernd!.movedBytes).toBe(5 * GIB);
    expect(dirk!.isArchiveOnly).toBe(true);
    expect(dirk!.movedBytes).toBe(4 * GIB);
    expect(eva!.primaryBytes).toBe(0);
    expect(carla!.badItems).toBe(60);
    expect(carla!.missingItems).toBe(3);
    expect(bernd!.percentComplete).toBe(95);
  });

  it('reads en-US dates zone-less, month first', () => {
    expect(parsed.meta.dateOrder).toBe('mdy');
    expect(parsed.meta.isZoneLess).toBe(true);
    expect(anna!.completedAt).toBe(Date.UTC(2026, 10, 23, 14, 5, 9));
    expect(anna!.queuedAt).toBe(Date.UTC(2026, 10, 20, 9, 0, 0));
    expect(carla!.failedAt).toBe(Date.UTC(2026, 10, 22, 16, 10, 0));
    expect(eva!.startedAt).toBeNull();
  });

  it('reads durations, stalls and the per-move rate', () => {
    expect(parsed.stallColumns).toEqual([
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
    expect(bernd!.inProgressMs).toBe(28 * 3_600_000);
    expect(bernd!.stallMs[parsed.stallColumns.indexOf('ReadThrottle')]).toBe(2 * 3_600_000);
    expect(anna!.gbPerHour).toBeCloseTo(1.75, 10);
    expect(bernd!.gbPerHour).toBeCloseTo(6 / 28, 10);
    expect(eva!.gbPerHour).toBeNull();
  });

  it('describes the file and what Export-Csv lost', () => {
    expect(parsed.meta.columnSet).toBe('exchange-online');
    expect(parsed.meta.shape).toBe('raw');
    expect(parsed.meta.stallGeneration).toBe('ContentIndexing/MdbReplication');
    expect(parsed.meta.typeName).toBe(
      'Deserialized.Microsoft.Exchange.MailboxReplicationService.MoveRequestStatistics',
    );
    const codes = parsed.issues.map((i) => `${i.code}:${i.path ?? ''}:${i.severity}`);
    expect(codes).toContain('type-name-column:DataConsistencyScoringFactors:warning');
    expect(codes).toContain('type-name-column:InternalFlags:info');
    expect(codes).toContain('report-text-column:Report:info');
    expect(codes).toContain('zone-less-dates::info');
    const dcs = parsed.issues.find((i) => i.path === 'DataConsistencyScoringFactors')!;
    expect(dcs.message).toContain('System.Collections.ArrayList');
    expect(dcs.hint).toContain('Get-MoveRequestStatistics -IncludeReport');
    expect(parsed.issues.find((i) => i.code === 'report-text-column')!.hint).toContain('Export-Clixml');
  });
});

describe('parseMoves on an Exchange 2013 export (de-DE, -UseCulture ";", UTF-16LE with BOM)', () => {
  const parsed = parse(fixture('onprem2013-de-DE-utf16.csv'), 'de.csv');
  const [juergen, soeren, ute] = parsed.moves;

  it('decodes UTF-16 and reads day-first dotted dates', () => {
    expect(parsed.meta.encoding).toBe('utf-16le');
    expect(parsed.meta.delimiter).toBe(';');
    expect(parsed.meta.dateOrder).toBe('dmy');
    expect(parsed.meta.isDateOrderGuessed).toBe(false);
    expect(juergen!.name).toBe('Jürgen Groß');
    expect(soeren!.name).toBe('Sören Öst');
    expect(juergen!.startedAt).toBe(Date.UTC(2026, 10, 13, 8, 0, 30));
  });

  it('keeps the 2013 stall names and reads on-premises as such', () => {
    expect(parsed.meta.columnSet).toBe('on-premises');
    expect(parsed.meta.stallGeneration).toBe('CI/HA');
    expect(parsed.stallColumns.slice(0, 2)).toEqual(['CI', 'HA']);
    expect(ute!.stallMs[1]).toBe(45 * 60_000);
    expect(ute!.batch).toBe('(no batch)');
  });

  it('keeps a multi-line failure message whole', () => {
    expect(soeren!.failureType).toBe('SourceMailboxAlreadyBeingMovedTransientException');
    expect(soeren!.message).toMatch(/^Error: Couldn't switch the mailbox into Sync Source mode\.\n/);
    expect(soeren!.message).toContain('TCP KeepAlive');
  });
});

describe('parseMoves on a community script summary (nl-NL, ";", few columns)', () => {
  const parsed = parse(fixture('flat-community-nl-NL.csv'), 'flat.csv');

  it('reads what is there and says what is missing', () => {
    expect(parsed.moves.map((m) => m.name)).toEqual(['Jan de Vries', 'Els Bakker', 'Piet Jansen']);
    expect(parsed.moves[0]!.primaryBytes).toBe(2.5 * GIB);
    expect(parsed.moves[1]!.overallMs).toBe(25 * 3_600_000);
    const missing = parsed.issues
      .filter((i) => i.code === 'missing-column')
      .map((i) => `${i.path}:${i.severity}`);
    expect(missing).toEqual([
      'BatchName:info',
      'BytesTransferred:warning',
      'TotalInProgressDuration:warning',
      'PercentComplete:warning',
      'TotalStalledDueTo*:info',
    ]);
  });

  it('warns that day/month order was only assumed when no day is above 12', () => {
    expect(parsed.meta.isDateOrderGuessed).toBe(true);
    expect(parsed.meta.dateOrder).toBe('dmy');
    expect(parsed.issues.some((i) => i.code === 'date-order-guessed')).toBe(true);
    expect(parsed.moves[0]!.startedAt).toBe(Date.UTC(2026, 10, 3, 8, 0, 0));
  });
});

describe('parseMoves edge cases', () => {
  it('refuses a file that is not move statistics', () => {
    try {
      parse('"Name","Department"\r\n"Anna","IT"\r\n');
      expect.unreachable();
    } catch (e) {
      expect(isInputError(e)).toBe(true);
      if (isInputError(e)) {
        expect(e.issue.code).toBe('not-move-stats');
        expect(e.issue.hint).toContain('Export-Csv');
      }
    }
  });

  it('reads sizes cut before the bytes as approximate and says so', () => {
    const p = parse(
      '"DisplayName","Status","TotalMailboxSize"\r\n"A","InProgress","5.294 GB "\r\n"B","Queued","1.5 GB (1,610,612,736 bytes)"\r\n',
    );
    expect(p.moves[0]!.primaryBytes).toBe(Math.round(5.294 * GIB));
    expect(p.moves[1]!.primaryBytes).toBe(1_610_612_736);
    const issue = p.issues.find((i) => i.code === 'size-without-bytes')!;
    expect(issue.message).toMatch(/^1 value/);
    expect(issue.severity).toBe('warning');
  });

  it('takes large plain numbers as bytes and drops small ones whose unit is unknown', () => {
    const bytes = parse(
      '"DisplayName","Status","TotalMailboxSize","BytesTransferred"\r\n"A","Completed","5684054577","5800000000"\r\n',
    );
    expect(bytes.moves[0]!.primaryBytes).toBe(5_684_054_577);
    expect(bytes.issues.filter((i) => i.code === 'size-unit-unknown').map((i) => i.severity)).toEqual([
      'info',
      'info',
    ]);
    // On-premises `.Value.ToMB()` leaves numbers like these.
    const mb = parse(
      '"DisplayName","Status","TotalMailboxSize"\r\n"A","Completed","5420"\r\n"B","Completed","120"\r\n',
    );
    expect(mb.moves.map((m) => m.primaryBytes)).toEqual([null, null]);
    expect(mb.moves[0]!.movedBytes).toBeNull();
    expect(mb.issues.find((i) => i.code === 'size-unit-unknown')!.severity).toBe('warning');
  });

  it('reads flattened bytes columns under any of their names', () => {
    const p = parse(
      '"DisplayName","Status","TotalMailboxSize (bytes)","TotalArchiveSizeBytes","BytesTransferredBytes","TotalInProgressDuration"\r\n"A","Completed","1073741824","","2147483648","02:00:00"\r\n',
    );
    expect(p.moves[0]!.primaryBytes).toBe(GIB);
    expect(p.moves[0]!.gbPerHour).toBe(1);
    expect(p.meta.shape).toBe('flattened');
    expect(p.issues.some((i) => i.code === 'size-unit-unknown')).toBe(false);
  });

  it('counts unreadable values once per column with the first line', () => {
    const p = parse(
      '"DisplayName","Status","TotalInProgressDuration","PercentComplete"\r\n"A","InProgress","soon","x"\r\n"B","InProgress","later","50"\r\n',
    );
    const spans = p.issues.find((i) => i.code === 'bad-value' && i.path === 'TotalInProgressDuration')!;
    expect(spans.message).toMatch(
      /^2 value\(s\) in TotalInProgressDuration could not be read \(first on line 2: "soon"\)/,
    );
    expect(spans.line).toBe(2);
    expect(p.issues.find((i) => i.code === 'bad-value' && i.path === 'PercentComplete')!.message).toContain(
      'a whole number',
    );
  });

  it('warns about moves listed twice', () => {
    const p = parse(
      '"DisplayName","ExchangeGuid","Status"\r\n"A","g1","Completed"\r\n"A","g1","Completed"\r\n"B","g2","Failed"\r\n',
    );
    expect(p.issues.find((i) => i.code === 'duplicate-move')!.message).toMatch(
      /^1 move\(s\) appear more than once \(first: A\)/,
    );
  });

  it('reads MoveOnlyPrimaryMailbox as the primary only', () => {
    const p = parse(
      '"DisplayName","Status","Flags","TotalMailboxSize","TotalArchiveSize"\r\n"A","Completed","IntraOrg, Pull, MoveOnlyPrimaryMailbox","1 GB (1,073,741,824 bytes)","2 GB (2,147,483,648 bytes)"\r\n',
    );
    expect(p.moves[0]!.movedBytes).toBe(GIB);
  });
});

describe('every value is range-checked where it is parsed', () => {
  const NOW = Date.UTC(2026, 11, 2, 12);
  const at = (text: string) => parseMoves(readCsv(text, { file: 'm.csv' }), 'm.csv', { now: NOW });
  const head =
    '"DisplayName","Status","TotalMailboxSize","BytesTransferred","PercentComplete","TotalInProgressDuration","ItemsTransferred","QueuedTimestamp"\r\n';
  const row = (name: string, over: Partial<Record<string, string>> = {}) => {
    const v = {
      size: '1.234 GB (1,324,567,890 bytes)',
      moved: '1.234 GB (1,324,567,890 bytes)',
      percent: '95',
      span: '01:00:00',
      items: '1200',
      queued: '2026-11-20T08:00:00',
      ...over,
    };
    return `"${name}","Synced","${v.size}","${v.moved}","${v.percent}","${v.span}","${v.items}","${v.queued}"\r\n`;
  };
  const rangeIssue = (p: ReturnType<typeof at>, column: string) =>
    p.issues.find((i) => i.code === 'out-of-range' && i.path === column);

  it('refuses absurd byte counts and sizes whose rounded value disagrees with the bytes', () => {
    const p = at(
      head +
        row('good') +
        row('forged', { size: '1.234 GB (999,999,999,999,999,999,999 bytes)' }) +
        row('mismatch', { size: '1.234 GB (2,000,000,000 bytes)' }) +
        row('huge', { size: '5 TB (5,497,558,138,880 bytes)', moved: '99999999999999999999' }) +
        row('rounded', { size: '88.52 MB (92,818,594 bytes)', moved: '0 B (0 bytes)' }),
    );
    expect(p.moves.map((m) => m.primaryBytes)).toEqual([1_324_567_890, null, null, null, 92_818_594]);
    expect(p.moves.map((m) => m.bytesTransferred)).toEqual([
      1_324_567_890,
      1_324_567_890,
      1_324_567_890,
      null,
      0,
    ]);
    expect(rangeIssue(p, 'TotalMailboxSize')).toMatchObject({
      severity: 'warning',
      line: 3,
      message: expect.stringMatching(
        /^3 value\(s\) in TotalMailboxSize are outside what one move can hold \(first on line 3: "1\.234 GB \(999,999,999,999,999,999,999 bytes\)"\); expected at most 4 TiB for one mailbox; or a rounded size that agrees with the exact bytes in brackets\. They are counted as empty\./,
      ),
    });
    expect(rangeIssue(p, 'BytesTransferred')!.line).toBe(5);
  });

  it('refuses percentages outside 0–100, negative or endless time spans and impossible counts', () => {
    const p = at(
      head +
        row('a', { percent: '250', span: '-01:00:00', items: '-3' }) +
        row('b', { percent: '-5', span: '99999999.00:00:00', items: '1e40' }) +
        row('c', { percent: '100', span: '3650.00:00:00', items: '99999999999' }) +
        row('d', { percent: '0', span: '00:00:00', items: '1000000000' }),
    );
    expect(p.moves.map((m) => m.percentComplete)).toEqual([null, null, 100, 0]);
    expect(p.moves.map((m) => m.inProgressMs)).toEqual([null, null, 3650 * 86_400_000, 0]);
    expect(p.moves.map((m) => m.itemsTransferred)).toEqual([null, null, null, 1_000_000_000]);
    expect(rangeIssue(p, 'PercentComplete')!.message).toMatch(
      /^2 value.*expected a percentage from 0 to 100/,
    );
    expect(rangeIssue(p, 'TotalInProgressDuration')!.message).toMatch(/^2 value.*3650 days/);
    expect(rangeIssue(p, 'ItemsTransferred')!.message).toMatch(/^3 value.*1,000,000,000/);
  });

  it('leaves 1979 and 2090 empty with a warning, so the timeline keeps its real span', () => {
    const p = at(
      head +
        row('a', { queued: '2026-11-20T08:00:00' }) +
        row('b', { queued: '1979-05-01T08:00:00' }) +
        row('c', { queued: '2090-01-01T08:00:00' }) +
        row('d', { queued: '2026-12-04T08:00:00' }),
    );
    expect(p.moves.map((m) => m.queuedAt)).toEqual([
      Date.UTC(2026, 10, 20, 8),
      null,
      null,
      Date.UTC(2026, 11, 4, 8),
    ]);
    expect(p.issues.find((i) => i.code === 'date-out-of-range')).toMatchObject({
      severity: 'warning',
      path: 'QueuedTimestamp',
      line: 3,
      message: expect.stringMatching(
        /^2 date\(s\) in QueuedTimestamp lie outside 1990 to two days from now \(first on line 3: "1979-05-01T08:00:00"\)/,
      ),
    });
  });

  it('keeps every column total an exact integer', () => {
    const big = '4 TB (4,398,046,511,104 bytes)';
    const p = at(
      head + Array.from({ length: 2100 }, (_, i) => row(`m${i}`, { size: big, moved: big })).join(''),
    );
    const total = p.moves.reduce((s, m) => s + (m.primaryBytes ?? 0), 0);
    expect(total).toBeLessThanOrEqual(Number.MAX_SAFE_INTEGER);
    expect(p.moves.filter((m) => m.primaryBytes === null)).toHaveLength(2100 - 2047);
    expect(rangeIssue(p, 'TotalMailboxSize')!.message).toContain('column total stays below 2^53');
  });

  it('cuts text cells at 1,024 characters and a failure message at 16 KiB, once noted per column', () => {
    const p = at(
      '"DisplayName","Status","Message"\r\n' +
        `"${'N'.repeat(5000)}","Failed","${'m'.repeat(20_000)}"\r\n` +
        '"Short","Failed","Error: short"\r\n',
    );
    expect(p.moves.map((m) => [m.name.length, m.message.length])).toEqual([
      [1024, 16 * 1024],
      [5, 12],
    ]);
    expect(p.moves[0]!.name.endsWith('…')).toBe(true);
    expect(p.issues.filter((i) => i.code === 'long-value').map((i) => [i.path, i.line, i.severity])).toEqual([
      ['DisplayName', 2, 'warning'],
      ['Message', 2, 'warning'],
    ]);
  });
});
