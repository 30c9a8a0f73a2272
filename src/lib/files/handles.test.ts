import { describe, expect, it } from 'vitest';
import { fileAtPath, listHandles, type DirectoryHandleLike, type FileHandleLike } from './handles.ts';

// Stand-ins for the browser's FileSystemFileHandle / FileSystemDirectoryHandle: entries come in no set order.
const file = (name: string, body = name): FileHandleLike => ({
  kind: 'file',
  name,
  getFile: () => Promise.resolve(new Blob([body])),
});
const dir = (name: string, children: (FileHandleLike | DirectoryHandleLike)[]): DirectoryHandleLike => ({
  kind: 'directory',
  name,
  async *values() {
    yield* children;
  },
});

describe('listHandles', () => {
  it('names files as a dropped folder does, walks subfolders, each folder in name order', async () => {
    const tree = dir('reports', [
      file('b.xml'),
      dir('2026', [file('z.zip'), file('a.xml.gz')]),
      file('a.xml'),
    ]);
    const listed = await listHandles([tree, file('loose.eml')]);
    expect(listed.map((l) => l.path)).toEqual([
      'reports/2026/a.xml.gz',
      'reports/2026/z.zip',
      'reports/a.xml',
      'reports/b.xml',
      'loose.eml',
    ]);
    expect(await listed[0]!.handle.getFile().then((b) => b.text())).toBe('a.xml.gz');
  });

  it('lists a path given twice once, as the later handle has it', async () => {
    const listed = await listHandles([dir('r', [file('a.xml', 'old')]), dir('r', [file('a.xml', 'new')])]);
    expect(listed.map((l) => l.path)).toEqual(['r/a.xml']);
    expect(await listed[0]!.handle.getFile().then((b) => b.text())).toBe('new');
  });

  it('an empty folder lists nothing', async () => {
    expect(await listHandles([dir('empty', [])])).toEqual([]);
  });
});

describe('fileAtPath', () => {
  const handles = [dir('reports', [dir('2026', [file('a.xml', 'deep')])]), file('loose.eml', 'top')];
  it('finds a file by the path listHandles gave it', async () => {
    expect(await (await fileAtPath(handles, 'reports/2026/a.xml'))?.text()).toBe('deep');
    expect(await (await fileAtPath(handles, 'loose.eml'))?.text()).toBe('top');
  });
  it('answers undefined for a path that is not there', async () => {
    expect(await fileAtPath(handles, 'reports/2025/a.xml')).toBeUndefined();
    expect(await fileAtPath(handles, 'reports/2026')).toBeUndefined();
    expect(await fileAtPath(handles, 'other/a.xml')).toBeUndefined();
  });
});

describe('a folder that cannot be listed', () => {
  it('becomes one entry whose file cannot be had, and the rest is still listed', async () => {
    const broken: DirectoryHandleLike = {
      kind: 'directory',
      name: 'gone',
      // eslint-disable-next-line require-yield
      async *values() {
        throw new DOMException('A requested file or directory could not be found.', 'NotFoundError');
      },
    };
    const listed = await listHandles([dir('r', [broken, file('a.xml')])]);
    expect(listed.map((l) => l.path)).toEqual(['r/a.xml', 'r/gone']);
    await expect(listed[1]!.handle.getFile()).rejects.toThrow('could not be found');
  });
});
