import { describe, expect, it } from 'vitest';
import { analyse, type SyncCheckInput } from './core.ts';
import { toCliJson, unifiedCsv } from './report.ts';

const enc = (name: string, text: string) => ({ name, bytes: new TextEncoder().encode(text) });
const utf16 = (name: string, text: string) => {
  const b = new Uint8Array(2 + text.length * 2);
  b.set([0xff, 0xfe]);
  for (let i = 0; i < text.length; i++) {
    b[2 + 2 * i] = text.charCodeAt(i) & 0xff;
    b[3 + 2 * i] = text.charCodeAt(i) >> 8;
  }
  return { name, bytes: b };
};
const run = (input: Partial<SyncCheckInput>) => analyse({ ad: [], ...input });

// objectGUID 0b6b7b5e-1f2c-4c3d-9e8f-a1b2c3d4e5f6 ↔ ImmutableID XntrCywfPUyej6Gyw9Tl9g==
const G1 = '0b6b7b5e-1f2c-4c3d-9e8f-a1b2c3d4e5f6';
const I1 = 'XntrCywfPUyej6Gyw9Tl9g==';
// objectGUID 11111111-2222-3333-4444-555555555555 ↔ ERERESIiMzNERFVVVVVVVQ==
const G2 = '11111111-2222-3333-4444-555555555555';
const I2 = 'ERERESIiMzNERFVVVVVVVQ==';
// mS-DS-ConsistencyGuid of a migrated user (differs from its objectGUID G3)
const G3 = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
const CG3 = '01020304-0506-0708-090a-0b0c0d0e0f10';
const I3 = 'BAMCAQYFCAcJCgsMDQ4PEA==';

const AD_PS51 = [
  '#TYPE Microsoft.ActiveDirectory.Management.ADUser',
  '"DistinguishedName","Enabled","ObjectGUID","SamAccountName","UserPrincipalName","mail","proxyAddresses","mS-DS-ConsistencyGuid","whenCreated"',
  `"CN=Doe\\, John,OU=Sales,DC=contoso,DC=com","True","${G1}","jdoe","john.doe@contoso.com","john.doe@contoso.com","{SMTP:john.doe@contoso.com, smtp:jd@contoso.com}","","3/4/2024 9:15:00 AM"`,
  `"CN=Roe\\, Jane,OU=Sales,DC=contoso,DC=com","True","${G2}","jroe","jane.roe@contoso.com","jane.roe@contoso.com","SMTP:jane.roe@contoso.com","${I2}","3/14/2024 4:30:00 PM"`,
  `"CN=Moved User,OU=Sales,DC=contoso,DC=com","True","${G3}","mover","mover@contoso.com","","","{4, 3, 2, 1, 6, 5, 8, 7, 9, 10, 11, 12, 13, 14, 15, 16}","1/2/2024 8:00:00 AM"`,
  '',
].join('\r\n');

const MSOL = [
  '#TYPE Microsoft.Online.Administration.User',
  '"DisplayName","ImmutableId","LastDirSyncTime","ObjectId","ProxyAddresses","UserPrincipalName","UserType","DirSyncProvisioningErrors"',
  `"John Doe","${I1}","3/5/2026 10:00:00 AM","A0000000-0000-0000-0000-000000000001","System.Collections.Generic.List\`1[System.String]","john.doe@contoso.com","Member","System.Collections.Generic.List\`1[Microsoft.Online.Administration.DirSyncProvisioningError]"`,
  `"Jane Roe","${I2}","3/5/2026 10:02:30 PM","A0000000-0000-0000-0000-000000000002","System.Collections.Generic.List\`1[System.String]","jane.roe@contoso.com","Member","System.Collections.Generic.List\`1[Microsoft.Online.Administration.DirSyncProvisioningError]"`,
  `"Mover","${I3}","3/5/2026 9:00:00 AM","A0000000-0000-0000-0000-000000000003","","mover@contoso.com","Member",""`,
  `"Cloud Admin","","","A0000000-0000-0000-0000-000000000004","","admin@contoso.onmicrosoft.com","Member",""`,
  '',
].join('\r\n');

