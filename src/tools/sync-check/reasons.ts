/**
 * Why each row is in its set: the most likely reason as a stable code, a sentence for people, and the other
 * party's IDs where there is one (conflict partner, soft-match target, the new OU of a move). Everything is
 * derived from the result alone, so the page (in its worker) and the CLI explain the same rows the same way.
 * Reasons are kept as columns in the set's entry order, not as an object per row: the CLI's JSON writer reads
 * them beside the pairs.
 */
import { anchorToConnectorSpaceDn, guidToImmutableId } from '../../lib/id/guid.ts';
import { isInScope, parseScope, ruleFilterReason, type ScopeRule } from './compare.ts';
import { parseDate } from './dates.ts';
import type { AdUser, SetEntry, SetName, SyncCheckResult } from './types.ts';
import { compareBytes } from '../../lib/text/compare-bytes.ts';
import { dnKey, isBelowDn, lowerTrim, smtpAddress } from './values.ts';

/** The reasons of `sets.adNotInEntra`, in the order they are tried. */
export const AD_ONLY_REASONS = [
  'conflict',
  'soft-match',
  'created-after-sync',
  'attribute-rejected',
  'unexplained',
] as const;

/** Every reason code, closed and stable: the CLI prints them, scripts branch on them. */
export const REASON_CODES = [
  ...AD_ONLY_REASONS,
  // adOutOfScope, outOfScopeButInEntra
  'outside-scope',
  'excluded-ou',
  // adRuleFiltered
  'built-in-account',
  'no-sam-account-name',
  'sync-service-account',
  'exchange-system-object',
  'replication-conflict',
  // entraCloudOnly (and entraNotInAd)
  'guest',
  'soft-match-target',
  'cloud-only-account',
  // entraOrphanedSynced (and entraNotInAd)
  'invalid-soft-match',
  'sync-disabled',
  'text-anchor',
  'other-domain',
  'source-missing',
  // entraWithProvisioningErrors
  'property-conflict',
  'provisioning-error',
  // matched (page only)
  'anchor-match',
  // deletionPreview
  'removed-from-ad',
  'moved-out-of-scope',
  'added-to-ad',
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

const CODE_INDEX = new Map<string, number>(REASON_CODES.map((c, k) => [c, k]));

/** One list's reasons, index k for the list's k-th entry. */
export interface ReasonColumns {
  /** Index into REASON_CODES. */
  code: Uint8Array;
  detail: string[];
  /** AD objectGUIDs of the other users involved (conflict partners, the AD user that would soft-match). */
  adGuids: Map<number, string[]>;
  /** Entra ids of the other users involved (the soft-match target, a conflict partner's cloud copy). */
  entraIds: Map<number, string[]>;
  /** The OU a user moved to (moved-out-of-scope). */
  ou: Map<number, string>;
}

export interface Reason {
  code: ReasonCode;
  detail: string;
  adGuids?: string[];
  entraIds?: string[];
  ou?: string;
}

export function reasonAt(c: ReasonColumns, k: number): Reason {
  const r: Reason = { code: REASON_CODES[c.code[k]!]!, detail: c.detail[k]! };
  const a = c.adGuids.get(k);
  if (a) r.adGuids = a;
  const e = c.entraIds.get(k);
  if (e) r.entraIds = e;
  const ou = c.ou.get(k);
  if (ou !== undefined) r.ou = ou;
  return r;
}

export type DeletionList =
  'removedSynced' | 'movedOutOfScope' | 'removedButNeverSynced' | 'removedOutOfScope' | 'added';

function columns(n: number): ReasonColumns {
  return {
    code: new Uint8Array(n),
    detail: new Array<string>(n),
    adGuids: new Map(),
    entraIds: new Map(),
    ou: new Map(),
  };
}

function put(c: ReasonColumns, k: number, r: Reason): void {
  c.code[k] = CODE_INDEX.get(r.code)!;
  c.detail[k] = r.detail;
  if (r.adGuids?.length) c.adGuids.set(k, r.adGuids.sort(compareBytes));
  if (r.entraIds?.length) c.entraIds.set(k, r.entraIds.sort(compareBytes));
  if (r.ou !== undefined) c.ou.set(k, r.ou);
}

const CONFLICT_LABEL = {
  upnVsOtherUsersProxy: '',
  duplicateUpn: 'duplicate UPN',
  duplicateProxySmtp: 'duplicate proxy address',
  duplicateMail: 'duplicate mail',
  anyAddressClaimedTwice: 'address claimed twice',
} as const;
type ConflictKindKey = keyof typeof CONFLICT_LABEL;
/** The most specific first: "address claimed twice" is the union of the others. */
const CONFLICT_ORDER: ConflictKindKey[] = [
  'upnVsOtherUsersProxy',
  'duplicateUpn',
  'duplicateProxySmtp',
  'duplicateMail',
  'anyAddressClaimedTwice',
];

interface ConflictOf {
  kind: ConflictKindKey;
  value: string;
  partners: number[];
  /** For upnVsOtherUsersProxy: whether this user holds the UPN (else the proxy). */
  isUpnOwner?: boolean;
}

const name = (u: AdUser | undefined) => (u ? u.sam || u.upn || u.dn : '');
const utc = (iso: string) => iso.replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, ' UTC');

