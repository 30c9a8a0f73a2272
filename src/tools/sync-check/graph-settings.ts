/**
 * The tenant's directory-sync settings: whether sync is on and when it last ran (`/organization`), and what
 * Entra Connect / Cloud Sync is allowed to do (`/directory/onPremisesSynchronization`): the accidental-deletion
 * threshold the deletion preview should use and the hard/soft-match blocks.
 */
import type { GraphClient } from '../../lib/graph/client.ts';
import { isGraphError } from '../../lib/graph/errors.ts';

export type DeletionPreventionType = 'disabled' | 'enabledForCount' | 'enabledForPercentage' | (string & {});

export interface SyncSettings {
  organization: {
    id: string;
    displayName: string;
    onPremisesSyncEnabled: boolean | null;
    onPremisesLastSyncDateTime: string | null;
    onPremisesLastPasswordSyncDateTime: string | null;
    verifiedDomains: { name: string; isDefault: boolean; isInitial: boolean; type: string }[];
  } | null;
  /** Null when the settings could not be read (the reason is in `problems`). */
  deletionPrevention: { type: DeletionPreventionType; threshold: number | null } | null;
  /** Every `…Enabled` flag Graph returned, as is; the two that matter most are also named below. */
  features: Record<string, boolean> | null;
  blockSoftMatchEnabled: boolean | null;
  blockCloudObjectTakeoverThroughHardMatchEnabled: boolean | null;
  /** Parts that could not be read, in plain words: the rest is still returned. */
  problems: string[];
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v ? v : null;
}

function bool(v: unknown): boolean | null {
  return typeof v === 'boolean' ? v : null;
}

/** Shapes `/organization` and `/directory/onPremisesSynchronization` answers (a page or one object). */
export function shapeSyncSettings(
  orgAnswer: unknown,
  syncAnswer: unknown,
  problems: string[] = [],
): SyncSettings {
  const first = (a: unknown): Record<string, unknown> | undefined => {
    if (!a || typeof a !== 'object') return undefined;
    const v = (a as { value?: unknown }).value;
    if (Array.isArray(v)) return v[0] as Record<string, unknown> | undefined;
    return a as Record<string, unknown>;
  };
  const org = first(orgAnswer);
  const sync = first(syncAnswer);
  const config = (sync?.configuration ?? {}) as Record<string, unknown>;
  const adp = (config.accidentalDeletionPrevention ?? null) as Record<string, unknown> | null;
  const rawFeatures =
    sync?.features && typeof sync.features === 'object' ? (sync.features as Record<string, unknown>) : null;
  const features = rawFeatures
    ? Object.fromEntries(
        Object.entries(rawFeatures).filter(([, v]) => typeof v === 'boolean') as [string, boolean][],
      )
    : null;
  return {
    organization: org
      ? {
          id: str(org.id) ?? '',
          displayName: str(org.displayName) ?? '',
          onPremisesSyncEnabled: bool(org.onPremisesSyncEnabled),
          onPremisesLastSyncDateTime: str(org.onPremisesLastSyncDateTime),
          onPremisesLastPasswordSyncDateTime: str(org.onPremisesLastPasswordSyncDateTime),
          verifiedDomains: Array.isArray(org.verifiedDomains)
            ? (org.verifiedDomains as Record<string, unknown>[]).map((d) => ({
                name: str(d.name) ?? '',
                isDefault: d.isDefault === true,
                isInitial: d.isInitial === true,
                type: str(d.type) ?? '',
              }))
            : [],
        }
      : null,
    deletionPrevention: adp
      ? {
          type: str(adp.synchronizationPreventionType) ?? 'disabled',
          threshold: typeof adp.alertThreshold === 'number' ? adp.alertThreshold : null,
        }
      : null,
    features,
    blockSoftMatchEnabled: features ? (features.blockSoftMatchEnabled ?? null) : null,
    blockCloudObjectTakeoverThroughHardMatchEnabled: features
      ? (features.blockCloudObjectTakeoverThroughHardMatchEnabled ?? null)
      : null,
    problems,
  };
}

export interface SyncSettingsClients {
  /** A client holding a token for User.Read.All (enough for /organization). */
  organization: GraphClient;
  /** A client holding a token for OnPremDirectorySynchronization.Read.All. */
  synchronization: GraphClient;
  signal?: AbortSignal;
}

/** Reads both; a refusal of one part (often the sync settings, which need a higher role) is a problem, not a failure. */
export async function fetchSyncSettings(c: SyncSettingsClients): Promise<SyncSettings> {
  const problems: string[] = [];
  const attempt = async (fn: () => Promise<unknown>): Promise<unknown> => {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof Error && e.name === 'AbortError') throw e;
      problems.push(isGraphError(e) ? e.message : String(e));
      return undefined;
    }
  };
  const org = await attempt(() =>
    c.organization.get(
      '/organization?$select=id,displayName,onPremisesSyncEnabled,onPremisesLastSyncDateTime,onPremisesLastPasswordSyncDateTime,verifiedDomains',
      { signal: c.signal },
    ),
  );
  const sync = await attempt(() =>
    c.synchronization.get('/directory/onPremisesSynchronization', { signal: c.signal }),
  );
  return shapeSyncSettings(org, sync, problems);
}

/**
 * The deletion threshold as Sync check's preview uses it: a count, or a percentage of the synced objects.
 * Null when prevention is off or unknown.
 */
export function deletionLimit(s: SyncSettings, syncedObjects: number): number | null {
  const d = s.deletionPrevention;
  if (!d || d.threshold === null) return null;
  if (d.type === 'enabledForCount') return d.threshold;
  if (d.type === 'enabledForPercentage') return Math.floor((syncedObjects * d.threshold) / 100);
  return null;
}
