import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/*
 * One tool shape, checked on every folder under src/tools (docs/ARCHITECTURE.md, "Tool shape"). The checks read
 * the files as text and import only the plain-data modules (index.ts, command.ts), so the test stays fast and a
 * new tool needs no edit here. `npm run new-tool -- <id>` writes a folder that passes.
 */

const TOOLS = resolve(import.meta.dirname);
const ROOT = resolve(TOOLS, '../..');

/**
 * Where a tool still departs from the shape, each with what to do. A departure not listed here fails the test,
 * and so does a listed one that is gone: remove its line then, so the list stays true. Nothing new goes here.
 */
const KNOWN_DEPARTURES: Record<string, string[]> = {
  dmarc: [
    'state class has no run() (its entry is add(files))',
    'state class has no cancel() (the view calls state.job.cancel())',
  ],
  'immutable-id': [
    'no state.svelte.ts (its state is bulk.svelte.ts and local state in the view)',
    'no types.ts',
  ],
  'move-report': ['state class has no cancel() (the view calls state.job.cancel())'],
  'risk-triage': [
    'state class has no cancel() (the view calls state.job.cancel())',
    'state class has no dispose() (the view calls state.job.dispose())',
    'view names its state "model", not "state"',
  ],
  'sync-check': [
    'state class has no clear()',
    'no types.ts (its types are in model.ts)',
    'view names its state "s", not "state"',
  ],
};

const toolIds = readdirSync(TOOLS)
  .filter((name) => statSync(join(TOOLS, name)).isDirectory() && !name.startsWith('.'))
  .sort();

const read = (id: string, file: string) => readFileSync(join(TOOLS, id, file), 'utf8');
const has = (id: string, file: string) => existsSync(join(TOOLS, id, file));

/** Every .ts and .svelte file of a tool, fixtures and nested folders included. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.(ts|svelte)$/.test(name) ? [path] : [];
  });
}

/** Import specifiers: static, dynamic and re-exports. */
function importsOf(text: string): string[] {
  return [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm)].map(
    (m) => m[1]!,
  );
}

/** Glob as tsconfig writes it (`**`, `*`) to a RegExp over a path relative to the repository. */
const globToRegExp = (glob: string) =>
  new RegExp(
    `^${glob
      .split(/(\*\*\/|\*\*|\*)/)
      .map((part) =>
        part === '**/'
          ? '(?:.*/)?'
          : part === '**'
            ? '.*'
            : part === '*'
              ? '[^/]*'
              : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'),
      )
      .join('')}$`,
  );
const coreExcludes = (
  JSON.parse(readFileSync(join(ROOT, 'tsconfig.core.json'), 'utf8')) as { exclude: string[] }
).exclude.map(globToRegExp);

/** Runs in the worker and under the CLI: a file tsconfig.core.json checks without the DOM. */
const isCoreFile = (path: string) => {
  const rel = relative(ROOT, path).split('\\').join('/');
  return rel.endsWith('.ts') && !coreExcludes.some((r) => r.test(rel));
};

