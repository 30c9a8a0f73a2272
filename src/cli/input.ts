import type { CliIo } from './io.ts';
import type { InputPath, LazyInput, NamedInput } from './spec.ts';
import { compareBytes } from '../lib/text/compare-bytes.ts';

/** A path that cannot be used (missing, unreadable, not a file or folder): exit 2. */
export class PathError extends Error {
  override name = 'PathError';
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(reason);
  }
}

export const STDIN_NAME = '<stdin>';

function reason(e: unknown): string {
  const code = (e as { code?: string }).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return 'no such file or folder';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return e instanceof Error ? e.message : String(e);
}

/** Files as given, folders walked recursively with entries in byte order, `-` as stdin. */
export async function expandPaths(io: CliIo, paths: readonly string[]): Promise<InputPath[]> {
  const out: InputPath[] = [];
  const walk = async (path: string, top: boolean): Promise<void> => {
    let s: { kind: 'file' | 'dir' | 'other'; size: number };
    try {
      s = await io.stat(path);
    } catch (e) {
      throw new PathError(path, reason(e));
    }
    if (s.kind === 'file') out.push({ name: path, size: s.size });
    else if (s.kind === 'dir') {
      let names: string[];
      try {
        names = await io.readdir(path);
      } catch (e) {
        throw new PathError(path, reason(e));
      }
      for (const name of names.sort(compareBytes)) await walk(io.join(path, name), false);
    } else if (top) throw new PathError(path, 'not a file or folder');
  };
  for (const p of paths) {
    if (p === '-') out.push({ name: STDIN_NAME, size: 0, stdin: true });
    else await walk(p, true);
  }
  return out;
}

async function readStdin(io: CliIo): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let n = 0;
  for await (const c of io.stdin()) {
    chunks.push(c);
    n += c.length;
  }
  const all = new Uint8Array(n);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  return all;
}

async function readOne(io: CliIo, f: InputPath): Promise<Uint8Array> {
  if (f.stdin) return readStdin(io);
  try {
    return await io.readFile(f.name);
  } catch (e) {
    throw new PathError(f.name, reason(e));
  }
}

/** Every file read, up to `concurrency` at a time, in the order given. */
export async function readAll(
  io: CliIo,
  files: readonly InputPath[],
  concurrency = 4,
): Promise<NamedInput[]> {
  const out: NamedInput[] = new Array(files.length);
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const i = next++;
      out[i] = { name: files[i]!.name, bytes: await readOne(io, files[i]!) };
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, files.length) }, worker));
  return out;
}

/** At or below this size a file is read when asked for, on the asking thread, where the I/O layer allows. */
export const READ_NOW_MAX_BYTES = 2 ** 20;

/**
 * Files read ahead of the consumer: when file i is asked for, files up to i + `ahead` are already being read,
 * as long as they add up to at most `maxBytes` beyond the one asked for. Each buffer is let go once handed over,
 * so memory holds at most the window. Small files are read when asked for instead, where the I/O layer can do that
 * at once (`readFileNow`): from the cache that takes microseconds, less than handing the read to another thread
 * and back, and the other core is busy parsing.
 */
export function lazyInputs(
  io: CliIo,
  files: readonly InputPath[],
  { ahead = 32, maxBytes = 32 * 2 ** 20, readNowMax = READ_NOW_MAX_BYTES } = {},
): LazyInput[] {
  const pending: (Promise<Uint8Array> | undefined)[] = new Array(files.length);
  const readNow = io.readFileNow;
  const isNow = (f: InputPath) => !!readNow && !f.stdin && f.size <= readNowMax;
  let started = 0;
  const start = (i: number) => {
    const p = readOne(io, files[i]!);
    // Handled when asked for; an early failure must not be an unhandled rejection meanwhile.
    p.catch(() => {});
    pending[i] = p;
  };
  const fill = (from: number) => {
    let bytes = 0;
    for (let j = from; j < files.length && j <= from + ahead; j++) {
      const f = files[j]!;
      if (isNow(f)) continue;
      bytes += f.size;
      if (j > from && bytes > maxBytes) break;
      if (j >= started) {
        start(j);
        started = j + 1;
      }
    }
  };
  return files.map((f, i) => ({
    name: f.name,
    read: () => {
      if (isNow(f)) {
        // Keep the larger files after this one on their way.
        fill(i + 1);
        try {
          return Promise.resolve(readNow!(f.name));
        } catch (e) {
          return Promise.reject(new PathError(f.name, reason(e)));
        }
      }
      if (i >= started || !pending[i]) {
        if (i >= started) fill(i);
        else start(i);
      } else fill(i);
      const p = pending[i]!;
      pending[i] = undefined;
      return p;
    },
  }));
}

/** Stdin split into lines as it arrives (`\r\n`, `\n` or `\r`), decoded as UTF-8 with a BOM dropped. */
export async function* stdinLines(io: CliIo): AsyncIterable<string> {
  const decoder = new TextDecoder('utf-8', { ignoreBOM: false });
  let rest = '';
  let pendingCr = false;
  for await (const chunk of io.stdin()) {
    let text = rest + decoder.decode(chunk, { stream: true });
    if (pendingCr && text.startsWith('\n')) text = text.slice(1);
    pendingCr = false;
    let from = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      yield text.slice(from, i);
      if (c === 13) {
        if (i + 1 === text.length) pendingCr = true;
        else if (text.charCodeAt(i + 1) === 10) i++;
      }
      from = i + 1;
    }
    rest = text.slice(from);
  }
  rest += decoder.decode();
  if (pendingCr && rest.startsWith('\n')) rest = rest.slice(1);
  if (rest) yield rest;
}
