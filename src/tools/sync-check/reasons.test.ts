import { describe, expect, it } from 'vitest';
import { anchorToConnectorSpaceDn, guidToImmutableId } from '../../lib/id/guid.ts';
import { analyse } from './core.ts';
import { generate } from './generate.ts';
import { connectorSpaceDn, Explainer, reasonAt } from './reasons.ts';
import { toCliJson } from './report.ts';

const enc = (name: string, text: string) => ({ name, bytes: new TextEncoder().encode(text) });
const guid = (n: number) => `${n.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`;
const imm = (n: number) => guidToImmutableId(guid(n));

describe('why each AD-only user is not in Entra', () => {
  const g = generate({ seed: 4, adStyle: 'ps7', entraStyle: 'mg' });
  const r = analyse({ ad: [g.ad], entra: g.entra, scope: g.scope });
  const j = toCliJson(r);
  const of = (code: string) => j.sets.adNotInEntra.filter((p) => p.reason === code);

  it('names the conflict and the partners it shares the value with', () => {
    const [c] = of('conflict');
    expect(c!.reasonDetail).toMatch(
      /^Blocked by a conflict: duplicate mail shared@contoso\.com, also on c\d+ \(in Entra\), c\d+ \(in Entra\)\.$/,
    );
    const group = j.conflicts.duplicateMail.find((x) => x.value === 'shared@contoso.com')!;
    expect(c!.relatedAdGuids).toEqual(group.adGuids.filter((x) => x !== c!.adGuid));
    expect(c!.relatedEntraIds).toHaveLength(2);
  });

  it('says which cloud user a soft match would take over, and which one fails with InvalidSoftMatch', () => {
    const soft = of('soft-match');
    const would = soft.find((p) => p.reasonDetail.startsWith('Would soft-match'))!;
    expect(would.reasonDetail).toBe(
      'Would soft-match cloud-only soft.match@contoso.com on UPN at the next sync (Entra Connect takes that account over).',
    );
    const target = r.entra.find((e) => e.upn === 'soft.match@contoso.com')!;
    expect(would.relatedEntraIds).toEqual([target.id]);
    expect(soft.find((p) => p.reasonDetail.includes('InvalidSoftMatch'))!.reasonDetail).toMatch(
      /^Same primary SMTP address as rehired\.old@contoso\.com/,
    );
  });

  it('tells a user created after the last sync from one Entra Connect rejects', () => {
    expect(of('created-after-sync')).toHaveLength(1);
    expect(of('created-after-sync')[0]!.reasonDetail).toMatch(
      /^Created 2026-03-02 00:00 UTC, after the last sync seen in Entra \(2026-02-25 0\d:\d\d UTC\)/,
    );
    expect(of('attribute-rejected')[0]!.reasonDetail).toMatch(
      /^Entra Connect rejects userPrincipalName "kämpfer@contoso\.com": /,
    );
  });

  it('otherwise gives the connector-space DN to look for an export error under', () => {
    const rest = of('unexplained');
    expect(rest.length).toBeGreaterThan(0);
    for (const p of rest) {
      const u = r.ad.find((a) => a.objectGuid === p.adGuid)!;
      const dn = anchorToConnectorSpaceDn(guidToImmutableId(u.anchor!));
      expect(dn).toMatch(/^CN=\{[0-9A-F]{48}\}$/);
      expect(p.reasonDetail).toContain(`look for an export error for connector-space DN ${dn}`);
    }
  });
});

