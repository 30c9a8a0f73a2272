import fc from 'fast-check';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import {
  MAX_COLUMNS,
  MAX_VALUE_LENGTH,
  readCsv,
  sniffDelimiter,
  findColumn,
  type Delimiter,
} from './read.ts';
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

  it('decodes the Windows-1252 letters outside Latin-1 (€, curly quotes, Š) the same in Node and browsers', () => {
    const bytes = new Uint8Array([
      ...new TextEncoder().encode('Note\n'),
      0x80,
      0x20,
      0x91,
      0x78,
      0x92,
      0x20,
      0x8a,
      0x0a,
    ]);
    expect(readCsv(bytes).rows[0]![0]).toBe('€ ‘x’ Š');
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

describe('readCsv on messy line endings and stray characters', () => {
  const header = '"id","name","note"';
  const row = (i: number) => `"${i}","user ${i}","x"`;

  it('keeps every row when the first half ends lines with CRLF and the second half with LF', () => {
    const rows = Array.from({ length: 10 }, (_, i) => row(i));
    const text = [header, ...rows.slice(0, 5)].join('\r\n') + '\r\n' + rows.slice(5).join('\n') + '\n';
    const t = readCsv(text, { file: 'mixed.csv' });
    expect(t.rows.map((r) => r[0])).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(t.lines).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(t.issues).toEqual([]);
  });

  it('reads old Mac line endings (lone CR) and counts them as lines', () => {
    const t = readCsv('a,b\r1,2\r3,4\r');
    expect(t.rows).toEqual([
      ['1', '2'],
      ['3', '4'],
    ]);
    expect(t.lines).toEqual([2, 3]);
  });

  it('keeps line breaks inside quoted values, whatever the file uses outside them', () => {
    const t = readCsv('"a","b"\n"1","two\r\nlines"\r\n"2","x"\r"3","y"\n');
    expect(t.rows).toEqual([
      ['1', 'two\r\nlines'],
      ['2', 'x'],
      ['3', 'y'],
    ]);
    expect(t.lines).toEqual([2, 4, 5]);
  });

  it('skips the #TYPE line and blank lines before the header in a CR-only file', () => {
    const t = readCsv('#TYPE Selected.Microsoft.ActiveDirectory.Management.ADUser\r\r"a";"b"\r"1";"2"\r');
    expect(t.meta).toMatchObject({
      typeName: 'Selected.Microsoft.ActiveDirectory.Management.ADUser',
      delimiter: ';',
      headerLine: 3,
    });
    expect(t.rows).toEqual([['1', '2']]);
  });

  it('removes NUL characters and says how many', () => {
    const t = readCsv('a,b\n1,2\n3,4\n\0\0\0\0', { file: 'cut.csv' });
    expect(t.rows).toEqual([
      ['1', '2'],
      ['3', '4'],
    ]);
    const nul = t.issues.find((i) => i.code === 'nul-bytes')!;
    expect(nul).toMatchObject({ severity: 'warning', file: 'cut.csv' });
    expect(nul.message).toMatch(/holds 4 NUL characters; they were removed/);
  });

  it('reads two exports joined into one file: the second BOM and header are dropped, every user kept', () => {
    const one = `${header}\r\n${row(1)}\r\n${row(2)}\r\n`;
    const two = `\ufeff${header}\r\n${row(3)}\r\n`;
    const bytes = new TextEncoder().encode(`\ufeff${one}${two}`);
    const t = readCsv(bytes, { file: 'joined.csv' });
    expect(t.rows.map((r) => r[0])).toEqual(['1', '2', '3']);
    expect(t.lines).toEqual([2, 3, 5]);
    expect(t.issues.map((i) => [i.code, i.line])).toEqual([
      ['stray-bom', undefined],
      ['repeated-header', 4],
    ]);
  });

  it('names duplicate headers and the columns they are in', () => {
    const t = readCsv('"Id","Mail","mail","Name","ID"\n1,a,b,c,2\n', { file: 'dup.csv' });
    const dup = t.issues.find((i) => i.code === 'duplicate-header')!;
    expect(dup.message).toBe(
      'The header names "Id" (columns 1, 5), "Mail" (columns 2, 3) more than once; the first column of each name is used.',
    );
    expect(findColumn(t.headers, 'mail')).toBe(1);
  });

  it('cuts a value longer than the cap and says on which line', () => {
    const long = 'x'.repeat(MAX_VALUE_LENGTH + 10);
    for (const quoted of [false, true]) {
      const text = `a,b\n1,${quoted ? `"${long}"` : long}\n2,y\n`;
      const t = readCsv(text, { file: 'long.csv' });
      expect(t.rows.map((r) => r[1]!.length)).toEqual([MAX_VALUE_LENGTH, 1]);
      expect(t.issues.map((i) => [i.code, i.line])).toEqual([['value-too-long', 2]]);
    }
  });

  it('cuts the rest of a file after an unterminated quote to the cap instead of holding it whole', () => {
    const text = `a,b\n1,"never closed\n${'2,y\n'.repeat(300_000)}`;
    const t = readCsv(text, { file: 'quote.csv' });
    expect(t.rows[0]![1]!.length).toBe(MAX_VALUE_LENGTH);
    expect(t.issues.map((i) => i.code).sort()).toEqual(['csv-quotes', 'unclosed-quote', 'value-too-long']);
    const unclosed = t.issues.find((i) => i.code === 'unclosed-quote')!;
    expect(unclosed.line).toBe(2);
    expect(unclosed.message).toMatch(
      /^Line 2 opens a quoted value that never closes, so the 300,001 lines after it were read as part of that one value, not as rows: they are missing/,
    );
  });

  it('reads at most the column cap of a header', () => {
    const head = Array.from({ length: MAX_COLUMNS + 5 }, (_, i) => `c${i}`).join(',');
    const t = readCsv(`${head}\n1,2\n`, { file: 'wide.csv', maxRowIssues: 0 });
    expect(t.headers).toHaveLength(MAX_COLUMNS);
    expect(t.issues[0]).toMatchObject({ code: 'too-large', line: 1 });
  });
});

/** Every line break as one LF: how readCsv reads CRLF, LF and lone CR, mixed in one text. */
const lf = (s: string) => s.replace(/\r\n?/g, '\n');

/**
 * What readCsv promises, written straight on Papa Parse: its records of the text with every line break made one
 * LF (Papa Parse knows one line ending per text), the header trimmed, blank lines and repeated headers skipped.
 */
function papaReference(body: string, delimiter: Delimiter) {
  const parsed = Papa.parse<string[]>(lf(body), {
    delimiter,
    newline: '\n',
    header: false,
    skipEmptyLines: false,
  });
  const [head = [], ...records] = parsed.data;
  const headers = head.map((h) => h.trim());
  const rows: string[][] = [];
  const lines: number[] = [];
  const widthLines: number[] = [];
  let line = 1;
  for (const [k, row] of [head, ...records].entries()) {
    const start = line;
    line += 1 + row.reduce((n, cell) => n + cell.split('\n').length - 1, 0);
    if (k === 0 || (row.length === 1 && row[0] === '')) continue;
    const isHeaderAgain =
      row.length === headers.length &&
      row.every((v, i) => v.trim() === headers[i]) &&
      headers.filter(Boolean).length >= 2;
    if (isHeaderAgain) continue;
    if (row.length !== headers.length) widthLines.push(start);
    rows.push(headers.map((_, i) => row[i] ?? ''));
    lines.push(start);
  }
  const quoteRecords = parsed.errors.filter((e) => e.type === 'Quotes').map((e) => (e.row ?? 0) + 1);
  return { headers, rows, lines, widthLines, quoteRecords };
}

describe('readCsv splits records exactly as Papa Parse does', () => {
  const piece = fc.constantFrom(
    'a',
    'b c',
    ' ',
    ',',
    ';',
    '"',
    '""',
    '"x"',
    '\r\n',
    '\n',
    '\r',
    'é',
    '\t',
    '|',
  );
  const body = fc
    .tuple(
      fc.constantFrom('h1', '"h1"', 'h1,h2', '"h1","h2"', 'h1;h2;h3'),
      fc.array(piece, { maxLength: 60 }),
    )
    .map(([head, parts]) => head + parts.join(''));
  const delimiter = fc.constantFrom<Delimiter>(',', ';', '|');

  // What readCsv skips before the header: blank lines and PowerShell 5.1's #TYPE line.
  const before = fc.constantFrom('', '\r\n', '#TYPE Selected.System.Object\r\n', '\n\n#TYPE X\n');

  it('for any text of quotes, delimiters and line endings, well-formed or not', () => {
    fc.assert(
      fc.property(before, body, delimiter, (prefix, text, d) => {
        const t = readCsv(prefix + text, { delimiter: d, maxRowIssues: 1000 });
        const ref = papaReference(text, d);
        const skipped = prefix.split('\n').length - 1;
        expect(t.meta.headerLine).toBe(1 + skipped);
        expect(t.headers.map(lf)).toEqual(ref.headers);
        expect(t.rows.map((row) => row.map(lf))).toEqual(ref.rows);
        expect(t.lines).toEqual(ref.lines.map((l) => l + skipped));
        expect(t.rowCount).toBe(ref.rows.length);
        expect(t.issues.filter((i) => i.code === 'row-width').map((i) => i.line)).toEqual(
          ref.widthLines.map((l) => l + skipped),
        );
        const quotes = t.issues.filter((i) => i.code === 'csv-quotes').map((i) => i.message);
        expect(quotes.map((m) => Number(/record (\d+)/.exec(m)![1]))).toEqual(ref.quoteRecords);
      }),
      { numRuns: 3000 },
    );
  });

  it('reads records joined with any mix of CRLF, LF and CR exactly as the same records joined with LF', () => {
    const value = fc.oneof(
      fc.constantFrom('', 'a', 'b c', 'Müller, Jörg', 'CN=Doe\\, John,OU=Sales'),
      fc.constantFrom('"two\r\nlines"', '"lf\nonly"', '"say ""hi"""', '"a,b"'),
    );
    const record = fc.array(value, { minLength: 1, maxLength: 4 });
    const ending = fc.constantFrom('\r\n', '\n', '\r');
    fc.assert(
      fc.property(fc.array(fc.tuple(record, ending), { minLength: 1, maxLength: 30 }), (records) => {
        // A CR ending before an empty record's LF would make one CRLF: one line break, as intended.
        fc.pre(
          !records.some(
            ([, e], k) => e === '\r' && records[k + 1]?.[0].join(',') === '' && records[k + 1]?.[1] === '\n',
          ),
        );
        const mixed = records.map(([r, e]) => r.join(',') + e).join('');
        const plain = records.map(([r]) => r.join(',') + '\n').join('');
        fc.pre(records.some(([r]) => r.join(',') !== ''));
        const a = readCsv(mixed, { maxRowIssues: 1000 });
        const b = readCsv(plain, { maxRowIssues: 1000 });
        expect(a.headers).toEqual(b.headers);
        expect(a.rows).toEqual(b.rows);
        expect(a.lines).toEqual(b.lines);
        expect(a.issues).toEqual(b.issues);
      }),
      { numRuns: 1000 },
    );
  });

  it('streams the same rows through onRow, with unread columns empty after the first row', () => {
    fc.assert(
      fc.property(body, delimiter, fc.array(fc.nat(3), { maxLength: 3 }), (text, d, wanted) => {
        const whole = readCsv(text, { delimiter: d });
        const seen: { cells: string[]; line: number }[] = [];
        const t = readCsv(text, {
          delimiter: d,
          columns: () => wanted,
          onRow: (cells, line) => seen.push({ cells: [...cells], line }),
        });
        expect(t.rows).toEqual([]);
        expect(t.rowCount).toBe(whole.rows.length);
        expect(t.firstRow).toEqual(whole.rows[0]);
        expect(seen.map((s) => s.line)).toEqual(whole.lines);
        expect(seen.map((s) => s.cells)).toEqual(
          whole.rows.map((row) => row.map((v, i) => (wanted.includes(i) ? v : ''))),
        );
      }),
      { numRuns: 1000 },
    );
  });

  it('hands a malformed quote deep in a large file to Papa Parse and keeps every row and line', () => {
    let text = '"id","note"\r\n';
    for (let i = 0; i < 120_000; i++) {
      text +=
        i === 100_000 ? `"${i}","broken "quote" here"\r\n` : `"${i}","two\r\nlines ${'y'.repeat(20)}"\r\n`;
    }
    const seen: number[] = [];
    const t = readCsv(text, { file: 'big.csv', onRow: (cells, line) => seen.push(line) });
    expect(t.rowCount).toBe(120_000);
    expect(seen[99_999]).toBe(2 + 99_999 * 2);
    expect(seen[100_000]).toBe(2 + 100_000 * 2);
    expect(seen[100_001]).toBe(2 + 100_000 * 2 + 1);
    expect(t.issues.map((i) => i.code)).toContain('csv-quotes');
    const ref = papaReference(text, ',');
    expect(seen).toEqual(ref.lines);
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
