import { describe, expect, it } from 'vitest';
import { analyse } from './core.ts';
import { generate } from './generate.ts';
import { toCliJson } from './report.ts';

const enc = (name: string, text: string) => ({ name, bytes: new TextEncoder().encode(text) });
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const AD_HEADER =
  '"DistinguishedName","ObjectGUID","SamAccountName","UserPrincipalName","DisplayName","whenCreated"';
const adRow = (n: number, created: string) =>
  `"CN=U${n},OU=Users,DC=contoso,DC=com","${n.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000","u${n}","u${n}@contoso.com","User ${n}","${created}"`;

/** The export with its first half of lines ending in CRLF and the rest in LF (two files pasted together). */
function halfCrLfHalfLf(bytes: Uint8Array): Uint8Array {
  const lines = text(bytes).replace(/\r\n/g, '\n').split('\n');
  const half = lines.length >> 1;
  return new TextEncoder().encode(`${lines.slice(0, half).join('\r\n')}\r\n${lines.slice(half).join('\n')}`);
}

describe('exports with mixed line endings lose and merge no user', () => {
  it('counts every user and keeps the deletion preview at 4 when both AD exports switch from CRLF to LF', () => {
    const g = generate({ seed: 5, adStyle: 'ps51', withAfter: true });
    const clean = analyse({ ad: [g.ad], entra: g.entra, adAfter: [g.adAfter!], scope: g.scope });
    expect(text(g.ad.bytes)).toContain('\r\n');
    const r = analyse({
      ad: [{ name: g.ad.name, bytes: halfCrLfHalfLf(g.ad.bytes) }],
      entra: g.entra,
      adAfter: [{ name: g.adAfter!.name, bytes: halfCrLfHalfLf(g.adAfter!.bytes) }],
      scope: g.scope,
    });
    expect(r.totals.adUsers).toBe(g.counts.ad);
    expect(toCliJson(r).totals).toEqual(toCliJson(clean).totals);
    expect(toCliJson(r).sets).toEqual(toCliJson(clean).sets);
    expect(r.deletionPreview!.expectedEntraUserDeletions).toBe(4);
    expect(r.deletionPreview!.thresholdStatus).toBe('below');
    expect(r.issues.filter((i) => i.code === 'row-width')).toEqual([]);
  });

  it('reads an Entra export with NUL padding and a second export pasted after it', () => {
    const g = generate({ seed: 6, entraStyle: 'mg' });
    const clean = analyse({ ad: [g.ad], entra: g.entra, scope: g.scope });
    const entra = text(g.entra[0]!.bytes).replace(/^\ufeff/, '');
    const [header, ...rows] = entra.split('\r\n').filter((l) => l);
    const half = rows.length >> 1;
    const joined = [header, ...rows.slice(0, half), `\ufeff${header}`, ...rows.slice(half)].join('\r\n');
    const r = analyse({
      ad: [g.ad],
      entra: [enc('entra.csv', `${joined}\r\n\0\0\0\0`)],
      scope: g.scope,
    });
    expect(toCliJson(r).totals).toEqual(toCliJson(clean).totals);
    expect(r.issues.filter((i) => i.file === 'entra.csv').map((i) => i.code)).toEqual(
      expect.arrayContaining(['nul-bytes', 'stray-bom', 'repeated-header']),
    );
    expect(r.issues.filter((i) => i.severity === 'error')).toEqual([]);
  });
});

