/**
 * Scope, Entra Connect's default user filters, and the anchor join between AD and Entra. Definitions follow the
 * CLI contract: matched = ImmutableID equals the anchor of an in-scope AD user; outOfScopeButInEntra = equals
 * the anchor of an out-of-scope AD user; orphaned = an ImmutableID no AD user in the export carries.
 */
import type {
  AdStatus,
  AdUser,
  Diagnosis,
  EntraStatus,
  EntraUser,
  SetEntry,
  SetName,
  SoftMatch,
  SuggestedOu,
  SyncIssue,
  Totals,
} from './types.ts';
import { GuidColumn, GuidIndex } from './guid-column.ts';
import {
  dnKey,
  dnKeyIfDifferent,
  isBelow,
  isBelowDnAsWritten,
  isPrimarySmtp,
  lowerTrim,
  smtpAddress,
} from './values.ts';

export interface ScopeRule {
  text: string;
  key: string;
  isInclude: boolean;
  /** `text` when it is ASCII and `key` is just its lower case: DNs ending in exactly it match at once. */
  written?: string;
}

/**
 * One OU DN per line. A line starting with `!` excludes that OU (Entra Connect lets you untick a child of a
 * ticked OU); the most specific rule wins. Blank lines and `#` comments are ignored.
 */
export function parseScope(lines: readonly string[]): { rules: ScopeRule[]; issues: SyncIssue[] } {
  const rules: ScopeRule[] = [];
  const issues: SyncIssue[] = [];
  for (const raw of lines.flatMap((l) => l.split(/\r?\n/))) {
    let t = raw.trim();
    if (!t || t.startsWith('#')) continue;
    const isInclude = !t.startsWith('!');
    if (!isInclude) t = t.slice(1).trim();
    if (t.indexOf('=') === -1) {
      issues.push({
        code: 'no-scope',
        severity: 'warning',
        path: t,
        message: `"${t}" is not a distinguished name (expected OU=…,DC=…); ignored.`,
      });
      continue;
    }
    const key = dnKey(t);
    const written = /^[\x20-\x7e]*$/.test(t) && t.toLowerCase() === key ? t : undefined;
    rules.push({ text: t, key, isInclude, written });
  }
  rules.sort((a, b) => b.key.length - a.key.length);
  return { rules, issues };
}

/** The most specific rule above the user decides; isBelowDn per rule, with the user's dnKey made at most once. */
export function isInScope(u: AdUser, rules: readonly ScopeRule[]): boolean {
  if (rules.length === 0 || !u.dn) return true;
  const dn = u.dn;
  let key: string | null | undefined;
  for (const r of rules) {
    if (isBelowDnAsWritten(dn, r.key, r.written)) return r.isInclude;
    if (key === undefined) key = dnKeyIfDifferent(dn);
    if (key !== null && isBelow(key, r.key)) return r.isInclude;
  }
  return false;
}

// Entra Connect "In from AD - User Join" scoping: objects the default configuration never synchronises.
const EXCHANGE_SYSTEM_MASK = 0x21c07000;

/** The default sync rule that keeps this user out of Entra, in words; '' when none applies. */
/**
 * `hasSamColumn`: true/false for every user, or the files whose export has a usable sAMAccountName column, so
 * that a file without the column never makes another file's users look filtered (and the reverse).
 */
