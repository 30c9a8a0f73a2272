import type { FileHandleLike } from '../../lib/files/handles.ts';
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
  end: number;
  read: Promise<ArrayBuffer | undefined> | undefined;
}

/**
 * The files of one drop as the core reads them (in order, one after the other) while their handles are still
 * arriving from the page, with the bytes fetched ahead of the core. In a browser every Blob read is a round trip
 * to the process that holds the data: a few thousand small reports read one by one spend more time waiting than
 * parsing. So consecutive files that have arrived are read as one Blob (one round trip for up to `groupFiles` of
 * them), a few groups ahead, and the next file is usually in memory when the core asks for it. A group that cannot
 * be read (a file removed since the drop) is read again file by file, so that only that file fails.
 */
export class FileFeed {
  readonly files: LazyFile[];
  readonly #blobs: (Blob | undefined)[];
  #arrived = 0;
  #waiting: { index: number; wake: () => void; fail: (e: unknown) => void }[] = [];
  #closed: unknown;
  readonly #failed = new Map<number, unknown>();
  readonly #groups: (Group | undefined)[] = [];
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
    this.#groupOf = new Int32Array(names.length).fill(-1);
    this.#offset = new Float64Array(names.length);
    this.files = names.map((name, i) => ({ name, read: () => this.#read(i) }));
  }

  /** Handles for the files from `start` on, as the page sends them (in order). */
  add(start: number, blobs: readonly Blob[]): void {
    for (let k = 0; k < blobs.length && start + k < this.#blobs.length; k++)
      this.#blobs[start + k] = blobs[k];
    while (this.#arrived < this.#blobs.length && this.#blobs[this.#arrived]) this.#arrived++;
    this.#waiting = this.#waiting.filter((w) => {
      if (w.index >= this.#arrived) return true;
      w.wake();
      return false;
    });
  }

  /** The file at `index` cannot be had (its handle could not be opened): reading it fails with `reason`. */
  fail(index: number, reason: unknown): void {
    this.#failed.set(index, reason);
    this.add(index, [new Blob()]);
  }

  get isClosed(): boolean {
    return this.#closed !== undefined;
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

  #until(index: number): Promise<void> | undefined {
    if (index < this.#arrived) return undefined;
    if (this.#closed !== undefined) return Promise.reject(this.#closed);
    return new Promise((wake, fail) => this.#waiting.push({ index, wake, fail }));
  }

  /** Groups the next arrived files (at least one) and starts reading them as one Blob. */
  #form(): void {
    const start = this.#formed;
    let end = start;
    let bytes = 0;
    while (end < this.#arrived && end - start < this.#groupFiles) {
      const size = this.#blobs[end]!.size;
      if (end > start && bytes + size > this.#groupBytes) break;
      this.#groupOf[end] = this.#groups.length;
      this.#offset[end] = bytes;
      bytes += size;
      end++;
    }
    this.#formed = end;
    const members = this.#blobs.slice(start, end) as Blob[];
    // A failed group read is answered file by file in #read, never as an unhandled rejection.
    this.#groups.push({ end, read: new Blob(members).arrayBuffer().catch(() => undefined) });
  }

  async #read(i: number): Promise<Uint8Array> {
    await this.#until(i);
    if (this.#groupOf[i] === -1) this.#form();
    const k = this.#groupOf[i]!;
    // Read ahead from what has arrived, never waiting for more.
    while (this.#groups.length <= k + this.#ahead && this.#formed < this.#arrived) this.#form();
    const group = this.#groups[k]!;
    const buffer = await group.read;
    const blob = this.#blobs[i]!;
    // The core holds a file's bytes only while it reads them: once it has the group's last, the group goes.
    if (i === group.end - 1) group.read = undefined;
    this.#blobs[i] = undefined;
    if (this.#failed.has(i)) throw this.#failed.get(i);
    if (!buffer) return new Uint8Array(await blob.arrayBuffer());
    return new Uint8Array(buffer, this.#offset[i], blob.size);
  }
}

/**
 * Opens the handles of files listed in a worker (`getFile()`, one round trip each, so many at once) and gives each
 * file to the feed at its place from `start` on, so the core reads the first ones while later ones still open.
 */
export async function feedHandles(
  feed: FileFeed,
  start: number,
  handles: readonly FileHandleLike[],
  inFlight = 64,
): Promise<void> {
  let next = 0;
  const open = async () => {
    while (next < handles.length && !feed.isClosed) {
      const i = next++;
      try {
        feed.add(start + i, [await handles[i]!.getFile()]);
      } catch (e) {
        feed.fail(start + i, e);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, handles.length) }, open));
}