describe('dates outside what is plausible or possible', () => {
  it('warns once per column about AD dates before 1990 or in the future, and keeps them as written', () => {
    const ad = [
      AD_HEADER,
      adRow(1, '3/4/1979 9:15:00 AM'),
      adRow(2, '3/4/2024 9:15:00 AM'),
      adRow(3, '12/31/2099 9:15:00 AM'),
      adRow(4, '1/1/1900 0:00:00 AM'),
    ];
    const r = analyse({ ad: [enc('ad.csv', ad.join('\r\n'))] });
    const dates = r.issues.filter((i) => i.code === 'bad-date');
    expect(dates).toHaveLength(1);
    expect(dates[0]).toMatchObject({ severity: 'warning', file: 'ad.csv', path: 'whenCreated', line: 2 });
    expect(dates[0]!.message).toMatch(
      /^3 whenCreated values are before 1990 or after \d{4}-\d\d-\d\d \(e\.g\. "3\/4\/1979 9:15:00 AM" on line 2\)/,
    );
    expect(r.ad.map((u) => u.whenCreated)).toEqual([
      '3/4/1979 9:15:00 AM',
      '3/4/2024 9:15:00 AM',
      '12/31/2099 9:15:00 AM',
      '1/1/1900 0:00:00 AM',
    ]);
  });

  it('drops Graph dates no Date can hold, with a warning, and reads the rest of the file', () => {
    const users = [
      {
        id: 'a0000000-0000-0000-0000-000000000001',
        userPrincipalName: 'a@contoso.com',
        onPremisesImmutableId: 'XntrCywfPUyej6Gyw9Tl9g==',
        onPremisesLastSyncDateTime: '/Date(99999999999999999999)/',
        createdDateTime: 1e20,
      },
      {
        id: 'a0000000-0000-0000-0000-000000000002',
        userPrincipalName: 'b@contoso.com',
        onPremisesLastSyncDateTime: '2026-03-05T10:00:00Z',
        createdDateTime: '2024-01-02T03:04:05Z',
      },
      {
        id: 'a0000000-0000-0000-0000-000000000003',
        userPrincipalName: 'c@contoso.com',
        onPremisesLastSyncDateTime: '+275760-09-13T00:00:00.001Z',
        createdDateTime: 7,
      },
    ];
    const r = analyse({
      ad: [],
      entra: [
        enc(
          'users.json',
          JSON.stringify({ value: users }).replace('"createdDateTime":7', '"createdDateTime":1e400'),
        ),
      ],
    });
    expect(r.unusable).toEqual([]);
    expect(r.entra.map((e) => e.lastSync)).toEqual([null, '2026-03-05T10:00:00.000Z', null]);
    expect(r.entra.map((e) => e.created)).toEqual(['', '2024-01-02T03:04:05Z', '']);
    expect(r.lastSyncTime).toBe('2026-03-05T10:00:00.000Z');
    const dates = r.issues.filter((i) => i.code === 'bad-date').map((i) => i.message);
    expect(dates).toEqual([
      '2 onPremisesLastSyncDateTime values are not a date this tool can read or hold (e.g. "/Date(99999999999999999999)/"): they are treated as empty.',
      '2 createdDateTime values are not a date this tool can read or hold (e.g. "100000000000000000000"): they are treated as empty.',
    ]);
  });

  it('warns about a sync time in the future and still names it the last sync', () => {
    const entra = [
      '"Id","UserPrincipalName","OnPremisesImmutableId","OnPremisesLastSyncDateTime"',
      '"a0000000-0000-0000-0000-000000000001","a@contoso.com","XntrCywfPUyej6Gyw9Tl9g==","2090-01-01T00:00:00Z"',
      '"a0000000-0000-0000-0000-000000000002","b@contoso.com","","2026-03-05T10:00:00Z"',
    ].join('\r\n');
    const r = analyse({ ad: [], entra: [enc('mg.csv', entra)] });
    const dates = r.issues.filter((i) => i.code === 'bad-date');
    expect(dates.map((i) => [i.path, i.line])).toEqual([['OnPremisesLastSyncDateTime', 2]]);
    expect(r.lastSyncTime).toBe('2090-01-01T00:00:00.000Z');
  });
});

