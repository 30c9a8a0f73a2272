import { describe, expect, it } from 'vitest';
import { zipSync } from 'fflate';
import { analyse } from './core.ts';
import { generate } from './generate.ts';
import { SET_NAMES, type SyncCheckResult } from './types.ts';
import { toCliJson } from './report.ts';

const enc = (name: string, text: string) => ({ name, bytes: new TextEncoder().encode(text) });
const bin = (name: string, bytes: number[]) => ({ name, bytes: new Uint8Array(bytes) });
const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 1, 0];
const PDF = [...new TextEncoder().encode('%PDF-1.7\n%\xe2\xe3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n')];
const xlsx = () => ({
  name: 'ad-users.csv',
  bytes: zipSync({
    '[Content_Types].xml': new TextEncoder().encode('<Types/>'),
    'xl/workbook.xml': new TextEncoder().encode('<workbook/>'),
  }),
});
const MG_HEADER =
  '"Id","DisplayName","UserPrincipalName","OnPremisesImmutableId","OnPremisesLastSyncDateTime"';
const MG = `${MG_HEADER}\r\n"a0000000-0000-0000-0000-000000000001","A","a@contoso.com","XntrCywfPUyej6Gyw9Tl9g==",""\r\n`;
const AD_HEADER = '"DistinguishedName","ObjectGUID","SamAccountName","UserPrincipalName"';
const AD = `${AD_HEADER}\r\n"CN=A,OU=Users,DC=contoso,DC=com","0b6b7b5e-1f2c-4c3d-9e8f-a1b2c3d4e5f6","a","a@contoso.com"\r\n`;

/** Nothing in the result may claim a figure when a side is unusable. */
function expectNoComparison(r: SyncCheckResult) {
  expect(Object.values(r.totals).every((n) => n === 0)).toBe(true);
  for (const name of SET_NAMES) expect(r.sets[name]).toEqual([]);
  expect(r.ad).toEqual([]);
  expect(r.entra).toEqual([]);
  expect(r.deletionPreview).toBeNull();
  expect(r.attributes).toEqual([]);
  expect(r.softMatches).toEqual([]);
  expect(r.diagnosis).toEqual([]);
  expect(Object.values(r.conflicts).every((list) => list.length === 0)).toBe(true);
}

