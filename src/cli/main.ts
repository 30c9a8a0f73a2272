import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { CliIo, ToolCli } from './io.ts';

/** Each tool's CLI, loaded only when called. */
const TOOLS: Record<string, () => Promise<{ cli: ToolCli }>> = {
  'immutable-id': () => import('../tools/immutable-id/cli.ts'),
  dmarc: () => import('../tools/dmarc/cli.ts'),
  'sync-check': () => import('../tools/sync-check/cli.ts'),
  'move-report': () => import('../tools/move-report/cli.ts'),
  'risk-triage': () => import('../tools/risk-triage/cli.ts'),
};

async function listFiles(path: string): Promise<string[]> {
  const s = await stat(path);
  if (!s.isDirectory()) return [path];
  const out: string[] = [];
  for (const entry of (await readdir(path, { withFileTypes: true })).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    const child = join(path, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(child)));
    else if (entry.isFile()) out.push(child);
  }
  return out;
}

export function nodeIo(args: string[]): CliIo {
  return {
    args,
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const c of process.stdin) chunks.push(c as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
    readFile: async (p) => new Uint8Array(await readFile(p)),
    listFiles,
  };
}

async function loadTool(name: string): Promise<ToolCli | undefined> {
  const load = TOOLS[name];
  if (!load) return undefined;
  try {
    return (await load()).cli;
  } catch {
    return undefined;
  }
}

export async function main(argv: string[], io: CliIo = nodeIo(argv.slice(1))): Promise<number> {
  const [tool] = argv;
  if (!tool || tool === '--help' || tool === '-h' || tool === 'help') {
    const lines = [
      'Usage: hybrid-toolbox <tool> [arguments…]   (hybrid-toolbox <tool> --help for details)',
      '',
      'Tools:',
    ];
    for (const name of Object.keys(TOOLS)) {
      const cli = await loadTool(name);
      if (cli) lines.push(`  ${name.padEnd(14)} ${cli.summary}`);
    }
    io.stdout(lines.join('\n') + '\n');
    return tool ? 0 : 2;
  }
  const cli = await loadTool(tool);
  if (!cli) {
    io.stderr(`Unknown tool "${tool}". Run hybrid-toolbox --help for the list.\n`);
    return 2;
  }
  if (io.args.includes('--help') || io.args.includes('-h')) {
    io.stdout(cli.usage + '\n');
    return 0;
  }
  return cli.run(io);
}
