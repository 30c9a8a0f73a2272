import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import Papa from 'papaparse';
import { chromium } from 'playwright-core';
import { chromiumPath, CHROMIUM_ARGS } from '../tests/browser.ts';
import { bundleForPage, median, withRatios, type BenchRow, type BenchSection } from './lib.ts';
import { analyse } from '../src/tools/sync-check/core.ts';
import { generate } from '../src/tools/sync-check/generate.ts';

const USERS = 200_000;
const BIG_UTF16_BYTES = 282 * 1024 * 1024;
const GOAL_RATIO = 1.3;
const DIR = fileURLToPath(new URL('./generated/', import.meta.url));
const AD = resolve(DIR, 'sync-check-ad.csv');
const ENTRA = resolve(DIR, 'sync-check-entra.csv');
const BIG = resolve(DIR, 'sync-check-ad-utf16-282mb.csv');

async function ensureFiles(): Promise<string[]> {
  await mkdir(DIR, { recursive: true });
  if (!existsSync(AD) || !existsSync(ENTRA)) {
    const g = generate({ users: USERS, adStyle: 'ps7', entraStyle: 'mg', seed: 200 });
    await writeFile(AD, g.ad.bytes);
    await writeFile(ENTRA, g.entra[0]!.bytes);
    await writeFile(resolve(DIR, 'sync-check-scope.json'), JSON.stringify(g.scope));
  }
  if (!existsSync(BIG)) {
    // A de-DE Windows PowerShell 5.1 export (`;`, UTF-16LE): about 724 bytes a user.
    const g = generate({
      users: Math.round(BIG_UTF16_BYTES / 724),
      adStyle: 'de-DE',
      entraStyle: 'mg',
      seed: 282,
    });
    await writeFile(BIG, g.ad.bytes);
  }
  return JSON.parse(await readFile(resolve(DIR, 'sync-check-scope.json'), 'utf8')) as string[];
}

function bareParse(bytes: Uint8Array[]): number {
  let rows = 0;
  for (const b of bytes) {
    const text = new TextDecoder().decode(b);
    rows += Papa.parse(text, { header: true, skipEmptyLines: true }).data.length;
  }
  return rows;
}

/** The core and Papa Parse bundled into one script for the page (no app shell: the core alone is timed). */
async function harness(): Promise<string> {
  const entry = resolve(DIR, 'sync-check-harness.ts');
  // Timing code lives in the bundle: functions passed to page.evaluate would carry tsx's helpers.
  await writeFile(
    entry,
    `import Papa from 'papaparse';
import { analyse } from '../../src/tools/sync-check/core.ts';
const load = async (n: string) => new Uint8Array(await (await fetch('/' + n)).arrayBuffer());
function bare(bytes: Uint8Array[]) { let n = 0; for (const b of bytes) n += Papa.parse(new TextDecoder().decode(b), { header: true, skipEmptyLines: true }).data.length; return n; }
function time(fn: () => unknown, runs: number) {
  fn();
  const t: number[] = [];
  for (let k = 0; k < runs; k++) { const s = performance.now(); fn(); t.push(performance.now() - s); }
  return t.sort((a, b) => a - b)[Math.floor(t.length / 2)];
}
export async function small(scope: string[], runs: number) {
  const ad = await load('sync-check-ad.csv');
  const entra = await load('sync-check-entra.csv');
  const b = time(() => bare([ad, entra]), runs);
  const run = () => analyse({ ad: [{ name: 'ad.csv', bytes: ad }], entra: [{ name: 'entra.csv', bytes: entra }], scope });
  const a = time(run, runs);
  // What the worker's postMessage does with the result: structured cloning (serialise there, rebuild here).
  const result = run();
  const c = time(() => structuredClone(result), runs);
  return { bare: b, analysis: a, clone: c };
}
export async function big(scope: string[]) {
  const bytes = await load('sync-check-ad-utf16-282mb.csv');
  const entra = await load('sync-check-entra.csv');
  const s = performance.now();
  const r = analyse({ ad: [{ name: 'ad.csv', bytes }], entra: [{ name: 'entra.csv', bytes: entra }], scope });
  const ms = performance.now() - s;
  const mem = (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory;
  return { ms, users: r.totals.adUsers, heapMb: mem ? mem.usedJSHeapSize / 2 ** 20 : 0 };
}
`,
  );
  return bundleForPage(entry, 'SyncBench');
}

interface PageFigures {
  bare: number;
  analysis: number;
  clone: number;
  big?: { ms: number; users: number; heapMb: number; failure?: string };
}

