/** What a tool's CLI gets: its arguments and the process's streams, so tests can run it in memory. */
export interface CliIo {
  args: string[];
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Reads all of stdin as text (for `-`). */
  readStdin: () => Promise<string>;
  /** Reads a file or, for a folder, every file below it; paths as given joined with the path inside. */
  readFile: (path: string) => Promise<Uint8Array>;
  listFiles: (path: string) => Promise<string[]>;
}

export interface ToolCli {
  /** One line for `hybrid-toolbox --help`. */
  summary: string;
  /** Full usage text for `hybrid-toolbox <tool> --help`. */
  usage: string;
  /** Returns the exit status. */
  run: (io: CliIo) => Promise<number>;
}

/** Splits `--flag value` / `--flag=value` options from positional arguments. */
export function parseArgs(
  args: string[],
  spec: { flags?: string[]; options?: string[]; repeatable?: string[] },
): { positional: string[]; flags: Set<string>; options: Map<string, string[]>; unknown: string[] } {
  const flags = new Set<string>();
  const options = new Map<string, string[]>();
  const positional: string[] = [];
  const unknown: string[] = [];
  const takesValue = new Set([...(spec.options ?? []), ...(spec.repeatable ?? [])]);
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-' || !a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = eq === -1 ? a.slice(2) : a.slice(2, eq);
    if (takesValue.has(name)) {
      const value = eq === -1 ? args[++i] : a.slice(eq + 1);
      if (value === undefined) unknown.push(`--${name} needs a value`);
      else options.set(name, [...(options.get(name) ?? []), value]);
    } else if (spec.flags?.includes(name)) flags.add(name);
    else unknown.push(a);
  }
  return { positional, flags, options, unknown };
}
