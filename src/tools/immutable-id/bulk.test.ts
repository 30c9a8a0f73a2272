import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readCsv } from '../../lib/csv/read.ts';
import {
  columnValues,
  convertAll,
  guessIdColumn,
  kindOf,
  PackedValues,
  readIdColumn,
  readIdFile,
  splitLongText,
  summarise,
} from './bulk.ts';
import { convertId, splitValues } from './core.ts';

const GUID = '748b2d24-2c1d-4b11-9c3c-1d9e5d8a3b0f';

/** `Get-ADUser -Filter * | Export-Csv users.csv` in Windows PowerShell 5.1, de-DE: `#TYPE`, `;`, every field quoted. */
const AD_EXPORT = [
  '#TYPE Microsoft.ActiveDirectory.Management.ADUser',
  '"DistinguishedName";"Enabled";"Name";"ObjectClass";"ObjectGUID";"SamAccountName";"SID"',
  `"CN=Jane Doe,OU=Staff,DC=contoso,DC=com";"True";"Jane Doe";"user";"${GUID}";"jdoe";"S-1-5-21-1004336348-1177238915-682003330-1104"`,
  '"CN=Max Mustermann,OU=Staff,DC=contoso,DC=com";"False";"Max Mustermann";"user";"2f2ea27e-cb31-974c-89eb-1b4501aafe40";"mmustermann";"S-1-5-21-1004336348-1177238915-682003330-1105"',
  '"CN=Empty,OU=Staff,DC=contoso,DC=com";"True";"Empty";"user";"";"empty";"S-1-5-21-1004336348-1177238915-682003330-1106"',
].join('\r\n');

describe('guessIdColumn', () => {
  it('picks ObjectGUID in a Get-ADUser export, not the DN, flags or SID', () => {
    const t = readCsv(AD_EXPORT);
    expect(t.headers[guessIdColumn(t.headers, t.rows)]).toBe('ObjectGUID');
  });

  it('picks an onPremisesImmutableId column from an Entra export', () => {
    const t = readCsv(
      'displayName,userPrincipalName,onPremisesImmutableId\r\n' +
        'Jane Doe,jdoe@contoso.com,JC2LdB0sEUucPB2eXYo7Dw==\r\n' +
        'Cloud Only,cloud@contoso.com,\r\n' +
        'Max Mustermann,mmustermann@contoso.com,L+Kifssxl0yJ6xtFAar+QA==\r\n',
    );
    expect(guessIdColumn(t.headers, t.rows)).toBe(2);
  });

  it('falls back to the first column, or -1 without columns', () => {
    expect(guessIdColumn(['Name', 'Title'], [['Jane', 'CEO']])).toBe(0);
    expect(guessIdColumn([], [])).toBe(-1);
  });
});

describe('columnValues', () => {
  it('keeps non-empty cells in order', () => {
    const t = readCsv(AD_EXPORT);
    expect(columnValues(t.rows, 4)).toEqual([GUID, '2f2ea27e-cb31-974c-89eb-1b4501aafe40']);
  });
});

