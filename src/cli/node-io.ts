import { readFile, readFileSync, readdirSync, statSync } from 'node:fs';
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

/**
 * The real process: Node's fs. Folder entries and file sizes are looked up synchronously (a few microseconds each
 * from the cache, where a trip through the thread pool costs more than the call); a whole-file read is one job on
 * the thread pool, or done now for a small file (`readFileNow`).
 */
/** Node's zlib: archives open several times faster than with fflate, behind the same checks (lib/files/unpack). */
export const nodeCodecs: NativeCodecs = {
  inflateRaw: (data, maxOutput) => {
    const b = inflateRawSync(data, { maxOutputLength: maxOutput, chunkSize: Math.max(64, maxOutput) });
    return new Uint8Array(b.buffer, b.byteOffset, b.length);
  },
  crc32: (bytes, crc) => crc32(bytes, crc),
};

export function nodeIo(): CliIo {
  useNativeCodecs(nodeCodecs);
  return {
    stdout: (t) => process.stdout.write(t),
    drained: () => new Promise((resolve) => process.stdout.once('drain', () => resolve())),
    stderr: (t) => void process.stderr.write(t),
    stdin: () => process.stdin,
    stat: (p) =>
      settled(() => {
        const s = statSync(p);
        return { kind: s.isFile() ? 'file' : s.isDirectory() ? 'dir' : 'other', size: s.size };
      }),
    readdir: (p) => settled(() => readdirSync(p)),
    readFile: (p) => new Promise((resolve, reject) => readFile(p, (e, b) => (e ? reject(e) : resolve(b)))),
    readFileNow: (p) => readFileSync(p),
    join,
  };
}
