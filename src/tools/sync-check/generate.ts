/**
 * Generates realistic AD and Entra exports with a known answer, for tests and the benchmark. The answer comes
 * from what was injected, never from running the analysis. Styles imitate the real exporters: Windows
 * PowerShell 5.1 (`#TYPE` line, ASCII by default, en-US dates), PowerShell 7 (UTF-8, ISO-less culture dates),
 * a de-DE machine (`;`, UTF-16LE with BOM, `dd.MM.yyyy`), raw type-name columns from a naive `Export-Csv`,
 * and every Entra flavour (Get-MgUser, Get-EntraUser, Get-MsolUser CSV; Graph JSON pages or arrays).
 */
import { guidToImmutableId, guidToBytes } from '../../lib/id/guid.ts';
import type { NamedBytes } from '../../lib/issue.ts';
import type { AttributeCheckCode, SetName } from './types.ts';
import { seededRandom } from '../../lib/seeded-random.ts';
import { encodeAsExport } from '../../lib/csv/encode.ts';

export type AdStyle = 'ps51' | 'ps7' | 'de-DE' | 'raw-types';
export type EntraStyle = 'mg' | 'entra' | 'msol' | 'graph-page' | 'graph-pages' | 'graph-array-ps51';
export type CgForm = 'base64' | 'guid' | 'decimal';

export interface GenerateOptions {
  /** Plain matched users besides the injected problems. */
  users?: number;
  seed?: number;
  adStyle?: AdStyle;
  entraStyle?: EntraStyle;
  cgForm?: CgForm;
  /** Also produce a later AD export with removals, moves and additions. */
  withAfter?: boolean;
}

export const DOMAIN_DN = 'DC=contoso,DC=com';
export const SCOPE = [`OU=Users,OU=Corp,${DOMAIN_DN}`, `OU=Staff,OU=Corp,${DOMAIN_DN}`];
const OUT_OF_SCOPE_OU = `OU=Disabled,OU=Corp,${DOMAIN_DN}`;
/** An OU never in the scope, whose users nobody synced: with no scope given, the tool suggests excluding it. */
export const CONTRACTORS_OU = `OU=Contractors (no sync),OU=Corp,${DOMAIN_DN}`;
const TENANT = 'contoso.onmicrosoft.com';

interface GenAd {
  guid: string;
  cg: string | null;
  sam: string;
  upn: string;
  mail: string;
  displayName: string;
  nick: string;
  enabled: boolean;
  proxies: string[];
  cn: string;
  ou: string;
  critical: boolean;
  created: number;
}

interface GenEntra {
  id: string;
  upn: string;
  mail: string;
  displayName: string;
  nick: string;
  userType: 'Member' | 'Guest';
  immutableId: string;
  lastSync: number | null;
  proxies: string[];
  errors: { category: string; property: string; value: string; time: number }[];
  onPremDn: string;
  onPremSam: string;
  created: number;
}

/** What the analysis must find, keyed like the CLI JSON: AD users by objectGUID, Entra users by id. */
export interface Expected {
  sets: Record<SetName, { adGuid: string | null; entraId: string | null }[]>;
  matchedPairs: { adGuid: string; entraId: string }[];
  conflicts: {
    duplicateUpn: { value: string; adGuids: string[] }[];
    duplicateMail: { value: string; adGuids: string[] }[];
    duplicateProxySmtp: { value: string; adGuids: string[] }[];
    anyAddressClaimedTwice: { value: string; adGuids: string[] }[];
    upnVsOtherUsersProxy: { address: string; upnOwner: string; proxyHolder: string }[];
  };
  attributes: { adGuid: string; code: AttributeCheckCode }[];
  softMatches: { adGuid: string; entraId: string; outcome: 'wouldSoftMatch' | 'invalidSoftMatch' }[];
  /** Why each member of `sets.adNotInEntra` is there (the `reason` code the tool must give), by objectGUID. */
  adNotInEntraReasons: Record<string, AdOnlyReason>;
  quarantinedUpnOf: string[];
  lastSyncTime: string;
  deletion?: {
    removedSynced: string[];
    movedOutOfScope: string[];
    removedButNeverSynced: string[];
    removedOutOfScope: string[];
    added: string[];
  };
}

export type AdOnlyReason =
  'conflict' | 'soft-match' | 'created-after-sync' | 'attribute-rejected' | 'unexplained';

export interface Generated {
  ad: NamedBytes;
  entra: NamedBytes[];
  adAfter?: NamedBytes;
  scope: string[];
  expected: Expected;
  counts: { ad: number; entra: number };
}

