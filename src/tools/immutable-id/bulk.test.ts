import { describe, expect, it } from 'vitest';
import { readCsv } from '../../lib/csv/read.ts';
import { columnValues, convertAll, guessIdColumn, summarise } from './bulk.ts';

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
