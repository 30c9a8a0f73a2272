/** A file the user gave us, with the path inside a dropped folder (`reports/2026/a.xml.gz`). */
export interface DroppedFile {
  path: string;
  file: File;
}

function readEntries(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  return new Promise((resolve, reject) => reader.readEntries(resolve, reject));
}

async function walk(entry: FileSystemEntry, out: DroppedFile[]): Promise<void> {
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) =>
      (entry as FileSystemFileEntry).file(resolve, reject),
    );
    out.push({ path: entry.fullPath.replace(/^\//, ''), file });
  } else if (entry.isDirectory) {
    const reader = (entry as FileSystemDirectoryEntry).createReader();
    // readEntries returns at most ~100 entries per call: keep asking until it returns none.
    for (;;) {
      const batch = await readEntries(reader);
      if (!batch.length) break;
      for (const child of batch) await walk(child, out);
    }
  }
}

/** Files from a drop, folders walked recursively; falls back to the flat file list where entries are missing. */
export async function filesFromDataTransfer(dt: DataTransfer): Promise<DroppedFile[]> {
  return (await readDrop(dt, false)).files ?? [];
}

/** What a drop gave: File System Access handles (when asked for and the browser has them), else files. */
export type Dropped =
  { handles: FileSystemHandle[]; files?: undefined } | { files: DroppedFile[]; handles?: undefined };

interface HandleItem {
  getAsFileSystemHandle?: () => Promise<FileSystemHandle | null>;
}

/**
 * A drop's files or, with `wantHandles`, its handles where the browser gives them (Chromium): a worker can then list
 * and read a dropped folder itself. Everything is taken from the DataTransfer before the first await, since the
 * browser empties it when the drop event ends.
 */
export async function readDrop(dt: DataTransfer, wantHandles: boolean): Promise<Dropped> {
  const items = Array.from(dt.items ?? []).filter((i) => i.kind === 'file');
  const pending = wantHandles ? items.map((i) => (i as HandleItem).getAsFileSystemHandle?.()) : [];
  const entries = items.map((i) => i.webkitGetAsEntry?.()).filter((e): e is FileSystemEntry => !!e);
  const flat = entries.length ? [] : filesFromList(dt.files);
  if (pending.length && pending.every(Boolean)) {
    const handles = await Promise.all(pending).catch(() => []);
    // Files made by a script (not from disk) have no handle: then every item goes the files' way.
    if (handles.length === items.length && handles.every(Boolean))
      return { handles: handles as FileSystemHandle[] };
  }
  if (!entries.length) return { files: flat };
  const out: DroppedFile[] = [];
  for (const e of entries) await walk(e, out);
  return { files: out };
}

interface PickerWindow {
  showOpenFilePicker?: (options?: { multiple?: boolean }) => Promise<FileSystemFileHandle[]>;
  showDirectoryPicker?: (options?: { mode?: 'read' }) => Promise<FileSystemDirectoryHandle>;
}

/** The browser can pick files and folders as handles (File System Access API; Chromium-based browsers). */
export function canPickHandles(): boolean {
  const w = globalThis as PickerWindow;
  return typeof w.showOpenFilePicker === 'function' && typeof w.showDirectoryPicker === 'function';
}

/** Asks the user for files or one folder as handles; an empty list when they close the dialog. */
export async function pickHandles(what: 'files' | 'folder', multiple = true): Promise<FileSystemHandle[]> {
  const w = globalThis as PickerWindow;
  try {
    if (what === 'folder') return [await w.showDirectoryPicker!({ mode: 'read' })];
    return await w.showOpenFilePicker!({ multiple });
  } catch (e) {
    if ((e as Error).name === 'AbortError') return [];
    throw e;
  }
}

export function filesFromList(list: FileList | null | undefined): DroppedFile[] {
  return Array.from(list ?? [], (file) => ({ path: file.webkitRelativePath || file.name, file }));
}

export async function readBytes(f: DroppedFile): Promise<{ name: string; bytes: Uint8Array }> {
  return { name: f.path, bytes: new Uint8Array(await f.file.arrayBuffer()) };
}