const FIRST = [
  'Anna',
  'Ben',
  'Clara',
  'David',
  'Eva',
  'Felix',
  'Greta',
  'Hugo',
  'Ida',
  'Jonas',
  'Karin',
  'Lukas',
  'Mia',
  'Noah',
  'Olga',
  'Paul',
];
const LAST = [
  'Becker',
  'Doe',
  'Fischer',
  'Hoffmann',
  'Klein',
  'Meyer',
  'Nowak',
  'Richter',
  'Schmidt',
  'Wagner',
  'Weber',
  'Wolf',
];

const DAY = 86_400_000;

function emptyExpected(): Expected {
  return {
    sets: {
      adNotInEntra: [],
      adOutOfScope: [],
      adRuleFiltered: [],
      entraNotInAd: [],
      entraCloudOnly: [],
      entraOrphanedSynced: [],
      entraWithProvisioningErrors: [],
      outOfScopeButInEntra: [],
    },
    matchedPairs: [],
    conflicts: {
      duplicateUpn: [],
      duplicateMail: [],
      duplicateProxySmtp: [],
      anyAddressClaimedTwice: [],
      upnVsOtherUsersProxy: [],
    },
    attributes: [],
    softMatches: [],
    adNotInEntraReasons: {},
    quarantinedUpnOf: [],
    lastSyncTime: '',
  };
}

/** The users made so far on both sides and what the analysis must find among them; one seeded random stream. */
class Population {
  readonly rand: () => number;
  readonly base = Date.UTC(2025, 0, 1);
  readonly syncTimes: number[] = [];
  readonly ad: GenAd[] = [];
  readonly entra: GenEntra[] = [];
  readonly x: Expected = emptyExpected();
  readonly isRaw: boolean;
  readonly entraHasProxies: boolean;
  readonly entraHasErrors: boolean;
  #n = 0;

  constructor(seed: number, adStyle: AdStyle, entraStyle: EntraStyle) {
    this.rand = seededRandom(seed);
    this.isRaw = adStyle === 'raw-types';
    this.entraHasProxies = entraStyle !== 'msol';
    this.entraHasErrors = entraStyle !== 'msol';
  }

  hex(): string {
    return Math.floor(this.rand() * 0x10000)
      .toString(16)
      .padStart(4, '0');
  }

  guid(): string {
    const hex = () => this.hex();
    return `${hex()}${hex()}-${hex()}-4${hex().slice(1)}-${(8 + Math.floor(this.rand() * 4)).toString(16) + hex().slice(1)}-${hex()}${hex()}${hex()}`;
  }

  created(): number {
    return this.base + Math.floor(this.rand() * 400) * DAY + Math.floor(this.rand() * 86_400) * 1000;
  }

  newAd(o: Partial<GenAd> & { tag: string }): GenAd {
    const n = ++this.#n;
    const first = FIRST[n % FIRST.length]!;
    const last = LAST[Math.floor(n / FIRST.length) % LAST.length]!;
    const sam = o.sam ?? `${o.tag}${n}`.slice(0, 20);
    const upn = o.upn ?? `${first}.${last}.${n}@contoso.com`.toLowerCase();
    const mail = o.mail ?? upn;
    const u: GenAd = {
      guid: this.guid(),
      cg: null,
      sam,
      upn,
      mail,
      displayName: o.displayName ?? `${last}, ${first}`,
      nick: o.nick ?? sam,
      enabled: o.enabled ?? true,
      proxies: o.proxies ?? (mail ? [`SMTP:${mail}`, `smtp:${sam}@contoso.mail.onmicrosoft.com`] : []),
      cn: o.cn ?? (n % 2 ? `${last}, ${first} ${n}` : `${first} ${last} ${n}`),
      ou: o.ou ?? SCOPE[n % 2]!,
      critical: o.critical ?? false,
      created: this.created(),
    };
    if (o.cg !== undefined) u.cg = o.cg;
    else if (n % 3 === 0) u.cg = u.guid; // Entra Connect stamps ConsistencyGuid = objectGUID on synced users
    this.ad.push(u);
    return u;
  }

  newEntra(o: Partial<GenEntra>, from?: GenAd): GenEntra {
    const lastSync =
      from || o.immutableId ? this.base + 420 * DAY + Math.floor(this.rand() * 3_600) * 1000 : null;
    if (lastSync) this.syncTimes.push(lastSync);
    const e: GenEntra = {
      id: this.guid(),
      upn: from ? from.upn.trim() : '',
      mail: from ? from.mail : '',
      displayName: from ? from.displayName : '',
      nick: from ? from.nick : '',
      userType: 'Member',
      immutableId: from ? guidToImmutableId(anchorOf(from)) : '',
      lastSync,
      proxies: from ? [...from.proxies] : [],
      errors: [],
      onPremDn: from ? dnOf(from) : '',
      onPremSam: from ? from.sam : '',
      created: this.created(),
      ...o,
    };
    this.entra.push(e);
    return e;
  }

