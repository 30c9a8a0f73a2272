import type { CliIo } from './io.ts';
import { main } from './main.ts';

export interface MemoryRun {
  code: number;
  out: string;
  err: string;
}

type Disk = Record<string, Uint8Array | string>;

function fsError(code: string, path: string): Error {
  return Object.assign(new Error(`${code}: ${path}`), { code, path });
}

/**
 * The CLI's world in memory, for tests: files by path (a folder is every key below `<path>/`), stdin as text or
 * bytes (delivered in chunks of `chunk` bytes, as a pipe would), stdout and stderr collected.
 */
export function memoryIo(disk: Disk = {}, stdin: string | Uint8Array = '', chunk = 65536) {
  let out = '';
  let err = '';
  const bytes = (v: Uint8Array | string) => (typeof v === 'string' ? new TextEncoder().encode(v) : v);
  const children = (p: string) => {
    const names = new Set<string>();
    for (const k of Object.keys(disk))
      if (k.startsWith(`${p}/`)) names.add(k.slice(p.length + 1).split('/')[0]!);
    return [...names];
  };
  const io: CliIo = {
    stdout: (t) => void (out += t),
    stderr: (t) => void (err += t),
    stdin: async function* () {
      const all = bytes(stdin);
      for (let i = 0; i < all.length; i += chunk) yield all.subarray(i, i + chunk);
    },
    stat: async (p) => {
      const v = disk[p];
      if (v !== undefined) return { kind: 'file', size: bytes(v).length };
      if (children(p).length) return { kind: 'dir', size: 0 };
      throw fsError('ENOENT', p);
    },
    readdir: async (p) => children(p),
    readFile: async (p) => {
      const v = disk[p];
      if (v === undefined) throw fsError('ENOENT', p);
      return bytes(v);
    },
    join: (dir, name) => `${dir}/${name}`,
  };
  return { io, out: () => out, err: () => err };
}

/** Runs `hybrid-toolbox <argv…>` in memory. */
export async function runCli(
  argv: string[],
  disk: Disk = {},
  stdin: string | Uint8Array = '',
  chunk?: number,
): Promise<MemoryRun> {
  const m = memoryIo(disk, stdin, chunk);
  const code = await main(argv, m.io);
  return { code, out: m.out(), err: m.err() };
}
