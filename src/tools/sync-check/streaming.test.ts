import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isInScope, parseScope } from './compare.ts';
import { digest, digestLowerTrim, findConflicts } from './conflicts.ts';
import { analyse } from './core.ts';
import { GuidColumn, GuidIndex } from './guid-column.ts';
import type { AdUser } from './types.ts';
import { lowerTrim, smtpAddress } from './values.ts';

const enc = (name: string, text: string) => ({ name, bytes: new TextEncoder().encode(text) });
const guid = (n: number) => `${n.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`;
const AD_HEAD = '"DistinguishedName","ObjectGUID","SamAccountName","UserPrincipalName","mail"';
const adRow = (n: number, g = guid(n)) =>
  `"CN=U${n},OU=Users,DC=contoso,DC=com","${g}","u${n}","u${n}@contoso.com","u${n}@contoso.com"`;

describe('users read while the file streams', () => {
  it('keeps a value seen before its column proves usable, and drops columns that never do', () => {
    const ad = [
      '"DistinguishedName","ObjectGUID","SamAccountName","UserPrincipalName","mail","DisplayName","proxyAddresses"',
      // The first user's mail is only spaces; the second's is real, so the column is used and the spaces stay.
      `"CN=A,OU=Users,DC=contoso,DC=com","${guid(1)}","a","a@contoso.com","  "," ","Microsoft.ActiveDirectory.Management.ADPropertyValueCollection"`,
      `"CN=B,OU=Users,DC=contoso,DC=com","${guid(2)}","b","b@contoso.com","b@contoso.com"," ","Microsoft.ActiveDirectory.Management.ADPropertyValueCollection"`,
    ].join('\r\n');
    const r = analyse({ ad: [enc('ad.csv', ad)], entra: [] });
    expect(r.ad.map((u) => u.mail)).toEqual(['  ', 'b@contoso.com']);
    // DisplayName holds nothing but spaces and proxyAddresses only a type name: both read as absent.
    expect(r.ad.map((u) => u.displayName)).toEqual(['', '']);
    expect(r.ad.map((u) => u.proxies)).toEqual([[], []]);
    expect(r.mappings[0]!.unusable).toEqual([
      { column: 'DisplayName', field: 'displayName', reason: 'empty', typeName: undefined },
      {
        column: 'proxyAddresses',
        field: 'proxyAddresses',
        reason: 'type-name',
        typeName: 'Microsoft.ActiveDirectory.Management.ADPropertyValueCollection',
      },
    ]);
    expect(r.attributes.filter((f) => f.code === 'leading-trailing-space').map((f) => f.value)).toEqual([
      '  ',
    ]);
  });

  it('reads every sync time in the order a later value proves (day 25 can only be a day)', () => {
    const entra = ['"Id","UserPrincipalName","OnPremisesImmutableId","OnPremisesLastSyncDateTime"'];
    for (let n = 1; n <= 600; n++) {
      const time = n === 301 ? '3/25/2026 10:00:00 PM' : '3/4/2026 10:00:00 AM';
      entra.push(`"${guid(n)}","u${n}@contoso.com","","${time}"`);
    }
    const r = analyse({ ad: [], entra: [enc('mg.csv', entra.join('\n'))] });
    expect(r.mappings[0]!.dateOrders.lastSync).toBe('mdy');
    expect(r.entra[0]!.lastSync).toBe('2026-03-04T10:00:00.000Z');
    expect(r.entra[300]!.lastSync).toBe('2026-03-25T22:00:00.000Z');
    expect(r.entra[599]!.lastSync).toBe('2026-03-04T10:00:00.000Z');
    expect(r.lastSyncTime).toBe('2026-03-25T22:00:00.000Z');
  });

  it('guesses month first for "/" dates when no value proves the order', () => {
    const entra = [
      '"Id","UserPrincipalName","OnPremisesImmutableId","OnPremisesLastSyncDateTime"',
      `"${guid(1)}","u1@contoso.com","","3/4/2026 10:00:00 AM"`,
      `"${guid(2)}","u2@contoso.com","","4/3/2026 10:00:00 AM"`,
    ];
    const r = analyse({ ad: [], entra: [enc('mg.csv', entra.join('\n'))] });
    expect(r.mappings[0]!.dateOrders.lastSync).toBe('mdy');
    expect(r.entra.map((e) => e.lastSync)).toEqual(['2026-03-04T10:00:00.000Z', '2026-04-03T10:00:00.000Z']);
  });
});

