import { WorkerClient } from '../../lib/worker/client.ts';
import { BulkRun, type ValueList } from './bulk.svelte.ts';
import type { IdColumn } from './bulk.ts';
import type { IdColumnJob } from './worker.ts';
import IdWorker from './worker.ts?worker';

/**
 * The page state: the ID in the box, the bulk conversion (BulkRun, on the page in slices) with where its values
 * came from, and the worker that reads a dropped file's column, which ends with the view.
 */
export class ImmutableIdState {
  /** The one ID in the box; the view keeps it in step with the URL. */
  id = $state('');
  readonly bulk = new BulkRun();
  /** Where the bulk values came from: the pasted list, or the file and its column. */
  source = $state('');
  #client: WorkerClient<IdColumnJob, IdColumn> | undefined;
  readonly #createWorker: () => Worker;

  /** `createWorker` is for tests, which run the worker in-process. */
  constructor(createWorker: () => Worker = () => new IdWorker()) {
    this.#createWorker = createWorker;
  }

  /** Reads a dropped file in the worker: Papa Parse over tens of megabytes would hold the page for a second. */
  readColumn(job: IdColumnJob, signal?: AbortSignal): Promise<IdColumn> {
    this.#client ??= new WorkerClient<IdColumnJob, IdColumn>(this.#createWorker);
    return this.#client.run(job, { signal });
  }

  /** Converts the bulk values; an empty list clears the results. */
  async run(values: ValueList, source: string): Promise<void> {
    this.source = source;
    if (values.length) await this.bulk.run(values);
    else this.bulk.clear();
  }

  cancel(): void {
    this.bulk.cancel();
  }

  /** Forgets the bulk values and results; the ID in the box belongs to the URL and stays. */
  clear(): void {
    this.bulk.clear();
    this.source = '';
  }

  dispose(): void {
    this.bulk.cancel();
    this.#client?.dispose();
    this.#client = undefined;
  }
}
