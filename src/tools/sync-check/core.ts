/**
 * The sync check's entry: reads the exports (CSV of any flavour, Graph JSON, or Graph user objects handed in
 * directly), then compares, finds conflicts, checks attributes and previews deletions. Pure and synchronous;
 * progress and cancel between files and steps. The result is plain data for postMessage.
 */
import { decodeText } from '../../lib/csv/decode.ts';
import { unusableInput } from '../../lib/files/sniff.ts';
import {
  InputError,
  isAbortError,
  isInputError,
  throwIfAborted,
  type NamedBytes,
  type RunOptions,
} from '../../lib/issue.ts';
import { checkAttributes } from './attributes.ts';
import { compare, diagnose, findSoftMatches, parseScope, suggestFilteredOus } from './compare.ts';
import { findConflicts } from './conflicts.ts';
import { DEFAULT_DELETION_THRESHOLD, previewDeletions } from './deletions.ts';
import { adFromCsv } from './ad-export.ts';
import { entraFromCsv, entraFromObjects } from './entra-export.ts';
import { EXPECTED, rejection, type ReadResult } from './export-columns.ts';
import { BUILT_IN_ACCOUNTS, IS_CRITICAL_HINT } from './export-commands.ts';
import { GuidColumn, GuidIndex } from './guid-column.ts';
import { isBelowDn } from './values.ts';
import { collectGraphUsers, looksLikeJson, parseGraphJsonText } from './graph-json.ts';
import type {
  AdField,
  AdUser,
  EntraField,
  EntraUser,
  FileMapping,
  MappingOverride,
  SetEntry,
  SetName,
  SyncCheckResult,
  SyncIssue,
  Totals,
} from './types.ts';
import { SET_NAMES } from './types.ts';

export interface SyncCheckInput {
  /** AD export(s): one per domain is fine; users are de-duplicated on objectGUID. */
  ad: NamedBytes[];
  /** Entra export(s): CSV of any flavour or Graph JSON. */
  entra?: NamedBytes[];
  /** Graph user objects or /users pages fetched live (the "Load from Entra" button); read like JSON files. */
  entraJson?: unknown[];
  /** Name shown for `entraJson` in issues and the unified CSV. */
  entraJsonSource?: string;
  /** A later AD export, for the deletion preview. */
  adAfter?: NamedBytes[];
  /** In-scope OU DNs; `!` before a DN excludes it. Empty: everything is in scope. */
  scope?: string[];
  threshold?: number;
  mapping?: MappingOverride;
}

export interface SyncCheckOptions extends RunOptions {
  onProgress?: (done: number, total: number, label?: string) => void;
}

type Reader<U, F extends string> = (
  file: NamedBytes,
  start: number,
  onProgress: (fraction: number) => void,
) => ReadResult<U, F>;

/** One side's users as read from all its files, with their keys and anchors in the same order. */
interface Side<U> {
  users: U[];
  keys: GuidColumn;
  anchors: GuidColumn;
}

function emptySide<U>(): Side<U> {
  return { users: [], keys: new GuidColumn(), anchors: new GuidColumn() };
}

function addRead<U, F extends string>(
  side: Side<U>,
  r: ReadResult<U, F>,
  mappings: FileMapping[],
  issues: SyncIssue[],
): void {
  for (const u of r.users) side.users.push(u);
  side.keys.append(r.keys);
  side.anchors.append(r.anchors);
  mappings.push(r.mapping as FileMapping);
  for (const i of r.issues) issues.push(i);
}

/** How one side's files fared: how many were given, how many were used, and why the others were refused. */
interface SideVerdict {
  given: number;
  used: number;
  refused: SyncIssue[];
}

/**
 * Reads each file inside its own boundary: whatever a file holds, the worst outcome is an error naming it (its
 * users not counted) while the other files go on. Only a cancel goes past.
 */
