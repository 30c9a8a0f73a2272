import { readFile, readdir, stat } from 'node:fs';
import { join } from 'node:path';
import type { CliIo } from './io.ts';

/** The real process: Node's fs with callbacks (a whole-file read is one job on the thread pool). */
export function nodeIo(): CliIo {
  return {
    stdout: (t) => process.stdout.write(t),
    drained: () => new Promise((resolve) => process.stdout.once('drain', () => resolve())),
    stderr: (t) => void process.stderr.write(t),
    stdin: () => process.stdin,
    stat: (p) =>
      new Promise((resolve, reject) =>
        stat(p, (e, s) =>
          e
            ? reject(e)
            : resolve({ kind: s.isFile() ? 'file' : s.isDirectory() ? 'dir' : 'other', size: s.size }),
        ),
      ),
    readdir: (p) =>
      new Promise((resolve, reject) => readdir(p, (e, names) => (e ? reject(e) : resolve(names)))),
    readFile: (p) => new Promise((resolve, reject) => readFile(p, (e, b) => (e ? reject(e) : resolve(b)))),
    join,
  };
}
