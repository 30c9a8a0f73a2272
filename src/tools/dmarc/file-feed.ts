import type { LazyFile } from './core.ts';

export interface FileFeedOptions {
  /** A group is closed once it holds this many bytes… */
  groupBytes?: number;
  /** …or this many files. */
  groupFiles?: number;
  /** Groups read ahead of the one the core is on. */
  ahead?: number;
}

interface Group {
  start: number;
  end: number;
  blob: Blob;
  read: Promise<ArrayBuffer | undefined> | undefined;
}

/**
 * The files of one drop as the core reads them (in order, one after the other) while their handles are still
 * arriving from the page, with the bytes fetched ahead of the core. In a browser every Blob read is a round trip
 * to the process that holds the data: a few thousand small reports read one by one spend more time waiting than
 * parsing. So consecutive files are read as one Blob (one round trip for up to `groupFiles` of them), a few groups
 * ahead, and the next file is usually in memory when the core asks for it. The page may send such groups ready
 * made ({@link addGroup}: building a Blob of thousands of parts costs its maker tens of microseconds a part, time
 * better spent in the page than in the worker that parses); files that arrive one by one are grouped here. A
 * group that cannot be read (a file removed since the drop) is read again file by file, so that only that file
 * fails.
 */
export class FileFeed {
  readonly files: LazyFile[];
  /** Files that arrived one by one, until grouped and read; a group's members are marked by `GROUPED`. */
  readonly #blobs: (Blob | typeof GROUPED | undefined)[];
  readonly #size: Float64Array;
  #arrived = 0;
  #waiting: { index: number; wake: () => void; fail: (e: unknown) => void }[] = [];
  #closed: unknown;
  readonly #failed = new Map<number, unknown>();
  readonly #groups: Group[] = [];
  readonly #groupOf: Int32Array;
  readonly #offset: Float64Array;
  #formed = 0;
  readonly #groupBytes: number;
  readonly #groupFiles: number;
  readonly #ahead: number;

  constructor(names: readonly string[], opts: FileFeedOptions = {}) {
    this.#groupBytes = opts.groupBytes ?? 4 * 2 ** 20;
    this.#groupFiles = opts.groupFiles ?? 128;
    this.#ahead = opts.ahead ?? 2;
    this.#blobs = new Array<Blob | undefined>(names.length);
    this.#size = new Float64Array(names.length);
    this.#groupOf = new Int32Array(names.length).fill(-1);
    this.#offset = new Float64Array(names.length);
    this.files = names.map((name, i) => ({ name, read: () => this.#read(i) }));
  }

  /** Handles for the files from `start` on, as the page sends them (in order). */
  add(start: number, blobs: readonly Blob[]): void {
    for (let k = 0; k < blobs.length && start + k < this.#blobs.length; k++) {
      this.#blobs[start + k] = blobs[k];
      this.#size[start + k] = blobs[k]!.size;
    }
    this.#arrive();
  }

  /**
   * The files from `start` on as one Blob made by the page (`sizes`: each file's, in order; `failures`: files the
   * page could not open, empty in the group, as index in the group and reason). Groups come in order, before any
   * file after them is added one by one.
   */
  addGroup(
    start: number,
    group: Blob,
    sizes: readonly number[],
    failures: readonly (readonly [number, string])[] = [],
  ): void {
    for (const [k, reason] of failures) this.#failed.set(start + k, new Error(reason));
    const end = Math.min(start + sizes.length, this.#blobs.length);
    let offset = 0;
    for (let i = start; i < end; i++) {
      this.#groupOf[i] = this.#groups.length;
      this.#offset[i] = offset;
      this.#size[i] = sizes[i - start]!;
      this.#blobs[i] = GROUPED;
      offset += sizes[i - start]!;
    }
    this.#groups.push({ start, end, blob: group, read: undefined });
    if (this.#formed === start) this.#formed = end;
    this.#arrive();
  }

  /** No more handles will come (the run was cancelled or superseded): a read still waiting fails with `reason`. */
  close(reason: unknown): void {
    this.#closed = reason;
    for (const w of this.#waiting) w.fail(reason);
    this.#waiting = [];
  }

  get arrived(): number {
    return this.#arrived;
  }

  #arrive(): void {
    while (this.#arrived < this.#blobs.length && this.#blobs[this.#arrived]) this.#arrived++;
    this.#waiting = this.#waiting.filter((w) => {
      if (w.index >= this.#arrived) return true;
      w.wake();
      return false;
    });
  }

  #until(index: number): Promise<void> | undefined {
    if (index < this.#arrived) return undefined;
    if (this.#closed !== undefined) return Promise.reject(this.#closed);
    return new Promise((wake, fail) => this.#waiting.push({ index, wake, fail }));
  }

  /** Groups the next files that arrived one by one (at least one) into one Blob. */
  #form(): void {
    // Past the groups the page made.
    while (this.#formed < this.#arrived && this.#groupOf[this.#formed] !== -1)
      this.#formed = this.#groups[this.#groupOf[this.#formed]!]!.end;
    if (this.#formed >= this.#arrived) return;
    const start = this.#formed;
    let end = start;
    let bytes = 0;
    while (end < this.#arrived && end - start < this.#groupFiles && this.#groupOf[end] === -1) {
      const size = this.#size[end]!;
      if (end > start && bytes + size > this.#groupBytes) break;
      this.#groupOf[end] = this.#groups.length;
      this.#offset[end] = bytes;
      bytes += size;
      end++;
    }
    this.#formed = end;
    const members = this.#blobs.slice(start, end) as Blob[];
    this.#groups.push({ start, end, blob: new Blob(members), read: undefined });
  }

  /** Starts reading a group; a failed read is answered file by file in #read, never as an unhandled rejection. */
  #fetch(g: Group): Promise<ArrayBuffer | undefined> {
    return (g.read ??= g.blob.arrayBuffer().catch(() => undefined));
  }

  async #read(i: number): Promise<Uint8Array> {
    await this.#until(i);
    if (this.#groupOf[i] === -1) this.#form();
    const k = this.#groupOf[i]!;
    // Read ahead from what has arrived, never waiting for more.
    while (this.#groups.length <= k + this.#ahead && this.#formed < this.#arrived) this.#form();
    for (let j = k + 1; j <= k + this.#ahead && j < this.#groups.length; j++)
      void this.#fetch(this.#groups[j]!);
    const group = this.#groups[k]!;
    const buffer = await this.#fetch(group);
    const own = this.#blobs[i];
    const size = this.#size[i]!;
    // The core holds a file's bytes only while it reads them: once it has the group's last, the group goes.
    if (i === group.end - 1) group.read = undefined;
    this.#blobs[i] = undefined;
    if (this.#failed.has(i)) throw this.#failed.get(i);
    if (buffer) return new Uint8Array(buffer, this.#offset[i], size);
    const single = own instanceof Blob ? own : group.blob.slice(this.#offset[i], this.#offset[i]! + size);
    return new Uint8Array(await single.arrayBuffer());
  }
}

/** Marks a file that arrived inside a group the page made. */
const GROUPED = 1;
