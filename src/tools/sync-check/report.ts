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
} from './types.ts';
import { SET_NAMES } from './types.ts';
import { compareBytes } from '../../lib/text/compare-bytes.ts';
import { Explainer, REASON_CODES, type ReasonCode, type ReasonColumns } from './reasons.ts';

export interface IdPair {
  adGuid: string | null;
  entraId: string | null;
}

/** A member of `sets.*` or of a `deletionPreview` list: the pair and why it is there (see reasons.ts). */
export interface ExplainedPair extends IdPair {
  reason: ReasonCode;
  reasonDetail: string;
  /** Other AD users involved (conflict partners, the AD user that would soft-match), when there are any. */
  relatedAdGuids?: string[];
  /** Other Entra users involved (the soft-match target, a conflict partner's cloud copy), when there are any. */
  relatedEntraIds?: string[];
  /** moved-out-of-scope: the container the user is in now. */
  newOu?: string;
}

export interface CliJson {
  totals: Totals;
  lastSyncTime: string | null;
  sets: Record<SetName, ExplainedPair[]>;
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
    removedSynced: ExplainedPair[];
    movedOutOfScope: ExplainedPair[];
    removedButNeverSynced: ExplainedPair[];
    removedOutOfScope: ExplainedPair[];
    added: ExplainedPair[];
    expectedEntraUserDeletions: number;
    exceedsThreshold: boolean;
    thresholdStatus: 'below' | 'met' | 'blocked';
  };
  warnings: SyncIssue[];
}

const ABOVE_SURROGATES = /[\ud800-\uffff]/;

/** `null` after every value; strings in byte order. */
function cmp(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return compareBytes(a, b);
}

// Without any code unit from U+D800 on, UTF-16 order (`<`) is byte order and much cheaper.
function cmpFast(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}

function needsFullCompare(values: readonly (string | null)[]): boolean {
  for (const v of values) if (v !== null && ABOVE_SURROGATES.test(v)) return true;
  return false;
}

export function sortPairs(pairs: IdPair[]): IdPair[] {
  const c = needsFullCompare(pairs.flatMap((p) => [p.adGuid, p.entraId])) ? cmp : cmpFast;
  return pairs.sort((x, y) => c(x.adGuid, y.adGuid) || c(x.entraId, y.entraId));
}

// Nothing JSON would escape: no quote, backslash, control character or surrogate.
const JSON_PLAIN = /^[^"\\\u0000-\u001f\ud800-\udfff]*$/;

const quote = (v: string | null) => (v === null ? 'null' : JSON_PLAIN.test(v) ? `"${v}"` : JSON.stringify(v));
const isPlainOrNull = (v: string | null) => v === null || JSON_PLAIN.test(v);
const quotePlain = (v: string | null) => (v === null ? 'null' : `"${v}"`);

/** The first 8 characters of `v` read as lowercase hex digits, or -1 when they are not. */
function hexPrefix(v: string): number {
  if (v.length < 8) return -1;
  let n = 0;
  for (let k = 0; k < 8; k++) {
    const c = v.charCodeAt(k);
    const d = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : -1;
    if (d < 0) return -1;
    n = n * 16 + d;
  }
  return n;
}

/**
 * The usual case, AD GUIDs as lowercase text: the first 8 hex digits read as a number sort the same as the text,
 * so a numeric sort of `prefix · 2²⁰ + index` (native, no comparator) orders almost everything; runs that share a
 * prefix (or are null) are then put in order with the full comparison. Undefined when a value does not start
 * with 8 lowercase hex digits or the list is too long for the packing.
 */
function sortedByHexPrefix(
  values: readonly (string | null)[],
  compare: (x: number, y: number) => number,
): Uint32Array | undefined {
  const n = values.length;
  if (n < 64 || n >= 2 ** 20) return undefined;
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    let prefix = 2 ** 32; // null: after every value
    if (v !== null) {
      prefix = hexPrefix(v);
      if (prefix < 0) return undefined;
    }
    keys[i] = prefix * 2 ** 20 + i;
  }
  keys.sort();
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = keys[i]! % 2 ** 20;
  // Equal prefixes (and the nulls) in full order.
  for (let start = 0; start < n;) {
    const prefix = Math.floor(keys[start]! / 2 ** 20);
    let end = start + 1;
    while (end < n && Math.floor(keys[end]! / 2 ** 20) === prefix) end++;
    if (end - start > 1) order.subarray(start, end).sort(compare);
    start = end;
  }
  return order;
}

/** JSON text of a list of strings as an object member at `indent` (the member's own indentation). */
function stringArray(values: readonly string[], indent: string): string {
  let out = '[';
  for (let k = 0; k < values.length; k++) out += `${k ? ',' : ''}\n${indent}  ${quote(values[k]!)}`;
  return `${out}\n${indent}]`;
}

