/**
 * Search, column filters and sort of the bulk table in slices that give the page its turn between them: over a
 * million rows the whole pass takes seconds, and done in one go it froze the page for as long (#18).
 */
import { throwIfAborted } from '../../lib/issue.ts';
import { compileFilter, type CellValue, type Column, type SortState } from '../../lib/ui/table-view.ts';

export interface ViewQuery {
  search: string;
  filters: Record<string, string>;
  sort?: SortState;
}

export interface SliceOptions {
  /** Gives the page its turn (a new task in the page; anything awaitable in tests). */
  pause: () => Promise<void>;
  signal?: AbortSignal;
  /** Work between pauses; the clock is read every 256 rows. */
  sliceMs?: number;
  /** Rows looked at so far, of all, for a progress line. */
  onProgress?: (done: number, total: number) => void;
  /** The clock; `performance.now` unless a test counts slices. */
  now?: () => number;
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** DataTable's order: empty last, numbers as numbers, text as a person reads it (`id2` before `id10`). */
export function compareCells(a: CellValue, b: CellValue): number {
  const ae = a === null || a === undefined || a === '';
  const be = b === null || b === undefined || b === '';
  if (ae || be) return ae === be ? 0 : ae ? 1 : -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return collator.compare(String(a), String(b));
}

const isEmptyQuery = (q: ViewQuery) =>
  !q.search.trim() && !q.sort && Object.values(q.filters).every((f) => !f.trim());

/**
 * Positions (into `rows`) of the rows that pass the column filters and the search, in sort order: the same
 * answer as DataTable's `viewIndices`, computed in slices. `rowOf` builds a row once for all its columns.
 */
export async function viewSliced<T, R>(
  rows: ArrayLike<T>,
  columns: readonly Column<R>[],
  rowOf: (item: T) => R,
  query: ViewQuery,
  opts: SliceOptions,
): Promise<Int32Array> {
  const { pause, signal, sliceMs = 8, onProgress } = opts;
  const now = opts.now ?? (() => performance.now());
  const total = rows.length;
  if (isEmptyQuery(query)) return identity(total);

  const tests = columns.flatMap((col) => {
    const test = compileFilter(query.filters[col.id] ?? '', !!col.numeric);
    return test ? [{ col, test }] : [];
  });
  const searchTest = compileFilter(query.search, false);
  const sortCol = query.sort && columns.find((c) => c.id === query.sort!.column);
  let idx = new Int32Array(total);
  // Sort keys beside the kept rows, read while the row is at hand.
  let keys: CellValue[] = [];
  let n = 0;
  let i = 0;
  while (i < total) {
    throwIfAborted(signal);
    const start = now();
    do {
      const row = rowOf(rows[i]!);
      let ok = true;
      for (const { col, test } of tests) {
        if (!test(col.value(row))) {
          ok = false;
          break;
        }
      }
      if (ok && searchTest) ok = columns.some((c) => searchTest(c.value(row)));
      if (ok) {
        if (sortCol) keys[n] = sortCol.value(row);
        idx[n++] = i;
      }
      i++;
    } while (i < total && (i & 255 || now() - start < sliceMs));
    onProgress?.(i, total);
    if (i < total) await pause();
  }
  idx = idx.slice(0, n);
  if (!sortCol) return idx;
  keys = keys.slice(0, n);
  const dir = query.sort!.descending ? -1 : 1;
  return sortSliced(idx, keys, dir, { pause, signal, sliceMs, now });
}

/**
 * A stable bottom-up merge sort of `idx` by `keys` (same positions), pausing between slices: one Array.sort over
 * a million text keys takes longer than the page may wait.
 */
async function sortSliced(
  idx: Int32Array,
  keys: CellValue[],
  dir: 1 | -1,
  opts: { pause: () => Promise<void>; signal?: AbortSignal; sliceMs: number; now: () => number },
): Promise<Int32Array> {
  const n = idx.length;
  // Work on positions into `keys`; ties keep the input order (position order).
  let src: Int32Array = identity(n);
  let dst: Int32Array = new Int32Array(n);
  const cmp = (a: number, b: number) => compareCells(keys[a], keys[b]) * dir || a - b;
  let start = opts.now();
  const tick = async () => {
    if (opts.now() - start < opts.sliceMs) return;
    throwIfAborted(opts.signal);
    await opts.pause();
    start = opts.now();
  };
  const RUN = 512;
  for (let lo = 0; lo < n; lo += RUN) {
    const run = src.subarray(lo, Math.min(n, lo + RUN));
    run.sort(cmp);
    await tick();
  }
  for (let width = RUN; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(n, lo + width);
      const hi = Math.min(n, lo + 2 * width);
      let a = lo;
      let b = mid;
      let k = lo;
      while (k < hi) {
        dst[k++] = b >= hi || (a < mid && cmp(src[a]!, src[b]!) <= 0) ? src[a++]! : src[b++]!;
        if ((k & 1023) === 0) await tick();
      }
    }
    [src, dst] = [dst, src];
    await tick();
  }
  const out = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    out[k] = idx[src[k]!]!;
    if ((k & 65535) === 0) await tick();
  }
  return out;
}

/** 0, 1, 2, …: a plain loop, since Int32Array.from with a map function is slow enough to be felt at a million. */
function identity(n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}
