import { InputError } from '../issue.ts';
import type { FromWorker, ToWorker } from './protocol.ts';

export interface RunCallbacks {
  signal?: AbortSignal;
  onProgress?: (done: number, total: number, label?: string) => void;
  transfer?: Transferable[];
}

/**
 * The page side: starts the worker on first use, one job at a time per call. Cancelling asks the core to stop
 * between units of work; a core that does not answer within a second is terminated and a new worker started
 * on the next call. Rejects with an AbortError on cancel and an InputError for input problems.
 */
export class WorkerClient<I, R> {
  #worker: Worker | undefined;
  #nextId = 1;

  constructor(private readonly create: () => Worker) {}

  run(input: I, cb: RunCallbacks = {}): Promise<R> {
    const worker = (this.#worker ??= this.create());
    const id = this.#nextId++;
    return new Promise<R>((resolve, reject) => {
      let killTimer: ReturnType<typeof setTimeout> | undefined;
      const cleanup = () => {
        worker.removeEventListener('message', onMessage);
        worker.removeEventListener('error', onError);
        cb.signal?.removeEventListener('abort', onAbort);
        clearTimeout(killTimer);
      };
      const onMessage = (e: MessageEvent<FromWorker<R>>) => {
        const m = e.data;
        if (m.id !== id) return;
        if (m.type === 'progress') cb.onProgress?.(m.done, m.total, m.label);
        else {
          cleanup();
          if (m.type === 'result') resolve(m.result);
          else if (m.type === 'cancelled') reject(new DOMException('Cancelled', 'AbortError'));
          else reject(new InputError(m.issue));
        }
      };
      const onError = (e: ErrorEvent) => {
        cleanup();
        this.#kill();
        reject(
          new InputError({
            code: 'bug',
            severity: 'error',
            message: `The background worker stopped: ${e.message || 'out of memory or a crash'}.`,
          }),
        );
      };
      const onAbort = () => {
        worker.postMessage({ type: 'cancel', id } satisfies ToWorker<I>);
        killTimer = setTimeout(() => {
          cleanup();
          this.#kill();
          reject(new DOMException('Cancelled', 'AbortError'));
        }, 1000);
      };
      worker.addEventListener('message', onMessage);
      worker.addEventListener('error', onError);
      if (cb.signal?.aborted) {
        cleanup();
        reject(new DOMException('Cancelled', 'AbortError'));
        return;
      }
      cb.signal?.addEventListener('abort', onAbort);
      worker.postMessage({ type: 'run', id, input } satisfies ToWorker<I>, cb.transfer ?? []);
    });
  }

  #kill() {
    this.#worker?.terminate();
    this.#worker = undefined;
  }

  dispose() {
    this.#kill();
  }
}
