/**
 * Deletion preview: what the next sync deletes in Entra, from an AD export taken now and one taken later
 * (joined on objectGUID). A matched user that disappears, or that moves out of scope, is deleted in Entra;
 * users that were never synced disappear without effect. Entra Connect stops an export with more deletions
 * than its threshold (default 500), and groups, contacts and devices count toward that number too.
 */
import { isInScope, ruleFilterReason, type ScopeRule } from './compare.ts';
import type { AdStatus, AdUser, DeletionPreview } from './types.ts';

export const DEFAULT_DELETION_THRESHOLD = 500;

export const DELETION_THRESHOLD_COMMANDS = [
  '# On the Entra Connect server: the current setting',
  'Get-ADSyncExportDeletionThreshold',
  '# Let one expected large deletion through, then switch the protection back on',
  'Disable-ADSyncExportDeletionThreshold',
  'Start-ADSyncSyncCycle -PolicyType Delta',
  'Enable-ADSyncExportDeletionThreshold -DeletionThreshold 500',
  '# Older versions ask for -AADCredential (Get-Credential) on Enable/Disable.',
].join('\n');

export const DELETION_CAVEAT =
  'Only users are counted here. Entra Connect counts every deletion it exports — groups, contacts and devices too — so the real number can be higher.';

function identity(u: AdUser): string | null {
  return u.objectGuid ?? u.anchor;
}

export function previewDeletions(
  before: readonly AdUser[],
  beforeStatus: readonly AdStatus[],
  after: readonly AdUser[],
  rules: readonly ScopeRule[],
  hasSamColumn: boolean | ReadonlySet<string>,
  threshold = DEFAULT_DELETION_THRESHOLD,
): DeletionPreview {
  const afterById = new Map<string, number>();
  for (let k = 0; k < after.length; k++) {
    const id = identity(after[k]!);
    if (id && !afterById.has(id)) afterById.set(id, k);
  }
  const seen = new Set<string>();
  const p: DeletionPreview = {
    threshold,
    removedSynced: [],
    movedOutOfScope: [],
    removedButNeverSynced: [],
    removedOutOfScope: [],
    added: [],
    expectedEntraUserDeletions: 0,
    exceedsThreshold: false,
    thresholdStatus: 'below',
  };
  for (let i = 0; i < before.length; i++) {
    const id = identity(before[i]!);
    if (!id) continue;
    seen.add(id);
    const status = beforeStatus[i];
    const k = afterById.get(id);
    if (k === undefined) {
      if (status === 'matched') p.removedSynced.push(i);
      else if (status === 'notInEntra' || status === 'ruleFiltered') p.removedButNeverSynced.push(i);
      else p.removedOutOfScope.push(i);
      continue;
    }
    if (status !== 'matched') continue;
    const a = after[k]!;
    if (!isInScope(a, rules) || ruleFilterReason(a, hasSamColumn)) p.movedOutOfScope.push(i);
  }
  for (let k = 0; k < after.length; k++) {
    const id = identity(after[k]!);
    if (id && !seen.has(id)) p.added.push(k);
  }
  p.expectedEntraUserDeletions = p.removedSynced.length + p.movedOutOfScope.length;
  p.exceedsThreshold = p.expectedEntraUserDeletions > threshold;
  p.thresholdStatus = p.exceedsThreshold
    ? 'blocked'
    : p.expectedEntraUserDeletions === threshold
      ? 'met'
      : 'below';
  return p;
}

/** The deletion verdict in one line, for the summary card. */
export function deletionHeadline(
  d: Pick<DeletionPreview, 'expectedEntraUserDeletions' | 'threshold' | 'thresholdStatus'>,
): string {
  const n = d.expectedEntraUserDeletions.toLocaleString('en-US');
  const t = d.threshold.toLocaleString('en-US');
  const users = d.expectedEntraUserDeletions === 1 ? 'user' : 'users';
  if (d.thresholdStatus === 'blocked')
    return `The next sync would delete ${n} ${users} — over the threshold of ${t}: Entra Connect stops the export.`;
  if (d.thresholdStatus === 'met')
    return `The next sync would delete ${n} ${users} — exactly the threshold of ${t}: one more deletion stops the export.`;
  return `The next sync would delete ${n} ${users} — below the threshold of ${t}.`;
}