function readAll<U, F extends string>(
  files: readonly NamedBytes[],
  kind: 'ad' | 'entra' | 'adAfter',
  read: Reader<U, F>,
  progress: { done: number; report: (done: number, label: string) => void },
  opts: SyncCheckOptions,
  side: Side<U>,
  mappings: FileMapping[],
  issues: SyncIssue[],
): SideVerdict {
  const verdict: SideVerdict = { given: files.length, used: 0, refused: [] };
  const expected = EXPECTED[kind === 'entra' ? 'entra' : 'ad'];
  const refuse = (issue: SyncIssue) => {
    issues.push(issue);
    verdict.refused.push(issue);
  };
  for (const file of files) {
    throwIfAborted(opts.signal);
    const size = file.bytes.byteLength;
    const base = progress.done;
    const sniffed = unusableInput(file.name, file.bytes, {
      expected,
      accepts: [],
      hint: rejection('empty-file', file.name, kind, '').hint,
    });
    if (sniffed) refuse(sniffed);
    else {
      try {
        const r = read(file, side.users.length, (f) =>
          progress.report(base + f * size, `Reading ${file.name}`),
        );
        if (r.rejected) {
          r.mapping.refused = true;
          if (r.mapping.headers.length) mappings.push(r.mapping as FileMapping);
          for (const i of r.issues) if (i !== r.rejected) issues.push(i);
          refuse(r.rejected);
        } else {
          addRead(side, r, mappings, issues);
          verdict.used++;
        }
      } catch (e) {
        if (isAbortError(e)) throw e;
        if (isInputError(e)) {
          refuse({
            ...(e.issue as SyncIssue),
            severity: 'error',
            file: file.name,
            hint: e.issue.hint ?? rejection('empty-file', file.name, kind, '').hint,
          });
        } else {
          // A bug, not the file's fault: still the file's verdict, so the other files are not lost.
          refuse({
            code: 'bug',
            severity: 'error',
            file: file.name,
            message: `${file.name} could not be read because of a fault in this tool (${e instanceof Error ? e.message : String(e)}); its users are not counted. Please report it.`,
          });
        }
      }
    }
    progress.done = base + size;
    progress.report(progress.done, `Read ${file.name}`);
  }
  return verdict;
}

/** A text that is not CSV at all, for a clear refusal: JSON where an AD CSV was expected, or XML. */
function notCsv(text: string, kind: 'ad' | 'entra' | 'adAfter'): string | undefined {
  for (let i = 0; i < text.length && i < 4096; i++) {
    const c = text.charCodeAt(i);
    if (c === 0xfeff || c === 32 || c === 9 || c === 10 || c === 13) continue;
    if (c === 60) return 'XML'; // <
    if (kind !== 'entra' && (c === 123 || c === 91)) return 'JSON';
    return undefined;
  }
  return undefined;
}

function notCsvRejection(what: string, file: string, kind: 'ad' | 'entra' | 'adAfter'): SyncIssue {
  const where =
    what === 'JSON'
      ? ' (Graph /users JSON belongs on the Entra side)'
      : ' (a DMARC report or another tool’s file?)';
  return rejection(
    'wrong-file',
    file,
    kind,
    `${file} is ${what}${where}, not ${EXPECTED[kind === 'entra' ? 'entra' : 'ad']}.`,
  );
}

/** A side's one error when it was given but none of its files is usable. */
function unusableSide(label: string, path: 'ad' | 'entra', v: SideVerdict): SyncIssue | undefined {
  if (v.given === 0 || v.used > 0) return undefined;
  if (v.refused.length === 1) return { ...v.refused[0]!, severity: 'error', path };
  const list = v.refused.map((i) => i.message).join(' ');
  return {
    code: 'no-usable-file',
    severity: 'error',
    path,
    message: `None of the ${v.given} ${label} files can be used, so nothing was compared. ${list}`,
    hint: v.refused[0]?.hint,
  };
}

function adReader(
  kind: 'ad' | 'adAfter',
  opts: SyncCheckOptions,
  override?: MappingOverride['ad'],
): Reader<AdUser, AdField> {
  return (file, start, onFraction) => {
    const decoded = decodeText(file.bytes, file.name);
    const what = notCsv(decoded.text, kind);
    if (what) return refusedRead(notCsvRejection(what, file.name, kind), file.name, kind);
    return adFromCsv(decoded, file.name, kind, start, override, {
      signal: opts.signal,
      onProgress: (d, t) => onFraction(t ? d / t : 1),
    });
  };
}