describe('repeats and shared anchors', () => {
  it('keeps the first of repeated objectGUIDs, names five repeats and counts the rest', () => {
    const rows = [AD_HEAD, adRow(1)];
    for (let k = 0; k < 7; k++) rows.push(adRow(100 + k, guid(1)));
    rows.push(adRow(2));
    const r = analyse({ ad: [enc('ad.csv', rows.join('\n'))], entra: [] });
    expect(r.ad.map((u) => [u.i, u.sam])).toEqual([
      [0, 'u1'],
      [1, 'u2'],
    ]);
    const repeats = r.issues.filter((i) => i.code === 'duplicate-ad-user');
    expect(repeats.map((i) => i.line)).toEqual([3, 4, 5, 6, 7, undefined]);
    expect(repeats[0]!.message).toBe(
      `objectGUID ${guid(1)} appears again (first in ad.csv, line 2); the repeat is ignored.`,
    );
    expect(repeats[5]!.message).toBe('2 more repeated objectGUIDs were ignored.');
  });

  it('counts a user once when two Entra exports both hold it', () => {
    const e1 = ['"Id","UserPrincipalName","OnPremisesImmutableId"', `"${guid(7)}","a@contoso.com",""`];
    const e2 = [...e1, `"${guid(8)}","b@contoso.com",""`];
    const r = analyse({ ad: [], entra: [enc('e1.csv', e1.join('\n')), enc('e2.csv', e2.join('\n'))] });
    expect(r.entra.map((e) => [e.i, e.id, e.file])).toEqual([
      [0, guid(7), 'e1.csv'],
      [1, guid(8), 'e2.csv'],
    ]);
    expect(r.issues.filter((i) => i.code === 'duplicate-entra-user').map((i) => i.message)).toEqual([
      `User ${guid(7)} is also in e1.csv; counted once.`,
    ]);
  });

  it('joins an ImmutableID to the first of the AD users sharing its anchor, and says they share it', () => {
    // Both carry the same mS-DS-ConsistencyGuid (copied); ImmutableID EjRWeJq83vAAESIzRFVmdw== is that GUID.
    const cg = '78563412-bc9a-f0de-0011-223344556677';
    const ad = [
      `${AD_HEAD},"mS-DS-ConsistencyGuid"`,
      `${adRow(1)},"${cg}"`,
      `${adRow(2)},""`,
      `${adRow(3)},"${cg}"`,
    ].join('\n');
    const entra = [
      '"Id","UserPrincipalName","OnPremisesImmutableId"',
      `"${guid(9)}","u1@contoso.com","EjRWeJq83vAAESIzRFVmdw=="`,
    ].join('\n');
    const r = analyse({ ad: [enc('ad.csv', ad)], entra: [enc('mg.csv', entra)] });
    expect(r.entraAd).toEqual([0]);
    expect(r.adEntra).toEqual([0, -1, -1]);
    const shared = r.issues.filter((i) => i.code === 'duplicate-anchor');
    expect(shared.map((i) => i.message)).toEqual([
      `2 AD users share the anchor ${cg} (u1, u3): mS-DS-ConsistencyGuid was probably copied; Entra Connect can join only one of them.`,
    ]);
  });
});

