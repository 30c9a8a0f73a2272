import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bundleReport, heavyInShell, type BundleReport } from './bundle-report.ts';

/**
 * `npm test` builds once (HT_BUNDLE_REPORT names where that build wrote its report) and this checks that build,
 * the one the end-to-end tests run on; run alone, it builds the app in memory.
 */
async function report(): Promise<BundleReport> {
  const path = process.env.HT_BUNDLE_REPORT;
  if (!path) return bundleReport();
  if (!existsSync(path)) throw new Error(`HT_BUNDLE_REPORT is set, but the build wrote no report at ${path}`);
  return JSON.parse(readFileSync(path, 'utf8')) as BundleReport;
}

describe('the shell bundle', () => {
  it('holds no heavy library: MSAL, the Graph client, charts and parsers load with their tool', async () => {
    const r = await report();
    expect(heavyInShell(r)).toEqual([]);
    expect(r.shell.modules.some((m) => m.endsWith('src/App.svelte'))).toBe(true);
    // The lazy chunks are where they went (the parsers run in workers, outside this bundle).
    expect(r.lazy.flatMap((c) => c.heavy)).toEqual(
      expect.arrayContaining(['@azure/msal-browser', 'chart.js', 'papaparse']),
    );
  });
});
