/**
 * "Your input is wrong" as data. Per-file problems are returned beside partial results; only when nothing
 * is usable does a core throw, and then an InputError carrying the same Issue. Anything else thrown is a bug.
 * Post the Issue across postMessage, never the Error: class identity does not survive structured cloning.
 */
export type Severity = 'error' | 'warning' | 'info';

export interface Issue<C extends string = string> {
  /** Stable code from a tool's closed set: tests and the CLI rely on it. */
  code: C;
  severity: Severity;
  /** File name as the user gave it; archive members joined with ` > `. */
  file?: string;
  line?: number;
  column?: number;
  /** Element path, column name or field the problem is about. */
  path?: string;
  /** What was wrong and what was expected. */
  message: string;
  /** How to fix it: often the PowerShell that produces a good export. */
  hint?: string;
}

export class InputError<C extends string = string> extends Error {
  constructor(readonly issue: Issue<C>) {
    super(issue.message);
    this.name = 'InputError';
  }
}

export function isInputError(e: unknown): e is InputError {
  return e instanceof Error && e.name === 'InputError' && 'issue' in e;
}

/** A file's bytes with the name the user knows it by. */
export interface NamedBytes {
  name: string;
  bytes: Uint8Array;
}

/** Cores take these so that the worker can report progress and stop between units of work. */
export interface RunOptions {
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

export function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new DOMException('Cancelled', 'AbortError');
}

export function isAbortError(e: unknown): boolean {
  return e instanceof Error && e.name === 'AbortError';
}