  /** An Entra user synced from `u`, and the pair the analysis must match. */
  matched(u: GenAd, o: Partial<GenEntra> = {}): GenEntra {
    const x = this.x;
    const e = this.newEntra(o, u);
    if (this.isRaw && u.cg && u.cg !== u.guid) {
      // Without a usable ConsistencyGuid column the anchor falls back to objectGUID: this pair is lost.
      x.sets.adNotInEntra.push({ adGuid: u.guid, entraId: null });
      x.sets.entraOrphanedSynced.push({ adGuid: null, entraId: e.id });
      x.sets.entraNotInAd.push({ adGuid: null, entraId: e.id });
      x.softMatches.push({ adGuid: u.guid, entraId: e.id, outcome: 'invalidSoftMatch' });
      x.adNotInEntraReasons[u.guid] = 'soft-match';
    } else x.matchedPairs.push({ adGuid: u.guid, entraId: e.id });
    return e;
  }
}

function dnOf(u: GenAd): string {
  return `CN=${u.cn.replace(/,/g, '\\,')},${u.ou}`;
}

function anchorOf(u: GenAd): string {
  return u.cg ?? u.guid;
}

export function generate(opts: GenerateOptions = {}): Generated {
  const adStyle = opts.adStyle ?? 'ps7';
  const entraStyle = opts.entraStyle ?? 'mg';
  const p = new Population(opts.seed ?? 1, adStyle, entraStyle);
  const x = p.x;

  // Plain matched users; every third has ConsistencyGuid = objectGUID; a few were migrated (ConsistencyGuid from the old forest).
  const plain = opts.users ?? 40;
  for (let k = 0; k < plain; k++) {
    const u = p.newAd({ tag: 'u' });
    if (k % 10 === 7) u.cg = p.guid();
    p.matched(u);
  }
  const { notIn, oos } = addScopeCases(p);
  addRuleFiltered(p);
  addEntraOnly(p);
  addConflicts(p);
  addAttributeProblems(p);
  addAdOnly(p);

  x.lastSyncTime = new Date(p.syncTimes.reduce((m, v) => (v > m ? v : m), 0)).toISOString();
  const result: Generated = {
    ad: writeAd(p.ad, adStyle, opts.cgForm ?? 'base64', dnOf),
    entra: writeEntra(p.entra, entraStyle, !p.entraHasProxies),
    scope: [...SCOPE],
    expected: x,
    counts: { ad: p.ad.length, entra: p.entra.length },
  };
  if (opts.withAfter) {
    result.adAfter = writeAd(
      laterAd(p, notIn[0]!, oos),
      adStyle,
      opts.cgForm ?? 'base64',
      dnOf,
      'ad-users-later.csv',
    );
  }
  const byPair = (
    a: { adGuid: string | null; entraId: string | null },
    b: { adGuid: string | null; entraId: string | null },
  ) => (a.adGuid ?? '~').localeCompare(b.adGuid ?? '~') || (a.entraId ?? '').localeCompare(b.entraId ?? '');
  for (const k of Object.keys(x.sets) as SetName[]) x.sets[k].sort(byPair);
  x.matchedPairs.sort(byPair);
  return result;
}

/** Not in Entra though in scope; out of scope, one of them still in Entra; a built-in account. */
function addScopeCases(p: Population): { notIn: GenAd[]; oos: GenAd } {
  const x = p.x;
  // Not in Entra: in scope, never synced.
  const notIn = [p.newAd({ tag: 'new' }), p.newAd({ tag: 'new' })];
  for (const u of notIn) {
    x.sets.adNotInEntra.push({ adGuid: u.guid, entraId: null });
    x.adNotInEntraReasons[u.guid] = 'unexplained';
  }

  // Out of scope, one of them still in Entra (its OU was unticked after it synced).
  const oos = p.newAd({ tag: 'old', ou: OUT_OF_SCOPE_OU, enabled: false });
  x.sets.adOutOfScope.push({ adGuid: oos.guid, entraId: null });
  const oosIn = p.newAd({ tag: 'old', ou: OUT_OF_SCOPE_OU, enabled: false });
  const oosE = p.newEntra({}, oosIn);
  x.sets.adOutOfScope.push({ adGuid: oosIn.guid, entraId: oosE.id });
  x.sets.outOfScopeButInEntra.push({ adGuid: oosIn.guid, entraId: oosE.id });
  const builtin = p.newAd({
    tag: 'x',
    sam: 'krbtgt',
    upn: '',
    mail: '',
    cn: 'krbtgt',
    ou: `CN=Users,${DOMAIN_DN}`,
    critical: true,
    proxies: [],
    enabled: false,
  });
  x.sets.adOutOfScope.push({ adGuid: builtin.guid, entraId: null });
  return { notIn, oos };
}

