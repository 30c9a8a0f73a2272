import { readFileSync } from 'node:fs';
import { isInputError, type Issue } from '../lib/issue.ts';
import { UsageError, parseArgs } from './args.ts';
import { esc } from './escape.ts';
import { PathError, expandPaths, lazyInputs, readAll, stdinLines } from './input.ts';
import type { CliIo } from './io.ts';
import { createOutput } from './output.ts';
import type { CommandSpec, RunContext } from './spec.ts';

const modules = import.meta.glob<{ command: CommandSpec }>('../tools/*/command.ts', { eager: true });

/** Every tool's declaration, found by file name: a new tool needs no edit here. */
export const commands: CommandSpec[] = Object.values(modules)
  .map((m) => m.command)
  .sort((a, b) => (a.name < b.name ? -1 : 1));

export const EXIT = { ok: 0, rejected: 1, usage: 2 } as const;

/** Set by the build; from the sources (tests), read from package.json. */
function version(): string {
  if (typeof __APP_VERSION__ === 'string') return __APP_VERSION__;
  try {
    const url = new URL('../../package.json', import.meta.url);
    return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
  } catch {
    return '0';
  }
}

/** `path[:line[:col]]: error|warning: message`, the hint indented below; every input-derived part escaped. */
export function formatIssue(tool: string, i: Issue): string {
  const where = i.file
    ? `${esc(i.file)}${i.line ? `:${i.line}${i.column ? `:${i.column}` : ''}` : ''}`
    : tool;
  const path = i.path ? ` (${esc(i.path)})` : '';
  let s = `${where}: ${i.severity}: ${esc(i.message)}${path}\n`;
  if (i.hint)
    s += i.hint
      .split(/\r\n|\n|\r/)
      .map((l) => `    ${esc(l)}\n`)
      .join('');
  return s;
}

function overview(): string {
  const width = Math.max(...commands.map((c) => c.name.length)) + 2;
  return [
    'Usage: hybrid-toolbox <tool> [arguments…]',
    '       hybrid-toolbox <tool> --help',
    '       hybrid-toolbox --version',
    '',
    'Tools:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    '',
    EXIT_TEXT,
    '',
  ].join('\n');
}

const EXIT_TEXT =
  'Exit status: 0 ran and every input was usable; 1 ran, but some input was rejected or a required input was\n' +
  'unusable (problems on stderr); 2 usage error, missing file or unreadable path.';

export function usageText(c: CommandSpec): string {
  const rows: [string, string][] = [];
  if (c.operands) rows.push([c.operands.name, c.operands.summary]);
  for (const o of c.options) rows.push([`--${o.name}${o.value ? ` ${o.value}` : ''}`, o.summary]);
  if (c.options.some((o) => o.format)) rows.push(['(no format flag)', c.defaultOutput]);
  const width = Math.min(24, Math.max(...rows.map(([k]) => k.length)) + 2);
  const table = rows.map(([k, v]) =>
    k.length + 2 > width ? `  ${k}\n  ${''.padEnd(width)}${v}` : `  ${k.padEnd(width)}${v}`,
  );
  return [
    ...c.synopsis.map((s, i) => `${i ? '      ' : 'Usage:'} hybrid-toolbox ${s}`),
    '',
    c.description,
    '',
    ...table,
    '',
    `Exit status: 0 ran and every input was usable; 1 ${c.exit1}; 2 usage error, missing file or unreadable path.`,
    `Every field: ${c.docs}`,
    '',
  ].join('\n');
}

/** Runs one command line; returns the exit status. Output goes through `io` only. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined) {
    io.stderr(overview());
    return EXIT.usage;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    io.stdout(overview());
    return EXIT.ok;
  }
  // A scheduled job's log says which version produced its output.
  if (name === '--version' || name === '-V') {
    io.stdout(`hybrid-toolbox ${version()}\n`);
    return EXIT.ok;
  }
  const spec = commands.find((c) => c.name === name);
  if (!spec) {
    io.stderr(`hybrid-toolbox: error: unknown tool "${esc(name)}"; hybrid-toolbox --help lists them\n`);
    return EXIT.usage;
  }
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout(usageText(spec));
    return EXIT.ok;
  }
  const tool = `hybrid-toolbox ${name}`;
  const usageError = (message: string) => {
    io.stderr(`${tool}: error: ${esc(message)}\nRun "${tool} --help" for usage.\n`);
    return EXIT.usage;
  };
  let parsed;
  try {
    parsed = parseArgs(args, spec);
  } catch (e) {
    if (e instanceof UsageError) return usageError(e.message);
    throw e;
  }
  const out = createOutput(io.stdout, io.drained);
  let failed = false;
  // One export command per file is enough: several warnings about one file often carry the same hint.
  const hinted = new Set<string>();
  const report = (issues: Iterable<Issue>) => {
    for (const i of issues) {
      if (i.severity === 'info') continue;
      if (i.severity === 'error') failed = true;
      const key = `${i.file ?? ''}\n${i.hint ?? ''}`;
      const repeated = i.hint !== undefined && hinted.has(key);
      hinted.add(key);
      io.stderr(formatIssue(tool, repeated ? { ...i, hint: undefined } : i));
    }
  };
  const ctx: RunContext = {
    tool: name,
    version: version(),
    operands: parsed.operands,
    flag: (f) => parsed.flags.has(f),
    option: (o) => parsed.values.get(o)?.at(-1),
    options: (o) => parsed.values.get(o) ?? [],
    format: parsed.format,
    usage: (message) => {
      throw new UsageError(message);
    },
    paths: (paths) => expandPaths(io, paths),
    readAll: (files) => readAll(io, files),
    lazy: (files) => lazyInputs(io, files),
    stdinLines: () => stdinLines(io),
    out,
    report,
    fail: () => void (failed = true),
  };
  try {
    const runner = await spec.load();
    await runner.run(ctx);
    await out.flush();
    await out.drain();
    return failed ? EXIT.rejected : EXIT.ok;
  } catch (e) {
    await out.flush();
    if (e instanceof UsageError) return usageError(e.message);
    if (e instanceof PathError) {
      io.stderr(`${esc(e.path)}: error: ${esc(e.message)}\n`);
      return EXIT.usage;
    }
    if (isInputError(e)) {
      report([{ ...e.issue, severity: 'error' }]);
      return EXIT.rejected;
    }
    const detail = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    io.stderr(
      `${tool}: bug: ${esc(detail)}\n` +
        'This is a bug in hybrid-toolbox, not a problem with your input. Please report it with the command line\n' +
        '(and, if you can share it, the input); set HT_DEBUG=1 to print the stack.\n',
    );
    if (typeof process !== 'undefined' && process.env?.HT_DEBUG && e instanceof Error && e.stack)
      io.stderr(`${e.stack}\n`);
    return EXIT.rejected;
  }
}
