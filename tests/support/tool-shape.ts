import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/*
 * The one tool shape (docs/ARCHITECTURE.md, "Tool shape") as checks over a checkout: src/tools/shape.test.ts runs
 * them on every tool, scripts/new-tool.test.ts on a freshly scaffolded one. Files are read as text; only the
 * plain-data modules (index.ts, command.ts) are imported.
 */

export interface ShapeReport {
  /** Breaks of the shape that no tool may have. */
  problems: string[];
  /** Departures a tool may still have while it is brought into line (listed, and only shrinking). */
  departures: string[];
}

/** Tool folders under `<root>/src/tools`. */
export function toolIds(root: string): string[] {
  const tools = join(root, 'src/tools');
  return readdirSync(tools)
    .filter((name) => !name.startsWith('.') && statSync(join(tools, name)).isDirectory())
    .sort();
}

/** Every .ts and .svelte file under a folder. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.(ts|svelte)$/.test(name) ? [path] : [];
  });
}

/** Import specifiers: static, dynamic, side-effect and re-exports. */
function importsOf(text: string): string[] {
  return [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm)].map(
    (m) => m[1]!,
  );
}

/** A glob as tsconfig writes it (`**`, `*`) as a RegExp over a path relative to the checkout. */
function globToRegExp(glob: string): RegExp {
  const parts = glob.split(/(\*\*\/|\*\*|\*)/).map((part) => {
    if (part === '**/') return '(?:.*/)?';
    if (part === '**') return '.*';
    if (part === '*') return '[^/]*';
    return part.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  });
  return new RegExp(`^${parts.join('')}$`);
}

const BAD_IN_CORE = (spec: string) =>
  /\.svelte(\.ts)?$|\?worker/.test(spec) ||
  spec === 'svelte' ||
  spec.startsWith('svelte/') ||
  spec.startsWith('node:') ||
  /lib\/browser\//.test(spec);

