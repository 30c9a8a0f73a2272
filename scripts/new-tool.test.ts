import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { checkTool } from '../tests/support/tool-shape.ts';
import { pascal, writeTool } from './new-tool.mjs';

const REPO = resolve(import.meta.dirname, '..');

/** A checkout with the real lib/ and cli/ (linked) and nothing else in src/tools: where the scaffold writes. */
function scratchCheckout(): string {
  const root = mkdtempSync(join(tmpdir(), 'ht-new-tool-'));
  mkdirSync(join(root, 'src/tools'), { recursive: true });
  symlinkSync(join(REPO, 'src/lib'), join(root, 'src/lib'), 'dir');
  symlinkSync(join(REPO, 'src/cli'), join(root, 'src/cli'), 'dir');
  copyFileSync(join(REPO, 'src/tools/types.ts'), join(root, 'src/tools/types.ts'));
  copyFileSync(join(REPO, 'tsconfig.core.json'), join(root, 'tsconfig.core.json'));
  return root;
}

const root = scratchCheckout();
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('npm run new-tool', () => {
  it('writes every file of the tool shape, and nothing departs from it', async () => {
    const written = await writeTool(root, 'log-search', 'Log search');
    expect(written.sort()).toEqual(
      [
        'src/tools/log-search/LogSearch.svelte',
        'src/tools/log-search/cli.test.ts',
        'src/tools/log-search/cli.ts',
        'src/tools/log-search/command.ts',
        'src/tools/log-search/core.test.ts',
        'src/tools/log-search/core.ts',
        'src/tools/log-search/index.ts',
        'src/tools/log-search/state.svelte.ts',
        'src/tools/log-search/types.ts',
        'src/tools/log-search/worker.ts',
        'tests/e2e/log-search.spec.ts',
      ].sort(),
    );
    expect(await checkTool(root, 'log-search')).toEqual({ problems: [], departures: [] });
  });

  it('the core it writes works: lines counted, an unusable file named beside them', async () => {
    const { analyse } = (await import(pathToFileURL(join(root, 'src/tools/log-search/core.ts')).href)) as {
      analyse: (files: { name: string; bytes: Uint8Array }[]) => unknown;
    };
    const enc = (s: string) => new TextEncoder().encode(s);
    expect(
      analyse([
        { name: 'a.log', bytes: enc('1\r\n2\r\n3') },
        { name: 'empty.log', bytes: enc('') },
      ]),
    ).toEqual({
      files: [{ name: 'a.log', lines: 3, bytes: 7 }],
      issues: [
        {
          code: 'empty-file',
          severity: 'error',
          file: 'empty.log',
          message: 'empty.log is empty: expected a text file.',
        },
      ],
    });
  });

  it('refuses an id that is not kebab-case, and a tool that exists', async () => {
    await expect(writeTool(root, 'Log_Search')).rejects.toThrow('"Log_Search" is not a kebab-case tool id');
    await expect(writeTool(root, 'log-search')).rejects.toThrow('src/tools/log-search exists already.');
    expect(pascal('mail-flow-2')).toBe('MailFlow2');
  });
});