describe('an unusable side stops the comparison with one error naming the file', () => {
  const g = generate({ seed: 11 });

  it.each([
    ['empty', enc('ad.csv', ''), 'empty-file', /ad\.csv is empty: expected an AD user export/],
    ['white space only', enc('ad.csv', '\r\n  \r\n'), 'empty-file', /ad\.csv is empty \(only white space\)/],
    [
      'a PNG renamed .csv',
      bin('ad.csv', PNG),
      'binary-file',
      /ad\.csv is a PNG image, not an AD user export/,
    ],
    ['a PDF', bin('ad.csv', PDF), 'binary-file', /ad\.csv is a PDF document/],
    [
      'an Excel workbook renamed .csv',
      xlsx(),
      'binary-file',
      /ad-users\.csv is an Excel workbook \(\.xlsx\).*Save As.*CSV/,
    ],
    [
      'a header without users',
      enc('ad.csv', `${AD_HEADER}\r\n`),
      'header-only',
      /ad\.csv has a header row but no users/,
    ],
    [
      'an Entra export (Get-MgUser)',
      enc('ad.csv', MG),
      'wrong-file',
      /ad\.csv is an Entra user export \(Get-MgUser\).*not an AD user export.*: drop it on the Entra side/,
    ],
    [
      'a CSV without any GUID column',
      enc('ad.csv', '"Name","Size"\r\n"report","12"\r\n'),
      'wrong-file',
      /ad\.csv has no ObjectGUID or mS-DS-ConsistencyGuid column.*Its columns: "Name", "Size"/,
    ],
    [
      'an export whose ObjectGUID column holds no GUID',
      enc('ad.csv', `${AD_HEADER}\r\n"CN=A,DC=contoso,DC=com","n/a","a","a@contoso.com"\r\n`),
      'bad-guid',
      /ad\.csv: none of its 1 users has a GUID in ObjectGUID \(e\.g\. "n\/a" on line 2\)/,
    ],
    [
      'Graph JSON',
      enc('ad.json', '{"value":[]}'),
      'wrong-file',
      /ad\.json is JSON.*belongs on the Entra side/,
    ],
    ['an XML file', enc('ad.csv', '<?xml version="1.0"?><feedback/>'), 'wrong-file', /ad\.csv is XML/],
  ])('AD side: %s', (_, bad, code, message) => {
    const r = analyse({ ad: [bad], entra: g.entra, scope: g.scope });
    expect(r.unusable).toHaveLength(1);
    const u = r.unusable[0]!;
    expect(u).toMatchObject({ code, severity: 'error', path: 'ad', file: bad.name });
    expect(u.message).toMatch(message);
    expect(u.hint).toContain('Get-ADUser -Filter *');
    expectNoComparison(r);
    // The refused file also has its own error among the issues.
    expect(r.issues.filter((i) => i.severity === 'error' && i.file === bad.name)).toHaveLength(1);
    // Nothing claims Entra users are orphaned because the AD side was empty.
    expect(JSON.stringify(toCliJson(r).sets)).not.toContain('entraId');
  });

  it.each([
    ['empty', enc('entra.csv', ''), 'empty-file', /entra\.csv is empty: expected an Entra user export/],
    ['a PNG', bin('entra.csv', PNG), 'binary-file', /entra\.csv is a PNG image/],
    [
      'a header without users',
      enc('entra.csv', `${MG_HEADER}\r\n`),
      'header-only',
      /entra\.csv has a header row but no users/,
    ],
    [
      'an AD export',
      enc('entra.csv', AD),
      'wrong-file',
      /entra\.csv is an AD user export \(Get-ADUser.*drop it on the AD side/,
    ],
    ['JSON that is not JSON', enc('entra.json', '{"value": [ {"id": '), 'bad-json', /Not valid JSON/],
    ['an empty Graph page', enc('entra.json', '{"value": []}'), 'no-users', /entra\.json holds no users/],
    [
      'a CSV without an id column',
      enc('entra.csv', '"UserPrincipalName","Mail"\r\n"a@contoso.com","a@contoso.com"\r\n'),
      'wrong-file',
      /entra\.csv has no Id or ObjectId column/,
    ],
  ])('Entra side: %s', (_, bad, code, message) => {
    const r = analyse({ ad: [g.ad], entra: [bad], scope: g.scope });
    expect(r.unusable).toHaveLength(1);
    expect(r.unusable[0]).toMatchObject({ code, severity: 'error', path: 'entra', file: bad.name });
    expect(r.unusable[0]!.message).toMatch(message);
    expect(r.unusable[0]!.hint).toContain('Get-MgUser -All -Property');
    expectNoComparison(r);
  });

  it('names both sides when both are unusable', () => {
    const r = analyse({ ad: [enc('ad.csv', '')], entra: [bin('entra.csv', PNG)] });
    expect(r.unusable.map((u) => [u.path, u.code, u.file])).toEqual([
      ['ad', 'empty-file', 'ad.csv'],
      ['entra', 'binary-file', 'entra.csv'],
    ]);
    expectNoComparison(r);
  });

  it('lists every refused file when a side has several and none is usable', () => {
    const r = analyse({ ad: [enc('a.csv', ''), bin('b.csv', PNG)], entra: g.entra });
    expect(r.unusable).toHaveLength(1);
    expect(r.unusable[0]).toMatchObject({ code: 'no-usable-file', path: 'ad', severity: 'error' });
    expect(r.unusable[0]!.message).toMatch(
      /None of the 2 AD files can be used.*a\.csv is empty.*b\.csv is a PNG image/,
    );
  });

  it('refuses one bad AD file among good ones and counts the others exactly as without it', () => {
    const alone = analyse({ ad: [g.ad], entra: g.entra, scope: g.scope });
    for (const bad of [
      enc('empty.csv', ''),
      bin('shot.csv', PNG),
      enc('mg.csv', MG),
      enc('head.csv', AD_HEADER),
    ]) {
      const r = analyse({ ad: [bad, g.ad], entra: g.entra, scope: g.scope });
      expect(r.unusable).toEqual([]);
      expect(r.issues.filter((i) => i.severity === 'error').map((i) => i.file)).toEqual([bad.name]);
      expect(toCliJson(r).totals).toEqual(toCliJson(alone).totals);
      expect(toCliJson(r).sets).toEqual(toCliJson(alone).sets);
    }
  });

  it('gives no deletion preview when the later AD export is unusable, and says why', () => {
    const withAfter = generate({ seed: 11, withAfter: true });
    const r = analyse({
      ad: [withAfter.ad],
      entra: withAfter.entra,
      adAfter: [bin('after.csv', PNG)],
      scope: withAfter.scope,
    });
    expect(r.unusable).toEqual([]);
    expect(r.deletionPreview).toBeNull();
    expect(r.totals.matched).toBe(withAfter.expected.matchedPairs.length);
    const errors = r.issues.filter((i) => i.severity === 'error');
    expect(errors.map((i) => [i.code, i.file ?? i.path])).toEqual([
      ['binary-file', 'after.csv'],
      ['no-usable-file', 'adAfter'],
    ]);
  });

  it('uses severity "error" only for refused input', () => {
    const r = analyse({ ad: [g.ad], entra: g.entra, scope: g.scope });
    expect(r.unusable).toEqual([]);
    expect(r.issues.filter((i) => i.severity === 'error')).toEqual([]);
  });
});
