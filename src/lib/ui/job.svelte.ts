import { issueOf, WorkerClient } from '../worker/client.ts';
import { isBugIssue } from '../worker/protocol.ts';
import { isAbortError, type Issue } from '../issue.ts';

export type JobStatus = 'idle' | 'running' | 'done' | 'failed' | 'cancelled';

/**
 * One background computation as the view sees it: status, progress, the result (kept raw: results are big and
 * replaced whole) and, when it failed, the Issue to show. Starting a new run cancels the previous one, and the
 * answer of an older run never lands. Side requests (`request`: a drill-down, an export) go to the same worker
 * without cancelling the run or touching its status, so clicking into a result never stops an analysis.
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
  #side = new Set<AbortController>();

  constructor(createWorker: () => Worker) {
    this.#client = new WorkerClient<I, R>(createWorker);
  }

  get isRunning() {
    return this.status === 'running';
  }

  /** The failure is ours, not the input's: views say so and ask for a report. */
  get isBug() {
    return isBugIssue(this.issue);
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
        onProgress: (done, total, label) => {
          if (controller === this.#controller) this.progress = { done, total, label: label ?? '' };
        },
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
        this.issue = issueOf(e);
        this.status = 'failed';
      }
      return undefined;
    }
  }

  /**
   * A side request to the same worker: answered between the run's units of work, never cancelling it. Resolves
   * undefined when cancelled (reset, dispose, or a worker terminated for ignoring a cancel); rejects with the
   * InputError or WorkerBug otherwise (`issueOf` turns either into the Issue to show).
   */
  async request(input: I, transfer: Transferable[] = []): Promise<R | undefined> {
    const controller = new AbortController();
    this.#side.add(controller);
    const dropped = new Promise<undefined>((resolve) =>
      controller.signal.addEventListener('abort', () => resolve(undefined)),
    );
    try {
      // Whoever reset the job no longer waits for the answer, even if the worker takes its second to stop.
      return await Promise.race([this.#client.run(input, { signal: controller.signal, transfer }), dropped]);
    } catch (e) {
      if (isAbortError(e)) return undefined;
      throw e;
    } finally {
      this.#side.delete(controller);
    }
  }

  cancel() {
    this.#controller?.abort();
  }

  reset() {
    this.cancel();
    for (const c of this.#side) c.abort();
    this.#controller = undefined;
    this.result = undefined;
    this.issue = undefined;
    this.status = 'idle';
  }

  dispose() {
    this.reset();
    this.#client.dispose();
  }
}