function refusedRead<U, F extends string>(
  rejected: SyncIssue,
  file: string,
  kind: FileMapping['kind'],
): ReadResult<U, F> {
  return {
    users: [],
    mapping: {
      file,
      kind,
      flavour: 'unknown',
      headers: [],
      fields: {} as Record<F, string | null>,
      unusable: [],
      isUnsure: true,
      rows: 0,
      dateOrders: {},
    },
    issues: [rejected],
    keys: new GuidColumn(),
    anchors: new GuidColumn(),
    rejected,
  };
}

function entraReader(
  opts: SyncCheckOptions,
  override?: MappingOverride['entra'],
): Reader<EntraUser, EntraField> {
  return (file, start, onFraction) => {
    const decoded = decodeText(file.bytes, file.name);
    const what = notCsv(decoded.text, 'entra');
    if (what) return refusedRead(notCsvRejection(what, file.name, 'entra'), file.name, 'entra');
    if (looksLikeJson(decoded.text)) {
      const g = parseGraphJsonText(decoded.text, file.name);
      const fatal = g.issues.find((i) => i.severity === 'error');
      if (fatal && g.users.length === 0) {
        const r = refusedRead<EntraUser, EntraField>(
          { ...fatal, hint: rejection('bad-json', file.name, 'entra', '').hint },
          file.name,
          'entra',
        );
        r.issues = [...decoded.issues, ...g.issues.filter((i) => i !== fatal), r.rejected!];
        return r;
      }
      const r = entraFromObjects(g.users, file.name, start, override);
      r.mapping.encoding = decoded.encoding;
      r.issues.unshift(...decoded.issues, ...g.issues);
      return r;
    }
    return entraFromCsv(decoded, file.name, start, override, {
      signal: opts.signal,
      onProgress: (d, t) => onFraction(t ? d / t : 1),
    });
  };
}

/**
 * Keeps the first of users sharing a key; renumbers `i`. `onDuplicate` gets the first user while it returned
 * true (the few repeats worth a message); after that the repeat is only counted.
 */
function dedupe<U extends { i: number }>(
  side: Side<U>,
  keyOf: (u: U) => string | null,
  onDuplicate: (u: U, first: U | undefined) => boolean,
): Side<U> {
  const users = side.users;
  const seen = new GuidIndex(side.keys, (r) => keyOf(users[r]!));
  const out: U[] = [];
  const kept: number[] = [];
  let isDescribing = true;
  for (let r = 0; r < users.length; r++) {
    const u = users[r]!;
    const first = seen.add(r);
    if (first !== r) {
      isDescribing = onDuplicate(u, isDescribing ? users[first] : undefined);
      continue;
    }
    u.i = out.length;
    out.push(u);
    kept.push(r);
  }
  if (out.length === users.length) return side;
  return { users: out, keys: side.keys.select(kept), anchors: side.anchors.select(kept) };
}

/**
 * Each AD user once by objectGUID (the later export too), each Entra user once by id; the first few repeats are
 * said one by one, the rest counted.
 */