export async function checkTool(root: string, id: string): Promise<ShapeReport> {
  const tools = join(root, 'src/tools');
  const dir = join(tools, id);
  const has = (file: string) => existsSync(join(dir, file));
  const read = (file: string) => (has(file) ? readFileSync(join(dir, file), 'utf8') : '');
  const problems: string[] = [];
  const departures: string[] = [];

  // index.ts: metadata whose id is the folder, a lazy PascalCase view that exists.
  let tool: { id?: string; title?: string; inPage?: string } = {};
  if (!has('index.ts')) problems.push('no index.ts (the metadata)');
  else {
    tool = ((await import(pathToFileURL(join(dir, 'index.ts')).href)) as { tool?: typeof tool }).tool ?? {};
    if (tool.id !== id) problems.push(`index.ts: tool.id is "${tool.id}", not the folder name "${id}"`);
    if (!tool.title) problems.push('index.ts: no title');
  }
  const view = /load:\s*\(\)\s*=>\s*import\(\s*'\.\/([^']+\.svelte)'\s*\)/.exec(read('index.ts'))?.[1] ?? '';
  if (!/^[A-Z][A-Za-z0-9]*\.svelte$/.test(view))
    problems.push(`index.ts: load must be () => import('./<Name>.svelte'), found "${view}"`);
  else if (!has(view)) problems.push(`index.ts loads ${view}, which does not exist`);

  // The core and its test.
  if (!has('core.ts')) problems.push('no core.ts (the entry)');
  if (!has('core.test.ts')) problems.push('no core.test.ts (the entry is tested beside it)');

  // A worker, or a declared reason to run on the page.
  if (has('worker.ts')) {
    if (!/\bserve\s*[<(]/.test(read('worker.ts'))) problems.push('worker.ts does not call serve()');
    if (tool.inPage) problems.push('index.ts declares inPage, but the tool has a worker.ts');
  } else if (!/\S{10,}/.test(tool.inPage ?? '')) {
    problems.push('no worker.ts, and index.ts gives no inPage reason for running on the page');
  }

  // The CLI: a declaration as data, a runner, its test.
  if (!has('command.ts')) problems.push('no command.ts (the CLI declaration)');
  else {
    const mod = (await import(pathToFileURL(join(dir, 'command.ts')).href)) as {
      command?: { name?: string; summary?: string };
    };
    if (mod.command?.name !== id)
      problems.push(`command.ts: command.name is "${mod.command?.name}", not "${id}"`);
    if (!mod.command?.summary) problems.push('command.ts: no summary');
    if (!/load:\s*\(\)\s*=>\s*import\(\s*'\.\/cli\.ts'\s*\)/.test(read('command.ts')))
      problems.push("command.ts: load must be () => import('./cli.ts')");
  }
  if (!/export (async )?function run\(/.test(read('cli.ts')))
    problems.push('cli.ts does not export run(ctx)');
  if (!has('cli.test.ts')) problems.push('no cli.test.ts');

  if (!existsSync(join(root, 'tests/e2e', `${id}.spec.ts`))) problems.push(`no tests/e2e/${id}.spec.ts`);

  // Rooms: no other tool; the core side (what tsconfig.core.json checks) imports no view, page code or Node.
  const excludes = (
    JSON.parse(readFileSync(join(root, 'tsconfig.core.json'), 'utf8')) as { exclude: string[] }
  ).exclude.map(globToRegExp);
  const isCore = (path: string) => {
    const rel = relative(root, path).split('\\').join('/');
    return rel.endsWith('.ts') && !excludes.some((r) => r.test(rel));
  };
  const others = toolIds(root).filter((t) => t !== id);
  for (const path of sources(dir)) {
    const name = relative(dir, path).split('\\').join('/');
    for (const spec of importsOf(readFileSync(path, 'utf8'))) {
      if (spec.startsWith('.')) {
        const target = relative(tools, resolve(dirname(path), spec))
          .split('\\')
          .join('/');
        if (others.includes(target.split('/')[0]!)) problems.push(`${name} imports another tool: ${spec}`);
      }
      if (isCore(path) && BAD_IN_CORE(spec)) problems.push(`${name} runs in the worker but imports ${spec}`);
    }
  }

  // Names.
  for (const f of readdirSync(dir)) {
    if (statSync(join(dir, f)).isDirectory()) continue;
    if (!(/^[A-Z][A-Za-z0-9]*\.svelte$/.test(f) || /^[a-z0-9]+(-[a-z0-9]+)*(\.[a-z]+)*\.ts$/.test(f)))
      problems.push(`${f}: files are kebab-case, components PascalCase`);
  }

  // State: each Job runs one kind of work; side requests use request().
  const state = read('state.svelte.ts');
  const runs = [...state.matchAll(/this\.(#?\w+(?:\(\))?)\.run\(/g)].map((m) => m[1]!);
  for (const r of new Set(runs.filter((x, i) => runs.indexOf(x) !== i)))
    problems.push(
      `state.svelte.ts calls ${r}.run() from more than one place: side requests go through request()`,
    );

  // The state class contract and the view's use of it: departures, while tools are brought into line.
  const viewText = view && has(view) ? read(view) : '';
  if (!has('state.svelte.ts')) departures.push('no state.svelte.ts');
  else {
    const method = (name: string) => new RegExp(`^  (async )?${name}\\(`, 'm').test(state);
    for (const name of ['run', 'cancel', 'clear', 'dispose'])
      if (!method(name)) departures.push(`state class has no ${name}()`);
    const stateName = /const (\w+) = new \w+State\(/.exec(viewText)?.[1];
    if (stateName !== 'state')
      departures.push(`view does not hold its state as "const state = new …State()"`);
    else if (!/\$effect\(\(\) => \(\) => state\.dispose\(\)\)/.test(viewText))
      departures.push('view does not end with $effect(() => () => state.dispose())');
  }
  if (!has('types.ts')) departures.push('no types.ts');
  return { problems, departures };
}

/** `lib/` is plumbing that knows no tool: every import of a file under src/tools from src/lib. */
export function libImportsOfTools(root: string): string[] {
  const lib = join(root, 'src/lib');
  const tools = join(root, 'src/tools');
  const out: string[] = [];
  for (const path of sources(lib)) {
    for (const spec of importsOf(readFileSync(path, 'utf8'))) {
      if (!spec.startsWith('.')) continue;
      const target = resolve(dirname(path), spec);
      if (!relative(tools, target).startsWith('..'))
        out.push(`${relative(root, path).split('\\').join('/')} imports ${spec}`);
    }
  }
  return out;
}
