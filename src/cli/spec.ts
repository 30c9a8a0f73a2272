/**
 * How a tool declares its command: plain data in `src/tools/<id>/command.ts`, so `hybrid-toolbox --help` and
 * argument checking need no core, and a new tool needs no edit in `src/cli`. The tool's `cli.ts` (loaded only
 * when the command runs) gets a {@link RunContext} with the arguments parsed against this declaration.
 */
import type { Issue } from '../lib/issue.ts';

export interface OptionSpec {
  /** Without the leading `--`. */
  name: string;
  /** Placeholder of the value (`<csv>`, `N`); absent for a flag. */
  value?: string;
  repeatable?: boolean;
  required?: boolean;
  /** An output format: at most one format flag may be given. */
  format?: boolean;
  /** The values allowed, checked before the tool runs. */
  choices?: readonly string[];
  /** Only meaningful together with this other option. */
  requires?: string;
  /** One line in `--help`. */
  summary: string;
}

export interface OperandSpec {
  /** Placeholder, e.g. `<files-or-folders>`. */
  name: string;
  min: number;
  /** Absent: any number. */
  max?: number;
  summary: string;
}

export interface CommandSpec {
  /** Same as the tool id: `hybrid-toolbox <name>`. */
  name: string;
  /** One line for `hybrid-toolbox --help`. */
  summary: string;
  /** Synopsis lines after `hybrid-toolbox `. */
  synopsis: readonly string[];
  /** What it reads and does, a few lines. */
  description: string;
  operands?: OperandSpec;
  options: readonly OptionSpec[];
  /** What is printed when no format flag is given. */
  defaultOutput: string;
  /** When this tool exits 1 (0 and 2 mean the same for every tool). */
  exit1: string;
  /** Where every field is documented. */
  docs: string;
  /** The runner; imported only when the command runs. */
  load: () => Promise<{ run: (ctx: RunContext) => Promise<void> }>;
}

/** A file found under the paths given: `name` is the path as given, joined with the path inside a folder. */
export interface InputPath {
  name: string;
  /** Bytes on disk; 0 for stdin. */
  size: number;
  stdin?: boolean;
}

export interface NamedInput {
  name: string;
  bytes: Uint8Array;
}

/** Read on demand, read ahead in the background: what a core that takes files one at a time wants. */
export interface LazyInput {
  name: string;
  read: () => Promise<Uint8Array>;
}

export interface Output {
  /** Text for people: every control character from input is escaped. */
  text: (s: string) => void;
  /** Exact bytes for machines (CSV, NDJSON, CEF…): written as is. */
  raw: (s: string) => void;
  /** JSON written piece by piece, indented by two spaces, never built as one string. */
  json: (value: unknown) => void;
  /** One value inside JSON being written by hand (an array streamed entry by entry), at this indent. */
  jsonPart: (value: unknown, indent: string) => void;
  /** Waits while the stream is full (a slow pipe): call it now and then when writing a long stream. */
  drain: () => Promise<void>;
  /** Hands everything written so far to the stream. */
  flush: () => Promise<void>;
}

export interface RunContext {
  tool: string;
  /** The product version (package.json), e.g. for the CEF header. */
  version: string;
  operands: readonly string[];
  flag: (name: string) => boolean;
  /** The last value given for an option. */
  option: (name: string) => string | undefined;
  /** Every value given for a repeatable option, in order. */
  options: (name: string) => string[];
  /** The format flag given, if any. */
  format: string | undefined;
  /** Stops with a usage error (exit 2). */
  usage: (message: string) => never;
  /** Expands paths: files as given, folders recursively in byte order, `-` as stdin. A missing path: exit 2. */
  paths: (paths: readonly string[]) => Promise<InputPath[]>;
  /** Reads every file, several at a time. */
  readAll: (files: readonly InputPath[]) => Promise<NamedInput[]>;
  /** Lazily read files with a bounded read-ahead window (file count and bytes). */
  lazy: (files: readonly InputPath[]) => LazyInput[];
  /** Stdin one line at a time (line ends stripped), streamed. */
  stdinLines: () => AsyncIterable<string>;
  out: Output;
  /** Prints problems to stderr (`path[:line[:col]]: error|warning: message`); an error makes the exit 1. */
  report: (issues: Iterable<Issue>) => void;
  /** Makes the exit 1 without printing anything more (the problem is already in the output). */
  fail: () => void;
}
