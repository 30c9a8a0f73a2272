import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readCsv } from '../../lib/csv/read.ts';
import { analyseMoves } from './core.ts';
import { badItemsCsv, batchesCsv, failuresCsv, movesCsv } from './csv-exports.ts';

const bytes = (name: string) => new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));
const report = analyseMoves({
  moves: { name: 'exo.csv', bytes: bytes('exo-raw-en-US.csv') },
  badItems: { name: 'bad.csv', bytes: bytes('bad-items-en-US.csv') },
});

describe('CSV exports', () => {
  it('per mailbox: UTF-8 BOM, exact bytes, zone-less ISO dates', () => {
    const text = movesCsv(report.moves);
    expect(text.startsWith('\ufeffMailbox,Alias,ExchangeGuid,Batch,Status')).toBe(true);
    const t = readCsv(text);
    const anna = t.rows[0]!;
    expect(anna[t.headers.indexOf('MovedSizeBytes')]).toBe(String(3 * 2 ** 30));
    expect(anna[t.headers.indexOf('Completed')]).toBe('2026-11-23T14:05:09');
    expect(anna[t.headers.indexOf('GiBPerHour')]).toBe('1.75');
    expect(t.rows[3]![t.headers.indexOf('Batch')]).toBe('(no batch)');
  });

  it('neutralises cells Excel would run as a formula', () => {
    const evil = { ...report.moves[0]!, name: '=HYPERLINK("http://x","y")', message: '@SUM(1)' };
    const t = readCsv(movesCsv([evil]));
    expect(t.rows[0]![0]).toBe('\'=HYPERLINK("http://x","y")');
    expect(t.rows[0]![t.headers.indexOf('Message')]).toBe("'@SUM(1)");
  });

  it('per batch: one column per status present', () => {
    const t = readCsv(batchesCsv(report, { delimiter: ';' }), { delimiter: ';' });
    expect(t.headers.slice(0, 7)).toEqual([
      'Batch',
      'Moves',
      'Queued',
      'InProgress',
      'AutoSuspended',
      'Completed',
      'Failed',
    ]);
    expect(t.rows.map((r) => r.slice(0, 7))).toEqual([
      ['Wave1', '2', '0', '0', '1', '1', '0'],
      ['Wave2', '2', '1', '0', '0', '0', '1'],
      ['(no batch)', '1', '0', '1', '0', '0', '0'],
    ]);
    expect(t.rows[1]![t.headers.indexOf('WorstDataConsistencyScore')]).toBe('Investigate');
  });

  it('failures and bad items', () => {
    const f = readCsv(failuresCsv(report));
    expect(f.rows[0]!.slice(0, 3)).toEqual(['TooManyBadItemsPermanentException', '1', '1']);
    expect(f.rows[0]![f.headers.indexOf('KnownError')]).toBe('Too many bad items');
    const b = readCsv(badItemsCsv(report));
    expect(b.rows).toHaveLength(7);
    expect(b.rows[0]!.slice(0, 3)).toEqual(['Bernd Müller', 'CorruptItem', 'Inbox']);
  });
});
