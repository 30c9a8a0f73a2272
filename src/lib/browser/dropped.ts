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
  const entries = Array.from(dt.items ?? [])
    .filter((i) => i.kind === 'file')
    .map((i) => i.webkitGetAsEntry?.())
    .filter((e): e is FileSystemEntry => !!e);
  if (!entries.length) return filesFromList(dt.files);
  const out: DroppedFile[] = [];
  for (const e of entries) await walk(e, out);
  return out;
}

export function filesFromList(list: FileList | null | undefined): DroppedFile[] {
  return Array.from(list ?? [], (file) => ({ path: file.webkitRelativePath || file.name, file }));
}

export async function readBytes(f: DroppedFile): Promise<{ name: string; bytes: Uint8Array }> {
  return { name: f.path, bytes: new Uint8Array(await f.file.arrayBuffer()) };
}
