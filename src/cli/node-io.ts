import { close, fstat, fstatSync, open, read, readFileSync, readdirSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, inflateRawSync } from 'node:zlib';
import { useNativeCodecs, type NativeCodecs } from '../lib/files/unpack.ts';
import type { CliIo } from './io.ts';

/** A synchronous call as a settled promise: its error becomes the rejection. */
function settled<T>(f: () => T): Promise<T> {
  try {
    return Promise.resolve(f());
  } catch (e) {
    return Promise.reject(e);
  }
}

/** Node's zlib: archives open several times faster than with fflate, behind the same checks (lib/files/unpack). */
export const nodeCodecs: NativeCodecs = {
  inflateRaw: (data, maxOutput) => {
    const b = inflateRawSync(data, { maxOutputLength: maxOutput, chunkSize: Math.max(64, maxOutput) });
    return new Uint8Array(b.buffer, b.byteOffset, b.length);
  },
  crc32: (bytes, crc) => crc32(bytes, crc),
};

/**
 * A whole file in one read request. `fs.readFile` reads in 512 KB pieces, each a round trip through the thread
 * pool and back to this thread: for the 75 MB exports Sync check reads that cost ≈ 20 ms more, while this thread
 * had nothing else to do. A file that grew or shrank since `fstat` is read to its end as it is now.
 */
function readWhole(path: string): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    open(path, 'r', (e, fd) => {
      if (e) return reject(e);
      const fail = (err: Error) => close(fd, () => reject(err));
      fstat(fd, (e2, st) => {
        if (e2) return fail(e2);
        let buf = Buffer.allocUnsafe(st.size + 1);
        let at = 0;
        const next = () =>
          read(fd, buf, at, buf.length - at, null, (e3, n) => {
            if (e3) return fail(e3);
            at += n;
            if (n === 0) return close(fd, () => resolve(buf.subarray(0, at)));
            if (at === buf.length) {
              const bigger = Buffer.allocUnsafe(buf.length * 2);
              buf.copy(bigger, 0, 0, at);
              buf = bigger;
            }
            next();
          });
        next();
      });
    });
  });
}

/**
 * Stdout. Redirected to a file it is written with `writeSync`, as Node's own stream for a file does, but without
 * the stream's machinery: writing Sync check's 25 MB of JSON through `process.stdout` kept each chunk alive long
 * enough for the garbage collector to copy ≈ 15 MB twice (≈ 100 ms of collector time). Pipes and terminals keep
 * Node's stream, which waits when the reader is slow.
 */
function stdoutWriter(): (t: string) => boolean {
  let isFile = false;
  try {
    isFile = fstatSync(1).isFile();
  } catch {
    // No stdout to look at: the stream reports any problem.
  }
  return isFile ? (t) => (writeSync(1, t), true) : (t) => process.stdout.write(t);
}

/**
 * The real process: Node's fs. Folder entries and file sizes are looked up synchronously (a few microseconds each
 * from the cache, where a trip through the thread pool costs more than the call); a whole-file read is one job on
 * the thread pool, or done now for a small file (`readFileNow`).
 */
export function nodeIo(): CliIo {
  useNativeCodecs(nodeCodecs);
  return {
    stdout: stdoutWriter(),
    drained: () => new Promise((resolve) => process.stdout.once('drain', () => resolve())),
    stderr: (t) => void process.stderr.write(t),
    stdin: () => process.stdin,
    stat: (p) =>
      settled(() => {
        const s = statSync(p);
        return { kind: s.isFile() ? 'file' : s.isDirectory() ? 'dir' : 'other', size: s.size };
      }),
    readdir: (p) => settled(() => readdirSync(p)),
    readFile: readWhole,
    readFileNow: (p) => readFileSync(p),
    join,
  };
}