describe('convertAll', () => {
  it('converts in chunks and reports progress', async () => {
    const values = Array.from({ length: 25 }, (_, i) => (i % 5 === 4 ? '74 E5' : GUID));
    const progress: number[] = [];
    const chunks: number[] = [];
    const results = await convertAll(values, {
      chunk: 10,
      onProgress: (done) => progress.push(done),
      onChunk: (part) => chunks.push(part.length),
    });
    expect(progress).toEqual([10, 20, 25]);
    expect(chunks).toEqual([10, 10, 5]);
    expect(results).toHaveLength(25);
    expect(summarise(results)).toEqual({ values: 25, ids: 20, ambiguous: 0, anchors: 0, invalid: 5 });
  });

  it('stops when cancelled', async () => {
    const controller = new AbortController();
    const run = convertAll(Array(30).fill(GUID), {
      chunk: 10,
      signal: controller.signal,
      onProgress: () => controller.abort(),
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('summarise', () => {
  it('counts IDs, two-way hex, anchors and invalid values', () => {
    const results = [
      GUID,
      '748b2d242c1d4b119c3c1d9e5d8a3b0f',
      'E012345',
      'SABlAGwAbABvACAAdwBvAHIAbABkACEA',
      '{1,2}',
    ];
    return convertAll(results).then((r) =>
      expect(summarise(r)).toEqual({ values: 5, ids: 2, ambiguous: 1, anchors: 2, invalid: 1 }),
    );
  });
});

describe('readIdFile: each dropped file inside its own boundary', () => {
  const enc = new TextEncoder();
  // The first bytes of a real PNG: signature, IHDR, then binary chunk data.
  const PNG = new Uint8Array([
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00,
    0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x08, 0x06, 0x00, 0x00, 0x00, 0x5c, 0x72, 0xa8, 0x66, 0x0a,
    0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x00, 0x01, 0x00, 0x00, 0x05, 0x00, 0x01,
  ]);

  it('reads a Get-ADUser export and picks ObjectGUID', () => {
    const f = readIdFile('users.csv', enc.encode(AD_EXPORT), readCsv);
    expect(f.issues).toEqual([]);
    expect(f.table!.headers[f.column]).toBe('ObjectGUID');
    expect(f.table!.name).toBe('users.csv');
  });

  it('rejects a PNG renamed .csv as binary instead of reading its chunks as anchors', () => {
    const f = readIdFile('ids.csv', PNG, readCsv);
    expect(f.table).toBeUndefined();
    expect(f.issues).toEqual([
      expect.objectContaining({
        code: 'binary-file',
        severity: 'error',
        message: 'ids.csv is a PNG image, not a CSV or text file with one ID per line.',
        hint: expect.stringContaining('Get-ADUser -Filter *'),
      }),
    ]);
  });

  it.each([
    ['an empty file', new Uint8Array(), 'empty-file', /ids\.csv is empty/],
    [
      'a header without rows',
      enc.encode('"SamAccountName","ObjectGUID"\r\n'),
      'no-rows',
      /header \(SamAccountName, ObjectGUID\) but no rows/,
    ],
    [
      'a workbook',
      new Uint8Array([0x50, 0x4b, 3, 4, ...enc.encode('xl/worksheets/sheet1.xml')]),
      'binary-file',
      /Excel workbook/,
    ],
  ])('gives no table for %s, only the reason', (_, bytes, code, message) => {
    const f = readIdFile('ids.csv', bytes, readCsv);
    expect(f.table).toBeUndefined();
    expect(f.issues.filter((i) => i.severity === 'error')).toEqual([
      expect.objectContaining({ code, message: expect.stringMatching(message) }),
    ]);
  });

  it('counts free text as not an ID, so a column of prose is never "0 invalid"', async () => {
    const t = readCsv('Comment\r\nhello world\r\nplease call me\r\nE012345\r\n');
    const s = summarise(await convertAll(columnValues(t.rows, 0)));
    expect(s).toEqual({ values: 3, ids: 0, ambiguous: 0, anchors: 1, invalid: 2 });
  });
});

describe('kindOf', () => {
  const expected = (v: string) => {
    const r = convertId(v);
    return { kind: r.kind, rows: Math.max(1, r.readings.length) };
  };

  it('knows a D GUID without converting it, and agrees with convertId on everything else', () => {
    expect(kindOf(GUID)).toEqual({ kind: 'guid', rows: 1 });
    expect(kindOf('748B2D24-2C1D-4B11-9C3C-1D9E5D8A3B0F')).toEqual({ kind: 'guid', rows: 1 });
    // One character off the fast path each: not hex, a quote, padding, 32 bare hex digits (two readings).
    expect(kindOf('748b2d24-2c1d-4b11-9c3c-1d9e5d8a3b0g')).toEqual({ kind: 'invalid', rows: 1 });
    expect(kindOf(`"${GUID}"`)).toEqual({ kind: 'guid', rows: 1 });
    expect(kindOf(` ${GUID}`)).toEqual({ kind: 'guid', rows: 1 });
    expect(kindOf('748b2d242c1d4b119c3c1d9e5d8a3b0f')).toEqual({ kind: 'hex-ambiguous', rows: 2 });
    expect(kindOf('SABlAGwAbABvACAAdwBvAHIAbABkACEA')).toEqual({ kind: 'text-anchor', rows: 1 });
  });

  it('matches convertId for any 36 characters and any string', () => {
    const guidish = fc
      .array(fc.constantFrom(...'0123456789abcdefABCDEF-g "{} '), { minLength: 36, maxLength: 36 })
      .map((cs) => cs.join(''));
    fc.assert(
      fc.property(fc.oneof(guidish, fc.string(), fc.uuid()), (v) => {
        expect(kindOf(v)).toEqual(expected(v));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('readIdColumn', () => {
  const bytes = new TextEncoder().encode(AD_EXPORT);
  const values = (c: { text: string; ends: Uint32Array }) => {
    const p = new PackedValues(c.text, c.ends);
    return Array.from({ length: p.length }, (_, i) => p.at(i));
  };

  it('packs the guessed ID column, or the one asked for', () => {
    const guessed = readIdColumn('users.csv', bytes, readCsv);
    expect(guessed.headers[guessed.column]).toBe('ObjectGUID');
    // Three rows; the third has no GUID, so it is no value.
    expect(guessed.rows).toBe(3);
    expect(values(guessed)).toEqual([GUID, '2f2ea27e-cb31-974c-89eb-1b4501aafe40']);
    expect(values(readIdColumn('users.csv', bytes, readCsv, 5))).toEqual(['jdoe', 'mmustermann', 'empty']);
  });

  it('reads a plain list of IDs without a header from its first line: no ID is taken for a column name', () => {
    const enc = new TextEncoder();
    const list = enc.encode(
      `${GUID}\r\nJC2LdB0sEUucPB2eXYo7Dw==\r\n2f2ea27e-cb31-974c-89eb-1b4501aafe40\r\n`,
    );
    const r = readIdColumn('ids.txt', list, readCsv);
    expect(r.headers).toEqual(['Column 1']);
    expect(r.rows).toBe(3);
    expect(values(r)).toEqual([GUID, 'JC2LdB0sEUucPB2eXYo7Dw==', '2f2ea27e-cb31-974c-89eb-1b4501aafe40']);
    // One GUID alone is one value, not "a header but no rows".
    expect(values(readIdColumn('one.txt', enc.encode(`${GUID}\r\n`), readCsv))).toEqual([GUID]);
    // A real header stays a header, even one that reads as a short text anchor ("Id").
    expect(readIdColumn('ids.csv', enc.encode(`Id\r\n${GUID}\r\n`), readCsv).headers).toEqual(['Id']);
  });

  it('gives an unusable file its reason and no values', () => {
    const r = readIdColumn('empty.csv', new Uint8Array(), readCsv);
    expect(r.column).toBe(-1);
    expect(r.ends).toHaveLength(0);
    expect(r.issues[0]?.severity).toBe('error');
  });

  it('PackedValues gives back what it packed, empty strings and all', () => {
    fc.assert(
      fc.property(fc.array(fc.string()), (list) => {
        const p = PackedValues.of(list);
        expect(Array.from({ length: p.length }, (_, i) => p.at(i))).toEqual(list);
        expect(p.at(list.length)).toBeUndefined();
      }),
    );
  });
});

describe('splitLongText', () => {
  const pause = () => Promise.resolve();

  it('gives the lines splitValues gives, whatever the slice size and line breaks', async () => {
    const line = fc.oneof(fc.constant(''), fc.constant('  '), fc.string(), fc.uuid());
    const br = fc.constantFrom('\r\n', '\n', '\r', '\n\n');
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(line, br), { minLength: 17 }),
        fc.integer({ min: 1, max: 64 }),
        async (parts, step) => {
          const text = parts.map(([l, b]) => l + b).join('');
          // Sixteen byte-lines are one value to splitValues; a long paste never is.
          fc.pre(text.split(/\r\n|\r|\n/).filter((l) => l.trim()).length !== 16);
          expect(await splitLongText(text, pause, step)).toEqual(splitValues(text));
        },
      ),
    );
  });

  it('pauses between slices', async () => {
    let pauses = 0;
    const text = Array.from({ length: 100 }, () => GUID).join('\r\n');
    const lines = await splitLongText(text, () => Promise.resolve(void pauses++), 1000);
    expect(lines).toHaveLength(100);
    expect(pauses).toBeGreaterThanOrEqual(3);
  });
});
