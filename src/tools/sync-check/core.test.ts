import { describe, expect, it } from 'vitest';
import { analyse } from './core.ts';
import { parseDate } from './dates.ts';
import { CONTRACTORS_OU, generate, type AdStyle, type CgForm, type EntraStyle } from './generate.ts';
import { SET_NAMES } from './types.ts';
import { toCliJson, type IdPair } from './report.ts';

const pairsOf = (list: readonly IdPair[]) => list.map(({ adGuid, entraId }) => ({ adGuid, entraId }));

const AD_STYLES: AdStyle[] = ['ps51', 'ps7', 'de-DE', 'raw-types'];
const ENTRA_STYLES: EntraStyle[] = ['mg', 'entra', 'msol', 'graph-page', 'graph-pages', 'graph-array-ps51'];
const CG_FORMS: CgForm[] = ['base64', 'guid', 'decimal'];

describe('analyse on generated exports with a known answer', () => {
  for (const adStyle of AD_STYLES) {
    for (const entraStyle of ENTRA_STYLES) {
      const cgForm = CG_FORMS[(AD_STYLES.indexOf(adStyle) + ENTRA_STYLES.indexOf(entraStyle)) % 3]!;
      it(`AD ${adStyle} (ConsistencyGuid ${cgForm}) × Entra ${entraStyle}`, () => {
        const g = generate({ adStyle, entraStyle, cgForm, withAfter: true, seed: 7 });
        const r = analyse({
          ad: [g.ad],
          entra: g.entra,
          adAfter: g.adAfter ? [g.adAfter] : [],
          scope: g.scope,
        });
        const j = toCliJson(r);
        const x = g.expected;
        for (const name of SET_NAMES) expect(pairsOf(j.sets[name]), name).toEqual(x.sets[name]);
        const why = Object.fromEntries(j.sets.adNotInEntra.map((p) => [p.adGuid, p.reason]));
        expect(why).toEqual(x.adNotInEntraReasons);
        expect(j.matchedPairs).toEqual(x.matchedPairs);
        expect(j.conflicts).toEqual(x.conflicts);
        expect(j.lastSyncTime).toBe(x.lastSyncTime);
        expect(j.totals).toEqual({
          adUsers: g.counts.ad,
          adOutOfScope: x.sets.adOutOfScope.length,
          adRuleFiltered: x.sets.adRuleFiltered.length,
          adSyncCandidates: g.counts.ad - x.sets.adOutOfScope.length - x.sets.adRuleFiltered.length,
          entraUsers: g.counts.entra,
          matched: x.matchedPairs.length,
          adNotInEntra: x.sets.adNotInEntra.length,
          entraNotInAd: x.sets.entraNotInAd.length,
          entraCloudOnly: x.sets.entraCloudOnly.length,
          entraGuests: 2,
          entraOrphanedSynced: x.sets.entraOrphanedSynced.length,
          entraWithProvisioningErrors: x.sets.entraWithProvisioningErrors.length,
          outOfScopeButInEntra: x.sets.outOfScopeButInEntra.length,
        });
        const findings = r.attributes.map((f) => ({ adGuid: r.ad[f.ad]!.objectGuid!, code: f.code }));
        expect(findings.sort((a, b) => a.adGuid.localeCompare(b.adGuid))).toEqual(
          [...x.attributes].sort((a, b) => a.adGuid.localeCompare(b.adGuid)),
        );
        const soft = r.softMatches.map((s) => ({
          adGuid: r.ad[s.ad]!.objectGuid!,
          entraId: r.entra[s.entra]!.id,
          outcome: s.outcome,
        }));
        expect(soft.sort((a, b) => a.adGuid.localeCompare(b.adGuid))).toEqual(
          [...x.softMatches].sort((a, b) => a.adGuid.localeCompare(b.adGuid)),
        );
        const d = j.deletionPreview!;
        expect(d.removedSynced.map((p) => p.adGuid)).toEqual(x.deletion!.removedSynced);
        expect(d.movedOutOfScope.map((p) => p.adGuid)).toEqual(x.deletion!.movedOutOfScope);
        expect(d.removedButNeverSynced.map((p) => p.adGuid)).toEqual(x.deletion!.removedButNeverSynced);
        expect(d.removedOutOfScope.map((p) => p.adGuid)).toEqual(x.deletion!.removedOutOfScope);
        expect(d.added.map((p) => p.adGuid)).toEqual(x.deletion!.added);
        expect(d.expectedEntraUserDeletions).toBe(4);
        expect(d.thresholdStatus).toBe('below');
        expect(r.diagnosis).toEqual([]);
      });
    }
  }

  it('links a duplicate UPN to the quarantined UPN and the provisioning error Entra shows', () => {
    const g = generate({ seed: 3 });
    const r = analyse({ ad: [g.ad], entra: g.entra, scope: g.scope });
    const dup = r.conflicts.duplicateUpn[0]!;
    const kinds = dup.effects.map((e) => e.kind).sort();
    expect(kinds).toEqual(['provisioningError', 'quarantinedUpn']);
    const quarantined = dup.effects.find((e) => e.kind === 'quarantinedUpn')!;
    expect(r.entra[quarantined.entra]!.upn).toBe('dup.upn4711@contoso.onmicrosoft.com');
    expect(r.ad[r.entraAd[quarantined.entra]!]!.objectGuid).toBe(g.expected.quarantinedUpnOf[0]);
    const proxy = r.conflicts.duplicateProxySmtp[0]!;
    expect(proxy.effects.map((e) => e.detail)).toEqual([
      expect.stringContaining('PropertyConflict on ProxyAddress "smtp:team@contoso.com"'),
    ]);
  });

  it('says which columns a naive Export-Csv made unusable, what that hides, and how to export them', () => {
    const g = generate({ adStyle: 'raw-types', seed: 5 });
    const r = analyse({ ad: [g.ad], entra: g.entra, scope: g.scope });
    const typeIssues = r.issues.filter((i) => i.code === 'type-name-column');
    expect(typeIssues.map((i) => i.path).sort()).toEqual(['mS-DS-ConsistencyGuid', 'proxyAddresses']);
    expect(typeIssues.find((i) => i.path === 'proxyAddresses')!.message).toContain(
      'Microsoft.ActiveDirectory.Management.ADPropertyValueCollection',
    );
    expect(typeIssues.find((i) => i.path === 'proxyAddresses')!.message).toContain('proxy address conflicts');
    for (const i of typeIssues)
      expect(i.hint).toContain("@{n='proxyAddresses';e={$_.proxyAddresses -join ';'}}");
  });

  it('warns when Windows PowerShell 5.1 wrote ASCII and letters became "?"', () => {
    const g = generate({ adStyle: 'ps51', seed: 2 });
    const r = analyse({ ad: [g.ad], entra: g.entra, scope: g.scope });
    expect(r.issues.some((i) => i.code === 'lossy-ascii' && i.file === 'ad-users.csv')).toBe(true);
    expect(r.mappings[0]!.typeName).toBe('Microsoft.ActiveDirectory.Management.ADUser');
  });

  it('reads the de-DE export: UTF-16LE with BOM, ";" and dd.MM.yyyy dates', () => {
    const g = generate({ adStyle: 'de-DE', seed: 9 });
    const r = analyse({ ad: [g.ad], entra: g.entra, scope: g.scope });
    const m = r.mappings[0]!;
    expect([m.encoding, m.delimiter, m.flavour]).toEqual(['utf-16le', ';', 'get-aduser']);
    expect(m.dateOrders.whenCreated).toBe('dmy');
    const iso = r.ad.filter((u) => u.whenCreated).map((u) => parseDate(u.whenCreated, 'dmy', false)!.iso);
    expect(iso.length).toBeGreaterThan(40);
    expect(iso.every((v) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/.test(v))).toBe(true);
    expect(r.issues.some((i) => i.code === 'ad-local-time')).toBe(true);
  });

  it('reports the Entra flavour it recognised', () => {
    const flavours = (['mg', 'entra', 'msol', 'graph-page'] as const).map((entraStyle) => {
      const g = generate({ entraStyle, users: 3 });
      return analyse({ ad: [g.ad], entra: g.entra, scope: g.scope }).mappings[1]!.flavour;
    });
    expect(flavours).toEqual(['get-mguser', 'get-entrauser', 'get-msoluser', 'graph-json']);
  });

  it('accepts Graph user objects handed in directly (the Load from Entra seam) like a JSON file', () => {
    const g = generate({ entraStyle: 'graph-page', seed: 11 });
    const page = JSON.parse(new TextDecoder().decode(g.entra[0]!.bytes)) as { value: unknown[] };
    const fromFile = toCliJson(analyse({ ad: [g.ad], entra: g.entra, scope: g.scope }));
    const fromObjects = toCliJson(analyse({ ad: [g.ad], entraJson: page.value, scope: g.scope }));
    expect(fromObjects.sets).toEqual(fromFile.sets);
    expect(fromObjects.matchedPairs).toEqual(fromFile.matchedPairs);
  });

  it('stops when cancelled', () => {
    const g = generate({ users: 5 });
    const c = new AbortController();
    c.abort();
    expect(() => analyse({ ad: [g.ad], entra: g.entra }, { signal: c.signal })).toThrow(/Cancelled/);
  });
});

describe('without a scope', () => {
  it('suggests excluding the OU where nothing matched, not one where a user did', () => {
    const g = generate({ seed: 12 });
    const r = analyse({ ad: [g.ad], entra: g.entra });
    expect(r.suggestedOus).toEqual([{ ou: CONTRACTORS_OU, users: 3 }]);
    expect(analyse({ ad: [g.ad], entra: g.entra, scope: g.scope }).suggestedOus).toEqual([]);
  });
});