describe('reasons of the other sets', () => {
  const AD = [
    '"DistinguishedName","ObjectGUID","SamAccountName","UserPrincipalName","isCriticalSystemObject"',
    `"CN=A,OU=Users,DC=contoso,DC=com","${guid(1)}","a","a@contoso.com","False"`,
    `"CN=B,OU=Temp,OU=Users,DC=contoso,DC=com","${guid(2)}","b","b@contoso.com","False"`,
    `"CN=C,OU=Labs,DC=contoso,DC=com","${guid(3)}","c","c@contoso.com","False"`,
    `"CN=krbtgt,CN=Users,OU=Users,DC=contoso,DC=com","${guid(4)}","krbtgt","","True"`,
    `"CN=MSOL_1,OU=Users,DC=contoso,DC=com","${guid(5)}","MSOL_0123456789ab","","False"`,
    `"CN=D,OU=Users,DC=contoso,DC=com","${guid(6)}","d","d@contoso.com","False"`,
  ].join('\r\n');
  const ENTRA = [
    '"Id","UserPrincipalName","UserType","OnPremisesImmutableId","OnPremisesSyncEnabled","OnPremisesDistinguishedName","OnPremisesLastSyncDateTime"',
    `"e1","a@contoso.com","Member","${imm(1)}","True","CN=A,OU=Users,DC=contoso,DC=com","2026-03-05T10:00:00Z"`,
    `"e3","c@contoso.com","Member","${imm(3)}","True","CN=C,OU=Labs,DC=contoso,DC=com","2026-03-05T10:00:00Z"`,
    `"e6","d@contoso.com","Member","${imm(6)}","True","CN=D,OU=Users,DC=contoso,DC=com","2026-03-05T10:00:00Z"`,
    `"g1","jane_fabrikam.com#EXT#@contoso.onmicrosoft.com","Guest","","",""`,
    `"c1","admin@contoso.onmicrosoft.com","Member","","",""`,
    `"o1","gone@contoso.com","Member","${imm(90)}","True","CN=Gone,OU=Users,DC=contoso,DC=com","2026-03-01T08:00:00Z"`,
    `"o2","other@fabrikam.com","Member","${imm(91)}","True","CN=X,OU=Users,DC=fabrikam,DC=com","2026-03-05T10:00:00Z"`,
    `"o3","cloudnow@contoso.com","Member","${imm(92)}","False","",""`,
  ].join('\r\n');
  const LATER = [
    '"DistinguishedName","ObjectGUID","SamAccountName","UserPrincipalName","isCriticalSystemObject"',
    `"CN=A,OU=Leavers,DC=contoso,DC=com","${guid(1)}","a","a@contoso.com","False"`,
    `"CN=B,OU=Temp,OU=Users,DC=contoso,DC=com","${guid(2)}","b","b@contoso.com","False"`,
    `"CN=C,OU=Labs,DC=contoso,DC=com","${guid(3)}","c","c@contoso.com","False"`,
    `"CN=N,OU=Users,DC=contoso,DC=com","${guid(7)}","n","n@contoso.com","False"`,
  ].join('\r\n');
  const r = analyse({
    ad: [enc('ad.csv', AD)],
    entra: [enc('mg.csv', ENTRA)],
    adAfter: [enc('later.csv', LATER)],
    scope: ['OU=Users,DC=contoso,DC=com', '!OU=Temp,OU=Users,DC=contoso,DC=com'],
  });
  const j = toCliJson(r);
  const codes = (list: { adGuid: string | null; entraId: string | null; reason: string }[]) =>
    Object.fromEntries(list.map((p) => [p.adGuid ?? p.entraId, p.reason]));

  it('out of scope: below an excluded OU, or outside every OU in scope, and still in Entra', () => {
    expect(codes(j.sets.adOutOfScope)).toEqual({ [guid(2)]: 'excluded-ou', [guid(3)]: 'outside-scope' });
    const c = j.sets.outOfScopeButInEntra[0]!;
    expect(c.reason).toBe('outside-scope');
    expect(c.reasonDetail).toBe(
      'OU=Labs,DC=contoso,DC=com is below none of the OUs in scope. Entra still has it (last synced 2026-03-05 10:00 UTC): if this is the scope Entra Connect uses, the next sync deletes it.',
    );
  });

  it('rule-filtered: the built-in account and the sync service account each by name', () => {
    expect(codes(j.sets.adRuleFiltered)).toEqual({
      [guid(4)]: 'built-in-account',
      [guid(5)]: 'sync-service-account',
    });
  });

  it('Entra only: guests, cloud accounts, a source deleted in AD, another domain, sync switched off', () => {
    expect(codes(j.sets.entraCloudOnly)).toEqual({ g1: 'guest', c1: 'cloud-only-account' });
    expect(codes(j.sets.entraOrphanedSynced)).toEqual({
      o1: 'source-missing',
      o2: 'other-domain',
      o3: 'sync-disabled',
    });
    expect(j.sets.entraOrphanedSynced.find((p) => p.entraId === 'o1')!.reasonDetail).toBe(
      'Synced (last 2026-03-01 08:00 UTC), but no AD user in the export carries its anchor; it was CN=Gone,OU=Users,DC=contoso,DC=com: deleted in AD, outside the export, or its anchor changed.',
    );
    expect(j.sets.entraOrphanedSynced.find((p) => p.entraId === 'o2')!.reasonDetail).toMatch(
      /^Synced from dc=fabrikam,dc=com/,
    );
    expect(codes(j.sets.entraNotInAd)).toEqual({
      ...codes(j.sets.entraCloudOnly),
      ...codes(j.sets.entraOrphanedSynced),
    });
  });

  it('deletion preview: removed from AD, moved out of scope to its new OU, added', () => {
    const d = j.deletionPreview!;
    expect(d.removedSynced.map((p) => [p.adGuid, p.reason])).toEqual([[guid(6), 'removed-from-ad']]);
    expect(d.removedSynced[0]!.reasonDetail).toBe(
      'Removed from AD; still in Entra: the next sync deletes it there.',
    );
    const moved = d.movedOutOfScope[0]!;
    expect([moved.adGuid, moved.reason, moved.newOu]).toEqual([
      guid(1),
      'moved-out-of-scope',
      'OU=Leavers,DC=contoso,DC=com',
    ]);
    expect(moved.reasonDetail).toBe(
      'Moved out of scope to OU=Leavers,DC=contoso,DC=com: still in Entra, the next sync deletes it there.',
    );
    // The built-in and the service account were never synced: their removal changes nothing in Entra.
    expect(d.removedButNeverSynced.map((p) => [p.adGuid, p.reason])).toEqual([
      [guid(4), 'removed-from-ad'],
      [guid(5), 'removed-from-ad'],
    ]);
    expect(d.added.map((p) => [p.adGuid, p.reason])).toEqual([[guid(7), 'added-to-ad']]);
  });

  it('explains one user for the detail view the same way as its set', () => {
    const why = new Explainer(r);
    const i = r.ad.findIndex((u) => u.objectGuid === guid(2));
    const cols = why.set('adOutOfScope', r.sets.adOutOfScope);
    const k = r.sets.adOutOfScope.findIndex((e) => e.ad === i);
    expect(why.ad(i)).toEqual(reasonAt(cols, k));
    expect(why.ad(i).detail).toBe('Below the excluded OU OU=Temp,OU=Users,DC=contoso,DC=com.');
  });
});

