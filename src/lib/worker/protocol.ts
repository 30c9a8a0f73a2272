import type { Issue } from '../issue.ts';

/** Page → worker. */
export type ToWorker<I> = { type: 'run'; id: number; input: I } | { type: 'cancel'; id: number };

/**
 * Worker → page. `failed` carries the core's Issue (the input is wrong) or, with `isBug`, a bug report: the page
 * must not present a bug as a problem with the user's file.
 */
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

export const BUG_HINT =
  'This is a bug in Hybrid Toolbox, not a problem with your input. Please report this: say what you did, ' +
  'the browser, and the message above (share a file only if you may).';

/** The Issue shown for anything a core did not mean to throw, or a worker that died. */
export function bugIssue(detail: string): Issue<'bug'> {
  return { code: 'bug', severity: 'error', message: `Unexpected error: ${detail}`, hint: BUG_HINT };
}

export function isBugIssue(issue: Issue | undefined): boolean {
  return issue?.code === 'bug';
}