export function ruleFilterReason(u: AdUser, hasSamColumn: boolean | ReadonlySet<string>): string {
  if (u.isCritical) return 'isCriticalSystemObject is TRUE (built-in account)';
  const sam = u.sam;
  const isSamMissing =
    sam.length === 0
      ? hasSamColumn === true || (hasSamColumn !== false && hasSamColumn.has(u.file))
      : !sam.trim();
  if (isSamMissing) return 'no sAMAccountName';
  const c0 = sam.charCodeAt(0) | 32;
  // Upper-casing only the few names that can match: this runs for every user.
  if (c0 === 109 || c0 === 97 || c0 === 115 || c0 === 99) {
    const up = sam.trim().toUpperCase();
    if (up.startsWith('MSOL_'))
      return 'sAMAccountName starts with MSOL_ (DirSync / Entra Connect service account)';
    if (up.startsWith('AAD_')) return 'sAMAccountName starts with AAD_ (Entra Connect service account)';
    if (up === 'SUPPORT_388945A0') return 'sAMAccountName is SUPPORT_388945a0';
    if (up.startsWith('CAS_') && up.includes('}'))
      return 'sAMAccountName is an Exchange CAS_{…} system mailbox';
  }
  const nick = u.mailNickname;
  const n0 = nick.charCodeAt(0) | 32;
  if (n0 === 115 && nick.toLowerCase().startsWith('systemmailbox{'))
    return 'mailNickname starts with SystemMailbox{ (Exchange system mailbox)';
  if (n0 === 99 && nick.toUpperCase().startsWith('CAS_') && nick.includes('}'))
    return 'mailNickname is an Exchange CAS_{…} system mailbox';
  const type = u.recipientTypeDetails;
  // The mask's bits are all below 2^32; larger values (team and remote mailboxes) would wrap in `&`.
  if (type !== null && type < 2 ** 32 && (type & EXCHANGE_SYSTEM_MASK) !== 0) {
    return `msExchRecipientTypeDetails ${u.recipientTypeDetails} is an Exchange system object`;
  }
  if (u.dn.indexOf('\\0') !== -1 && /\\0ACNF:/i.test(u.dn))
    return 'replication conflict object (\\0ACNF: in its name)';
  return '';
}

export interface Comparison {
  adStatus: AdStatus[];
  adEntra: number[];
  adRule: string[];
  entraStatus: EntraStatus[];
  entraAd: number[];
  isCandidate: boolean[];
  totals: Totals;
  sets: Record<SetName, SetEntry[]>;
  duplicateAnchors: { anchor: string; ad: number[] }[];
}

/** The anchors of `ad` and `entra` in the same order, when the reader already parsed them. */
export interface Anchors {
  ad: GuidColumn;
  entra: GuidColumn;
}

export function compare(
  ad: readonly AdUser[],
  entra: readonly EntraUser[],
  rules: readonly ScopeRule[],
  hasSamColumn: boolean | ReadonlySet<string>,
  anchors: Anchors = {
    ad: GuidColumn.of(ad.map((u) => u.anchor)),
    entra: GuidColumn.of(entra.map((e) => e.anchor)),
  },
): Comparison {
  const nAd = ad.length;
  const adEntra = new Array<number>(nAd).fill(-1);
  const adRule = new Array<string>(nAd);
  const inScope = new Array<boolean>(nAd);
  for (let i = 0; i < nAd; i++) {
    const u = ad[i]!;
    inScope[i] = isInScope(u, rules);
    adRule[i] = inScope[i] ? ruleFilterReason(u, hasSamColumn) : '';
  }
  const byAnchor = new GuidIndex(anchors.ad, (i) => ad[i]!.anchor);
  const dup = new Map<string, number[]>();
  for (let i = 0; i < nAd; i++) {
    const first = byAnchor.add(i);
    if (first === i) continue;
    const anchor = ad[i]!.anchor!;
    const list = dup.get(anchor);
    if (list) list.push(i);
    else dup.set(anchor, [first, i]);
  }
  const entraStatus = new Array<EntraStatus>(entra.length);
  const entraAd = new Array<number>(entra.length).fill(-1);
  for (let j = 0; j < entra.length; j++) {
    const e = entra[j]!;
    if (!e.immutableId) {
      entraStatus[j] = 'cloudOnly';
      continue;
    }
    const a = byAnchor.find(anchors.entra, j, e.anchor);
    if (a === -1) {
      entraStatus[j] = 'orphaned';
      continue;
    }
    entraAd[j] = a;
    if (adEntra[a] === -1) adEntra[a] = j;
    entraStatus[j] = inScope[a] ? 'matched' : 'outOfScope';
  }
  const adStatus = new Array<AdStatus>(nAd);
  const isCandidate = new Array<boolean>(nAd);
  const sets: Record<SetName, SetEntry[]> = {
    adNotInEntra: [],
    adOutOfScope: [],
    adRuleFiltered: [],
    entraNotInAd: [],
    entraCloudOnly: [],
    entraOrphanedSynced: [],
    entraWithProvisioningErrors: [],
    outOfScopeButInEntra: [],
  };
  const pair = (a: number, j: number): SetEntry => (j === -1 ? { ad: a } : { ad: a, entra: j });
  for (let i = 0; i < nAd; i++) {
    const j = adEntra[i]!;
    isCandidate[i] = inScope[i]! && !adRule[i];
    if (!inScope[i]) {
      adStatus[i] = j === -1 ? 'outOfScope' : 'outOfScopeInEntra';
      sets.adOutOfScope.push(pair(i, j));
    } else if (adRule[i]) {
      adStatus[i] = 'ruleFiltered';
      sets.adRuleFiltered.push(pair(i, j));
    } else if (j === -1) {
      adStatus[i] = 'notInEntra';
      sets.adNotInEntra.push({ ad: i });
    } else adStatus[i] = 'matched';
  }
  let matched = 0;
  let guests = 0;
  for (let j = 0; j < entra.length; j++) {
    const e = entra[j]!;
    const s = entraStatus[j]!;
    if (e.isGuest) guests++;
    if (s === 'matched') matched++;
    else if (s === 'outOfScope') sets.outOfScopeButInEntra.push({ ad: entraAd[j]!, entra: j });
    else {
      sets.entraNotInAd.push({ entra: j });
      (s === 'cloudOnly' ? sets.entraCloudOnly : sets.entraOrphanedSynced).push({ entra: j });
    }
    if (e.errors.length)
      sets.entraWithProvisioningErrors.push(entraAd[j] === -1 ? { entra: j } : { ad: entraAd[j]!, entra: j });
  }
  let outOfScope = 0;
  let ruleFiltered = 0;
  for (let i = 0; i < nAd; i++) {
    if (!inScope[i]) outOfScope++;
    else if (adRule[i]) ruleFiltered++;
  }
  const totals: Totals = {
    adUsers: nAd,
    adOutOfScope: outOfScope,
    adRuleFiltered: ruleFiltered,
    adSyncCandidates: nAd - outOfScope - ruleFiltered,
    entraUsers: entra.length,
    matched,
    adNotInEntra: sets.adNotInEntra.length,
    entraNotInAd: sets.entraNotInAd.length,
    entraCloudOnly: sets.entraCloudOnly.length,
    entraGuests: guests,
    entraOrphanedSynced: sets.entraOrphanedSynced.length,
    entraWithProvisioningErrors: sets.entraWithProvisioningErrors.length,
    outOfScopeButInEntra: sets.outOfScopeButInEntra.length,
  };
  const duplicateAnchors = [...dup].map(([anchor, list]) => ({ anchor, ad: list }));
  return { adStatus, adEntra, adRule, entraStatus, entraAd, isCandidate, totals, sets, duplicateAnchors };
}