/** Filtered by Entra Connect's default rules (all inside in-scope OUs). */
function addRuleFiltered(p: Population): void {
  const ruled = [
    p.newAd({
      tag: 'x',
      sam: 'Administrator',
      upn: '',
      mail: '',
      cn: 'Administrator',
      critical: true,
      proxies: [],
    }),
    p.newAd({ tag: 'x', sam: 'MSOL_0123456789ab', upn: '', mail: '', cn: 'MSOL_0123456789ab', proxies: [] }),
    p.newAd({ tag: 'x', sam: 'AAD_9f8e7d6c5b4a', upn: '', mail: '', cn: 'AAD_9f8e7d6c5b4a', proxies: [] }),
    p.newAd({
      tag: 'x',
      sam: 'SUPPORT_388945a0',
      upn: '',
      mail: '',
      cn: 'SUPPORT_388945a0',
      proxies: [],
      enabled: false,
    }),
    p.newAd({
      tag: 'x',
      sam: 'SM_1a2b3c4d5e6f7',
      nick: 'SystemMailbox{1f05a927-0000-0000-0000-000000000001}',
      upn: 'SystemMailbox{1f05a927-0000-0000-0000-000000000001}@contoso.com',
      cn: 'SystemMailbox{1f05a927}',
      proxies: [],
    }),
    p.newAd({
      tag: 'x',
      sam: 'SM_9z8y7x6w5v4u3',
      nick: 'CAS_{3a4b5c6d}',
      upn: 'CAS_{3a4b5c6d}@contoso.com',
      cn: 'CAS_{3a4b5c6d}',
      proxies: [],
    }),
  ];
  for (const u of ruled) p.x.sets.adRuleFiltered.push({ adGuid: u.guid, entraId: null });
}

/** Entra only: cloud-only members and guests, orphaned synced users, and the AD users that would soft-match them. */
function addEntraOnly(p: Population): void {
  const x = p.x;
  const cloud = [
    p.newEntra({ upn: `admin@${TENANT}`, displayName: 'Cloud Admin' }),
    p.newEntra({ upn: 'svc.teams@contoso.com', displayName: 'Teams Rooms' }),
  ];
  const guests = [
    p.newEntra({
      upn: `jane_fabrikam.com#EXT#@${TENANT}`,
      mail: 'jane@fabrikam.com',
      userType: 'Guest',
      displayName: 'Jane (Fabrikam)',
    }),
    p.newEntra({
      upn: `bob_partner.org#EXT#@${TENANT}`,
      mail: 'bob@partner.org',
      userType: 'Guest',
      displayName: 'Bob (Partner)',
    }),
  ];
  const orphans = [
    p.newEntra({
      upn: 'gone.user@contoso.com',
      immutableId: guidToImmutableId(p.guid()),
      displayName: 'Gone, User',
    }),
  ];

  // Soft matches: an unsynced AD user with the UPN of a cloud-only user; another whose primary SMTP an orphan holds.
  const soft1 = p.newAd({ tag: 'sm', upn: 'soft.match@contoso.com' });
  const soft1E = p.newEntra({
    upn: 'soft.match@contoso.com',
    mail: 'soft.match@contoso.com',
    displayName: 'Soft Match',
  });
  cloud.push(soft1E);
  x.sets.adNotInEntra.push({ adGuid: soft1.guid, entraId: null });
  x.softMatches.push({ adGuid: soft1.guid, entraId: soft1E.id, outcome: 'wouldSoftMatch' });
  x.adNotInEntraReasons[soft1.guid] = 'soft-match';
  const soft2 = p.newAd({ tag: 'sm', upn: 'rehired@contoso.com', mail: 'rehired.person@contoso.com' });
  const soft2E = p.newEntra({
    upn: 'rehired.old@contoso.com',
    mail: 'rehired.person@contoso.com',
    proxies: ['SMTP:rehired.person@contoso.com'],
    immutableId: guidToImmutableId(p.guid()),
    displayName: 'Rehired (old account)',
  });
  orphans.push(soft2E);
  x.sets.adNotInEntra.push({ adGuid: soft2.guid, entraId: null });
  // MSOnline exports have no Mail column and their ProxyAddresses are a type name: no SMTP to soft-match on.
  if (p.entraHasProxies)
    x.softMatches.push({ adGuid: soft2.guid, entraId: soft2E.id, outcome: 'invalidSoftMatch' });
  x.adNotInEntraReasons[soft2.guid] = p.entraHasProxies ? 'soft-match' : 'unexplained';

  for (const e of cloud) x.sets.entraCloudOnly.push({ adGuid: null, entraId: e.id });
  for (const e of guests) x.sets.entraCloudOnly.push({ adGuid: null, entraId: e.id });
  for (const e of orphans) x.sets.entraOrphanedSynced.push({ adGuid: null, entraId: e.id });
  for (const e of [...cloud, ...guests, ...orphans])
    x.sets.entraNotInAd.push({ adGuid: null, entraId: e.id });
}

