import { isAbortError } from '../../lib/issue.ts';
import { convertAll, summarise } from './bulk.ts';
import type { IdResult } from './core.ts';
import { toRows, type IdRow } from './report.ts';

/** Above this many values the page shows progress and a cancel button. */
const PROGRESS_FROM = 10_000;

/** One bulk conversion at a time: a new run cancels the one before. */
export class BulkRun {
  results = $state.raw<IdResult[]>([]);
  rows = $state.raw<IdRow[]>([]);
  progress = $state.raw<{ done: number; total: number } | undefined>(undefined);
  summary = $derived(summarise(this.results));
  #controller: AbortController | undefined;

  async run(values: string[]): Promise<void> {
    this.#controller?.abort();
    const controller = new AbortController();
    this.#controller = controller;
    const isLong = values.length > PROGRESS_FROM;
    this.progress = isLong ? { done: 0, total: values.length } : undefined;
    const rows: IdRow[] = [];
    try {
      const results = await convertAll(values, {
        signal: controller.signal,
        onChunk: (part) => {
          for (const row of toRows(part)) rows.push(row);
        },
        onProgress: (done, total) => {
          if (isLong) this.progress = { done, total };
        },
      });
      if (this.#controller === controller) {
        this.results = results;
        this.rows = rows;
      }
    } catch (e) {
      if (!isAbortError(e)) throw e;
    } finally {
      if (this.#controller === controller) {
        this.#controller = undefined;
        this.progress = undefined;
      }
    }
  }

  cancel(): void {
    this.#controller?.abort();
    this.#controller = undefined;
    this.progress = undefined;
  }

  clear(): void {
    this.cancel();
    this.results = [];
    this.rows = [];
  }
}