/** Primary SMTP address: the `SMTP:` proxy, else mail; lowercase. */
export function primarySmtp(proxies: readonly string[], mail: string): string {
  for (const p of proxies) if (isPrimarySmtp(p)) return smtpAddress(p);
  return lowerTrim(mail);
}

/**
 * Unmatched AD candidates whose UPN or primary SMTP equals an unmatched Entra user's. Entra Connect soft-matches
 * a new object on those two; the cloud user must have no ImmutableID, else the export fails with InvalidSoftMatch.
 */
export function findSoftMatches(
  ad: readonly AdUser[],
  entra: readonly EntraUser[],
  c: Comparison,
): SoftMatch[] {
  const byUpn = new Map<string, number>();
  const bySmtp = new Map<string, number>();
  for (let j = 0; j < entra.length; j++) {
    const s = c.entraStatus[j];
    if (s !== 'cloudOnly' && s !== 'orphaned') continue;
    const e = entra[j]!;
    const upn = lowerTrim(e.upn);
    if (upn && !byUpn.has(upn)) byUpn.set(upn, j);
    const smtp = primarySmtp(e.proxies, e.mail);
    if (smtp && !bySmtp.has(smtp)) bySmtp.set(smtp, j);
  }
  const out: SoftMatch[] = [];
  if (byUpn.size === 0 && bySmtp.size === 0) return out;
  for (const { ad: i } of c.sets.adNotInEntra) {
    const u = ad[i!]!;
    let j = byUpn.get(lowerTrim(u.upn));
    let via: SoftMatch['via'] = 'upn';
    if (j === undefined) {
      const smtp = primarySmtp(u.proxies, u.mail);
      j = smtp ? bySmtp.get(smtp) : undefined;
      via = 'smtp';
    }
    if (j === undefined) continue;
    out.push({
      ad: i!,
      entra: j,
      via,
      outcome: c.entraStatus[j] === 'cloudOnly' ? 'wouldSoftMatch' : 'invalidSoftMatch',
    });
  }
  return out;
}