function dedupeSides(
  adRead: Side<AdUser>,
  afterRead: Side<AdUser>,
  entraRead: Side<EntraUser>,
  issues: SyncIssue[],
): { adSide: Side<AdUser>; adAfter: AdUser[]; entraSide: Side<EntraUser> } {
  let adDupes = 0;
  const adSide = dedupe(
    adRead,
    (u) => u.objectGuid,
    (u, first) => {
      if (++adDupes <= 5) {
        issues.push({
          code: 'duplicate-ad-user',
          severity: 'warning',
          file: u.file,
          line: u.line,
          message: `objectGUID ${u.objectGuid} appears again (first in ${first!.file}, line ${first!.line}); the repeat is ignored.`,
        });
      }
      return adDupes < 5;
    },
  );
  const adAfter = dedupe(
    afterRead,
    (u) => u.objectGuid,
    () => false,
  ).users;
  let entraDupes = 0;
  let noId = 0;
  const entraSide = dedupe(
    entraRead,
    (e) => e.id || null,
    (e, first) => {
      if (++entraDupes <= 5 && e.file !== first!.file) {
        issues.push({
          code: 'duplicate-entra-user',
          severity: 'info',
          file: e.file,
          message: `User ${e.id} is also in ${first!.file}; counted once.`,
        });
      }
      return entraDupes < 5;
    },
  );
  const entra = entraSide.users;
  for (const e of entra) if (!e.id) noId++;
  if (adDupes > 5)
    issues.push({
      code: 'duplicate-ad-user',
      severity: 'warning',
      message: `${adDupes - 5} more repeated objectGUIDs were ignored.`,
    });
  if (entraDupes > 5)
    issues.push({
      code: 'duplicate-entra-user',
      severity: 'info',
      message: `${entraDupes} users appear in more than one Entra file; each is counted once.`,
    });
  if (noId) issues.push({ code: 'no-id', severity: 'warning', message: `${noId} Entra users have no id.` });
  return { adSide, adAfter, entraSide };
}

/** Entra users handed in as Graph objects (a live Graph call), read as one more Entra file. */
function readGraphUsers(
  input: SyncCheckInput,
  entraRead: Side<EntraUser>,
  entraVerdict: SideVerdict,
  mappings: FileMapping[],
  issues: SyncIssue[],
): void {
  const source = input.entraJsonSource ?? 'Microsoft Graph';
  const g = collectGraphUsers(input.entraJson ?? [], source);
  const r = entraFromObjects(g.users, source, entraRead.users.length, input.mapping?.entra);
  entraVerdict.given++;
  issues.push(...g.issues.filter((i) => i.severity !== 'error' || g.users.length > 0));
  if (r.rejected) {
    const fatal = g.users.length === 0 ? g.issues.find((i) => i.severity === 'error') : undefined;
    const refused = fatal ? { ...fatal, hint: r.rejected.hint } : r.rejected;
    issues.push(refused);
    entraVerdict.refused.push(refused);
  } else {
    addRead(entraRead, r, mappings, issues);
    entraVerdict.used++;
  }
}

function hasField(m: FileMapping, field: string): boolean {
  return (
    !m.refused &&
    !!(m.fields as Record<string, string | null>)[field] &&
    !m.unusable.some((u) => u.field === field)
  );
}

function isUsable(mappings: readonly FileMapping[], kind: FileMapping['kind'], field: string): boolean {
  return mappings.some((m) => m.kind === kind && hasField(m, field));
}

