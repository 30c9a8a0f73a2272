/**
 * Live reads a view can hand to `GraphLoadButton`: each names the scopes it needs (asked for in one consent, at
 * the click) and returns plain data, the same a dropped export would give. The loaders themselves live in their
 * tools (Sync check's `graph-load.ts`, Risk triage's `live.ts`).
 */
import type { GraphClient } from './client.ts';

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