/**
 * Pairs kept as two columns and a sorted order, written straight to JSON text: 200,000 matched users never
 * become 200,000 objects. `toJSON` gives the same pairs as objects (the page's download, tests). With
 * `reasons` (columns in the same order as the pairs) every member also says why it is in its list.
 */
export class PairList {
  readonly order: Uint32Array;
  /** Every value of both columns is a string with nothing to escape and no code unit from U+D800 on. */
  readonly #simple: boolean;
  constructor(
    readonly ad: (string | null)[],
    readonly entra: (string | null)[],
    readonly reasons?: ReasonColumns,
  ) {
    // One look at each value (the usual GUIDs) answers both questions: how to compare and how to quote.
    this.#simple = isSimpleColumn(ad) && isSimpleColumn(entra);
    const c = !this.#simple && (needsFullCompare(ad) || needsFullCompare(entra)) ? cmp : cmpFast;
    const byBoth = (x: number, y: number) => c(ad[x]!, ad[y]!) || c(entra[x]!, entra[y]!);
    this.order = sortedByHexPrefix(ad, byBoth) ?? new Uint32Array(ad.length).map((_, i) => i).sort(byBoth);
  }

  toJSON(): IdPair[] | ExplainedPair[] {
    const why = this.reasons;
    return Array.from(this.order, (i) => {
      const pair: IdPair = { adGuid: this.ad[i]!, entraId: this.entra[i]! };
      if (!why) return pair;
      const p = pair as ExplainedPair;
      p.reason = REASON_CODES[why.code[i]!]!;
      p.reasonDetail = why.detail[i]!;
      const a = why.adGuids.get(i);
      if (a) p.relatedAdGuids = a;
      const e = why.entraIds.get(i);
      if (e) p.relatedEntraIds = e;
      const ou = why.ou.get(i);
      if (ou !== undefined) p.newOu = ou;
      return p;
    });
  }

  /** The reason members after `entraId`, as JSON text at the members' indentation. */
  #reasonText(i: number, member: string): string {
    const why = this.reasons!;
    let out = `,${member}"reason": "${REASON_CODES[why.code[i]!]!}",${member}"reasonDetail": ${quote(why.detail[i]!)}`;
    const inner = member.slice(1);
    const a = why.adGuids.get(i);
    if (a) out += `,${member}"relatedAdGuids": ${stringArray(a, inner)}`;
    const e = why.entraIds.get(i);
    if (e) out += `,${member}"relatedEntraIds": ${stringArray(e, inner)}`;
    const ou = why.ou.get(i);
    if (ou !== undefined) out += `,${member}"newOu": ${quote(ou)}`;
    return out;
  }

  /** The same text as `JSON.stringify(this.toJSON(), null, 2)` nested at `indent`. */
  writeJson(write: (s: string) => void, indent: string): void {
    if (!this.order.length) return write('[]');
    if (this.#simple && !this.reasons) return this.#writeSimple(write, indent);
    // One check per column, not per value: in this loop a regex test per GUID costs more than writing it.
    const qa = this.ad.every(isPlainOrNull) ? quotePlain : quote;
    const qe = this.entra.every(isPlainOrNull) ? quotePlain : quote;
    const a = `${indent}  {\n${indent}    "adGuid": `;
    const e = `,\n${indent}    "entraId": `;
    const close = `\n${indent}  }`;
    const member = `\n${indent}    `;
    const why = this.reasons;
    let buf = '[\n';
    for (let k = 0; k < this.order.length; k++) {
      const i = this.order[k]!;
      buf += `${k ? ',\n' : ''}${a}${qa(this.ad[i]!)}${e}${qe(this.entra[i]!)}${why ? this.#reasonText(i, member) : ''}${close}`;
      if (buf.length > 65536) {
        write(buf);
        buf = '';
      }
    }
    write(buf + `\n${indent}]`);
  }

  /**
   * {@link writeJson} of two simple columns without reasons (matched pairs): the quotes are part of the fixed
   * text, and each piece is appended on its own, which V8 joins with less work than a template per pair.
   */
  #writeSimple(write: (s: string) => void, indent: string): void {
    const { ad, entra, order } = this;
    const a = `${indent}  {\n${indent}    "adGuid": "`;
    const e = `",\n${indent}    "entraId": "`;
    const close = `"\n${indent}  }`;
    let buf = '[\n';
    for (let k = 0; k < order.length; k++) {
      const i = order[k]!;
      if (k) buf += ',\n';
      buf += a;
      buf += ad[i]!;
      buf += e;
      buf += entra[i]!;
      buf += close;
      if (buf.length > 65536) {
        write(buf);
        buf = '';
      }
    }
    write(buf + `\n${indent}]`);
  }
}

