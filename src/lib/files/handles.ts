/**
 * File System Access handles as a worker walks them. A page that has the API posts the handles the user picked or
 * dropped (they are structured-cloneable), and the worker lists and reads the files itself: the page never builds a
 * FileList or posts thousands of Files. Only the parts a walk needs are typed here, so the same code runs over
 * stand-ins in tests.
 */
export interface FileHandleLike {
  readonly kind: 'file';
  readonly name: string;
  getFile(): Promise<Blob>;
}

export interface DirectoryHandleLike {
  readonly kind: 'directory';
  readonly name: string;
  values(): AsyncIterable<FileHandleLike | DirectoryHandleLike>;
}

export type HandleLike = FileHandleLike | DirectoryHandleLike;

export interface ListedFile {
  /** As a dropped folder names its files: the folder's own name first (`reports/2026/a.xml.gz`). */
  path: string;
  handle: FileHandleLike;
}

/**
 * Every file under the handles, folders walked recursively, each folder's entries in name order (the API promises
 * no order, and the same folder should read the same way twice). A path met twice is listed once, the later one.
 */
export async function listHandles(handles: readonly HandleLike[]): Promise<ListedFile[]> {
  const out = new Map<string, FileHandleLike>();
  async function walk(h: HandleLike, path: string): Promise<void> {
    if (h.kind === 'file') {
      out.delete(path);
      out.set(path, h);
      return;
    }
    const children: HandleLike[] = [];
    try {
      for await (const child of h.values()) children.push(child);
    } catch (e) {
      // A folder that cannot be listed (removed, or access withdrawn) becomes one file that cannot be read: the
      // reader reports it by name, and what was listed elsewhere is still read.
      out.set(path, { kind: 'file', name: h.name, getFile: () => Promise.reject(e) });
      return;
    }
    children.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const child of children) await walk(child, `${path}/${child.name}`);
  }
  for (const h of handles) await walk(h, h.name);
  return Array.from(out, ([path, handle]) => ({ path, handle }));
}

/** The file at `path` (as {@link listHandles} names it) under the handles, or undefined. */
export async function fileAtPath(handles: readonly HandleLike[], path: string): Promise<Blob | undefined> {
  const parts = path.split('/');
  for (const top of [...handles].reverse()) {
    if (top.name !== parts[0]) continue;
    let h: HandleLike | undefined = top;
    for (const name of parts.slice(1)) {
      if (h?.kind !== 'directory') break;
      let next: HandleLike | undefined;
      for await (const child of h.values())
        if (child.name === name) {
          next = child;
          break;
        }
      h = next;
    }
    if (h?.kind === 'file') {
      try {
        return await h.getFile();
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}
