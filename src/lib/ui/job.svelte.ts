import { WorkerClient } from '../worker/client.ts';
import { isAbortError, isInputError, type Issue } from '../issue.ts';

export type JobStatus = 'idle' | 'running' | 'done' | 'failed' | 'cancelled';

/**
 * One background computation as the view sees it: status, progress, the result (kept raw: results are big and
 * replaced whole) and, when it failed, the Issue to show. Starting a new run cancels the previous one.
 */
export class Job<I, R> {
  status = $state<JobStatus>('idle');
  progress = $state.raw({ done: 0, total: 0, label: '' });
  result = $state.raw<R | undefined>(undefined);
  issue = $state.raw<Issue | undefined>(undefined);
  /** Wall time of the last successful run, ms. */
  elapsed = $state(0);
  #client: WorkerClient<I, R>;
  #controller: AbortController | undefined;

  constructor(createWorker: () => Worker) {
    this.#client = new WorkerClient<I, R>(createWorker);
  }

  get isRunning() {
    return this.status === 'running';
  }

  async run(input: I, transfer: Transferable[] = []): Promise<R | undefined> {
    this.#controller?.abort();
    const controller = (this.#controller = new AbortController());
    this.status = 'running';
    this.issue = undefined;
    this.progress = { done: 0, total: 0, label: 'Starting' };
    const started = performance.now();
    try {
      const result = await this.#client.run(input, {
        signal: controller.signal,
        transfer,
        onProgress: (done, total, label) => (this.progress = { done, total, label: label ?? '' }),
      });
      if (controller !== this.#controller) return undefined;
      this.result = result;
      this.elapsed = performance.now() - started;
      this.status = 'done';
      return result;
    } catch (e) {
      if (controller !== this.#controller) return undefined;
      if (isAbortError(e)) this.status = 'cancelled';
      else {
        this.issue = isInputError(e)
          ? e.issue
          : {
              code: 'bug',
              severity: 'error',
              message: `Unexpected error: ${e instanceof Error ? e.message : String(e)}`,
            };
        this.status = 'failed';
      }
      return undefined;
    }
  }

  cancel() {
    this.#controller?.abort();
  }

  reset() {
    this.cancel();
    this.#controller = undefined;
    this.result = undefined;
    this.issue = undefined;
    this.status = 'idle';
  }

  dispose() {
    this.cancel();
    this.#client.dispose();
  }
}