export function analyse(input: SyncCheckInput, opts: SyncCheckOptions = {}): SyncCheckResult {
  const entraFiles = input.entra ?? [];
  const afterFiles = input.adAfter ?? [];
  if (input.ad.length === 0 && entraFiles.length === 0 && !input.entraJson?.length) {
    throw new InputError({
      code: 'empty-file',
      severity: 'error',
      message: 'Give an AD export and an Entra export.',
    });
  }
  const issues: SyncIssue[] = [];
  const mappings: FileMapping[] = [];
  const sizes = [...input.ad, ...entraFiles, ...afterFiles].reduce((s, f) => s + f.bytes.byteLength, 0);
  const total = sizes + Math.max(1, Math.round(sizes * 0.1));
  const progress = {
    done: 0,
    report: (done: number, label: string) => opts.onProgress?.(done, total, label),
  };

  const adRead = emptySide<AdUser>();
  const adVerdict = readAll(
    input.ad,
    'ad',
    adReader('ad', opts, input.mapping?.ad),
    progress,
    opts,
    adRead,
    mappings,
    issues,
  );
  const entraRead = emptySide<EntraUser>();
  const entraVerdict = readAll(
    entraFiles,
    'entra',
    entraReader(opts, input.mapping?.entra),
    progress,
    opts,
    entraRead,
    mappings,
    issues,
  );
  if (input.entraJson?.length) readGraphUsers(input, entraRead, entraVerdict, mappings, issues);
  const afterRead = emptySide<AdUser>();
  const afterVerdict = readAll(
    afterFiles,
    'adAfter',
    adReader('adAfter', opts, input.mapping?.ad),
    progress,
    opts,
    afterRead,
    mappings,
    issues,
  );
  const unusable: SyncIssue[] = [];
  const adUnusable = unusableSide('AD', 'ad', adVerdict);
  if (adUnusable) unusable.push(adUnusable);
  const entraUnusable = unusableSide('Entra', 'entra', entraVerdict);
  if (entraUnusable) unusable.push(entraUnusable);
  if (unusable.length) {
    progress.report(total, 'Done');
    return noComparison(mappings, issues, unusable);
  }
  const hasAfter = afterVerdict.used > 0;
  if (afterVerdict.given && !hasAfter) {
    issues.push({
      code: 'no-usable-file',
      severity: 'error',
      path: 'adAfter',
      message: `No deletion preview: ${afterVerdict.given === 1 ? 'the later AD export' : `none of the ${afterVerdict.given} later AD exports`} can be used (see ${afterVerdict.refused.map((i) => i.file).join(', ')}).`,
      hint: afterVerdict.refused[0]?.hint,
    });
  }
  throwIfAborted(opts.signal);
  progress.report(sizes, 'Comparing');

  const { adSide, adAfter, entraSide } = dedupeSides(adRead, afterRead, entraRead, issues);
  const ad = adSide.users;
  const entra = entraSide.users;

  const scope = parseScope(input.scope ?? []);
  issues.push(...scope.issues);
  // Per file: a file without the column must not make another file's users look filtered.
  const hasSamColumn = new Set(
    mappings.filter((m) => m.kind !== 'entra' && hasField(m, 'sam')).map((m) => m.file),
  );
  const c = compare(ad, entra, scope.rules, hasSamColumn, {
    ad: adSide.anchors,
    entra: entraSide.anchors,
  });
  for (const r of scope.rules) {
    if (r.isInclude && !ad.some((u) => isBelowDn(u.dn, r.key))) {
      issues.push({
        code: 'scope-not-found',
        severity: 'warning',
        path: r.text,
        message: `No AD user is below "${r.text}": check the spelling.`,
      });
    }
  }
  for (const d of c.duplicateAnchors.slice(0, 5)) {
    issues.push({
      code: 'duplicate-anchor',
      severity: 'warning',
      message: `${d.ad.length} AD users share the anchor ${d.anchor} (${d.ad.map((i) => ad[i]!.sam || ad[i]!.dn).join(', ')}): mS-DS-ConsistencyGuid was probably copied; Entra Connect can join only one of them.`,
    });
  }
  const builtIn = builtInCandidates(ad, c.isCandidate, mappings);
  if (builtIn) issues.push(builtIn);
  throwIfAborted(opts.signal);
  const conflicts = findConflicts(ad, entra, c.isCandidate, c.adEntra);
  const upnConflictUsers = new Set<number>();
  for (const g of conflicts.duplicateUpn) for (const i of g.ad) upnConflictUsers.add(i);
  for (const x of conflicts.upnVsOtherUsersProxy) upnConflictUsers.add(x.upnOwner);
  const notExported = (field: string) =>
    new Set(mappings.filter((m) => m.kind === 'ad' && !m.refused && !hasField(m, field)).map((m) => m.file));
  const attributes = checkAttributes(ad, c.isCandidate, upnConflictUsers, {
    upn: notExported('upn'),
    displayName: notExported('displayName'),
  });
  const softMatches = findSoftMatches(ad, entra, c);
  const diagnosis = diagnose(ad, entra, c, {
    hasConsistencyGuidColumn: isUsable(mappings, 'ad', 'consistencyGuid'),
    hasImmutableIdColumn: mappings.some(
      (m) => m.kind === 'entra' && (m.fields as Record<string, string | null>).immutableId,
    ),
  });
  for (const d of diagnosis)
    issues.push({ code: d.code, severity: 'warning', message: d.message, hint: d.hint });
  const deletionPreview = hasAfter
    ? previewDeletions(
        ad,
        c.adStatus,
        adAfter,
        scope.rules,
        hasSamColumn,
        input.threshold ?? DEFAULT_DELETION_THRESHOLD,
      )
    : null;
  let lastSyncTime: string | null = null;
  for (const e of entra)
    if (e.lastSync && (lastSyncTime === null || e.lastSync > lastSyncTime)) lastSyncTime = e.lastSync;
  progress.report(total, 'Done');
  return {
    ad,
    entra,
    adAfter,
    adStatus: c.adStatus,
    adEntra: c.adEntra,
    adRule: c.adRule,
    entraStatus: c.entraStatus,
    entraAd: c.entraAd,
    totals: c.totals,
    lastSyncTime,
    sets: c.sets,
    conflicts,
    attributes,
    softMatches,
    deletionPreview,
    suggestedOus: scope.rules.length ? [] : suggestFilteredOus(ad, c),
    diagnosis,
    scope: scope.rules.map((r) => (r.isInclude ? r.text : `!${r.text}`)),
    mappings,
    issues,
    unusable,
  };
}

