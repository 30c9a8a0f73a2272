#!/usr/bin/env node
/**
 * `npm run new-tool -- <id> [--title "Title"] [--root <dir>]` writes a working, tested tool in the one tool shape
 * (docs/ARCHITECTURE.md, "Tool shape"): metadata, a pure core with its test, a worker, the CLI declaration and
 * runner with their test, the page state, the view and an end-to-end spec. The tool counts the lines of text
 * files — replace that with the tool's own knowledge, keeping the files. `--root` writes into another checkout
 * (the scaffold's own test uses a temporary folder).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as prettier from 'prettier';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** `log-search` → `LogSearch`. */
export const pascal = (id) => id.replace(/(^|-)([a-z0-9])/g, (_, _dash, c) => c.toUpperCase());

/** `log-search` → `Log search`. */
const titleOf = (id) => id.charAt(0).toUpperCase() + id.slice(1).replace(/-/g, ' ');

/** The files of a new tool, by path from the repository root. */
export function toolFiles(id, title = titleOf(id)) {
  const N = pascal(id);
  const q = (s) => JSON.stringify(s).slice(1, -1).replace(/'/g, "\\'");
  const T = q(title);
  const dir = `src/tools/${id}`;
  return {
    [`${dir}/index.ts`]: `import type { ToolInfo } from '../types.ts';

export const tool: ToolInfo = {
  id: '${id}',
  title: '${T}',
  summary: 'Counts the lines of text files: the starting point of a new tool.',
  keywords: ['${id}', 'lines', 'text'],
  accepts: 'text files or folders',
  load: () => import('./${N}.svelte'),
};
`,

    [`${dir}/types.ts`]: `import type { Issue } from '../../lib/issue.ts';
import type { UnusableCode } from '../../lib/files/sniff.ts';

/** A closed set: tests and the CLI rely on these codes. */
export type ${N}IssueCode = UnusableCode | 'no-input';

export type ${N}Issue = Issue<${N}IssueCode>;

export interface FileLines {
  name: string;
  lines: number;
  bytes: number;
}

/** Plain data: it crosses postMessage and is printed by the CLI as JSON. */
export interface ${N}Result {
  files: FileLines[];
  /** Files that could not be read, each with the reason, beside the ones that could. */
  issues: ${N}Issue[];
}
`,

    [`${dir}/core.ts`]: `import { unusableInput } from '../../lib/files/sniff.ts';
import { InputError, throwIfAborted, type NamedBytes, type RunOptions } from '../../lib/issue.ts';
import type { ${N}Issue, ${N}Result } from './types.ts';

const EXPECTED = 'a text file';

/** Lines as an editor counts them: a final line break does not start another line. */
function countLines(text: string): number {
  if (text === '') return 0;
  const breaks = text.match(/\\r\\n|\\r|\\n/g)?.length ?? 0;
  return /(\\r\\n|\\r|\\n)$/.test(text) ? breaks : breaks + 1;
}

/**
 * ${T}'s entry: files in, one row per usable file out, every unusable file named in an Issue beside them.
 * Throws InputError only when no file is usable. Runs in the worker, under the CLI and in tests alike.
 */
export function analyse(files: readonly NamedBytes[], opts: RunOptions = {}): ${N}Result {
  const result: ${N}Result = { files: [], issues: [] };
  for (const [i, f] of files.entries()) {
    throwIfAborted(opts.signal);
    opts.onProgress?.(i, files.length);
    const unusable = unusableInput(f.name, f.bytes, { expected: EXPECTED });
    if (unusable) {
      result.issues.push(unusable);
      continue;
    }
    const text = new TextDecoder().decode(f.bytes);
    result.files.push({ name: f.name, lines: countLines(text), bytes: f.bytes.length });
  }
  opts.onProgress?.(files.length, files.length);
  if (!result.files.length) {
    throw new InputError<${N}Issue['code']>({
      code: 'no-input',
      severity: 'error',
      message: files.length
        ? \`None of the \${files.length} file(s) could be read: \${result.issues.map((i) => i.message).join(' ')}\`
        : 'No files were given.',
    });
  }
  return result;
}
`,

    [`${dir}/core.test.ts`]: `import { describe, expect, it } from 'vitest';
import { isAbortError, isInputError } from '../../lib/issue.ts';
import { analyse } from './core.ts';

const file = (name: string, text: string) => ({ name, bytes: new TextEncoder().encode(text) });

describe('${T}: analyse', () => {
  it('counts lines whatever the line ends, a last line without one included', () => {
    const r = analyse([
      file('unix.txt', 'one\\ntwo\\n'),
      file('windows.txt', 'one\\r\\ntwo\\r\\nthree'),
      file('old-mac.txt', 'a\\rb\\r'),
    ]);
    expect(r.files).toEqual([
      { name: 'unix.txt', lines: 2, bytes: 8 },
      { name: 'windows.txt', lines: 3, bytes: 15 },
      { name: 'old-mac.txt', lines: 2, bytes: 4 },
    ]);
    expect(r.issues).toEqual([]);
  });

  it('names an empty or binary file and still reads the others', () => {
    const png = { name: 'shot.txt', bytes: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]) };
    const r = analyse([file('empty.txt', ''), png, file('good.txt', 'x\\n')]);
    expect(r.files.map((f) => f.name)).toEqual(['good.txt']);
    expect(r.issues.map((i) => [i.file, i.code, i.severity])).toEqual([
      ['empty.txt', 'empty-file', 'error'],
      ['shot.txt', 'binary-file', 'error'],
    ]);
  });

  it('stops with an InputError when nothing is usable', () => {
    try {
      analyse([file('empty.txt', '  \\n')]);
      expect.unreachable();
    } catch (e) {
      expect(isInputError(e)).toBe(true);
      expect((e as { issue: { code: string; message: string } }).issue).toMatchObject({
        code: 'no-input',
        message: expect.stringMatching(/^None of the 1 file\\(s\\) could be read: empty\\.txt is empty/),
      });
    }
    expect(() => analyse([])).toThrowError('No files were given.');
  });

  it('reports progress per file and stops when cancelled', () => {
    const seen: [number, number][] = [];
    analyse([file('a.txt', 'a'), file('b.txt', 'b')], { onProgress: (d, t) => seen.push([d, t]) });
    expect(seen).toEqual([
      [0, 2],
      [1, 2],
      [2, 2],
    ]);
    try {
      analyse([file('a.txt', 'a')], { signal: AbortSignal.abort() });
      expect.unreachable();
    } catch (e) {
      expect(isAbortError(e)).toBe(true);
    }
  });
});
`,

    [`${dir}/worker.ts`]: `import { serve } from '../../lib/worker/serve.ts';
import { analyse } from './core.ts';
import type { ${N}Result } from './types.ts';

/** Files go over as Blobs (a reference, no copy) and are read here, so the page never holds their bytes. */
export interface ${N}Job {
  files: { name: string; file: Blob }[];
}

serve<${N}Job, ${N}Result>(async (job, ctx) => {
  const files = [];
  for (const f of job.files) files.push({ name: f.name, bytes: new Uint8Array(await f.file.arrayBuffer()) });
  return analyse(files, { signal: ctx.signal, onProgress: ctx.progress });
});
`,

    [`${dir}/command.ts`]: `import type { CommandSpec } from '../../cli/spec.ts';

export const command: CommandSpec = {
  name: '${id}',
  summary: '${T}: the lines of each text file.',
  synopsis: ['${id} <files-or-folders>… [--json]'],
  description: 'Reads text files (folders recursively, in byte order; - reads stdin) and counts their lines.',
  operands: { name: '<files-or-folders>…', min: 1, summary: 'text files or folders of them (- for stdin)' },
  options: [{ name: 'json', format: true, summary: 'files and problems as JSON' }],
  defaultOutput: 'one line per file: lines, a tab, the name',
  exit1: 'a file was rejected (the others are still counted), or none could be read',
  docs: 'README.md',
  load: () => import('./cli.ts'),
};
`,

    [`${dir}/cli.ts`]: `import type { RunContext } from '../../cli/spec.ts';
import { analyse } from './core.ts';

export async function run(ctx: RunContext): Promise<void> {
  const files = await ctx.readAll(await ctx.paths(ctx.operands));
  const result = analyse(files);
  ctx.report(result.issues);
  if (ctx.format === 'json') ctx.out.json(result);
  else for (const f of result.files) ctx.out.text(\`\${f.lines}\\t\${f.name}\\n\`);
}
`,

    [`${dir}/cli.test.ts`]: `import { describe, expect, it } from 'vitest';
import { runCli } from '../../cli/memory-io.ts';

describe('hybrid-toolbox ${id}', () => {
  it('prints the lines of each file', async () => {
    const r = await runCli(['${id}', 'a.txt', 'b.txt'], { 'a.txt': 'one\\r\\ntwo\\r\\n', 'b.txt': 'x' });
    expect(r).toEqual({ code: 0, out: '2\\ta.txt\\n1\\tb.txt\\n', err: '' });
  });

  it('--json prints the result', async () => {
    const r = await runCli(['${id}', 'a.txt', '--json'], { 'a.txt': 'one\\n' });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual({ files: [{ name: 'a.txt', lines: 1, bytes: 4 }], issues: [] });
  });

  it('names a rejected file on stderr and exits 1; the others are still counted', async () => {
    const r = await runCli(['${id}', 'empty.txt', 'b.txt'], { 'empty.txt': '', 'b.txt': 'x\\n' });
    expect(r.code).toBe(1);
    expect(r.out).toBe('1\\tb.txt\\n');
    expect(r.err).toBe('empty.txt: error: empty.txt is empty: expected a text file.\\n');
  });
});
`,

    [`${dir}/state.svelte.ts`]: `import { Job } from '../../lib/ui/job.svelte.ts';
import type { DroppedFile } from '../../lib/browser/dropped.ts';
import type { ${N}Result } from './types.ts';
import type { ${N}Job } from './worker.ts';
import ${N}Worker from './worker.ts?worker';

/** The view's state: the files given so far, the run in the worker and its result. */
export class ${N}State {
  files = $state.raw<DroppedFile[]>([]);
  readonly job = new Job<${N}Job, ${N}Result>(() => new ${N}Worker());

  get result(): ${N}Result | undefined {
    return this.job.result;
  }

  /** Adds files and reads them all again. */
  async addFiles(dropped: DroppedFile[]): Promise<void> {
    this.files = [...this.files, ...dropped];
    await this.run();
  }

  async run(): Promise<void> {
    if (!this.files.length) return;
    await this.job.run({ files: this.files.map((f) => ({ name: f.path || f.file.name, file: f.file })) });
  }

  cancel(): void {
    this.job.cancel();
  }

  clear(): void {
    this.job.reset();
    this.files = [];
  }

  dispose(): void {
    this.job.dispose();
  }
}
`,

    [`${dir}/${N}.svelte`]: `<script lang="ts">
  import DropZone from '../../lib/ui/DropZone.svelte';
  import ErrorList from '../../lib/ui/ErrorList.svelte';
  import Progress from '../../lib/ui/Progress.svelte';
  import type { ToolViewProps } from '../types.ts';
  import { ${N}State } from './state.svelte.ts';

  let _props: ToolViewProps = $props();

  const state = new ${N}State();
  $effect(() => () => state.dispose());

  const result = $derived(state.result);
</script>

<div class="tool stack">
  <header>
    <h1>${title.replace(/[<>&{}]/g, '')}</h1>
    <p class="muted">Drop text files: each one's lines are counted. Nothing leaves this page.</p>
  </header>

  <DropZone label="Text files" folders disabled={state.job.isRunning} onfiles={(files) => void state.addFiles(files)} />

  {#if state.job.isRunning}
    <Progress
      done={state.job.progress.done}
      total={state.job.progress.total}
      label="Reading {state.files.length} file(s)"
      oncancel={() => state.cancel()}
    />
  {/if}
  {#if state.job.issue}
    <ErrorList
      issues={[state.job.issue]}
      title={state.job.isBug ? 'Something went wrong on our side' : 'Nothing could be read'}
    />
  {/if}

  {#if result}
    <ErrorList issues={result.issues} title="Files not read" />
    <section class="card" aria-label="Lines per file">
      <table>
        <thead><tr><th scope="col">File</th><th scope="col" class="num">Lines</th></tr></thead>
        <tbody>
          {#each result.files as f, i (i)}
            <tr><td>{f.name}</td><td class="num">{f.lines.toLocaleString('en-US')}</td></tr>
          {/each}
        </tbody>
      </table>
      <button class="small" onclick={() => state.clear()}>Start over</button>
    </section>
  {/if}
</div>

<style>
  table {
    border-collapse: collapse;
    margin-bottom: 0.75rem;
  }
  th,
  td {
    padding: 0.25rem 0.75rem 0.25rem 0;
    text-align: left;
  }
  .num {
    text-align: right;
    font-variant-numeric: tabular-nums;
  }
</style>
`,

    [`tests/e2e/${id}.spec.ts`]: `import { test, expect, screenshot } from './fixtures.ts';

test('counts the lines of dropped files and names the one it cannot read', async ({ page }) => {
  await page.goto('./#/${id}');
  await expect(page.getByRole('heading', { level: 1, name: '${T}' })).toBeVisible();
  await page.locator('input[type="file"][aria-label="Text files"]').setInputFiles([
    { name: 'a.txt', mimeType: 'text/plain', buffer: Buffer.from('one\\r\\ntwo\\r\\nthree\\r\\n') },
    { name: 'empty.txt', mimeType: 'text/plain', buffer: Buffer.from('') },
  ]);
  const table = page.getByRole('region', { name: 'Lines per file' });
  await expect(table.getByRole('row')).toHaveCount(2);
  await expect(table.getByRole('row').nth(1)).toHaveText(/a\\.txt\\s*3/);
  await expect(page.getByText('empty.txt is empty: expected a text file.')).toBeVisible();
  await screenshot(page, '${id}');
});
`,
  };
}

/** Writes the tool under `root`, formatted with the project's Prettier settings; refuses to overwrite. */
export async function writeTool(root, id, title) {
  if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(id))
    throw new Error(
      `"${id}" is not a kebab-case tool id (e.g. log-search): it is the URL segment and CLI name.`,
    );
  if (existsSync(join(root, 'src/tools', id))) throw new Error(`src/tools/${id} exists already.`);
  const files = toolFiles(id, title);
  const written = [];
  for (const [path, text] of Object.entries(files)) {
    const target = join(root, path);
    const options = (await prettier.resolveConfig(join(REPO, path))) ?? {};
    const formatted = await prettier.format(text, { ...options, filepath: target });
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, formatted, { flag: 'wx' });
    written.push(path);
  }
  return written;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { title: { type: 'string' }, root: { type: 'string' } },
  });
  const [id] = positionals;
  if (!id || positionals.length > 1) {
    console.error('Usage: npm run new-tool -- <id> [--title "Title"]   (id in kebab-case: log-search)');
    process.exit(2);
  }
  try {
    const written = await writeTool(resolve(values.root ?? REPO), id, values.title);
    console.log(`Wrote ${written.length} files:\n  ${written.join('\n  ')}`);
    console.log(
      `\nNext: npx vitest run src/tools/${id} src/tools/shape.test.ts, then make it the tool you mean ` +
        '(README "Development" says how).',
    );
  } catch (e) {
    console.error(`new-tool: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
}
