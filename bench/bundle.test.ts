import { describe, expect, it } from 'vitest';
import { bundleReport, heavyInShell } from './bundle-report.ts';

describe('the shell bundle', () => {
  it('holds no heavy library: MSAL, the Graph client, charts and parsers load with their tool', async () => {
    const report = await bundleReport();
    expect(heavyInShell(report)).toEqual([]);
    expect(report.shell.modules.some((m) => m.endsWith('src/App.svelte'))).toBe(true);
  });
});