describe('deletion preview of a user that is already gone from Entra', () => {
  it('says it was never synced or already deleted there', () => {
    const ad = [
      '"DistinguishedName","ObjectGUID","SamAccountName","UserPrincipalName"',
      `"CN=A,OU=Users,DC=contoso,DC=com","${guid(1)}","a","a@contoso.com"`,
      `"CN=B,OU=Users,DC=contoso,DC=com","${guid(2)}","b","b@contoso.com"`,
    ].join('\r\n');
    const later = ad.split('\r\n').slice(0, 2).join('\r\n');
    const entra = [
      '"Id","UserPrincipalName","OnPremisesImmutableId"',
      `"e1","a@contoso.com","${imm(1)}"`,
    ].join('\r\n');
    const r = analyse({
      ad: [enc('ad.csv', ad)],
      entra: [enc('mg.csv', entra)],
      adAfter: [enc('later.csv', later)],
    });
    const d = toCliJson(r).deletionPreview!;
    expect(d.removedButNeverSynced).toEqual([
      {
        adGuid: guid(2),
        entraId: null,
        reason: 'removed-from-ad',
        reasonDetail:
          'Removed from AD; not in Entra (never synced, or already deleted there): nothing to delete.',
      },
    ]);
  });
});

describe('without a scope', () => {
  it('says an unexplained user sits in an OU where nothing matched', () => {
    const g = generate({ seed: 4 });
    const j = toCliJson(analyse({ ad: [g.ad], entra: g.entra }));
    const contractors = j.sets.adNotInEntra.filter((p) => p.reasonDetail.includes('outside the sync scope'));
    expect(contractors).toHaveLength(3);
    for (const p of contractors) {
      expect(p.reason).toBe('unexplained');
      expect(p.reasonDetail).toMatch(
        /^Not in Entra: look for an export error for connector-space DN CN=\{[0-9A-F]+\} .*No user of its OU is in Entra/,
      );
    }
  });
});

describe('the connector-space DN of an anchor', () => {
  it('is CN={…} around the hex of the ImmutableID text, as the general conversion gives it', () => {
    // objectGUID 0b6b7b5e-1f2c-4c3d-9e8f-a1b2c3d4e5f6 ↔ ImmutableID XntrCywfPUyej6Gyw9Tl9g==
    expect(connectorSpaceDn('0b6b7b5e-1f2c-4c3d-9e8f-a1b2c3d4e5f6')).toBe(
      'CN={' +
        Array.from('XntrCywfPUyej6Gyw9Tl9g==', (c) => c.charCodeAt(0).toString(16).toUpperCase()).join('') +
        '}',
    );
    for (let n = 0; n < 200; n++) {
      const g = `${(n * 2654435761) % 2 ** 32}`
        .padStart(10, '7')
        .slice(0, 8)
        .replace(/[^0-9]/g, 'a');
      const anchor = `${g}-ffff-0${n % 10}a0-8b${n % 10}c-${g}e${n % 10}f0`;
      expect(connectorSpaceDn(anchor)).toBe(anchorToConnectorSpaceDn(guidToImmutableId(anchor)));
    }
  });
});