describe('the anchor join', () => {
  it('joins on objectGUID when mS-DS-ConsistencyGuid holds 36 characters that are not a GUID', () => {
    // objectGUID 0b6b7b5e-1f2c-4c3d-9e8f-a1b2c3d4e5f6 is ImmutableID XntrCywfPUyej6Gyw9Tl9g==.
    const ad = [
      '"DistinguishedName","ObjectGUID","SamAccountName","mS-DS-ConsistencyGuid"',
      '"CN=A,OU=Users,DC=contoso,DC=com","0b6b7b5e-1f2c-4c3d-9e8f-a1b2c3d4e5f6","a","00000000-zzzz-0000-0000-000000000000"',
    ].join('\n');
    const entra = [
      '"Id","UserPrincipalName","OnPremisesImmutableId"',
      `"${guid(5)}","a@contoso.com","XntrCywfPUyej6Gyw9Tl9g=="`,
    ].join('\n');
    const r = analyse({ ad: [enc('ad.csv', ad)], entra: [enc('mg.csv', entra)] });
    expect(r.ad[0]!.anchorSource).toBe('objectGuid');
    expect(r.entraStatus).toEqual(['matched']);
  });
});

describe('joins at scale', () => {
  it('finds exactly the addresses two users share among 150,000', () => {
    const ad: AdUser[] = [];
    for (let n = 0; n < 150_000; n++) {
      ad.push({
        i: n,
        upn: `user.${n}@contoso.com`,
        mail: `User.${n}@Contoso.com`,
        proxies: [`SMTP:user.${n}@contoso.com`, `smtp:u${n}@contoso.mail.onmicrosoft.com`],
      } as AdUser);
    }
    ad[70_000]!.proxies.push('smtp:user.5@contoso.com');
    ad[149_999]!.mail = 'U7@contoso.mail.onmicrosoft.com';
    const c = findConflicts(
      ad,
      [],
      ad.map(() => true),
      ad.map(() => -1),
    );
    expect(c.anyAddressClaimedTwice.map((g) => [g.value, g.ad])).toEqual([
      ['u7@contoso.mail.onmicrosoft.com', [7, 149_999]],
      ['user.5@contoso.com', [5, 70_000]],
    ]);
    expect(c.duplicateProxySmtp.map((g) => g.ad)).toEqual([[5, 70_000]]);
    expect(c.duplicateUpn).toEqual([]);
    expect(c.duplicateMail).toEqual([]);
    expect(c.upnVsOtherUsersProxy.map((x) => [x.address, x.upnOwner, x.proxyHolder])).toEqual([
      ['user.5@contoso.com', 5, 70_000],
    ]);
  });

  it('finds the same shared addresses as a map of the lowercased texts, whatever the spaces, case and script', () => {
    // Few distinct addresses, written many ways: shares, near misses and values that only look alike.
    const word = fc.constantFrom('anna', 'ANNA', 'Ånna', 'ånna', 'bo', 'İlk', 'i̇lk', 'ß', 'SS', 'x');
    const pad = fc.constantFrom('', ' ', '\t', '\u00a0', '\ufeff', '\n ', '\u2028');
    const address = fc
      .tuple(pad, word, fc.constantFrom('@contoso.com', '@CONTOSO.com', '@fabrikam.com', ''), pad)
      .map((p) => p.join(''));
    const proxy = fc
      .tuple(fc.constantFrom('SMTP:', 'smtp:', 'sMtP:', 'X500:', 'sip:', 'smtp', 'smtp: '), address)
      .map((p) => p.join(''));
    const user = fc.record({ upn: address, mail: address, proxies: fc.array(proxy, { maxLength: 3 }) });
    fc.assert(
      fc.property(
        fc.array(user, { maxLength: 12 }),
        fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
        (us, candidate) => {
          const ad = us.map((u, i) => ({ ...u, i }) as AdUser);
          const owners = new Map<string, Set<number>>();
          ad.forEach((u, i) => {
            if (!candidate[i]) return;
            const values = [lowerTrim(u.upn), lowerTrim(u.mail), ...u.proxies.map(smtpAddress)];
            for (const v of values) if (v) owners.set(v, (owners.get(v) ?? new Set()).add(i));
          });
          const expected = [...owners]
            .filter(([, o]) => o.size > 1)
            .map(([v, o]) => [v, [...o]])
            .sort((x, y) => (x[0]! < y[0]! ? -1 : 1));
          const c = findConflicts(
            ad,
            [],
            candidate,
            ad.map(() => -1),
          );
          expect(c.anyAddressClaimedTwice.map((g) => [g.value, g.ad])).toEqual(expected);
        },
      ),
    );
  });

  it('digests an address as its lowercased, trimmed text without making that text', () => {
    const text = fc.string({
      unit: fc.constantFrom(
        ' ',
        '\t',
        '\r',
        '\u000b',
        '\u00a0',
        'A',
        'z',
        '@',
        'Ä',
        'ǅ',
        'İ',
        '\u2029',
        '\u0001',
      ),
      maxLength: 12,
    });
    fc.assert(
      fc.property(text, fc.nat(4), (s, from) => {
        const plain = lowerTrim(s.slice(from));
        expect(digestLowerTrim(s, from)).toBe(plain ? digest(plain) : -1);
      }),
    );
  });

  it('GuidIndex finds the first position of every key, as a map of the texts would', () => {
    const hex = fc.constantFrom('0', '7', 'a', 'f', 'F');
    const guidText = fc
      .array(hex, { minLength: 32, maxLength: 32 })
      .map((h) => h.join(''))
      .map((s) => `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`);
    // Keys that share their first seven digits take the text path.
    const near = fc
      .array(hex, { minLength: 25, maxLength: 25 })
      .map((h) => `0000000${h.join('')}`)
      .map((s) => `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`);
    const key = fc.oneof(
      guidText,
      near,
      fc.constantFrom(null, '', 'text:abc', 'x'),
      fc.string({ maxLength: 9 }),
    );
    fc.assert(
      fc.property(
        fc.array(key, { maxLength: 30 }),
        fc.array(key, { maxLength: 30 }),
        fc.boolean(),
        (keys, asked, isGuid) => {
          const index = new GuidIndex(GuidColumn.of(keys, isGuid), (i) => keys[i] ?? null);
          const first = new Map<string, number>();
          keys.forEach((k, i) => {
            if (k && !first.has(k)) first.set(k, i);
            expect(index.add(i)).toBe(k ? first.get(k) : i);
          });
          if (!isGuid) return;
          // Every recorded key is asked for too, besides others.
          const all = [...asked, ...keys.slice().reverse()];
          const column = GuidColumn.of(all);
          all.forEach((k, j) => expect(index.find(column, j, k)).toBe(k ? (first.get(k) ?? -1) : -1));
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe('scope on DNs as exported', () => {
  it('matches the rule however the DN is cased or spaced, and not across an escaped comma', () => {
    const { rules } = parseScope([
      'OU=Users,OU=Corp,DC=contoso,DC=com',
      '!OU=Old,OU=Users,OU=Corp,DC=contoso,DC=com',
    ]);
    const inScope = (dn: string) => isInScope({ dn } as AdUser, rules);
    expect(inScope('CN=Doe\\, John,OU=Users,OU=Corp,DC=contoso,DC=com')).toBe(true);
    expect(inScope('CN=Doe,ou=users,ou=corp,dc=contoso,dc=com')).toBe(true);
    expect(inScope('CN=Doe, OU=Users, OU=Corp, DC=contoso, DC=com')).toBe(true);
    expect(inScope('CN=Doe,OU=Old,OU=Users,OU=Corp,DC=contoso,DC=com')).toBe(false);
    expect(inScope('CN=Doe\\,OU=Users,OU=Corp,DC=contoso,DC=com')).toBe(false);
    expect(inScope('CN=Doe,OU=Staff,OU=Corp,DC=contoso,DC=com')).toBe(false);
  });
});
