import type { BenchSection } from './lib.ts';
import { bundleReport, heavyInShell } from './bundle-report.ts';

/** Bundle sizes: what the shell costs every visitor, and what each lazy chunk adds. */
export async function bench(): Promise<BenchSection[]> {
  const t = performance.now();
  const r = await bundleReport();
  const ms = performance.now() - t;
  const heavy = heavyInShell(r);
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
  return [
    {
      title: 'Bundle: shell and lazy chunks',
      baseline: 'not a timing; sizes of the production build (gzip level 9 via zlib defaults)',
      rows: [
        {
          name: `shell (${r.shell.files.join(', ')})`,
          ms,
          note: `${kb(r.shell.bytes)} raw, ${kb(r.shell.gzipBytes)} gzip`,
        },
        ...r.lazy
          .sort((a, b) => b.bytes - a.bytes)
          .map((c) => ({
            name: `lazy ${c.file}`,
            ms: 0,
            note: `${kb(c.bytes)} raw, ${kb(c.gzipBytes)} gzip${c.heavy.length ? `; contains ${c.heavy.join(', ')}` : ''}`,
          })),
      ],
      verdict: heavy.length
        ? `FAIL: the shell contains ${heavy.join(', ')}`
        : 'OK: MSAL, the Graph client, chart.js and the parsers are only in lazy chunks.',
      notes: ['The "median ms" of the shell row is the time of the in-memory build, not a page-load time.'],
    },
  ];
}
