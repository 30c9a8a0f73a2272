import { InputError, isInputError, type Issue } from '../issue.ts';
import { bugIssue, type FromWorker, type ToWorker } from './protocol.ts';

export interface RunCallbacks {
  signal?: AbortSignal;
  onProgress?: (done: number, total: number, label?: string) => void;
  transfer?: Transferable[];
}

/** How long a core may ignore a cancel before its worker is terminated. */
export const KILL_AFTER_MS = 1000;

/** Something went wrong in our code, not in the user's input: shown with a "report this" hint. */
export class WorkerBug extends Error {
  constructor(readonly issue: Issue) {
    super(issue.message);
    this.name = 'WorkerBug';
  }
}

export function isWorkerBug(e: unknown): e is WorkerBug {
  return e instanceof Error && e.name === 'WorkerBug' && 'issue' in e;
}

/** The Issue to show for a failed run: the core's own for bad input, a bug report for anything else. */
export function issueOf(e: unknown): Issue {
  if (isInputError(e) || isWorkerBug(e)) return e.issue;
  return bugIssue(e instanceof Error ? `${e.name}: ${e.message}` : String(e));
}

const cancelled = () => new DOMException('Cancelled', 'AbortError');

/**
 * The page side: starts the worker on first use. Several runs may be in flight on one worker (an analysis and
 * the drill-downs into the previous result); each is answered under its own id, so an answer never reaches
 * another run. Cancelling asks the core to stop between units of work; a core that does not answer within
 * KILL_AFTER_MS is terminated, every run still on that worker ends as cancelled, and a new worker starts on the
 * next call. Rejects with an AbortError on cancel, an InputError for input problems and a WorkerBug for bugs
 * (including a worker that crashed or ran out of memory).
 */
export class WorkerClient<I, R> {
  #worker: Worker | undefined;
  #nextId = 1;
  /** Runs in flight on the current worker, to settle when it is terminated. */
  #pending = new Set<(e: Error) => void>();

  constructor(private readonly create: () => Worker) {}

  run(input: I, cb: RunCallbacks = {}): Promise<R> {
    if (cb.signal?.aborted) return Promise.reject(cancelled());
    const worker = (this.#worker ??= this.create());
    const id = this.#nextId++;
    return new Promise<R>((resolve, reject) => {
      let killTimer: ReturnType<typeof setTimeout> | undefined;
      const settle = (e?: Error, result?: R) => {
        worker.removeEventListener('message', onMessage);
        worker.removeEventListener('error', onError);
        worker.removeEventListener('messageerror', onMessageError);
        cb.signal?.removeEventListener('abort', onAbort);
        clearTimeout(killTimer);
        this.#pending.delete(fail);
        if (e) reject(e);
        else resolve(result as R);
      };
      const fail = (e: Error) => settle(e);
      const onMessage = (e: MessageEvent<FromWorker<R>>) => {
        const m = e.data;
        if (m.id !== id) return;
        if (m.type === 'progress') cb.onProgress?.(m.done, m.total, m.label);
        else if (m.type === 'result') settle(undefined, m.result);
        else if (m.type === 'cancelled') settle(cancelled());
        else settle(m.isBug ? new WorkerBug(m.issue) : new InputError(m.issue));
      };
      const onError = (e: ErrorEvent) => {
        this.#kill(
          new WorkerBug(
            bugIssue(`the background worker stopped: ${e.message || 'out of memory or a crash'}.`),
          ),
        );
      };
      const onMessageError = () =>
        settle(new WorkerBug(bugIssue('a message from the worker could not be read.')));
      const onAbort = () => {
        worker.postMessage({ type: 'cancel', id } satisfies ToWorker<I>);
        killTimer = setTimeout(() => this.#kill(cancelled()), KILL_AFTER_MS);
      };
      this.#pending.add(fail);
      worker.addEventListener('message', onMessage);
      worker.addEventListener('error', onError);
      worker.addEventListener('messageerror', onMessageError);
      cb.signal?.addEventListener('abort', onAbort);
      try {
        worker.postMessage({ type: 'run', id, input } satisfies ToWorker<I>, cb.transfer ?? []);
      } catch (e) {
        // The input could not be cloned: our bug, since the page built it.
        const text = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
        settle(new WorkerBug(bugIssue(text)));
      }
    });
  }

  /** Terminates the worker; every run on it ends with `reason` (the one that died, or was cancelled). */
  #kill(reason: Error) {
    const worker = this.#worker;
    this.#worker = undefined;
    worker?.terminate();
    for (const fail of [...this.#pending]) fail(reason);
    this.#pending.clear();
  }

  dispose() {
    this.#kill(cancelled());
  }
}
