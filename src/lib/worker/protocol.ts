import type { Issue } from '../issue.ts';

/** Page → worker. */
export type ToWorker<I> = { type: 'run'; id: number; input: I } | { type: 'cancel'; id: number };

/** Worker → page. `failed` carries an Issue (input problem) or a bug report with `isBug`. */
export type FromWorker<R> =
  | { type: 'progress'; id: number; done: number; total: number; label?: string }
  | { type: 'result'; id: number; result: R }
  | { type: 'failed'; id: number; issue: Issue; isBug?: boolean }
  | { type: 'cancelled'; id: number };

/** What a core exposes to the worker: input in, result out, progress and abort through the context. */
export interface JobContext {
  signal: AbortSignal;
  progress: (done: number, total: number, label?: string) => void;
}

export type JobHandler<I, R> = (input: I, ctx: JobContext) => Promise<R> | R;