/**
 * Explains rows of one result. Indexes over conflicts, soft matches and findings are built on first use;
 * `set` and `deletion` give whole columns, `ad` and `entra` one user (the detail view).
 */
export class Explainer {
  readonly #r: SyncCheckResult;
  #conflicts?: Map<number, ConflictOf>;
  #softByAd?: Map<number, number>;
  #softByEntra?: Map<number, number>;
  #rejected?: Map<number, number>;
  #byAddress?: Map<string, number[]>;
  #rules?: ScopeRule[];
  #adDomains?: Set<string>;
  #lastSyncMs?: number | null;
  #createdOrder?: Map<string, 'dmy' | 'mdy' | 'ymd'>;
  #after?: Map<string, AdUser>;
  #suggestedOus?: Set<string>;

  constructor(r: SyncCheckResult) {
    this.#r = r;
  }

  /** Reasons for a set's entries, in their order. */
  set(name: SetName | 'matched', entries: readonly SetEntry[]): ReasonColumns {
    const c = columns(entries.length);
    for (let k = 0; k < entries.length; k++) {
      const e = entries[k]!;
      put(
        c,
        k,
        name === 'entraWithProvisioningErrors'
          ? this.provisioning(e.entra!)
          : e.ad !== undefined
            ? this.ad(e.ad)
            : this.entra(e.entra!),
      );
    }
    return c;
  }

  /** Reasons for one list of the deletion preview (indexes into `ad`, or into `adAfter` for `added`). */
  deletion(list: DeletionList, indexes: readonly number[]): ReasonColumns {
    const c = columns(indexes.length);
    for (let k = 0; k < indexes.length; k++) put(c, k, this.deletionOf(list, indexes[k]!));
    return c;
  }