/** Anything JSON escapes, and every code unit from U+D800 on (where UTF-16 order is not byte order). */
const NOT_SIMPLE = /["\\\u0000-\u001f\ud800-\uffff]/;

function isSimpleColumn(values: readonly (string | null)[]): boolean {
  for (const v of values) if (v === null || NOT_SIMPLE.test(v)) return false;
  return true;
}

/** Matched pairs, derived from the per-user status (not stored: there is one per synced user). */
export function matchedEntries(r: SyncCheckResult): SetEntry[] {
  const out: SetEntry[] = [];
  r.entraStatus.forEach((s, j) => {
    if (s === 'matched') out.push({ ad: r.entraAd[j]!, entra: j });
  });
  return out;
}

/** Matched pairs straight from the per-user status: no entry object per synced user. */
function matchedPairs(
  r: SyncCheckResult,
  adGuid: (i: number) => string | null,
  entraId: (j: number) => string | null,
): PairList {
  const ad: (string | null)[] = [];
  const entra: (string | null)[] = [];
  const status = r.entraStatus;
  for (let j = 0; j < status.length; j++) {
    if (status[j] !== 'matched') continue;
    ad.push(adGuid(r.entraAd[j]!));
    entra.push(entraId(j));
  }
  return new PairList(ad, entra);
}

type Preview = NonNullable<CliJson['deletionPreview']>;
type PairKey = 'removedSynced' | 'movedOutOfScope' | 'removedButNeverSynced' | 'removedOutOfScope' | 'added';

/** {@link CliJson} with every pair list as a {@link PairList}. */
export interface CliJsonParts extends Omit<CliJson, 'sets' | 'matchedPairs' | 'deletionPreview'> {
  sets: Record<SetName, PairList>;
  matchedPairs: PairList;
  deletionPreview?: Omit<Preview, PairKey> & Record<PairKey, PairList>;
}

/** The CLI contract with every pair list as a {@link PairList}: stream it, or `JSON.stringify` it. */
export function cliJsonParts(r: SyncCheckResult): CliJsonParts {
  const adGuid = (i: number | undefined, list: readonly AdUser[] = r.ad) =>
    i === undefined ? null : (list[i]?.objectGuid ?? null);
  const entraId = (j: number | undefined) => (j === undefined ? null : r.entra[j]?.id || null);
  const pairs = (entries: readonly SetEntry[], reasons?: ReasonColumns) =>
    new PairList(
      entries.map((e) => adGuid(e.ad)),
      entries.map((e) => entraId(e.entra)),
      reasons,
    );
  const why = new Explainer(r);
  const sets = {} as Record<SetName, PairList>;
  for (const name of SET_NAMES) sets[name] = pairs(r.sets[name], why.set(name, r.sets[name]));
  const groups = (gs: readonly ConflictGroup[]) =>
    gs.map((g) => ({
      value: g.value,
      adGuids: g.ad
        .map((i) => adGuid(i))
        .filter((x): x is string => x !== null)
        .sort(compareBytes),
    }));
  const out: CliJsonParts = {
    totals: r.totals,
    lastSyncTime: r.lastSyncTime,
    sets,
    matchedPairs: matchedPairs(r, adGuid, entraId),
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
    const withEntra = (key: PairKey, list: number[]) =>
      new PairList(
        list.map((i) => adGuid(i)),
        list.map((i) => (r.adEntra[i]! >= 0 ? entraId(r.adEntra[i]) : null)),
        why.deletion(key, list),
      );
    out.deletionPreview = {
      threshold: d.threshold,
      removedSynced: withEntra('removedSynced', d.removedSynced),
      movedOutOfScope: withEntra('movedOutOfScope', d.movedOutOfScope),
      removedButNeverSynced: withEntra('removedButNeverSynced', d.removedButNeverSynced),
      removedOutOfScope: withEntra('removedOutOfScope', d.removedOutOfScope),
      added: new PairList(
        d.added.map((k) => adGuid(k, r.adAfter)),
        d.added.map(() => null),
        why.deletion('added', d.added),
      ),
      expectedEntraUserDeletions: d.expectedEntraUserDeletions,
      exceedsThreshold: d.exceedsThreshold,
      thresholdStatus: d.thresholdStatus,
    };
  }
  return out;
}

/** The CLI's JSON contract as plain objects (AD users by lowercase objectGUID, pairs in byte order). */
export function toCliJson(r: SyncCheckResult): CliJson {
  const p = cliJsonParts(r);
  const sets = {} as Record<SetName, ExplainedPair[]>;
  for (const name of SET_NAMES) sets[name] = p.sets[name].toJSON() as ExplainedPair[];
  const out: CliJson = { ...p, sets, matchedPairs: p.matchedPairs.toJSON(), deletionPreview: undefined };
  if (!p.deletionPreview) delete out.deletionPreview;
  else {
    const d = p.deletionPreview;
    out.deletionPreview = {
      ...d,
      removedSynced: d.removedSynced.toJSON() as ExplainedPair[],
      movedOutOfScope: d.movedOutOfScope.toJSON() as ExplainedPair[],
      removedButNeverSynced: d.removedButNeverSynced.toJSON() as ExplainedPair[],
      removedOutOfScope: d.removedOutOfScope.toJSON() as ExplainedPair[],
      added: d.added.toJSON() as ExplainedPair[],
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
