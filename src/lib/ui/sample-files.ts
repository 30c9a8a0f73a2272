/** Files made by a tool's "Try with sample data", told from the user's own files by identity, not by name. */
const made = new WeakSet<File>();

export function asSample<T extends File>(file: T): T {
  made.add(file);
  return file;
}

export function isSampleFile(file: File | undefined): boolean {
  return !!file && made.has(file);
}
