/**
 * The result in its public shapes: the CLI's JSON contract (AD users by lowercase objectGUID, Entra users by
 * lowercase id, sorted, values lowercased) and the CSV downloads (one unified row per identity, or one set).
 */
import { recordsToCsv, toCsv, type CsvCell } from '../../lib/csv/write.ts';
import type {
  AdStatus,
  AdUser,
  ConflictGroup,
  EntraStatus,
  EntraUser,
  SetEntry,
  SetName,
  SyncCheckResult,
  SyncIssue,
  Totals,
} from './model.ts';
import { SET_NAMES } from './model.ts';

export interface IdPair {
  adGuid: string | null;
  entraId: string | null;
}

export interface CliJson {
  totals: Totals;
  lastSyncTime: string | null;
  sets: Record<SetName, IdPair[]>;
  matchedPairs: IdPair[];
  conflicts: {
    duplicateUpn: { value: string; adGuids: string[] }[];
    duplicateMail: { value: string; adGuids: string[] }[];
    duplicateProxySmtp: { value: string; adGuids: string[] }[];
    anyAddressClaimedTwice: { value: string; adGuids: string[] }[];
    upnVsOtherUsersProxy: { address: string; upnOwner: string | null; proxyHolder: string | null }[];
  };
  deletionPreview?: {
    threshold: number;
    removedSynced: IdPair[];
    movedOutOfScope: IdPair[];
    removedButNeverSynced: IdPair[];
    removedOutOfScope: IdPair[];
    added: IdPair[];
    expectedEntraUserDeletions: number;
    exceedsThreshold: boolean;
    thresholdStatus: 'below' | 'met' | 'blocked';
  };
  warnings: SyncIssue[];
}

function cmp(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}

export function sortPairs(pairs: IdPair[]): IdPair[] {
  return pairs.sort((x, y) => cmp(x.adGuid, y.adGuid) || cmp(x.entraId, y.entraId));
}

/** Matched pairs, derived from the per-user status (not stored: there is one per synced user). */
export function matchedEntries(r: SyncCheckResult): SetEntry[] {
  const out: SetEntry[] = [];
  r.entraStatus.forEach((s, j) => {
    if (s === 'matched') out.push({ ad: r.entraAd[j]!, entra: j });
  });
  return out;
}

export function toCliJson(r: SyncCheckResult): CliJson {
  const adGuid = (i: number | undefined, list: readonly AdUser[] = r.ad) =>
    i === undefined ? null : (list[i]?.objectGuid ?? null);
  const entraId = (j: number | undefined) => (j === undefined ? null : r.entra[j]?.id || null);
  const pairs = (entries: readonly SetEntry[]) =>
    sortPairs(entries.map((e) => ({ adGuid: adGuid(e.ad), entraId: entraId(e.entra) })));
  const sets = {} as Record<SetName, IdPair[]>;
  for (const name of SET_NAMES) sets[name] = pairs(r.sets[name]);
  const groups = (gs: readonly ConflictGroup[]) =>
    gs.map((g) => ({
      value: g.value,
      adGuids: g.ad
        .map((i) => adGuid(i))
        .filter((x): x is string => x !== null)
        .sort(),
    }));
  const out: CliJson = {
    totals: r.totals,
    lastSyncTime: r.lastSyncTime,
    sets,
    matchedPairs: pairs(matchedEntries(r)),
    conflicts: {
      duplicateUpn: groups(r.conflicts.duplicateUpn),
      duplicateMail: groups(r.conflicts.duplicateMail),
      duplicateProxySmtp: groups(r.conflicts.duplicateProxySmtp),
      anyAddressClaimedTwice: groups(r.conflicts.anyAddressClaimedTwice),
      upnVsOtherUsersProxy: r.conflicts.upnVsOtherUsersProxy
        .map((x) => ({
          address: x.address,
          upnOwner: adGuid(x.upnOwner),
          proxyHolder: adGuid(x.proxyHolder),
        }))
        .sort(
          (a, b) =>
            cmp(a.address, b.address) || cmp(a.upnOwner, b.upnOwner) || cmp(a.proxyHolder, b.proxyHolder),
        ),
    },
    warnings: r.issues,
  };
  const d = r.deletionPreview;
  if (d) {
    const withEntra = (i: number): IdPair => ({
      adGuid: adGuid(i),
      entraId: r.adEntra[i]! >= 0 ? entraId(r.adEntra[i]) : null,
    });
    out.deletionPreview = {
      threshold: d.threshold,
      removedSynced: sortPairs(d.removedSynced.map(withEntra)),
      movedOutOfScope: sortPairs(d.movedOutOfScope.map(withEntra)),
      removedButNeverSynced: sortPairs(d.removedButNeverSynced.map(withEntra)),
      removedOutOfScope: sortPairs(d.removedOutOfScope.map(withEntra)),
      added: sortPairs(d.added.map((k) => ({ adGuid: adGuid(k, r.adAfter), entraId: null }))),
      expectedEntraUserDeletions: d.expectedEntraUserDeletions,
      exceedsThreshold: d.exceedsThreshold,
      thresholdStatus: d.thresholdStatus,
    };
  }
  return out;
}

export const STATUS_TEXT: Record<AdStatus | EntraStatus, string> = {
  matched: 'Matched',
  notInEntra: 'AD only: not in Entra',
  outOfScope: 'Out of sync scope',
  outOfScopeInEntra: 'Out of scope but in Entra',
  ruleFiltered: 'Filtered by a sync rule',
  cloudOnly: 'Entra only: cloud-only',
  orphaned: 'Entra only: synced, no AD source',
};