/** Conflicts among sync candidates, with their effects in Entra. */
function addConflicts(p: Population): void {
  const x = p.x;
  const base = p.base;
  const a1 = p.newAd({ tag: 'c', upn: 'dup.upn@contoso.com', mail: 'a1.mail@contoso.com' });
  const a2 = p.newAd({ tag: 'c', upn: 'dup.upn@contoso.com', mail: 'a2.mail@contoso.com' });
  p.matched(a1);
  const a2E = p.matched(a2, {
    upn: `dup.upn4711@${TENANT}`,
    errors: [
      {
        category: 'PropertyConflict',
        property: 'UserPrincipalName',
        value: 'dup.upn@contoso.com',
        time: base + 400 * DAY,
      },
    ],
  });
  x.quarantinedUpnOf.push(a2.guid);
  if (p.entraHasErrors) x.sets.entraWithProvisioningErrors.push({ adGuid: a2.guid, entraId: a2E.id });
  const b1 = p.newAd({ tag: 'c', mail: 'shared@contoso.com', proxies: [] });
  const b2 = p.newAd({ tag: 'c', mail: 'shared@contoso.com', proxies: [] });
  p.matched(b1);
  p.matched(b2);
  // A third user with the same mail, never synced: the conflict is the likely reason.
  const b3 = p.newAd({ tag: 'c', mail: 'shared@contoso.com', proxies: [] });
  x.sets.adNotInEntra.push({ adGuid: b3.guid, entraId: null });
  x.adNotInEntraReasons[b3.guid] = 'conflict';
  const c1 = p.newAd({ tag: 'c' });
  c1.proxies.push('smtp:team@contoso.com');
  const c2 = p.newAd({ tag: 'c' });
  c2.proxies.push('smtp:team@contoso.com');
  p.matched(c1);
  const c2E = p.matched(c2, {
    proxies: c2.proxies.filter((a) => a !== 'smtp:team@contoso.com'),
    errors: [
      {
        category: 'PropertyConflict',
        property: 'ProxyAddress',
        value: 'smtp:team@contoso.com',
        time: base + 401 * DAY,
      },
    ],
  });
  if (p.entraHasErrors) x.sets.entraWithProvisioningErrors.push({ adGuid: c2.guid, entraId: c2E.id });
  const d1 = p.newAd({ tag: 'c', upn: 'boss@contoso.com', mail: '', proxies: [] });
  const d2 = p.newAd({ tag: 'c' });
  d2.proxies.push('smtp:boss@contoso.com');
  p.matched(d1);
  p.matched(d2);
  const sorted = (...g: GenAd[]) => g.map((u) => u.guid).sort();
  x.conflicts.duplicateUpn.push({ value: 'dup.upn@contoso.com', adGuids: sorted(a1, a2) });
  x.conflicts.duplicateMail.push({ value: 'shared@contoso.com', adGuids: sorted(b1, b2, b3) });
  if (!p.isRaw) {
    x.conflicts.duplicateProxySmtp.push({ value: 'team@contoso.com', adGuids: sorted(c1, c2) });
    x.conflicts.upnVsOtherUsersProxy.push({
      address: 'boss@contoso.com',
      upnOwner: d1.guid,
      proxyHolder: d2.guid,
    });
    x.conflicts.anyAddressClaimedTwice.push({ value: 'boss@contoso.com', adGuids: sorted(d1, d2) });
  }
  x.conflicts.anyAddressClaimedTwice.push({ value: 'dup.upn@contoso.com', adGuids: sorted(a1, a2) });
  x.conflicts.anyAddressClaimedTwice.push({ value: 'shared@contoso.com', adGuids: sorted(b1, b2, b3) });
  if (!p.isRaw)
    x.conflicts.anyAddressClaimedTwice.push({ value: 'team@contoso.com', adGuids: sorted(c1, c2) });
  x.conflicts.anyAddressClaimedTwice.sort((a, b) => (a.value < b.value ? -1 : 1));
}

/** Attribute problems, one per user, each matched in Entra. */
function addAttributeProblems(p: Population): void {
  const x = p.x;
  const attr = (code: AttributeCheckCode, o: Partial<GenAd> & { tag: string }, e: Partial<GenEntra> = {}) => {
    const u = p.newAd(o);
    p.matched(u, e);
    x.attributes.push({ adGuid: u.guid, code });
    return u;
  };
  attr('leading-trailing-space', {
    tag: 'a',
    upn: 'trailing.space@contoso.com ',
    mail: 'trailing.space@contoso.com',
  });
  attr(
    'upn-invalid-char',
    { tag: 'a', upn: 'jürgen.müller@contoso.com', mail: 'juergen.mueller@contoso.com' },
    { upn: 'jrgen.mller@contoso.com' },
  );
  attr(
    'upn-non-routable',
    { tag: 'a', upn: 'legacy.user@contoso.local', mail: 'legacy.user@contoso.com' },
    { upn: `legacy.user@${TENANT}` },
  );
  const dupProxy = attr('proxy-duplicate-in-user', {
    tag: 'a',
    mail: 'double.proxy@contoso.com',
    upn: 'double.proxy@contoso.com',
  });
  if (!p.isRaw) dupProxy.proxies.push('smtp:double.proxy@contoso.com');
  else x.attributes.pop();
  attr('upn-prefix-too-long', {
    tag: 'a',
    upn: `${'averyveryverylongprefix'.repeat(3)}@contoso.com`,
    mail: 'long.prefix@contoso.com',
  });
}

