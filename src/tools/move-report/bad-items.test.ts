import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readCsv } from '../../lib/csv/read.ts';
import { badItemGroup, parseBadItems } from './bad-items.ts';
import { parseMoves } from './parse.ts';

const bytes = (name: string) => new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));
const movesOf = () => parseMoves(readCsv(bytes('exo-raw-en-US.csv'), { file: 'exo.csv' }), 'exo.csv').moves;

describe('parseBadItems', () => {
  it('ties each item to its move, counts by kind and per mailbox', () => {
    const moves = movesOf();
    const { summary, issues } = parseBadItems(
      readCsv(bytes('bad-items-en-US.csv'), { file: 'bad.csv' }),
      'bad.csv',
      moves,
    );
    expect(summary!.rows).toHaveLength(7);
    expect(summary!.byKind).toEqual({ CorruptItem: 4, CorruptFolderACL: 1, LargeItem: 1, MissingItem: 1 });
    expect(summary!.perMailbox.map((p) => [p.mailbox, p.total])).toEqual([
      ['Bernd Müller', 3],
      ['Carla Díaz', 3],
      ['zz-left', 1],
    ]);
    expect(summary!.perMailbox[0]!.byKind).toEqual({ CorruptItem: 2, LargeItem: 1 });
    expect(moves[1]!.badItemRows).toBe(3);
    expect(moves[2]!.badItemRows).toBe(3);
    expect(summary!.rows[2]!.sizeBytes).toBe(165_000_000);
    expect(summary!.rows[2]!.line).toBe(4);
    expect(summary!.unmatchedRows).toBe(1);
    expect(issues.map((i) => i.code)).toEqual(['bad-items-unmatched']);
    expect(issues[0]!.message).toMatch(
      /^1 bad item\(s\) name mailboxes that are not in the moves export \(zz-left\)/,
    );
  });

  it('names kinds written as numbers (the XML form) and groups them for notices', () => {
    const moves = movesOf();
    const csv =
      '"Mailbox","Kind","FolderName"\r\n"aberg","1","Inbox"\r\n"aberg","4","Projects"\r\n"aberg","2","Inbox"\r\n';
    const { summary } = parseBadItems(readCsv(csv, { file: 'x.csv' }), 'x.csv', moves);
    expect(summary!.rows.map((r) => r.kind)).toEqual(['CorruptItem', 'CorruptFolderACL', 'LargeItem']);
    expect(summary!.rows.map((r) => badItemGroup(r.kind))).toEqual([
      'Corrupt item',
      'Folder problem',
      'Large item',
    ]);
    expect(badItemGroup('MisplacedFolder')).toBe('Folder problem');
    expect(badItemGroup('CorruptMailboxSetting')).toBe('Other');
  });

  it('reports a file without a mailbox column instead of guessing', () => {
    const { summary, issues } = parseBadItems(
      readCsv('"Kind","Subject"\r\n"CorruptItem","x"\r\n', { file: 'y.csv' }),
      'y.csv',
      movesOf(),
    );
    expect(summary).toBeNull();
    expect(issues[0]!.code).toBe('not-bad-items');
    expect(issues[0]!.hint).toContain('Report.BadItems');
  });
});
