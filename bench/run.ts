import { writeFile } from 'node:fs/promises';
import { machine, renderSection, type BenchSection } from './lib.ts';

/** Each tool's benchmark, run in this order; `npm run bench -- dmarc` runs only the named ones. */
const BENCHES: Record<string, () => Promise<{ bench: () => Promise<BenchSection[]> }>> = {
  'immutable-id': () => import('./immutable-id.ts'),
  dmarc: () => import('./dmarc.ts'),
  'dmarc-history': () => import('./dmarc-history.ts'),
  ip: () => import('./ip.ts'),
  'sync-check': () => import('./sync-check.ts'),
  'move-report': () => import('./move-report.ts'),
  page: () => import('./page-apps.ts'),
  cli: () => import('./cli.ts'),
  bundle: () => import('./bundle.ts'),
};

const only = process.argv.slice(2);
const sections: string[] = [];
for (const [name, load] of Object.entries(BENCHES)) {
  if (only.length && !only.includes(name)) continue;
  let mod: { bench: () => Promise<BenchSection[]> };
  try {
    mod = await load();
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_MODULE_NOT_FOUND') continue;
    throw e;
  }
  console.log(`bench: ${name}…`);
  for (const s of await mod.bench()) {
    const text = renderSection(s);
    console.log(text);
    sections.push(text);
  }
}
const header = [
  '# Benchmark results',
  '',
  `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${machine()}.`,
  '',
  'Figures are medians, except where a table says it shows the fastest run (whole processes, the page path); ratios compare against a baseline measured in the same run, because these machines are noisy.',
  'Regenerate with `npm run bench` (or `npm run bench -- <name>` for one section; that rewrites this file with only those).',
  '',
].join('\n');
// HT_BENCH_OUT: write elsewhere (a trial run that must not replace the committed figures).
const out = process.env.HT_BENCH_OUT ?? new URL('./RESULTS.md', import.meta.url);
await writeFile(out, header + '\n' + sections.join('\n'));
console.log(`bench: wrote ${String(out)}`);