/** AD only for other reasons: created after the last sync (every sync is on day 420), an invalid UPN; contractors. */
function addAdOnly(p: Population): void {
  const x = p.x;
  const late = p.newAd({ tag: 'new' });
  late.created = p.base + 425 * DAY;
  const umlaut = p.newAd({ tag: 'new', upn: 'kämpfer@contoso.com', mail: 'kaempfer@contoso.com' });
  x.attributes.push({ adGuid: umlaut.guid, code: 'upn-invalid-char' });
  for (const [u, why] of [
    [late, 'created-after-sync'],
    [umlaut, 'attribute-rejected'],
  ] as const) {
    x.sets.adNotInEntra.push({ adGuid: u.guid, entraId: null });
    x.adNotInEntraReasons[u.guid] = why;
  }
  // Contractors: an OU outside the scope that nobody synced.
  for (let k = 0; k < 3; k++) {
    const u = p.newAd({ tag: 'ext', ou: CONTRACTORS_OU });
    x.sets.adOutOfScope.push({ adGuid: u.guid, entraId: null });
  }
}

/**
 * The later AD export: two synced users deleted, two moved out of scope, one never-synced (`neverSynced`) and one
 * out-of-scope user (`outOfScope`) deleted, two added; what the deletion preview must find goes into `x.deletion`.
 */
function laterAd(p: Population, neverSynced: GenAd, outOfScope: GenAd): GenAd[] {
  const { ad, x } = p;
  const matchedGuids = new Set(x.matchedPairs.map((m) => m.adGuid));
  const plainUsers = ad.filter((u) => matchedGuids.has(u.guid)).slice(0, 4);
  const removed = new Set([plainUsers[0]!.guid, plainUsers[1]!.guid, neverSynced.guid, outOfScope.guid]);
  const moved = new Set([plainUsers[2]!.guid, plainUsers[3]!.guid]);
  const after = ad
    .filter((u) => !removed.has(u.guid))
    .map((u) => (moved.has(u.guid) ? { ...u, ou: OUT_OF_SCOPE_OU } : u));
  const nBefore = ad.length;
  const added = [p.newAd({ tag: 'hire' }), p.newAd({ tag: 'hire' })];
  ad.length = nBefore;
  after.push(...added);
  const pairOf = (g: string) => x.matchedPairs.find((m) => m.adGuid === g)!;
  x.deletion = {
    removedSynced: [plainUsers[0]!.guid, plainUsers[1]!.guid].map((g) => pairOf(g).adGuid).sort(),
    movedOutOfScope: [plainUsers[2]!.guid, plainUsers[3]!.guid].sort(),
    removedButNeverSynced: [neverSynced.guid],
    removedOutOfScope: [outOfScope.guid],
    added: added.map((u) => u.guid).sort(),
  };
  return after;
}

// ---- writers -------------------------------------------------------------------------------------------