/** Per-user issue text for the unified CSV and the detail view: attribute findings, conflicts, soft matches. */
export function issuesByAd(r: SyncCheckResult): Map<number, string[]> {
  const m = new Map<number, string[]>();
  const add = (i: number, t: string) => {
    const list = m.get(i);
    if (list) list.push(t);
    else m.set(i, [t]);
  };
  for (const f of r.attributes) add(f.ad, `${f.attribute}: ${f.rule}`);
  const kinds = [
    ['duplicateUpn', 'duplicate UPN'],
    ['duplicateMail', 'duplicate mail'],
    ['duplicateProxySmtp', 'duplicate proxy address'],
  ] as const;
  for (const [k, label] of kinds)
    for (const g of r.conflicts[k]) for (const i of g.ad) add(i, `${label} ${g.value}`);
  for (const x of r.conflicts.upnVsOtherUsersProxy) {
    add(
      x.upnOwner,
      `UPN ${x.address} is a proxy address of ${r.ad[x.proxyHolder]!.sam || r.ad[x.proxyHolder]!.upn}`,
    );
    add(x.proxyHolder, `proxy ${x.address} is the UPN of ${r.ad[x.upnOwner]!.sam || r.ad[x.upnOwner]!.upn}`);
  }
  for (const s of r.softMatches) {
    add(
      s.ad,
      s.outcome === 'wouldSoftMatch'
        ? `would soft-match ${r.entra[s.entra]!.upn} on ${s.via}`
        : `InvalidSoftMatch with ${r.entra[s.entra]!.upn} on ${s.via}`,
    );
  }
  r.adRule.forEach((reason, i) => reason && add(i, reason));
  return m;
}

const UNIFIED_HEADERS = [
  'Status',
  'AD ObjectGUID',
  'AD SamAccountName',
  'AD UserPrincipalName',
  'AD Mail',
  'AD DisplayName',
  'AD DistinguishedName',
  'AD Enabled',
  'AD Anchor',
  'AD Anchor Source',
  'Entra Id',
  'Entra UserPrincipalName',
  'Entra Mail',
  'Entra DisplayName',
  'Entra UserType',
  'Entra ImmutableId',
  'Entra LastSync (UTC)',
  'Entra Provisioning Errors',
  'Issues',
];

function adCells(u: AdUser | undefined): CsvCell[] {
  if (!u) return ['', '', '', '', '', '', '', '', ''];
  return [
    u.objectGuid,
    u.sam,
    u.upn,
    u.mail,
    u.displayName,
    u.dn,
    u.enabled === null ? '' : u.enabled,
    u.anchor,
    u.anchorSource,
  ];
}

function entraCells(e: EntraUser | undefined): CsvCell[] {
  if (!e) return ['', '', '', '', '', '', '', ''];
  return [
    e.id,
    e.upn,
    e.mail,
    e.displayName,
    e.userType,
    e.immutableId,
    e.lastSync,
    e.errors.map((x) => `${x.category} ${x.property} ${x.value}`).join('; '),
  ];
}

/** One row per identity: every AD user (with its Entra match, if any), then every Entra user without one. */
export function unifiedCsv(r: SyncCheckResult): string {
  const notes = issuesByAd(r);
  const rows: CsvCell[][] = [];
  r.ad.forEach((u, i) => {
    const j = r.adEntra[i]!;
    rows.push([
      STATUS_TEXT[r.adStatus[i]!],
      ...adCells(u),
      ...entraCells(j >= 0 ? r.entra[j] : undefined),
      (notes.get(i) ?? []).join('; '),
    ]);
  });
  r.entra.forEach((e, j) => {
    const s = r.entraStatus[j]!;
    if (s === 'matched' || s === 'outOfScope') return;
    rows.push([STATUS_TEXT[s] + (e.isGuest ? ' (guest)' : ''), ...adCells(undefined), ...entraCells(e), '']);
  });
  return toCsv(UNIFIED_HEADERS, rows, { bom: true });
}

/** The rows of one set, both sides' columns. */
export function setCsv(r: SyncCheckResult, name: SetName | 'matchedPairs'): string {
  const entries = name === 'matchedPairs' ? matchedEntries(r) : r.sets[name];
  const rows = entries.map((e) => [
    ...adCells(e.ad === undefined ? undefined : r.ad[e.ad]),
    ...entraCells(e.entra === undefined ? undefined : r.entra[e.entra]),
  ]);
  return toCsv(UNIFIED_HEADERS.slice(1, -1), rows, { bom: true });
}

export function attributesCsv(r: SyncCheckResult): string {
  const records = r.attributes.map((f) => ({
    objectGuid: r.ad[f.ad]?.objectGuid ?? '',
    sam: r.ad[f.ad]?.sam ?? '',
    severity: f.severity,
    code: f.code,
    attribute: f.attribute,
    value: f.value,
    rule: f.rule,
    fix: f.fix,
  }));
  return recordsToCsv(
    [
      { key: 'objectGuid', header: 'AD ObjectGUID' },
      { key: 'sam', header: 'AD SamAccountName' },
      { key: 'severity', header: 'Severity' },
      { key: 'code', header: 'Check' },
      { key: 'attribute', header: 'Attribute' },
      { key: 'value', header: 'Value' },
      { key: 'rule', header: 'Rule' },
      { key: 'fix', header: 'Suggested fix' },
    ],
    records,
    { bom: true },
  );
}
