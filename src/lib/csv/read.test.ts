import { describe, expect, it } from 'vitest';
import { readCsv, sniffDelimiter, findColumn } from './read.ts';
import { isInputError } from '../issue.ts';

const utf16le = (s: string, bom = true) => {
  const out = new Uint8Array((bom ? 2 : 0) + s.length * 2);
  let o = 0;
  if (bom) {
    out[o++] = 0xff;
    out[o++] = 0xfe;
  }
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out[o++] = c & 0xff;
    out[o++] = c >> 8;
  }
  return out;
};

describe('readCsv on PowerShell exports', () => {
  it('reads a PowerShell 5.1 Export-Csv: #TYPE line, every field quoted, CRLF', () => {
    const text =
      '#TYPE Selected.Microsoft.ActiveDirectory.Management.ADUser\r\n' +
      '"SamAccountName","UserPrincipalName","Enabled"\r\n' +
      '"jdoe","jdoe@contoso.com","True"\r\n' +
      '"asmith","asmith@contoso.com","False"\r\n';
    const t = readCsv(new TextEncoder().encode(text), { file: 'ad.csv' });
    expect(t.meta.typeName).toBe('Selected.Microsoft.ActiveDirectory.Management.ADUser');
    expect(t.meta.headerLine).toBe(2);
    expect(t.meta.delimiter).toBe(',');
    expect(t.headers).toEqual(['SamAccountName', 'UserPrincipalName', 'Enabled']);
    expect(t.rows).toEqual([
      ['jdoe', 'jdoe@contoso.com', 'True'],
      ['asmith', 'asmith@contoso.com', 'False'],
    ]);
    expect(t.lines).toEqual([3, 4]);
    expect(t.issues).toEqual([]);
  });

  it('reads -UseCulture on de-DE: semicolons, UTF-16LE with BOM (-Encoding Unicode), umlauts', () => {
    const text = '"Name";"Größe";"Datum"\r\n"Müller, Jörg";"1,5";"23.11.2026 14:05:09"\r\n';
    const t = readCsv(utf16le(text), { file: 'de.csv' });
    expect(t.meta.encoding).toBe('utf-16le');
    expect(t.meta.delimiter).toBe(';');
    expect(t.rows[0]).toEqual(['Müller, Jörg', '1,5', '23.11.2026 14:05:09']);
  });

  it('recognises UTF-16LE without a BOM', () => {
    const t = readCsv(utf16le('"a","b"\r\n"1","2"\r\n', false));
    expect(t.meta.encoding).toBe('utf-16le');
    expect(t.rows).toEqual([['1', '2']]);
  });

  it('strips a UTF-8 BOM and keeps the first header name intact', () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('Id,Name\n1,x\n')]);
    const t = readCsv(bytes);
    expect(t.meta.encoding).toBe('utf-8-bom');
    expect(t.headers[0]).toBe('Id');
  });

  it('falls back to windows-1252 for Excel ANSI files and says so', () => {
    const bytes = new Uint8Array([
      ...new TextEncoder().encode('Name\n'),
      0x4d,
      0xfc,
      0x6c,
      0x6c,
      0x65,
      0x72,
      0x0a,
    ]);
    const t = readCsv(bytes, { file: 'ansi.csv' });
    expect(t.meta.encoding).toBe('windows-1252');
    expect(t.rows[0]![0]).toBe('Müller');
    expect(t.issues.map((i) => i.code)).toContain('windows-1252');
  });

  it('warns when an ASCII export replaced letters with "?"', () => {
    const t = readCsv(new TextEncoder().encode('"Name"\r\n"J?rg M?ller"\r\n'), { file: 'ascii.csv' });
    expect(t.meta.encoding).toBe('ascii');
    const issue = t.issues.find((i) => i.code === 'lossy-ascii');
    expect(issue?.file).toBe('ascii.csv');
    expect(issue?.hint).toMatch(/-Encoding UTF8/);
  });

  it('counts physical lines across multi-line values', () => {
    const t = readCsv('"a","b"\n"1","first\nsecond\nthird"\n"2","x"\n');
    expect(t.rows[1]).toEqual(['2', 'x']);
    expect(t.lines).toEqual([2, 5]);
  });

  it('keeps multi-line values intact across parser chunks', () => {
    let text = '"id","note"\n';
    for (let i = 0; i < 60_000; i++) text += `"${i}","line one\nline two ${'x'.repeat(40)}"\n`;
    const t = readCsv(text);
    expect(t.rows).toHaveLength(60_000);
    expect(t.rows[59_999]).toEqual(['59999', `line one\nline two ${'x'.repeat(40)}`]);
    expect(t.lines[59_999]).toBe(2 + 59_999 * 2);
  });

  it('reports rows with the wrong number of values by line, and pads them', () => {
    const t = readCsv('a,b,c\n1,2,3\n4,5\n6,7,8,9\n', { file: 'x.csv' });
    expect(t.rows).toEqual([
      ['1', '2', '3'],
      ['4', '5', ''],
      ['6', '7', '8'],
    ]);
    expect(t.issues.filter((i) => i.code === 'row-width').map((i) => i.line)).toEqual([3, 4]);
  });

  it('skips blank lines without losing line numbers', () => {
    const t = readCsv('a\n\n1\n\n2\n');
    expect(t.rows).toEqual([['1'], ['2']]);
    expect(t.lines).toEqual([3, 5]);
  });

  it('throws an InputError naming the file when there is no header', () => {
    try {
      readCsv('\r\n\r\n', { file: 'empty.csv' });
      expect.unreachable();
    } catch (e) {
      expect(isInputError(e)).toBe(true);
      if (isInputError(e)) expect(e.issue).toMatchObject({ code: 'empty-file', file: 'empty.csv' });
    }
  });

  it('stops when cancelled', () => {
    const controller = new AbortController();
    controller.abort();
    expect(() => readCsv('a\n1\n', { signal: controller.signal })).toThrow(/Cancelled/);
  });
});

describe('sniffDelimiter', () => {
  it.each([
    ['"a","b;c","d"', ','],
    ['"a";"b,c";"d"', ';'],
    ['a\tb\tc', '\t'],
    ['a|b|c', '|'],
    ['single', ','],
  ] as const)('%s → %j', (line, d) => expect(sniffDelimiter(line)).toBe(d));
});

describe('findColumn', () => {
  it('matches names across casing, dashes and spaces', () => {
    const headers = ['DistinguishedName', 'mS-DS-ConsistencyGuid', 'Object GUID'];
    expect(findColumn(headers, 'msDSConsistencyGuid')).toBe(1);
    expect(findColumn(headers, 'objectguid')).toBe(2);
    expect(findColumn(headers, 'missing', 'distinguishedname')).toBe(0);
    expect(findColumn(headers, 'nope')).toBe(-1);
  });
});
