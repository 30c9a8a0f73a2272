import { throwIfAborted, isAbortError } from '../../lib/issue.ts';
import { toCsvText, rowOf, type IdRow } from './report.ts';
import { convertId } from './core.ts';
import { kindOf, type BulkSummary } from './bulk.ts';

/** The values to convert: a pasted list, or a dropped file's column packed by the worker. */
export interface ValueList {
  readonly length: number;
  at(i: number): string | undefined;
}

/** Above this many values the page shows progress and a cancel button. */
const PROGRESS_FROM = 10_000;
/** Converting stops for the page this often, so a million values never hold it for more than a frame or two. */
const SLICE_MS = 12;
/** Table rows of one value: readings are few (two for bare hex), so a row is `value * MAX_READINGS + reading`. */
const MAX_READINGS = 4;
/** Rows formatted for the table and kept: the visible window many times over, never the whole list. */
const CACHE_ROWS = 4096;

const empty = (): BulkSummary => ({ values: 0, ids: 0, ambiguous: 0, anchors: 0, invalid: 0 });

/**
 * Gives every other task its turn (timers, messages, input, painting): a new task, queued behind those already due.
 * Not scheduler.yield, whose continuation goes before them: a long pass of continuations kept every page timer
 * waiting until the pass was over. A message, not setTimeout, which clamps to 4 ms.
 */
export function yieldToPage(): Promise<void> {
  return new Promise((resolve) => {
    const c = new MessageChannel();
    c.port1.onmessage = () => resolve();
    c.port2.postMessage(null);
  });
}

/**
 * One bulk conversion at a time: a new run cancels the one before. A million values keep only the inputs, one
 * number per table row and the counts; a row's forms are computed again when the table shows it (about a
 * microsecond), since a million converted results and rows took hundreds of megabytes.
 */
export class BulkRun {
  values = $state.raw<ValueList>([]);
  /** One entry per table row: `value index * MAX_READINGS + reading index`. */
  rows = $state.raw<Int32Array>(new Int32Array());
  progress = $state.raw<{ done: number; total: number } | undefined>(undefined);
  summary = $state.raw<BulkSummary>(empty());
  #controller: AbortController | undefined;
  #cache = new Map<number, IdRow>();

  async run(values: ValueList): Promise<void> {
    this.#controller?.abort();
    const controller = new AbortController();
    this.#controller = controller;
    const isLong = values.length > PROGRESS_FROM;
    this.progress = isLong ? { done: 0, total: values.length } : undefined;
    // Off the JS heap: a million plain numbers in an array cost the garbage collector long pauses.
    let rows = new Int32Array(values.length);
    let n = 0;
    const s = empty();
    try {
      // Not in the task that brought the values (a worker's message, a paste): that one has work of its own.
      if (isLong) await yieldToPage();
      let i = 0;
      while (i < values.length) {
        throwIfAborted(controller.signal);
        const start = performance.now();
        do {
          const r = kindOf(values.at(i)!);
          s.values++;
          if (r.kind === 'invalid') s.invalid++;
          else if (r.kind === 'text-anchor' || r.kind === 'string-anchor') s.anchors++;
          else {
            s.ids++;
            if (r.kind === 'hex-ambiguous') s.ambiguous++;
          }
          const count = Math.min(MAX_READINGS, r.rows);
          if (n + count > rows.length) {
            const grown = new Int32Array(Math.max(rows.length * 2, n + count));
            grown.set(rows.subarray(0, n));
            rows = grown;
          }
          for (let k = 0; k < count; k++) rows[n++] = i * MAX_READINGS + k;
          i++;
        } while (i < values.length && (i & 255 || performance.now() - start < SLICE_MS));
        if (isLong) this.progress = { done: i, total: values.length };
        if (i < values.length) await yieldToPage();
      }
      throwIfAborted(controller.signal);
      if (this.#controller === controller) {
        this.#cache.clear();
        this.values = values;
        this.rows = rows.subarray(0, n);
        this.summary = s;
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

  /** The formatted table row for an entry of `rows`. */
  row(ref: number): IdRow {
    let row = this.#cache.get(ref);
    if (!row) {
      if (this.#cache.size >= CACHE_ROWS) this.#cache.clear();
      const r = convertId(this.values.at(Math.floor(ref / MAX_READINGS))!);
      row = rowOf(r, ref % MAX_READINGS);
      this.#cache.set(ref, row);
    }
    return row;
  }

  /**
   * Rows for a pass over the whole table (search, filters, sort): computed, not cached, so the cache keeps the
   * rows on screen; a value read two ways is converted once for both its rows.
   */
  rowReader(): (ref: number) => IdRow {
    const values = this.values;
    let lastValue = -1;
    let last: ReturnType<typeof convertId> | undefined;
    return (ref) => {
      const v = Math.floor(ref / MAX_READINGS);
      if (v !== lastValue) {
        last = convertId(values.at(v)!);
        lastValue = v;
      }
      return rowOf(last!, ref % MAX_READINGS);
    };
  }

  /** Every form of every value, the same columns as the CLI's --csv. */
  csv(): string {
    const values = this.values;
    return toCsvText(
      Array.from({ length: values.length }, (_, i) => convertId(values.at(i)!)),
      { bom: true },
    );
  }

  cancel(): void {
    this.#controller?.abort();
    this.#controller = undefined;
    this.progress = undefined;
  }

  clear(): void {
    this.cancel();
    this.#cache.clear();
    this.values = [];
    this.rows = new Int32Array();
    this.summary = empty();
  }
}
