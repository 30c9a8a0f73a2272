import { describe, expect, it } from 'vitest';
import { PathError, expandPaths, lazyInputs } from './input.ts';
import { memoryIo } from './memory-io.ts';

describe('lazyInputs with a layer that can read now', () => {
  function disk() {
    const files: Record<string, string> = {};
    for (let i = 0; i < 40; i++) files[`d/${String(i).padStart(2, '0')}`] = 'x'.repeat(i % 5 === 0 ? 100 : i);
    const m = memoryIo(files);
    const now: string[] = [];
    const later: string[] = [];
    const readFile = m.io.readFile;
    m.io.readFile = (p) => (later.push(p), readFile(p));
    m.io.readFileNow = (p) => {
      now.push(p);
      const v = files[p];
      if (v === undefined) throw Object.assign(new Error(`ENOENT: ${p}`), { code: 'ENOENT' });
      return new TextEncoder().encode(v);
    };
    return { m, now, later };
  }

  it('reads small files when asked for, larger ones ahead, every file once and in order', async () => {
    const { m, now, later } = disk();
    const files = await expandPaths(m.io, ['d']);
    const lazy = lazyInputs(m.io, files, { ahead: 8, readNowMax: 50 });
    expect(now.length + later.length).toBe(0);
    for (let i = 0; i < 40; i++) {
      const want = i % 5 === 0 ? 100 : i;
      expect((await lazy[i]!.read()).length).toBe(want);
      // Small files are never read before they are asked for.
      expect(now.length).toBe(files.slice(0, i + 1).filter((f) => f.size <= 50).length);
    }
    expect(now.length).toBe(32);
    expect(later.length).toBe(8);
    expect(new Set([...now, ...later]).size).toBe(40);
  });

  it('a small file gone since the listing fails as a path error, on its own', async () => {
    const { m } = disk();
    const files = await expandPaths(m.io, ['d']);
    const lazy = lazyInputs(m.io, [...files.slice(0, 2), { name: 'd/gone', size: 3 }, ...files.slice(2)], {
      readNowMax: 50,
    });
    await lazy[0]!.read();
    await lazy[1]!.read();
    await expect(lazy[2]!.read()).rejects.toBeInstanceOf(PathError);
    expect((await lazy[3]!.read()).length).toBe(2);
  });
});