/**
 * One warning when built-in accounts count as sync candidates because no AD file says isCriticalSystemObject:
 * Entra Connect never syncs them, so they would otherwise sit among the AD-only users unexplained.
 */
function builtInCandidates(
  ad: readonly AdUser[],
  isCandidate: readonly boolean[],
  mappings: readonly FileMapping[],
): SyncIssue | undefined {
  const without = new Set(
    mappings.filter((m) => m.kind === 'ad' && !m.refused && !hasField(m, 'isCritical')).map((m) => m.file),
  );
  if (!without.size) return undefined;
  const names = new Map(BUILT_IN_ACCOUNTS.map((n) => [n.toLowerCase(), n]));
  const found = new Set<string>();
  for (let i = 0; i < ad.length; i++) {
    const u = ad[i]!;
    if (!isCandidate[i] || !without.has(u.file)) continue;
    const n = names.get(u.sam.trim().toLowerCase());
    if (n) found.add(n);
  }
  if (!found.size) return undefined;
  const list = BUILT_IN_ACCOUNTS.filter((n) => found.has(n));
  return {
    code: 'built-in-accounts-as-candidates',
    severity: 'warning',
    path: 'isCriticalSystemObject',
    message: `${list.join(', ')} ${list.length === 1 ? 'counts' : 'count'} as ${list.length === 1 ? 'a sync candidate' : 'sync candidates'} because the AD export has no isCriticalSystemObject column: Entra Connect never syncs built-in accounts, so they show up as AD-only. Export isCriticalSystemObject to tell them apart.`,
    hint: IS_CRITICAL_HINT,
  };
}

const NO_TOTALS: Totals = {
  adUsers: 0,
  adOutOfScope: 0,
  adRuleFiltered: 0,
  adSyncCandidates: 0,
  entraUsers: 0,
  matched: 0,
  adNotInEntra: 0,
  entraNotInAd: 0,
  entraCloudOnly: 0,
  entraGuests: 0,
  entraOrphanedSynced: 0,
  entraWithProvisioningErrors: 0,
  outOfScopeButInEntra: 0,
};

/** The result when a side is unusable: the files' verdicts and mappings, and nothing that claims a figure. */
function noComparison(mappings: FileMapping[], issues: SyncIssue[], unusable: SyncIssue[]): SyncCheckResult {
  const sets = Object.fromEntries(SET_NAMES.map((n) => [n, []])) as unknown as Record<SetName, SetEntry[]>;
  return {
    ad: [],
    entra: [],
    adAfter: [],
    adStatus: [],
    adEntra: [],
    adRule: [],
    entraStatus: [],
    entraAd: [],
    totals: { ...NO_TOTALS },
    lastSyncTime: null,
    sets,
    conflicts: {
      duplicateUpn: [],
      duplicateMail: [],
      duplicateProxySmtp: [],
      anyAddressClaimedTwice: [],
      upnVsOtherUsersProxy: [],
    },
    attributes: [],
    softMatches: [],
    deletionPreview: null,
    suggestedOus: [],
    diagnosis: [],
    scope: [],
    mappings,
    issues,
    unusable,
  };
}