  deletionOf(list: DeletionList, i: number): Reason {
    const r = this.#r;
    if (list === 'added')
      return {
        code: 'added-to-ad',
        detail: 'New in the later AD export: the next sync creates it in Entra if it is in scope.',
      };
    const j = r.adEntra[i] ?? -1;
    const inEntra = j >= 0;
    if (list === 'movedOutOfScope') {
      const after = this.#afterOf(i);
      const ou = after?.ou ?? '';
      const rule = after && isInScope(after, this.#scope()) ? ruleFilterReason(after, this.#samFiles()) : '';
      return {
        code: 'moved-out-of-scope',
        detail:
          (rule
            ? `Still in AD but now filtered by a sync rule (${rule})`
            : `Moved out of scope to ${ou || 'a container outside the scope'}`) +
          ': still in Entra, the next sync deletes it there.',
        ou,
      };
    }
    const where = inEntra
      ? 'still in Entra: the next sync deletes it there.'
      : list === 'removedOutOfScope'
        ? 'it was out of scope, so Entra is not affected.'
        : 'not in Entra (never synced, or already deleted there): nothing to delete.';
    return {
      code: 'removed-from-ad',
      detail: `Removed from AD; ${where}`,
    };
  }

  /** Why an AD user has its status. */
  ad(i: number): Reason {
    const r = this.#r;
    const u = r.ad[i]!;
    switch (r.adStatus[i]) {
      case 'outOfScope':
      case 'outOfScopeInEntra':
        return this.#outOfScope(i);
      case 'ruleFiltered':
        return ruleReason(r.adRule[i]!);
      case 'matched':
        return {
          code: 'anchor-match',
          detail: `Joined on its source anchor (${u.anchorSource === 'consistencyGuid' ? 'mS-DS-ConsistencyGuid' : 'objectGUID'}).`,
        };
      default:
        return this.#adOnly(i);
    }
  }

  #adOnly(i: number): Reason {
    const r = this.#r;
    const u = r.ad[i]!;
    const conflict = this.#conflictIndex().get(i);
    if (conflict) {
      const partners = conflict.partners.map((p) => {
        const j = r.adEntra[p] ?? -1;
        return `${name(r.ad[p])}${j >= 0 ? ' (in Entra)' : ''}`;
      });
      const what =
        conflict.kind === 'upnVsOtherUsersProxy'
          ? conflict.isUpnOwner
            ? `its UPN ${conflict.value} is a proxy address of ${partners.join(', ')}`
            : `its proxy address ${conflict.value} is the UPN of ${partners.join(', ')}`
          : `${CONFLICT_LABEL[conflict.kind]} ${conflict.value}, also on ${partners.join(', ')}`;
      const entraIds = conflict.partners
        .map((p) => r.adEntra[p] ?? -1)
        .filter((j) => j >= 0)
        .map((j) => r.entra[j]!.id)
        .filter(Boolean);
      return {
        code: 'conflict',
        detail: `Blocked by a conflict: ${what}.`,
        adGuids: conflict.partners.map((p) => r.ad[p]!.objectGuid).filter((g): g is string => !!g),
        entraIds,
      };
    }
    const s = this.#softIndex().byAd.get(i);
    if (s !== undefined) {
      const m = r.softMatches[s]!;
      const e = r.entra[m.entra]!;
      const via = m.via === 'upn' ? 'UPN' : 'primary SMTP address';
      return {
        code: 'soft-match',
        detail:
          m.outcome === 'wouldSoftMatch'
            ? `Would soft-match cloud-only ${e.upn} on ${via} at the next sync (Entra Connect takes that account over).`
            : `Same ${via} as ${e.upn}, which already has another ImmutableID: the export fails with InvalidSoftMatch.`,
        entraIds: e.id ? [e.id] : undefined,
      };
    }
    const created = this.#createdMs(u);
    const last = this.#lastSync();
    if (created !== null && last !== null && created > last) {
      return {
        code: 'created-after-sync',
        detail: `Created ${utc(new Date(created).toISOString())}, after the last sync seen in Entra (${utc(r.lastSyncTime!)}): the next sync should create it.`,
      };
    }
    const f = this.#rejectedIndex().get(i);
    if (f !== undefined) {
      const a = r.attributes[f]!;
      return {
        code: 'attribute-rejected',
        detail: `Entra Connect rejects ${a.attribute}${a.value ? ` "${a.value}"` : ''}: ${a.rule}. ${a.fix}`,
      };
    }
    const dn = u.anchor ? connectorSpaceDn(u.anchor) : '';
    // No scope was given and nobody in its OU is in Entra: the scope is the likelier answer than an export error.
    const ou = this.#suggested().has(u.ou)
      ? ' No user of its OU is in Entra: the OU is probably outside the sync scope (no scope was entered).'
      : '';
    return {
      code: 'unexplained',
      detail: dn
        ? `Not in Entra: look for an export error for connector-space DN ${dn} (Synchronization Service Manager, Entra ID connector).${ou}`
        : `Not in Entra, and it has no anchor to look it up by.${ou}`,
    };
  }