/** The departures of one tool from the shape, in words; structural rules that every tool meets are `expect`ed. */
function departures(id: string): string[] {
  const out: string[] = [];
  if (!has(id, 'state.svelte.ts')) {
    out.push(
      `no state.svelte.ts${id === 'immutable-id' ? ' (its state is bulk.svelte.ts and local state in the view)' : ''}`,
    );
  } else {
    const state = read(id, 'state.svelte.ts');
    const method = (name: string) => new RegExp(`^  (async )?${name}\\(`, 'm').test(state);
    const byView = (name: string) => `(the view calls state.job.${name}())`;
    if (!method('run'))
      out.push(`state class has no run()${id === 'dmarc' ? ' (its entry is add(files))' : ''}`);
    for (const name of ['cancel', 'clear', 'dispose']) {
      if (method(name)) continue;
      const view = viewText(id);
      const viaJob = new RegExp(`\\b\\w+\\.job\\.${name}\\(`).test(view);
      out.push(`state class has no ${name}()${viaJob ? ` ${byView(name)}` : ''}`);
    }
    const viewName = /const (\w+) = new \w+State\(/.exec(viewText(id))?.[1];
    if (viewName && viewName !== 'state') out.push(`view names its state "${viewName}", not "state"`);
  }
  if (!has(id, 'types.ts'))
    out.push(`no types.ts${has(id, 'model.ts') ? ' (its types are in model.ts)' : ''}`);
  return out;
}

function viewFile(id: string): string {
  const m = /load:\s*\(\)\s*=>\s*import\(\s*'\.\/([A-Za-z]+\.svelte)'\s*\)/.exec(read(id, 'index.ts'));
  return m?.[1] ?? '';
}

function viewText(id: string): string {
  const file = viewFile(id);
  return file && has(id, file) ? read(id, file) : '';
}

describe('every tool has the shape', () => {
  it('finds the tools', () => {
    expect(toolIds.length).toBeGreaterThanOrEqual(5);
  });

  describe.each(toolIds)('%s', (id) => {
    it('index.ts: metadata whose id is the folder, and a lazy PascalCase view that exists', async () => {
      const { tool } = (await import(`./${id}/index.ts`)) as {
        tool: { id: string; title: string; inPage?: string };
      };
      expect(tool.id).toBe(id);
      expect(tool.title).not.toBe('');
      expect(viewFile(id)).toMatch(/^[A-Z][A-Za-z]*\.svelte$/);
      expect(has(id, viewFile(id))).toBe(true);
    });

    it('core.ts is the entry, tested beside it', () => {
      expect(has(id, 'core.ts')).toBe(true);
      expect(has(id, 'core.test.ts')).toBe(true);
    });

    it('worker.ts connects the core with serve(), or index.ts says why the core runs on the page', async () => {
      const { tool } = (await import(`./${id}/index.ts`)) as { tool: { inPage?: string } };
      if (has(id, 'worker.ts')) {
        expect(tool.inPage).toBeUndefined();
        expect(read(id, 'worker.ts')).toMatch(/\bserve\s*[<(]/);
      } else {
        expect(tool.inPage ?? '').toMatch(/\S{10,}/);
      }
    });

    it('command.ts declares the CLI command (name = id) and loads cli.ts, which is tested', async () => {
      const { command } = (await import(`./${id}/command.ts`)) as {
        command: { name: string; summary: string };
      };
      expect(command.name).toBe(id);
      expect(command.summary).not.toBe('');
      expect(read(id, 'command.ts')).toMatch(/load:\s*\(\)\s*=>\s*import\(\s*'\.\/cli\.ts'\s*\)/);
      expect(read(id, 'cli.ts')).toMatch(/export (async )?function run\(/);
      expect(has(id, 'cli.test.ts')).toBe(true);
    });

    it('has an end-to-end spec', () => {
      expect(existsSync(join(ROOT, 'tests/e2e', `${id}.spec.ts`))).toBe(true);
    });

    it('imports no other tool; its core imports no view, no page-only code and no Node module', () => {
      const wrong: string[] = [];
      for (const path of sources(join(TOOLS, id))) {
        const name = relative(join(TOOLS, id), path);
        for (const spec of importsOf(readFileSync(path, 'utf8'))) {
          if (spec.startsWith('.')) {
            const target = relative(TOOLS, resolve(dirname(path), spec));
            const top = target.split(/[\\/]/)[0]!;
            if (!target.startsWith('..') && toolIds.includes(top) && top !== id)
              wrong.push(`${name} → ${spec}`);
          }
          if (
            isCoreFile(path) &&
            (/\.svelte(\.ts)?$|\?worker/.test(spec) ||
              spec === 'svelte' ||
              spec.startsWith('svelte/') ||
              spec.startsWith('node:') ||
              /lib\/browser\//.test(spec))
          )
            wrong.push(`${name} → ${spec}`);
        }
      }
      expect(wrong).toEqual([]);
    });

    it('names files kebab-case, components PascalCase', () => {
      const wrong = readdirSync(join(TOOLS, id)).filter(
        (f) =>
          !statSync(join(TOOLS, id, f)).isDirectory() &&
          !(/^[A-Z][A-Za-z0-9]*\.svelte$/.test(f) || /^[a-z0-9]+(-[a-z0-9]+)*(\.[a-z]+)*\.ts$/.test(f)),
      );
      expect(wrong).toEqual([]);
    });

    it('each Job runs one kind of work: side requests go through request(), never a second run()', () => {
      const text = has(id, 'state.svelte.ts') ? read(id, 'state.svelte.ts') : '';
      const runs = [...text.matchAll(/this\.(#?\w+(?:\(\))?)\.run\(/g)].map((m) => m[1]!);
      expect(runs.filter((r, i) => runs.indexOf(r) !== i)).toEqual([]);
    });

    it('state class (run, cancel, clear, dispose) and view as the shape says, or a known departure', () => {
      expect(departures(id).sort()).toEqual([...(KNOWN_DEPARTURES[id] ?? [])].sort());
    });
  });
});
