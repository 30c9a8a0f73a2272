import type { LazyFile } from './core.ts';

export interface FileFeedOptions {
  /** Groups read ahead of the one the core is on. */
  ahead?: number;
}

interface Group {
  start: number;
  end: number;
  blob: Blob;
  read: Promise<ArrayBuffer | undefined> | undefined;
  /** Resolves once the group is being read (or the feed is closed). */
  started: Promise<void>;
  markStarted: () => void;
}

/**
 * The files of one drop as the core reads them (in order, one after the other) while they are still arriving from
 * the page, with the bytes fetched ahead of the core. In a browser every Blob read is a round trip to the process
 * that holds the data: a few thousand small reports read one by one spend more time waiting than parsing. So the
 * page sends consecutive files as one Blob ({@link addGroup}: one round trip for up to a hundred of them; building
 * it costs its maker tens of microseconds a part, time better spent in the page than in the worker that parses),
 * read here a few groups ahead, and the next file is usually in memory when the core asks for it. A group that
 * cannot be read (a file removed since the drop) is read again file by file, so that only that file fails.
 */
export class FileFeed {
  readonly files: LazyFile[];
  readonly #size: Float64Array;
  #arrived = 0;
  #waiting: { index: number; wake: () => void; fail: (e: unknown) => void }[] = [];
  #closed: unknown;
  readonly #failed = new Map<number, unknown>();
  readonly #groups: Group[] = [];
  readonly #groupOf: Int32Array;
  readonly #offset: Float64Array;
  readonly #ahead: number;

  constructor(names: readonly string[], opts: FileFeedOptions = {}) {
    this.#ahead = opts.ahead ?? 2;
    this.#size = new Float64Array(names.length);
    this.#groupOf = new Int32Array(names.length).fill(-1);
    this.#offset = new Float64Array(names.length);
    this.files = names.map((name, i) => ({ name, read: () => this.#read(i) }));
  }

  /**
   * The files from `start` on as one Blob made by the page (`sizes`: each file's, in order; `failures`: files the
   * page could not open, empty in the group, as index in the group and reason). Groups come in order.
   */
  addGroup(
    start: number,
    group: Blob,
    sizes: readonly number[],
    failures: readonly (readonly [number, string])[] = [],
  ): void {
    for (const [k, reason] of failures) this.#failed.set(start + k, new Error(reason));
    const end = Math.min(start + sizes.length, this.#size.length);
    let offset = 0;
    for (let i = start; i < end; i++) {
      this.#groupOf[i] = this.#groups.length;
      this.#offset[i] = offset;
      this.#size[i] = sizes[i - start]!;
      offset += sizes[i - start]!;
    }
    let markStarted!: () => void;
    const started = new Promise<void>((resolve) => (markStarted = resolve));
    this.#groups.push({ start, end, blob: group, read: undefined, started, markStarted });
    while (this.#arrived < this.#size.length && this.#groupOf[this.#arrived] !== -1) this.#arrived++;
    this.#waiting = this.#waiting.filter((w) => {
      if (w.index >= this.#arrived) return true;
      w.wake();
      return false;
    });
  }

  /** Resolves once the group holding file `index` is being read, or the feed is closed. */
  reading(index: number): Promise<void> {
    const g = this.#groups[this.#groupOf[index]!];
    return this.#closed !== undefined || !g ? Promise.resolve() : g.started;
  }

  /** No more files will come (the run was cancelled or superseded): a read still waiting fails with `reason`. */
  close(reason: unknown): void {
    this.#closed = reason;
    for (const g of this.#groups) g.markStarted();
    for (const w of this.#waiting) w.fail(reason);
    this.#waiting = [];
  }

  get arrived(): number {
    return this.#arrived;
  }

  #until(index: number): Promise<void> | undefined {
    if (index < this.#arrived) return undefined;
    if (this.#closed !== undefined) return Promise.reject(this.#closed);
    return new Promise((wake, fail) => this.#waiting.push({ index, wake, fail }));
  }

  /** Starts reading a group; a failed read is answered file by file in #read, never as an unhandled rejection. */
  #fetch(g: Group): Promise<ArrayBuffer | undefined> {
    g.markStarted();
    return (g.read ??= g.blob.arrayBuffer().catch(() => undefined));
  }

  async #read(i: number): Promise<Uint8Array> {
    await this.#until(i);
    const k = this.#groupOf[i]!;
    // Read ahead from what has arrived, never waiting for more.
    for (let j = k + 1; j <= k + this.#ahead && j < this.#groups.length; j++)
      void this.#fetch(this.#groups[j]!);
    const group = this.#groups[k]!;
    const buffer = await this.#fetch(group);
    const size = this.#size[i]!;
    // The core holds a file's bytes only while it reads them: once it has the group's last, the group goes.
    if (i === group.end - 1) group.read = undefined;
    if (this.#failed.has(i)) throw this.#failed.get(i);
    if (buffer) return new Uint8Array(buffer, this.#offset[i], size);
    return new Uint8Array(await group.blob.slice(this.#offset[i], this.#offset[i]! + size).arrayBuffer());
  }
}
