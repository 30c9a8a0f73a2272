import type { CliIo } from './io.ts';

export interface MemoryIo {
  io: CliIo;
  out: () => string;
  err: () => string;
}

type Disk = Record<string, Uint8Array> | ((path: string) => Uint8Array | undefined);

function enoent(path: string): Error {
  return Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), {
    code: 'ENOENT',
    path,
  });
}

/**
 * The CLI's world in memory, for tests: files by path (or a lookup), folders listed the way `nodeIo` lists them
 * (every file below, sorted), stdout and stderr collected.
 */
export function memoryIo(args: string[], disk: Disk = {}, stdin = ''): MemoryIo {
  let out = '';
  let err = '';
  const read = (p: string) => (typeof disk === 'function' ? disk(p) : disk[p]);
  return {
    io: {
      args,
      stdout: (t) => void (out += t),
      stderr: (t) => void (err += t),
      readStdin: async () => stdin,
      readFile: async (p) => {
        const bytes = read(p);
        if (!bytes) throw enoent(p);
        return bytes;
      },
      listFiles: async (p) => {
        if (read(p)) return [p];
        const below =
          typeof disk === 'function' ? [] : Object.keys(disk).filter((k) => k.startsWith(`${p}/`));
        if (!below.length) throw enoent(p);
        return below.sort();
      },
    },
    out: () => out,
    err: () => err,
  };
}
