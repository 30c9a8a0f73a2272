/**
 * Sync check's "Load from Entra": Entra users read live, shaped exactly like a `/v1.0/users` page saved from Graph
 * Explorer, so Sync check runs them through the same core as a dropped file, and the tenant's sync settings.
 */
import type { NamedBytes } from '../../lib/issue.ts';
import type { GraphClient, PageProgress } from '../../lib/graph/client.ts';
import { SCOPES } from '../../lib/graph/config.ts';
import type { GraphLoader } from '../../lib/graph/loaders.ts';
import { fetchSyncSettings, type SyncSettings } from './graph-settings.ts';

/** The properties Sync check reads: the same list as its Get-MgUser export command. */
export const USER_SELECT = [
  'id',
  'userPrincipalName',
  'displayName',
  'mail',
  'mailNickname',
  'userType',
  'accountEnabled',
  'proxyAddresses',
  'createdDateTime',
  'onPremisesImmutableId',
  'onPremisesSyncEnabled',
  'onPremisesLastSyncDateTime',
  'onPremisesDistinguishedName',
  'onPremisesSamAccountName',
  'onPremisesUserPrincipalName',
  'onPremisesDomainName',
  'onPremisesSecurityIdentifier',
  'onPremisesProvisioningErrors',
] as const;

export type GraphUser = Record<string, unknown> & { id: string };

export interface LiveReadOptions {
  client: GraphClient;
  signal?: AbortSignal;
  onProgress?: (p: PageProgress) => void;
  onWait?: (ms: number, attempt: number) => void;
}

/** Counts users first (advanced query, may be refused) so the progress bar has an end. */
export async function countUsers(client: GraphClient, signal?: AbortSignal): Promise<number | undefined> {
  try {
    const n = await client.get<unknown>('/users/$count', {
      signal,
      headers: { ConsistencyLevel: 'eventual' },
    });
    const value = typeof n === 'number' ? n : Number(String(n).trim());
    return Number.isFinite(value) ? value : undefined;
  } catch (e) {
    if (e instanceof Error && e.name === 'AbortError') throw e;
    return undefined;
  }
}

/** Every user with the on-premises attributes, 999 per page (the most `/users` gives). */
export async function fetchEntraUsers(opts: LiveReadOptions): Promise<GraphUser[]> {
  const total = await countUsers(opts.client, opts.signal);
  return opts.client.getAll<GraphUser>(`/users?$select=${USER_SELECT.join(',')}&$top=999`, {
    signal: opts.signal,
    onProgress: opts.onProgress,
    onWait: opts.onWait,
    total,
  });
}

/** The users as one Graph page file, ready for a core that reads dropped Graph JSON. */
export function usersAsGraphPage(
  users: readonly GraphUser[],
  name = 'entra-users (live from Microsoft Graph).json',
) {
  const text = JSON.stringify({
    '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#users',
    value: users,
  });
  return { name, bytes: new TextEncoder().encode(text) };
}

export interface EntraUsersLoad {
  users: GraphUser[];
  /** The users as a Graph page file, for a core that reads dropped Graph JSON. */
  file: NamedBytes;
  /** The tenant's sync status and deletion threshold; parts that could not be read are in `problems`. */
  syncSettings: SyncSettings;
}

/** Sync check's "Load from Entra": every user with onPremises* plus the tenant's sync settings. */
export const loadEntraUsers: GraphLoader<EntraUsersLoad> = {
  scopes: [...SCOPES.users, ...SCOPES.syncSettings],
  async run(ctx) {
    ctx.progress('Reading sync settings', 0);
    const syncSettings = await fetchSyncSettings({
      organization: ctx.client,
      synchronization: ctx.client,
      signal: ctx.signal,
    });
    const users = await fetchEntraUsers({
      client: ctx.client,
      signal: ctx.signal,
      onWait: ctx.onWait,
      onProgress: (p) => ctx.progress('Reading users', p.items, p.total),
    });
    return { users, file: usersAsGraphPage(users), syncSettings };
  },
};

/** Only the sync settings (for a view that already has users from a file). */
export const loadSyncSettings: GraphLoader<SyncSettings> = {
  scopes: [...SCOPES.users, ...SCOPES.syncSettings],
  run: (ctx) =>
    fetchSyncSettings({ organization: ctx.client, synchronization: ctx.client, signal: ctx.signal }),
};
