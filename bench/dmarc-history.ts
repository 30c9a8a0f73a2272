/**
 * DMARC reports kept across visits (issue 14, part 5), in the served production build in Debian's Chromium: a year
 * of a busy domain (50,000 aggregate reports, 500,000 records) written into the app's IndexedDB through the store,
 * then the app opened with keeping on until the "Everything kept" overview is on screen, and one day's reports
 * (140 files) dropped and kept. Beside them, in a page of the same origin in the same run: the same roll-up of the
 * same reports already in memory (the baseline), and bare reads of the same chunks.
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';
import { chromiumPath, CHROMIUM_ARGS } from '../tests/browser.ts';
import { generateReports } from '../src/tools/dmarc/generate.ts';
import { bundleForPage, type BenchRow, type BenchSection } from './lib.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const DIR = fileURLToPath(new URL('./generated/', import.meta.url));
const APP = process.env.HT_HISTORY_APP ? resolve(process.env.HT_HISTORY_APP) : resolve(DIR, 'history-app');
const DAY_DIR = resolve(DIR, 'history-days');
// HT_HISTORY_REPORTS: a smaller year, to try the bench quickly.
const REPORTS = Number(process.env.HT_HISTORY_REPORTS ?? 50_000);
const PER_REPORT = 10;
const BATCH = 5_000;
const DAY_FILES = 140;
const RUNS = 3;
const SETTLE_MS = 1500;
const GOAL_LOAD_MS = 3000;
const GOAL_ADD_MS = 1000;
const GOAL_TASK_MS = 100;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.webmanifest': 'application/manifest+json',
};

async function serve(harness: string) {
  const server = createServer((req, res) => {
    const p = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (p === '/history-bench.html')
      return res.end('<!doctype html><meta charset="utf-8"><title>history bench</title>');
    if (p === '/history-harness.js')
      return res.writeHead(200, { 'content-type': TYPES['.js']! }).end(harness);
    const file = p.startsWith('/days/')
      ? resolve(DAY_DIR, p.slice(6))
      : resolve(APP, '.' + (p.endsWith('/') ? p + 'index.html' : p));
    if (
      !(file.startsWith(DAY_DIR) || file.startsWith(APP)) ||
      !existsSync(file) ||
      statSync(file).isDirectory()
    )
      return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => server.close(),
  };
}

/** Long tasks from the very start of the page (an init script runs before the app's own). */
const OBSERVE = `(() => {
  const b = (window.__bench = { tasks: [], at: [], t0: 0 });
  new PerformanceObserver((l) => { for (const e of l.getEntries()) if (e.startTime >= b.t0) b.tasks.push(e.duration), b.at.push(e.startTime - b.t0); }).observe({ type: 'longtask', buffered: true });
})()`;

/** Waits for the text, then one frame; the time since `t0`, and the long tasks until SETTLE_MS later. */
const WAIT = `async ([selector, text, settle]) => {
  const b = window.__bench;
  const has = () => [...document.querySelectorAll(selector)].some((e) => e.textContent.includes(text));
  const give = performance.now() + 120000;
  while (!has()) {
    if (performance.now() > give) throw new Error('not on screen: ' + [...document.querySelectorAll(selector)].map((e) => e.textContent.trim()).join(' | '));
    await new Promise((r) => setTimeout(r, 5));
  }
  await new Promise((r) => requestAnimationFrame(() => r()));
  const ms = performance.now() - b.t0;
  await new Promise((r) => setTimeout(r, settle));
  const k = b.tasks.indexOf(Math.max(...b.tasks));
  return { ms, longest: Math.max(0, ...b.tasks), at: k < 0 ? 0 : b.at[k], count: b.tasks.length };
}`;

interface Run {
  ms: number;
  longest: number;
  /** When the longest began, ms after the clock started. */
  at: number;
  count: number;
}

async function openKept(
  context: BrowserContext,
  origin: string,
): Promise<{ run: Run; page: import('playwright-core').Page }> {
  const page = await context.newPage();
  await page.goto(`${origin}/#/dmarc`);
  const run = (await page.evaluate(`(${WAIT})(['[role=status]', 'Everything kept: ', ${SETTLE_MS}])`)) as Run;
  return { run, page };
}