async function chromiumFigures(scope: string[], runs: number): Promise<PageFigures> {
  const code = await harness();
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
  // A loopback server, not page.route: a 282 MB body through the DevTools protocol is itself too big.
  const server = createServer((req, res) => {
    const name = (req.url ?? '/').slice(1);
    if (!name) return res.end('<!doctype html><title>bench</title>');
    const path = resolve(DIR, name);
    if (!path.startsWith(DIR) || !existsSync(path)) return res.writeHead(404).end();
    res.writeHead(200, { 'content-length': statSync(path).size });
    createReadStream(path).pipe(res);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const open = async () => {
    const page = await browser.newPage();
    await page.goto(origin);
    await page.addScriptTag({ content: code });
    return page;
  };
  try {
    const page = await open();
    const small = (await page.evaluate(`SyncBench.small(${JSON.stringify(scope)}, ${runs})`)) as {
      bare: number;
      analysis: number;
      clone: number;
    };
    await page.close();
    // The large UTF-16LE export, once, in a fresh page: it must finish without the tab dying.
    const bigPage = await open();
    let big: PageFigures['big'];
    try {
      big = (await bigPage.evaluate(`SyncBench.big(${JSON.stringify(scope)})`)) as PageFigures['big'];
    } catch (e) {
      big = { ms: NaN, users: 0, heapMb: 0, failure: (e as Error).message.split('\n')[0] };
    }
    return { ...small, big };
  } finally {
    await browser.close();
    server.close();
  }
}

export async function bench(): Promise<BenchSection[]> {
  const scope = await ensureFiles();
  const ad = new Uint8Array(await readFile(AD));
  const entra = new Uint8Array(await readFile(ENTRA));
  const mb = (ad.byteLength + entra.byteLength) / 2 ** 20;
  const runs = 3;
  let sink = 0;
  const bare = await median(() => (sink += bareParse([ad, entra])), runs);
  const full = await median(() => {
    const r = analyse({
      ad: [{ name: 'ad.csv', bytes: ad }],
      entra: [{ name: 'entra.csv', bytes: entra }],
      scope,
    });
    sink += r.totals.matched;
  }, runs);
  if (!sink) throw new Error('nothing was computed');
  const rate = (ms: number) => ({ value: mb / (ms / 1000), unit: 'MB/s' });
  const nodeRows: BenchRow[] = [
    {
      name: `baseline: TextDecoder + Papa.parse header:true, AD + Entra CSV (${mb.toFixed(0)} MB)`,
      ms: bare,
      rate: rate(bare),
    },
    {
      name: 'analyse(): read, map, compare, conflicts, attribute checks',
      ms: full,
      rate: rate(full),
      note: `${USERS.toLocaleString('en')} users a side`,
    },
  ];
  const sections: BenchSection[] = [
    {
      title: 'Sync check, 200,000 × 200,000 users (Node)',
      baseline: 'a bare Papa Parse (header: true) of the same two files, decoded with TextDecoder, same run',
      rows: withRatios(nodeRows, bare),
      verdict: verdict(full / bare),
    },
  ];
  const page = await chromiumFigures(scope, runs);
  const pageRows: BenchRow[] = [
    {
      name: 'baseline: TextDecoder + Papa.parse header:true in the page',
      ms: page.bare,
      rate: rate(page.bare),
    },
    { name: 'analyse() in the page', ms: page.analysis, rate: rate(page.analysis) },
    {
      name: 'structuredClone() of the result: what posting it from the worker to the page costs',
      ms: page.clone,
      note: 'paid on top of analyse(), split between the worker and the page',
    },
  ];
  const bigMb = statSync(BIG).size / 2 ** 20;
  if (page.big) {
    pageRows.push({
      name: `analyse() on a ${bigMb.toFixed(0)} MB UTF-16LE de-DE AD export (one run)`,
      ms: page.big.ms,
      rate: { value: bigMb / (page.big.ms / 1000), unit: 'MB/s' },
      note: page.big.failure
        ? `did NOT complete: ${page.big.failure}`
        : `${page.big.users.toLocaleString('en')} AD users; completed; JS heap after: ${page.big.heapMb.toFixed(0)} MB`,
    });
  }
  sections.push({
    title: 'Sync check, 200,000 × 200,000 users (headless Chromium)',
    baseline: 'the same bare Papa Parse in the same page, same run',
    rows: withRatios(pageRows, page.bare),
    verdict: verdict(page.analysis / page.bare),
  });
  return sections;
}

function verdict(ratio: number): string {
  return `Goal: whole analysis ≤ ${GOAL_RATIO}× the bare parse: ${ratio <= GOAL_RATIO ? 'met' : `NOT met, ${((ratio / GOAL_RATIO - 1) * 100).toFixed(0)}% over`} (${ratio.toFixed(2)}×).`;
}
