/**
 * Live reads a view can hand to `GraphLoadButton`: each names the scopes it needs (asked for in one consent, at
 * the click) and returns plain data, the same a dropped export would give.
 */
import type { NamedBytes } from '../issue.ts';
import type { GraphClient } from './client.ts';
import { SCOPES } from './config.ts';
import { fetchSyncSettings, type SyncSettings } from './sync.ts';
import { fetchEntraUsers, usersAsGraphPage, type GraphUser } from './users.ts';

export interface LoadContext {
  /** A client whose tokens carry the loader's scopes. */
  client: GraphClient;
  signal: AbortSignal;
  /** `total` undefined: the end is not known yet. */
  progress: (label: string, done: number, total?: number) => void;
  onWait: (ms: number) => void;
}

export interface GraphLoader<T> {
  /** Delegated permissions, read-only, asked for in one go. */
  scopes: readonly string[];
  run: (ctx: LoadContext) => Promise<T>;
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
