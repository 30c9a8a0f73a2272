/** The process as the CLI layer sees it: streams and the file system, so tests can run it in memory. */
export interface CliIo {
  /** False when the stream is full: wait for `drained` before writing much more. */
  stdout: (text: string) => boolean | void;
  drained?: () => Promise<void>;
  stderr: (text: string) => void;
  /** Stdin as byte chunks, read as they arrive. */
  stdin: () => AsyncIterable<Uint8Array>;
  /** Rejects with a Node-style error (`code` ENOENT, EACCES…) when the path cannot be used. */
  stat: (path: string) => Promise<{ kind: 'file' | 'dir' | 'other'; size: number }>;
  /** Entry names of a folder, unsorted. */
  readdir: (path: string) => Promise<string[]>;
  readFile: (path: string) => Promise<Uint8Array>;
  /**
   * The same read, done now on this thread: cheaper than a trip through a thread pool for a small file, which is
   * what a folder of reports mostly holds. Throws like `readFile` rejects.
   */
  readFileNow?: (path: string) => Uint8Array;
  /** Joins a folder path and an entry name. */
  join: (dir: string, name: string) => string;
}