async function writeDays(): Promise<string[][]> {
  const sets: string[][] = [];
  for (let k = 0; k < RUNS; k++) {
    const dir = resolve(DAY_DIR, String(k));
    await mkdir(dir, { recursive: true });
    const files = generateReports({ reports: DAY_FILES, seed: 9000 + k }).files;
    // Numbered: the generator may name two reports alike, and a drop keeps one file per path.
    const names = files.map((f, i) => `${i}-${f.name}`);
    for (let i = 0; i < files.length; i++) await writeFile(resolve(dir, names[i]!), files[i]!.bytes);
    sets.push(names.map((n) => `${k}/${n}`));
  }
  return sets;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function bench(): Promise<BenchSection[]> {
  const built = spawnSync(
    process.execPath,
    ['node_modules/vite/bin/vite.js', 'build', '--outDir', APP, '--emptyOutDir'],
    {
      cwd: ROOT,
      stdio: 'ignore',
    },
  );
  if (built.status !== 0) throw new Error('vite build failed');
  const days = await writeDays();
  const entry = resolve(DIR, 'history-harness-entry.ts');
  await writeFile(
    entry,
    "export { fill, baselines, exportImport, forget } from '../dmarc-history-page.ts';\n",
  );
  const server = await serve(await bundleForPage(entry, 'HistoryBench'));
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
  const context = await browser.newContext();
  await context.addInitScript(OBSERVE);
  try {
    const h = await context.newPage();
    await h.goto(`${server.origin}/history-bench.html`);
    await h.addScriptTag({ url: '/history-harness.js' });
    console.log('history bench: filling IndexedDB…');
    const filled = (await h.evaluate(`HistoryBench.fill(${REPORTS}, ${PER_REPORT}, ${BATCH})`)) as {
      fillMs: number;
      chunks: number;
      bytes: number;
      usage: number;
      reports: number;
      records: number;
    };
    const load: Run[] = [];
    const add: Run[] = [];
    const base: { getAll: number; read: number; rollUp: number }[] = [];
    for (let k = 0; k < RUNS; k++) {
      console.log(`history bench: run ${k + 1} of ${RUNS}…`);
      base.push((await h.evaluate('HistoryBench.baselines(1)')) as (typeof base)[number]);
      console.log(`history bench: baselines ${JSON.stringify(base[k])}`);
      const { run, page } = await openKept(context, server.origin);
      load.push(run);
      console.log(`history bench: load ${JSON.stringify(run)}`);
      // One day's reports, dropped while everything kept is on screen: parsed, kept, the storage line updated.
      await page.evaluate(
        `(async (names) => {
          const dt = new DataTransfer();
          for (const n of names) dt.items.add(new File([await (await fetch('/days/' + n)).arrayBuffer()], n.split('/').pop()));
          window.__dt = dt;
        })(${JSON.stringify(days[k])})`,
      );
      await page.waitForTimeout(300);
      await page.evaluate(
        "window.__bench.tasks.length = 0; window.__bench.at.length = 0; window.__bench.t0 = performance.now(); document.querySelector('.drop').dispatchEvent(new DragEvent('drop', { dataTransfer: window.__dt, bubbles: true, cancelable: true }))",
      );
      add.push(
        (await page.evaluate(
          `(${WAIT})(['[role=status]', 'The last drop added ${DAY_FILES}.', ${SETTLE_MS}])`,
        )) as Run,
      );
      console.log(`history bench: add ${JSON.stringify(add[k])}`);
      await page.close();
    }
    console.log('history bench: export and import…');
    const io = (await h.evaluate('HistoryBench.exportImport()')) as {
      exportMs: number;
      importMs: number;
      bytes: number;
      isOk: boolean;
    };
    if (!io.isOk) throw new Error('the exported history did not import');
    await h.evaluate('HistoryBench.forget()');
    const rollUp = median(base.map((b) => b.rollUp));
    const loadMs = median(load.map((r) => r.ms));
    const addMs = median(add.map((r) => r.ms));
    const worstLoadTask = Math.max(...load.map((r) => r.longest));
    const worstAddTask = Math.max(...add.map((r) => r.longest));
    const worst = Math.max(worstLoadTask, worstAddTask);
    const mb = (b: number) => `${(b / 2 ** 20).toFixed(1)} MB`;
    const task = (r: Run[]) => {
      const worst = r.reduce((a, b) => (b.longest > a.longest ? b : a));
      return `longest main-thread task ${worst.longest ? `${worst.longest.toFixed(0)} ms, begun ${worst.at.toFixed(0)} ms in (the answer showed at ${worst.ms.toFixed(0)} ms)` : 'none ≥ 50 ms'}; ${Math.max(...r.map((x) => x.count))} long task(s) at most in a run`;
    };
    const rows: BenchRow[] = [
      {
        name: `baseline: the roll-up (summarise) of the same ${REPORTS.toLocaleString('en-US')} reports already in memory, same origin page`,
        ms: rollUp,
        ratio: 1,
      },
      {
        name: `bare IndexedDB getAll of the ${filled.chunks} packed chunks (${mb(filled.bytes)} of columns and text)`,
        ms: median(base.map((b) => b.getAll)),
        ratio: median(base.map((b) => b.getAll)) / rollUp,
      },
      {
        name: 'store.read(): getAll and unpacking into report and record objects',
        ms: median(base.map((b) => b.read)),
        ratio: median(base.map((b) => b.read)) / rollUp,
      },
      {
        name: `app: open #/dmarc with ${REPORTS.toLocaleString('en-US')} reports / ${filled.records.toLocaleString('en-US')} records kept → "Everything kept" overview on screen`,
        ms: loadMs,
        ratio: loadMs / rollUp,
        note: `from navigation start (page, tool chunk, worker, IndexedDB read, roll-up, IP enrichment, render); ${task(load)}`,
      },
      {
        name: `app: drop one day's reports (${DAY_FILES} files) with everything kept on screen → parsed and kept`,
        ms: addMs,
        ratio: addMs / rollUp,
        note: `drop event → the storage line says they were added; ${task(add)}`,
      },
      {
        name: `Export history (not a goal): everything kept to a gzip'd file of ${mb(io.bytes)}`,
        ms: io.exportMs,
      },
      {
        name: 'Import history (not a goal): that file into an empty store, every value checked, kept in one transaction',
        ms: io.importMs,
      },
      {
        name: `filling the store (not a goal): ${REPORTS.toLocaleString('en-US')} reports added in batches of ${BATCH.toLocaleString('en-US')}`,
        ms: filled.fillMs,
        note: `browser's storage estimate afterwards ${mb(filled.usage)}`,
      },
    ];
    const met = (ok: boolean) => (ok ? 'met' : 'NOT met');
    return [
      {
        title: 'DMARC reports kept in the browser: a year of a busy domain (headless Chromium)',
        baseline: `the roll-up (summarise, as for a drop) of the same ${REPORTS.toLocaleString('en-US')} reports / ${filled.records.toLocaleString('en-US')} records already in memory, in a page of the same origin, same run; median of ${RUNS}`,
        rows,
        verdict: `Goals: load into the overview < ${GOAL_LOAD_MS / 1000} s (${(loadMs / 1000).toFixed(2)} s: ${met(loadMs < GOAL_LOAD_MS)}); add a day's reports < ${GOAL_ADD_MS / 1000} s (${(addMs / 1000).toFixed(2)} s: ${met(addMs < GOAL_ADD_MS)}); no main-thread task > ${GOAL_TASK_MS} ms (longest ${worst.toFixed(0)} ms: ${met(worst <= GOAL_TASK_MS)}).`,
        notes: [
          `The ${REPORTS.toLocaleString('en-US')} reports are the generator's (src/tools/dmarc/generate.ts) ${(REPORTS / 10).toLocaleString('en-US')} parsed reports, each used ten times under another report ID and day over 2025, ${PER_REPORT} records each, written through the store (history/store.ts) as the app writes them. Long tasks (≥ 50 ms) are counted from navigation start (load) or from the drop (add) until ${SETTLE_MS / 1000} s after the answer shows.`,
        ],
      },
    ];
  } finally {
    await browser.close();
    server.close();
  }
}
