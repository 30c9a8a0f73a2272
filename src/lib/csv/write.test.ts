import { describe, expect, it } from 'vitest';
import { toCsv, neutraliseFormula, recordsToCsv } from './write.ts';
import { readCsv } from './read.ts';

describe('toCsv', () => {
  it('writes RFC 4180: quotes where needed, doubled quotes, CRLF', () => {
    expect(
      toCsv(
        ['a', 'b'],
        [
          ['x', 'he said "hi"'],
          ['1,2', 'line\nbreak'],
        ],
      ),
    ).toBe('a,b\r\nx,"he said ""hi"""\r\n"1,2","line\nbreak"\r\n');
  });

  it('neutralises formula injection in text cells', () => {
    for (const bad of ['=1+1', '+cmd', '-2+3', '@SUM(A1)', '\tx', '\rx', '=HYPERLINK("http://evil")']) {
      expect(neutraliseFormula(bad).startsWith("'")).toBe(true);
    }
    expect(neutraliseFormula('jdoe@contoso.com')).toBe('jdoe@contoso.com');
    const csv = toCsv(['v'], [['=cmd|" /C calc"!A0']]);
    expect(csv).toBe('v\r\n"\'=cmd|"" /C calc""!A0"\r\n');
  });

  it('keeps numbers as numbers, negative ones too', () => {
    expect(toCsv(['n'], [[-5], [3.5], [null]])).toBe('n\r\n-5\r\n3.5\r\n\r\n');
  });

  it('writes ; and a BOM for Excel in European locales', () => {
    const csv = toCsv(['a', 'b'], [['1;2', 'x']], { delimiter: ';', bom: true });
    expect(csv).toBe('\ufeffa;b\r\n"1;2";x\r\n');
  });

  it('round-trips through readCsv', () => {
    const rows = [
      ['Doe, John', 'quote " inside', 'multi\r\nline'],
      ['', ' lead space', 'ü ß é'],
    ];
    const back = readCsv(toCsv(['x', 'y', 'z'], rows));
    expect(back.rows).toEqual(rows);
  });

  it('writes records by column list', () => {
    const csv = recordsToCsv(
      [{ key: 'id' }, { key: 'name', header: 'Display name' }],
      [{ id: 1, name: 'A' }],
    );
    expect(csv).toBe('id,Display name\r\n1,A\r\n');
  });
});