describe('a column that was not exported is said once, not once per user', () => {
  it('reports a missing UPN and DisplayName column once for the file and flags no user for them', () => {
    const ad = ['"DistinguishedName","ObjectGUID","SamAccountName"'];
    for (let n = 1; n <= 50; n++)
      ad.push(
        `"CN=U${n},OU=Users,DC=contoso,DC=com","${n.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000","u${n}"`,
      );
    const r = analyse({ ad: [enc('ad.csv', ad.join('\r\n'))] });
    expect(r.attributes.filter((f) => f.code === 'upn-blank' || f.code === 'displayname-blank')).toEqual([]);
    const missing = r.issues.filter((i) => i.code === 'missing-column');
    expect(missing).toHaveLength(1);
    expect(missing[0]!.message).toMatch(
      /upn \(UPN conflicts.*displayName \(blank or too long display names are not checked\)/,
    );
  });

  it('says once that built-in accounts count as candidates when isCriticalSystemObject was not exported', () => {
    const guid = (n: number) => `${n.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`;
    const rows = (critical: boolean) => {
      const head = `"DistinguishedName","ObjectGUID","SamAccountName","UserPrincipalName"${critical ? ',"isCriticalSystemObject"' : ''}`;
      const users = ['Administrator', 'Guest', 'krbtgt', 'jdoe', 'asmith'].map(
        (sam, n) =>
          `"CN=${sam},CN=Users,DC=contoso,DC=com","${guid(n + 1)}","${sam}","${sam}@contoso.com"${critical ? `,"${n < 3 ? 'True' : ''}"` : ''}`,
      );
      return [head, ...users].join('\r\n');
    };
    const without = analyse({ ad: [enc('ad.csv', rows(false))] });
    const said = without.issues.filter((i) => i.code === 'built-in-accounts-as-candidates');
    expect(said).toHaveLength(1);
    expect(said[0]!.message).toMatch(
      /^Administrator, Guest, krbtgt count as sync candidates because the AD export has no isCriticalSystemObject column/,
    );
    expect(said[0]!.hint).toContain(
      'Select-Object DistinguishedName,SamAccountName,UserPrincipalName,DisplayName,mail,mailNickname,Enabled,ObjectGUID,isCriticalSystemObject',
    );
    expect(without.totals.adSyncCandidates).toBe(5);
    const withColumn = analyse({ ad: [enc('ad.csv', rows(true))] });
    expect(withColumn.issues.filter((i) => i.code === 'built-in-accounts-as-candidates')).toEqual([]);
    expect(withColumn.totals.adSyncCandidates).toBe(2);
  });

  it('still flags blank values in a file that has the column, beside one that does not', () => {
    const guid = (n: number) => `${n.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`;
    const withColumn = [
      '"DistinguishedName","ObjectGUID","SamAccountName","UserPrincipalName","DisplayName"',
      `"CN=A,OU=Users,DC=contoso,DC=com","${guid(1)}","a","","A"`,
      `"CN=B,OU=Users,DC=contoso,DC=com","${guid(2)}","b","b@contoso.com",""`,
    ].join('\r\n');
    const without = [
      '"DistinguishedName","ObjectGUID","SamAccountName"',
      `"CN=C,OU=Users,DC=other,DC=com","${guid(3)}","c"`,
    ].join('\r\n');
    const r = analyse({ ad: [enc('one.csv', withColumn), enc('two.csv', without)] });
    const flagged = r.attributes
      .filter((f) => f.code === 'upn-blank' || f.code === 'displayname-blank')
      .map((f) => [r.ad[f.ad]!.sam, f.code]);
    expect(flagged).toEqual([
      ['a', 'upn-blank'],
      ['b', 'displayname-blank'],
    ]);
  });

  it('does not let a file without sAMAccountName make another file’s users look filtered, or the reverse', () => {
    const guid = (n: number) => `${n.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`;
    const withSam = [
      '"DistinguishedName","ObjectGUID","SamAccountName"',
      `"CN=A,OU=Users,DC=contoso,DC=com","${guid(1)}","a"`,
      `"CN=B,OU=Users,DC=contoso,DC=com","${guid(2)}",""`,
    ].join('\r\n');
    const withoutSam = [
      '"DistinguishedName","ObjectGUID"',
      `"CN=C,OU=Users,DC=other,DC=com","${guid(3)}"`,
    ].join('\r\n');
    const alone = analyse({ ad: [enc('two.csv', withoutSam)] });
    const r = analyse({ ad: [enc('one.csv', withSam), enc('two.csv', withoutSam)] });
    expect(alone.adRule).toEqual(['']);
    expect(r.adRule).toEqual(['', 'no sAMAccountName', '']);
  });
});

describe('numbers past what is exact', () => {
  it('reads msExchRecipientTypeDetails only as an exact whole number, without 32-bit wrap-around', () => {
    const guid = (n: number) => `${n.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`;
    const types = ['4096', '8589934592', '4294971392', '99999999999999999999999', 'x12'];
    const ad = ['"DistinguishedName","ObjectGUID","SamAccountName","msExchRecipientTypeDetails"'];
    types.forEach((t, n) => ad.push(`"CN=U${n},OU=Users,DC=contoso,DC=com","${guid(n + 1)}","u${n}","${t}"`));
    const r = analyse({ ad: [enc('ad.csv', ad.join('\r\n'))] });
    expect(r.ad.map((u) => u.recipientTypeDetails)).toEqual([4096, 8589934592, 4294971392, null, null]);
    expect(r.adRule.map((rule) => rule !== '')).toEqual([true, false, false, false, false]);
    const bad = r.issues.filter((i) => i.code === 'bad-number');
    expect(bad.map((i) => [i.line, i.path])).toEqual([[5, 'msExchRecipientTypeDetails']]);
    expect(bad[0]!.message).toMatch(/^2 msExchRecipientTypeDetails values are not a whole number/);
  });
});