/** With no scope given: containers none of whose candidates is in Entra, while others are. A guess. */
export function suggestFilteredOus(ad: readonly AdUser[], c: Comparison): SuggestedOu[] {
  if (c.totals.matched === 0) return [];
  const perOu = new Map<string, { users: number; matched: number }>();
  for (let i = 0; i < ad.length; i++) {
    if (!c.isCandidate[i]) continue;
    const ou = ad[i]!.ou;
    if (!ou) continue;
    const s = perOu.get(ou) ?? { users: 0, matched: 0 };
    s.users++;
    if (c.adEntra[i] !== -1) s.matched++;
    perOu.set(ou, s);
  }
  const out: SuggestedOu[] = [];
  for (const [ou, s] of perOu) if (s.matched === 0 && s.users >= 2) out.push({ ou, users: s.users });
  return out.sort((a, b) => b.users - a.users || a.ou.localeCompare(b.ou)).slice(0, 25);
}

export interface DiagnosisContext {
  hasConsistencyGuidColumn: boolean;
  hasImmutableIdColumn: boolean;
}

/** When (nearly) nothing matches, the likely cause, instead of a list of everyone. */
export function diagnose(
  ad: readonly AdUser[],
  entra: readonly EntraUser[],
  c: Comparison,
  ctx: DiagnosisContext,
): Diagnosis[] {
  const out: Diagnosis[] = [];
  const synced = entra.filter((e) => e.immutableId).length;
  if (entra.length > 0 && synced === 0) {
    out.push({
      code: 'no-immutable-ids',
      message: ctx.hasImmutableIdColumn
        ? 'No Entra user has an ImmutableID: the export left the value out (Get-MgUser without -Property does), or nothing in this tenant is synchronised from AD.'
        : 'The Entra export has no ImmutableID column, so no user can be matched to AD: every user looks cloud-only.',
      hint: 'Export with Get-MgUser -All -Property …,onPremisesImmutableId,… (see the recommended commands).',
    });
    return out;
  }
  const candidates = c.totals.adSyncCandidates;
  const possible = Math.min(candidates, synced);
  if (possible < 5 || c.totals.matched >= possible * 0.1) return out;
  const upns = new Set(ad.map((u) => u.upn.trim().toLowerCase()).filter(Boolean));
  const domains = new Set([...upns].map((x) => x.slice(x.lastIndexOf('@') + 1)));
  let sameUpn = 0;
  let sameDomain = 0;
  let textAnchors = 0;
  for (const e of entra) {
    if (!e.immutableId) continue;
    const upn = e.upn.trim().toLowerCase();
    if (upns.has(upn)) sameUpn++;
    if (domains.has(upn.slice(upn.lastIndexOf('@') + 1))) sameDomain++;
    if (e.anchor?.startsWith('text:')) textAnchors++;
  }
  const pct = (n: number, d: number) => `${Math.round((n / Math.max(d, 1)) * 100)}%`;
  const base = `Only ${c.totals.matched} of ${possible} possible pairs match on the source anchor.`;
  if (textAnchors > synced * 0.5) {
    out.push({
      code: 'few-matches',
      message: `${base} ${pct(textAnchors, synced)} of the ImmutableIDs decode to text, not a GUID: this tenant's source anchor is another attribute (for example employeeID), which an AD export of GUIDs cannot be compared with.`,
    });
  } else if (sameDomain === 0) {
    out.push({
      code: 'wrong-file',
      message: `${base} No synced Entra user has a UPN domain that occurs in the AD export: the two files are probably from different organisations or forests.`,
    });
  } else if (!ctx.hasConsistencyGuidColumn && sameUpn > synced * 0.3) {
    out.push({
      code: 'consistency-guid-not-exported',
      message: `${base} ${pct(sameUpn, synced)} of the synced Entra users have a UPN that is in the AD export, so the anchors differ: Entra Connect most likely uses mS-DS-ConsistencyGuid, which this AD export does not contain.`,
      hint: 'Export mS-DS-ConsistencyGuid as base64 (see the recommended AD command) and run the check again.',
    });
  } else {
    out.push({
      code: 'few-matches',
      message: `${base} ${pct(sameUpn, synced)} of the synced Entra users have a UPN that is in the AD export. Check that both files are from the same forest and tenant, and that the AD export holds the users' real anchors.`,
    });
  }
  return out;
}