describe('handwritten exports', () => {
  it('joins a PowerShell 5.1 Get-ADUser CSV to a Get-MsolUser CSV on every ConsistencyGuid form', () => {
    const r = run({ ad: [enc('ad.csv', AD_PS51)], entra: [enc('msol.csv', MSOL)] });
    const j = toCliJson(r);
    expect(j.matchedPairs).toEqual([
      { adGuid: G1, entraId: 'a0000000-0000-0000-0000-000000000001' },
      { adGuid: G2, entraId: 'a0000000-0000-0000-0000-000000000002' },
      { adGuid: G3, entraId: 'a0000000-0000-0000-0000-000000000003' },
    ]);
    expect(r.ad[2]!.consistencyGuid).toBe(CG3);
    expect(r.ad[0]!.ou).toBe('OU=Sales,DC=contoso,DC=com');
    expect(r.ad[0]!.proxies).toEqual(['SMTP:john.doe@contoso.com', 'smtp:jd@contoso.com']);
    expect(j.sets.entraCloudOnly).toEqual([
      {
        adGuid: null,
        entraId: 'a0000000-0000-0000-0000-000000000004',
        reason: 'cloud-only-account',
        reasonDetail: 'Created in the cloud (no ImmutableID): never synced from AD.',
      },
    ]);
    // MSOnline's LastDirSyncTime is UTC without a zone; 10:02:30 PM is the latest.
    expect(j.lastSyncTime).toBe('2026-03-05T22:02:30.000Z');
    expect(r.mappings.map((m) => m.flavour)).toEqual(['get-aduser', 'get-msoluser']);
    const typeName = r.issues.filter((i) => i.code === 'type-name-column').map((i) => i.path);
    expect(typeName.sort()).toEqual(['DirSyncProvisioningErrors', 'ProxyAddresses']);
  });

  it('reads ";"-separated UTF-16LE with multi-line values and de-DE dates in an Entra export', () => {
    const ad = [
      '"DistinguishedName";"ObjectGUID";"SamAccountName";"UserPrincipalName";"DisplayName"',
      `"CN=Müller\\, Jürgen,OU=Users,DC=contoso,DC=com";"${G1}";"jmueller";"juergen.mueller@contoso.com";"Müller, Jürgen`,
      `(Vertrieb)"`,
      '',
    ].join('\r\n');
    const entra = [
      '"Id";"UserPrincipalName";"OnPremisesImmutableId";"OnPremisesLastSyncDateTime";"UserType"',
      `"b0000000-0000-0000-0000-000000000001";"juergen.mueller@contoso.com";"${I1}";"05.03.2026 14:07:09";"Member"`,
      `"b0000000-0000-0000-0000-000000000002";"gast_extern.de#EXT#@contoso.onmicrosoft.com";"";"";"Guest"`,
      '',
    ].join('\r\n');
    const r = run({ ad: [utf16('ad.csv', ad)], entra: [utf16('entra.csv', entra)] });
    expect(r.ad[0]!.displayName).toBe('Müller, Jürgen\r\n(Vertrieb)');
    expect(r.ad[0]!.dn).toBe('CN=Müller\\, Jürgen,OU=Users,DC=contoso,DC=com');
    expect(r.totals.matched).toBe(1);
    expect(r.totals.entraGuests).toBe(1);
    expect(r.lastSyncTime).toBe('2026-03-05T14:07:09.000Z');
  });

  it('explains an Entra export from Get-MgUser without -Property instead of listing everyone as cloud-only', () => {
    const ad = ['"DistinguishedName","ObjectGUID","SamAccountName","UserPrincipalName"'];
    const entra = [
      '"Id","DisplayName","Mail","UserPrincipalName","OnPremisesImmutableId","OnPremisesLastSyncDateTime","ProxyAddresses"',
    ];
    for (let k = 0; k < 8; k++) {
      const g = `0000000${k}-0000-0000-0000-000000000000`;
      ad.push(`"CN=U${k},OU=Users,DC=contoso,DC=com","${g}","u${k}","u${k}@contoso.com"`);
      entra.push(
        `"c000000${k}-0000-0000-0000-000000000000","U${k}","","u${k}@contoso.com","","","System.String[]"`,
      );
    }
    const r = run({ ad: [enc('ad.csv', ad.join('\n'))], entra: [enc('mg.csv', entra.join('\n'))] });
    const empty = r.issues.find((i) => i.code === 'empty-column' && i.path === 'OnPremisesImmutableId')!;
    expect(empty.severity).toBe('warning');
    expect(empty.message).toContain('every user would look cloud-only');
    expect(empty.hint).toContain('Get-MgUser -All -Property');
    expect(r.mappings[1]!.isUnsure).toBe(true);
    expect(r.diagnosis.map((d) => d.code)).toEqual(['no-immutable-ids']);
  });

  it('diagnoses a missing mS-DS-ConsistencyGuid when anchors differ but UPNs agree', () => {
    const ad = ['"DistinguishedName","ObjectGUID","SamAccountName","UserPrincipalName"'];
    const entra = ['"Id","UserPrincipalName","OnPremisesImmutableId"'];
    for (let k = 0; k < 10; k++) {
      ad.push(
        `"CN=U${k},OU=Users,DC=contoso,DC=com","0000000${k}-0000-0000-0000-000000000000","u${k}","u${k}@contoso.com"`,
      );
      // Anchors from the old forest: not these objectGUIDs.
      entra.push(`"c000000${k}-0000-0000-0000-000000000000","u${k}@contoso.com","${k}${I2.slice(1)}"`);
    }
    const r = run({ ad: [enc('ad.csv', ad.join('\n'))], entra: [enc('mg.csv', entra.join('\n'))] });
    expect(r.totals.matched).toBe(0);
    expect(r.diagnosis.map((d) => d.code)).toEqual(['consistency-guid-not-exported']);
    expect(r.softMatches.every((s) => s.outcome === 'invalidSoftMatch' && s.via === 'upn')).toBe(true);
  });

  it('refuses an Entra export dropped on the AD side, and says so', () => {
    const r = run({ ad: [enc('mg.csv', MSOL)], entra: [enc('msol.csv', MSOL)] });
    expect(r.issues.find((i) => i.code === 'wrong-file')!.file).toBe('mg.csv');
    expect(r.ad).toEqual([]);
  });

  it('applies scope with escaped commas and exclusions, and previews deletions against the threshold', () => {
    const header = '"DistinguishedName","ObjectGUID","SamAccountName","UserPrincipalName"';
    const row = (cn: string, ou: string, g: string) => `"CN=${cn},${ou}","${g}","${cn}","${cn}@contoso.com"`;
    const emea = 'OU=Sales\\, EMEA,DC=contoso,DC=com';
    const before = [
      header,
      row('a', emea, G1),
      row('b', `OU=Temp,${emea}`, G2),
      row('c', 'OU=EMEA,DC=contoso,DC=com', G3),
    ].join('\n');
    const after = [header, row('b', `OU=Temp,${emea}`, G2), row('c', 'OU=EMEA,DC=contoso,DC=com', G3)].join(
      '\n',
    );
    const entra = [
      '"Id","UserPrincipalName","OnPremisesImmutableId"',
      `"e1","a@contoso.com","${I1}"`,
      `"e2","b@contoso.com","${I2}"`,
    ].join('\n');
    const input = {
      ad: [enc('before.csv', before)],
      entra: [enc('entra.csv', entra)],
      adAfter: [enc('after.csv', after)],
      scope: [`OU=Sales\\, EMEA, DC=contoso, DC=com`, `!OU=Temp,${emea}`],
    };
    const r = run({ ...input, threshold: 1 });
    expect(r.adStatus).toEqual(['matched', 'outOfScopeInEntra', 'outOfScope']);
    const d = toCliJson(r).deletionPreview!;
    expect(d.removedSynced).toEqual([
      {
        adGuid: G1,
        entraId: 'e1',
        reason: 'removed-from-ad',
        reasonDetail: 'Removed from AD; still in Entra: the next sync deletes it there.',
      },
    ]);
    expect([d.expectedEntraUserDeletions, d.exceedsThreshold, d.thresholdStatus]).toEqual([1, false, 'met']);
    expect(run({ ...input, threshold: 0 }).deletionPreview!.thresholdStatus).toBe('blocked');
  });

  it('reads Graph JSON pages and warns when the last page still has @odata.nextLink', () => {
    const page = {
      '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#users',
      '@odata.nextLink': 'https://graph.microsoft.com/v1.0/users?$skiptoken=X',
      value: [
        {
          id: 'D0000000-0000-0000-0000-000000000001',
          userPrincipalName: 'john.doe@contoso.com',
          onPremisesImmutableId: I1,
          onPremisesLastSyncDateTime: '2026-03-05T10:00:00Z',
          onPremisesProvisioningErrors: [
            {
              category: 'PropertyConflict',
              occurredDateTime: '2026-03-01T08:00:00Z',
              propertyCausingError: 'ProxyAddress',
              value: 'smtp:jd@contoso.com',
            },
          ],
        },
      ],
    };
    const r = run({ ad: [enc('ad.csv', AD_PS51)], entra: [enc('page.json', JSON.stringify(page))] });
    expect(r.issues.some((i) => i.code === 'incomplete-pages' && i.file === 'page.json')).toBe(true);
    expect(r.entra[0]!.id).toBe('d0000000-0000-0000-0000-000000000001');
    expect(r.entra[0]!.errors).toEqual([
      {
        category: 'PropertyConflict',
        property: 'ProxyAddress',
        value: 'smtp:jd@contoso.com',
        time: '2026-03-01T08:00:00.000Z',
      },
    ]);
    expect(r.totals.entraWithProvisioningErrors).toBe(1);
  });

  it('writes a unified CSV with one row per identity, safe for Excel', () => {
    const r = run({ ad: [enc('ad.csv', AD_PS51)], entra: [enc('msol.csv', MSOL)] });
    const csv = unifiedCsv(r);
    const lines = csv.trim().split('\r\n');
    expect(
      lines[0]!
        .replace(/^\ufeff/, '')
        .split(',')
        .slice(0, 3),
    ).toEqual(['Status', 'AD ObjectGUID', 'AD SamAccountName']);
    expect(lines).toHaveLength(1 + 3 + 1);
    expect(lines[4]).toContain('cloud-only');
  });
});