function q(v: string): string {
  return `"${v.replace(/"/g, '""')}"`;
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/** A date as the exporting machine's culture writes DateTime.ToString(). */
function cultureDate(ms: number, style: 'en-US' | 'de-DE'): string {
  const d = new Date(ms);
  const [Y, M, D, h, m, s] = [
    d.getUTCFullYear(),
    d.getUTCMonth() + 1,
    d.getUTCDate(),
    d.getUTCHours(),
    d.getUTCMinutes(),
    d.getUTCSeconds(),
  ];
  if (style === 'de-DE') return `${pad(D)}.${pad(M)}.${Y} ${pad(h)}:${pad(m)}:${pad(s)}`;
  const h12 = h % 12 === 0 ? 12 : h % 12;
  return `${M}/${D}/${Y} ${h12}:${pad(m)}:${pad(s)} ${h < 12 ? 'AM' : 'PM'}`;
}

function cgText(g: string, form: CgForm): string {
  if (form === 'guid') return g;
  if (form === 'decimal') return `{${Array.from(guidToBytes(g)).join(', ')}}`;
  return guidToImmutableId(g);
}

function writeAd(
  users: readonly GenAd[],
  style: AdStyle,
  cgForm: CgForm,
  dnOf: (u: GenAd) => string,
  name = 'ad-users.csv',
): NamedBytes {
  const sep = style === 'de-DE' ? ';' : ',';
  const headers = [
    'DistinguishedName',
    'Enabled',
    'GivenName',
    'Name',
    'ObjectClass',
    'ObjectGUID',
    'SamAccountName',
    'Surname',
    'UserPrincipalName',
    'DisplayName',
    'mail',
    'mailNickname',
    'isCriticalSystemObject',
    'proxyAddresses',
    'mS-DS-ConsistencyGuid',
    'whenCreated',
  ];
  const lines: string[] = [];
  if (style === 'ps51' || style === 'raw-types' || style === 'de-DE')
    lines.push('#TYPE Microsoft.ActiveDirectory.Management.ADUser');
  lines.push(headers.map(q).join(sep));
  for (const u of users) {
    const created =
      style === 'de-DE'
        ? cultureDate(u.created, 'de-DE')
        : style === 'ps7'
          ? new Date(u.created).toISOString().replace('.000Z', '.0000000+00:00')
          : cultureDate(u.created, 'en-US');
    const proxies =
      style === 'raw-types'
        ? 'Microsoft.ActiveDirectory.Management.ADPropertyValueCollection'
        : u.proxies.join(style === 'ps7' ? '|' : ';');
    const cg = style === 'raw-types' ? (u.cg ? 'System.Byte[]' : '') : u.cg ? cgText(u.cg, cgForm) : '';
    const cells = [
      dnOf(u),
      u.enabled ? 'True' : 'False',
      u.cn.split(/[ ,]+/)[0] ?? '',
      u.cn,
      'user',
      u.guid,
      u.sam,
      '',
      u.upn,
      u.displayName,
      u.mail,
      u.nick,
      u.critical ? 'True' : '',
      proxies,
      cg,
      created,
    ];
    lines.push(cells.map(q).join(sep));
  }
  const text = lines.join('\r\n') + '\r\n';
  const encoding =
    style === 'de-DE' ? 'utf-16le' : style === 'ps7' ? 'utf-8' : style === 'ps51' ? 'ascii' : 'utf-8-bom';
  return { name, bytes: encodeAsExport(text, encoding) };
}

function errorsText(e: GenEntra): string {
  return e.errors
    .map((x) => `${x.category}|${x.property}|${x.value}|${new Date(x.time).toISOString()}`)
    .join(';');
}

function writeEntra(users: readonly GenEntra[], style: EntraStyle, rawProxies: boolean): NamedBytes[] {
  if (style.startsWith('graph')) return writeGraphJson(users, style);
  const rows: Record<string, string>[] = users.map((e) => {
    const sync = e.lastSync === null ? '' : cultureDate(e.lastSync, 'en-US');
    const proxies = rawProxies
      ? e.proxies.length
        ? 'System.Collections.Generic.List`1[System.String]'
        : ''
      : e.proxies.join(';');
    const base: Record<string, string> = {
      upn: e.upn,
      dn: e.displayName,
      id: e.id,
      imm: e.immutableId,
      sync,
      type: e.userType,
      proxies,
      mail: e.mail,
      nick: e.nick,
    };
    return base;
  });
  let headers: string[];
  let cells: (r: Record<string, string>, e: GenEntra) => string[];
  let typeLine: string | undefined;
  if (style === 'mg') {
    headers = [
      'Id',
      'AboutMe',
      'AccountEnabled',
      'BusinessPhones',
      'CreatedDateTime',
      'DisplayName',
      'Mail',
      'MailNickname',
      'OnPremisesDistinguishedName',
      'OnPremisesImmutableId',
      'OnPremisesLastSyncDateTime',
      'OnPremisesProvisioningErrors',
      'OnPremisesSamAccountName',
      'OnPremisesSyncEnabled',
      'ProxyAddresses',
      'UserPrincipalName',
      'UserType',
    ];
    cells = (r, e) => [
      r.id!,
      '',
      'True',
      'System.String[]',
      cultureDate(e.created, 'en-US'),
      r.dn!,
      r.mail!,
      r.nick!,
      e.onPremDn,
      r.imm!,
      r.sync!,
      errorsText(e),
      e.onPremSam,
      e.immutableId ? 'True' : '',
      r.proxies!,
      r.upn!,
      r.type!,
    ];
  } else if (style === 'entra') {
    headers = [
      'id',
      'ObjectId',
      'accountEnabled',
      'createdDateTime',
      'displayName',
      'mail',
      'mailNickname',
      'onPremisesImmutableId',
      'ImmutableId',
      'onPremisesLastSyncDateTime',
      'LastDirSyncTime',
      'onPremisesSyncEnabled',
      'DirSyncEnabled',
      'onPremisesProvisioningErrors',
      'ProvisioningErrors',
      'proxyAddresses',
      'userPrincipalName',
      'userType',
      'UserState',
    ];
    cells = (r, e) => [
      r.id!,
      r.id!,
      'True',
      cultureDate(e.created, 'en-US'),
      r.dn!,
      r.mail!,
      r.nick!,
      r.imm!,
      r.imm!,
      r.sync!,
      r.sync!,
      e.immutableId ? 'True' : '',
      e.immutableId ? 'True' : '',
      errorsText(e),
      errorsText(e),
      r.proxies!,
      r.upn!,
      r.type!,
      '',
    ];
  } else {
    typeLine = '#TYPE Microsoft.Online.Administration.User';
    headers = [
      'ExtensionData',
      'BlockCredential',
      'DirSyncProvisioningErrors',
      'DisplayName',
      'ImmutableId',
      'IsLicensed',
      'LastDirSyncTime',
      'ObjectId',
      'ProxyAddresses',
      'SignInName',
      'UserPrincipalName',
      'UserType',
      'WhenCreated',
    ];
    cells = (r, e) => [
      'System.Runtime.Serialization.ExtensionDataObject',
      'False',
      'System.Collections.Generic.List`1[Microsoft.Online.Administration.DirSyncProvisioningError]',
      r.dn!,
      r.imm!,
      'True',
      r.sync!,
      r.id!,
      r.proxies!,
      r.upn!,
      r.upn!,
      r.type!,
      cultureDate(e.created, 'en-US'),
    ];
  }
  const lines = typeLine ? [typeLine] : [];
  lines.push(headers.map(q).join(','));
  users.forEach((e, k) => lines.push(cells(rows[k]!, e).map(q).join(',')));
  const text = lines.join('\r\n') + '\r\n';
  return [
    {
      name: `entra-users-${style}.csv`,
      bytes: encodeAsExport(text, style === 'msol' ? 'ascii' : 'utf-8-bom'),
    },
  ];
}

function writeGraphJson(users: readonly GenEntra[], style: EntraStyle): NamedBytes[] {
  const camel = (e: GenEntra) => ({
    id: e.id,
    userPrincipalName: e.upn,
    displayName: e.displayName,
    mail: e.mail || null,
    mailNickname: e.nick || null,
    userType: e.userType,
    accountEnabled: true,
    createdDateTime: new Date(e.created).toISOString().replace('.000Z', 'Z'),
    proxyAddresses: e.proxies,
    onPremisesImmutableId: e.immutableId || null,
    onPremisesSyncEnabled: e.immutableId ? true : null,
    onPremisesLastSyncDateTime:
      e.lastSync === null ? null : new Date(e.lastSync).toISOString().replace('.000Z', 'Z'),
    onPremisesDistinguishedName: e.onPremDn || null,
    onPremisesSamAccountName: e.onPremSam || null,
    onPremisesProvisioningErrors: e.errors.map((x) => ({
      category: x.category,
      occurredDateTime: new Date(x.time).toISOString(),
      propertyCausingError: x.property,
      value: x.value,
    })),
  });
  const enc = (v: unknown, name: string) => ({
    name,
    bytes: encodeAsExport(JSON.stringify(v, null, 1), 'utf-8'),
  });
  if (style === 'graph-page') {
    return [
      enc(
        { '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#users', value: users.map(camel) },
        'users-page.json',
      ),
    ];
  }
  if (style === 'graph-pages') {
    const pages: unknown[] = [];
    for (let k = 0; k < users.length; k += 25) {
      const last = k + 25 >= users.length;
      pages.push({
        '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#users',
        ...(last ? {} : { '@odata.nextLink': `https://graph.microsoft.com/v1.0/users?$skiptoken=${k + 25}` }),
        value: users.slice(k, k + 25).map(camel),
      });
    }
    return [enc(pages, 'users-pages.json')];
  }
  // ConvertTo-Json of Get-MgUser in Windows PowerShell 5.1: PascalCase, dates as \/Date(ms)\/, split over two files.
  const pascal = (e: GenEntra) => ({
    Id: e.id,
    UserPrincipalName: e.upn,
    DisplayName: e.displayName,
    Mail: e.mail || null,
    UserType: e.userType,
    ProxyAddresses: e.proxies,
    OnPremisesImmutableId: e.immutableId || null,
    OnPremisesLastSyncDateTime: e.lastSync === null ? null : `/Date(${e.lastSync})/`,
    OnPremisesProvisioningErrors: e.errors.map((x) => ({
      Category: x.category,
      OccurredDateTime: `/Date(${x.time})/`,
      PropertyCausingError: x.property,
      Value: x.value,
    })),
    AdditionalProperties: {},
  });
  const half = Math.ceil(users.length / 2);
  return [
    enc(users.slice(0, half).map(pascal), 'users-1.json'),
    enc(users.slice(half).map(pascal), 'users-2.json'),
  ];
}
