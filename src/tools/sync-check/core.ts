/**
 * The sync check's entry: reads the exports (CSV of any flavour, Graph JSON, or Graph user objects handed in
 * directly), then compares, finds conflicts, checks attributes and previews deletions. Pure and synchronous;
 * progress and cancel between files and steps. The result is plain data for postMessage.
 */
import { decodeText } from '../../lib/csv/decode.ts';
import {
  InputError,
  isInputError,
  throwIfAborted,
  type NamedBytes,
  type RunOptions,
} from '../../lib/issue.ts';
import { checkAttributes } from './attributes.ts';
import { compare, diagnose, findSoftMatches, parseScope, suggestFilteredOus } from './compare.ts';
import { findConflicts } from './conflicts.ts';
import { DEFAULT_DELETION_THRESHOLD, previewDeletions } from './deletions.ts';
import { adFromCsv, entraFromCsv, entraFromObjects, type ReadResult } from './exports.ts';
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
  SyncCheckResult,
  SyncIssue,
} from './model.ts';

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

function readAll<U, F extends string>(
  files: readonly NamedBytes[],
  read: Reader<U, F>,
  progress: { done: number; report: (done: number, label: string) => void },
  opts: SyncCheckOptions,
  side: Side<U>,
  mappings: FileMapping[],
  issues: SyncIssue[],
): void {
  for (const file of files) {
    throwIfAborted(opts.signal);
    const size = file.bytes.byteLength;
    const base = progress.done;
    try {
      const r = read(file, side.users.length, (f) =>
        progress.report(base + f * size, `Reading ${file.name}`),
      );
      addRead(side, r, mappings, issues);
    } catch (e) {
      if (!isInputError(e)) throw e;
      issues.push({ ...(e.issue as SyncIssue), file: file.name });
    }
    progress.done = base + size;
    progress.report(progress.done, `Read ${file.name}`);
  }
}

function adReader(
  kind: 'ad' | 'adAfter',
  opts: SyncCheckOptions,
  override?: MappingOverride['ad'],
): Reader<AdUser, AdField> {
  return (file, start, onFraction) =>
    adFromCsv(decodeText(file.bytes, file.name), file.name, kind, start, override, {
      signal: opts.signal,
      onProgress: (d, t) => onFraction(t ? d / t : 1),
    });
}

function entraReader(
  opts: SyncCheckOptions,
  override?: MappingOverride['entra'],
): Reader<EntraUser, EntraField> {
  return (file, start, onFraction) => {
    const decoded = decodeText(file.bytes, file.name);
    if (looksLikeJson(decoded.text)) {
      const g = parseGraphJsonText(decoded.text, file.name);
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

function isUsable(mappings: readonly FileMapping[], kind: FileMapping['kind'], field: string): boolean {
  return mappings.some(
    (m) =>
      m.kind === kind &&
      (m.fields as Record<string, string | null>)[field] &&
      !m.unusable.some((u) => u.field === field),
  );
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
  readAll(input.ad, adReader('ad', opts, input.mapping?.ad), progress, opts, adRead, mappings, issues);
  const entraRead = emptySide<EntraUser>();
  readAll(entraFiles, entraReader(opts, input.mapping?.entra), progress, opts, entraRead, mappings, issues);
  if (input.entraJson?.length) {
    const source = input.entraJsonSource ?? 'Microsoft Graph';
    const g = collectGraphUsers(input.entraJson, source);
    issues.push(...g.issues);
    addRead(
      entraRead,
      entraFromObjects(g.users, source, entraRead.users.length, input.mapping?.entra),
      mappings,
      issues,
    );
  }
  const afterRead = emptySide<AdUser>();
  readAll(
    afterFiles,
    adReader('adAfter', opts, input.mapping?.ad),
    progress,
    opts,
    afterRead,
    mappings,
    issues,
  );
  throwIfAborted(opts.signal);
  progress.report(sizes, 'Comparing');

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
  const ad = adSide.users;
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

  const scope = parseScope(input.scope ?? []);
  issues.push(...scope.issues);
  const hasSamColumn = isUsable(mappings, 'ad', 'sam');
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
  throwIfAborted(opts.signal);
  const conflicts = findConflicts(ad, entra, c.isCandidate, c.adEntra);
  const upnConflictUsers = new Set<number>();
  for (const g of conflicts.duplicateUpn) for (const i of g.ad) upnConflictUsers.add(i);
  for (const x of conflicts.upnVsOtherUsersProxy) upnConflictUsers.add(x.upnOwner);
  const attributes = checkAttributes(ad, c.isCandidate, upnConflictUsers);
  const softMatches = findSoftMatches(ad, entra, c);
  const diagnosis = diagnose(ad, entra, c, {
    hasConsistencyGuidColumn: isUsable(mappings, 'ad', 'consistencyGuid'),
    hasImmutableIdColumn: mappings.some(
      (m) => m.kind === 'entra' && (m.fields as Record<string, string | null>).immutableId,
    ),
  });
  for (const d of diagnosis)
    issues.push({ code: d.code, severity: 'warning', message: d.message, hint: d.hint });
  const deletionPreview = afterFiles.length
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
  };
}