  #outOfScope(i: number): Reason {
    const r = this.#r;
    const u = r.ad[i]!;
    const j = r.adEntra[i] ?? -1;
    const still =
      j >= 0
        ? ` Entra still has it${r.entra[j]!.lastSync ? ` (last synced ${utc(r.entra[j]!.lastSync!)})` : ''}: if this is the scope Entra Connect uses, the next sync deletes it.`
        : '';
    const rule = this.#scope().find((s) => u.dn && isBelowDn(u.dn, s.key));
    if (rule && !rule.isInclude)
      return { code: 'excluded-ou', detail: `Below the excluded OU ${rule.text}.${still}` };
    return {
      code: 'outside-scope',
      detail: `${u.ou || 'Its container'} is below none of the OUs in scope.${still}`,
    };
  }

  /** Why an Entra user without an AD user in this comparison has its status. */
  entra(j: number): Reason {
    const r = this.#r;
    const e = r.entra[j]!;
    const status = r.entraStatus[j];
    if (status === 'matched' || status === 'outOfScope') return this.ad(r.entraAd[j]!);
    const s = this.#softIndex().byEntra.get(j);
    const soft = s === undefined ? undefined : r.softMatches[s]!;
    const adGuids = soft && r.ad[soft.ad]!.objectGuid ? [r.ad[soft.ad]!.objectGuid!] : undefined;
    if (status === 'cloudOnly') {
      if (soft)
        return {
          code: 'soft-match-target',
          detail: `Cloud-only; AD user ${name(r.ad[soft.ad])} has the same ${soft.via === 'upn' ? 'UPN' : 'primary SMTP address'} and would take it over at the next sync.`,
          adGuids,
        };
      if (e.isGuest) return { code: 'guest', detail: 'A guest (B2B) account: never synced from AD.' };
      return {
        code: 'cloud-only-account',
        detail: 'Created in the cloud (no ImmutableID): never synced from AD.',
      };
    }
    if (soft)
      return {
        code: 'invalid-soft-match',
        detail: `Its source object is gone, and AD user ${name(r.ad[soft.ad])} carries the same ${soft.via === 'upn' ? 'UPN' : 'primary SMTP address'} with another anchor: InvalidSoftMatch until one of them changes.`,
        adGuids,
      };
    if (e.syncEnabled === false)
      return {
        code: 'sync-disabled',
        detail:
          'Has an ImmutableID but is no longer synchronised (onPremisesSyncEnabled false): converted to a cloud account, or sync was switched off.',
      };
    if (e.anchor?.startsWith('text:'))
      return {
        code: 'text-anchor',
        detail: `Its ImmutableID is not a GUID (${e.immutableId}): the source anchor is another attribute, which an AD export of GUIDs cannot match.`,
      };
    const domain = dcPart(e.onPremDn);
    if (domain && !this.#domains().has(domain))
      return {
        code: 'other-domain',
        detail: `Synced from ${domain}, of which the AD export has no user: export that domain too.`,
      };
    return {
      code: 'source-missing',
      detail: `Synced${e.lastSync ? ` (last ${utc(e.lastSync)})` : ''}, but no AD user in the export carries its anchor${e.onPremDn ? `; it was ${e.onPremDn}` : ''}: deleted in AD, outside the export, or its anchor changed.`,
    };
  }

  /** Why an Entra user is in the provisioning-errors set: its first error, with the AD users claiming the value. */
  provisioning(j: number): Reason {
    const r = this.#r;
    const e = r.entra[j]!;
    const err = e.errors[0];
    if (!err) return { code: 'provisioning-error', detail: '' };
    const value = smtpAddress(err.value) || lowerTrim(err.value);
    const own = r.entraAd[j] ?? -1;
    const claimers = (this.#addresses().get(value) ?? []).filter((i) => i !== own);
    const isConflict = /conflict/i.test(err.category);
    const also = claimers.length ? `; also claimed by ${claimers.map((i) => name(r.ad[i])).join(', ')}` : '';
    const more = e.errors.length > 1 ? ` (+${e.errors.length - 1} more)` : '';
    return {
      code: isConflict ? 'property-conflict' : 'provisioning-error',
      detail: `${err.category || 'Error'} on ${err.property || 'a property'} "${err.value}"${err.time ? ` since ${utc(err.time)}` : ''}${also}${more}.`,
      adGuids: claimers.map((i) => r.ad[i]!.objectGuid).filter((g): g is string => !!g),
    };
  }

  #conflictIndex(): Map<number, ConflictOf> {
    if (this.#conflicts) return this.#conflicts;
    const m = new Map<number, ConflictOf>();
    const c = this.#r.conflicts;
    for (const kind of CONFLICT_ORDER) {
      if (kind === 'upnVsOtherUsersProxy') {
        for (const x of c.upnVsOtherUsersProxy) {
          if (!m.has(x.upnOwner))
            m.set(x.upnOwner, { kind, value: x.address, partners: [x.proxyHolder], isUpnOwner: true });
          if (!m.has(x.proxyHolder))
            m.set(x.proxyHolder, { kind, value: x.address, partners: [x.upnOwner], isUpnOwner: false });
        }
        continue;
      }
      for (const g of c[kind])
        for (const i of g.ad)
          if (!m.has(i)) m.set(i, { kind, value: g.value, partners: g.ad.filter((p) => p !== i) });
    }
    return (this.#conflicts = m);
  }

  #softIndex(): { byAd: Map<number, number>; byEntra: Map<number, number> } {
    if (!this.#softByAd || !this.#softByEntra) {
      this.#softByAd = new Map();
      this.#softByEntra = new Map();
      this.#r.softMatches.forEach((s, k) => {
        if (!this.#softByAd!.has(s.ad)) this.#softByAd!.set(s.ad, k);
        if (!this.#softByEntra!.has(s.entra)) this.#softByEntra!.set(s.entra, k);
      });
    }
    return { byAd: this.#softByAd, byEntra: this.#softByEntra };
  }

  /** The first error-severity finding per user: what Entra Connect refuses, not what it merely tolerates. */
  #rejectedIndex(): Map<number, number> {
    if (this.#rejected) return this.#rejected;
    const m = new Map<number, number>();
    this.#r.attributes.forEach((f, k) => {
      if (f.severity === 'error' && !m.has(f.ad)) m.set(f.ad, k);
    });
    return (this.#rejected = m);
  }

  /** Lowercase address → AD users whose UPN, mail or SMTP proxy it is (only addresses in a conflict). */
  #addresses(): Map<string, number[]> {
    if (this.#byAddress) return this.#byAddress;
    const m = new Map<string, number[]>();
    for (const g of this.#r.conflicts.anyAddressClaimedTwice) m.set(g.value, g.ad);
    return (this.#byAddress = m);
  }

  #suggested(): Set<string> {
    return (this.#suggestedOus ??= new Set(this.#r.suggestedOus.map((o) => o.ou)));
  }

  #scope(): ScopeRule[] {
    return (this.#rules ??= parseScope(this.#r.scope).rules);
  }

  #domains(): Set<string> {
    if (this.#adDomains) return this.#adDomains;
    const s = new Set<string>();
    for (const u of this.#r.ad) {
      const d = dcPart(u.dn);
      if (d) s.add(d);
    }
    return (this.#adDomains = s);
  }

  #lastSync(): number | null {
    if (this.#lastSyncMs === undefined)
      this.#lastSyncMs = this.#r.lastSyncTime ? Date.parse(this.#r.lastSyncTime) || null : null;
    return this.#lastSyncMs;
  }

  /** whenCreated as an instant; AD writes the exporting machine's local time, read here as UTC (hours off at most). */
  #createdMs(u: AdUser): number | null {
    if (!u.whenCreated) return null;
    // Every culture's format writes the year as the one run of four digits: a year before the last sync's
    // settles it without reading the date (most users, and 200,000 dates take a while to read).
    const year = /\d{4}/.exec(u.whenCreated);
    const last = this.#lastSync();
    if (year && last !== null && Number(year[0]) < new Date(last).getUTCFullYear()) return null;
    if (!this.#createdOrder) {
      this.#createdOrder = new Map();
      for (const m of this.#r.mappings) {
        const o = (m.dateOrders as Record<string, 'dmy' | 'mdy' | 'ymd'>).whenCreated;
        if (m.kind === 'ad' && o) this.#createdOrder.set(m.file, o);
      }
    }
    const p = parseDate(u.whenCreated, this.#createdOrder.get(u.file) ?? 'ymd', false);
    if (!p) return null;
    if (p.ms !== null) return p.ms;
    const t = Date.parse(p.iso.endsWith('Z') ? p.iso : `${p.iso}Z`);
    return Number.isFinite(t) ? t : null;
  }

  /** Files with a usable sAMAccountName column: only there does a blank one trigger the rule. */
  #samFiles(): Set<string> {
    return new Set(
      this.#r.mappings
        .filter((m) => m.kind !== 'entra' && !m.refused && (m.fields as Record<string, string | null>).sam)
        .map((m) => m.file),
    );
  }

  #afterOf(i: number): AdUser | undefined {
    const r = this.#r;
    const id = r.ad[i]!.objectGuid ?? r.ad[i]!.anchor;
    if (!id) return undefined;
    if (!this.#after) {
      this.#after = new Map();
      for (const a of r.adAfter) {
        const key = a.objectGuid ?? a.anchor;
        if (key && !this.#after.has(key)) this.#after.set(key, a);
      }
    }
    return this.#after.get(id);
  }
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
/** The connector-space DN hex of each base64 digit (its ASCII code in uppercase hex). */
const HEX_OF_BASE64 = Array.from(BASE64, (c) => c.charCodeAt(0).toString(16).toUpperCase());
/** Where each byte of the GUID's .NET byte order sits in its `D` text. */
const NET_ORDER = [6, 4, 2, 0, 11, 9, 16, 14, 19, 21, 24, 26, 28, 30, 32, 34];
const GUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const BYTES = new Uint8Array(16);

/**
 * `anchorToConnectorSpaceDn(guidToImmutableId(anchor))` for a lowercase GUID text, in one pass: the AD-only
 * list can hold every user of a forest.
 */
export function connectorSpaceDn(anchor: string): string {
  if (!GUID_TEXT.test(anchor)) return anchorToConnectorSpaceDn(guidToImmutableId(anchor));
  for (let k = 0; k < 16; k++) {
    const at = NET_ORDER[k]!;
    BYTES[k] = (hexValue(anchor.charCodeAt(at)) << 4) | hexValue(anchor.charCodeAt(at + 1));
  }
  let out = 'CN={';
  for (let k = 0; k < 15; k += 3) {
    const n = (BYTES[k]! << 16) | (BYTES[k + 1]! << 8) | BYTES[k + 2]!;
    out +=
      HEX_OF_BASE64[(n >> 18) & 63]! +
      HEX_OF_BASE64[(n >> 12) & 63]! +
      HEX_OF_BASE64[(n >> 6) & 63]! +
      HEX_OF_BASE64[n & 63]!;
  }
  const last = BYTES[15]!;
  return `${out}${HEX_OF_BASE64[last >> 2]!}${HEX_OF_BASE64[(last & 3) << 4]!}3D3D}`;
}

/** A lowercase hex digit's value (the text was checked). */
function hexValue(c: number): number {
  return c <= 57 ? c - 48 : c - 87;
}

/** The domain part of a DN (`DC=contoso,DC=com`), lowercase; '' when it has none. */
function dcPart(dn: string): string {
  if (!dn) return '';
  const key = dnKey(dn);
  const k = key.indexOf('dc=');
  return k === -1 ? '' : key.slice(k);
}

function ruleReason(rule: string): Reason {
  const detail = `Entra Connect's default sync rules skip it: ${rule}.`;
  if (rule.startsWith('isCriticalSystemObject')) return { code: 'built-in-account', detail };
  if (rule.startsWith('no sAMAccountName')) return { code: 'no-sam-account-name', detail };
  if (/^sAMAccountName (starts with (MSOL_|AAD_)|is SUPPORT_)/.test(rule))
    return { code: 'sync-service-account', detail };
  if (rule.startsWith('replication conflict')) return { code: 'replication-conflict', detail };
  return { code: 'exchange-system-object', detail };
}
