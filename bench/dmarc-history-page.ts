import { analyse } from '../src/tools/dmarc/core.ts';
import { generateReports } from '../src/tools/dmarc/generate.ts';
import { HistoryStore } from '../src/tools/dmarc/history/store.ts';
import { keptResult } from '../src/tools/dmarc/history/roll-up.ts';
import { exportHistory, importHistory } from '../src/tools/dmarc/history/file.ts';
import { KEEP_SETTING } from '../src/tools/dmarc/history/setting.ts';
import type { KeptReport } from '../src/tools/dmarc/history/pack.ts';
import type { DmarcRecord } from '../src/tools/dmarc/types.ts';

/**
 * Runs in a page of the app's origin (bundled by Vite), so the IndexedDB it fills is the one the app reads: a year
 * of a busy domain made from the generator's reports, written through the store as the app writes it.
 */

const DAY = 86_400;
let items: KeptReport[] = [];

async function median(fn: () => unknown, runs: number): Promise<number> {
  const t: number[] = [];
  for (let k = 0; k < runs; k++) {
    const s = performance.now();
    await fn();
    t.push(performance.now() - s);
  }
  return t.sort((a, b) => a - b)[Math.floor(t.length / 2)]!;
}

/**
 * `reports` reports of `perReport` records each over 365 days: the generator's parsed reports, each used several
 * times under another report ID and day, their records dealt out in turn.
 */
async function year(reports: number, perReport: number): Promise<KeptReport[]> {
  const seed = await analyse(generateReports({ reports: Math.ceil(reports / 10), seed: 365 }).files);
  const pool: DmarcRecord[] = seed.records;
  const day0 = Date.UTC(2025, 0, 1) / 1000;
  const out: KeptReport[] = [];
  let k = 0;
  for (let i = 0; i < reports; i++) {
    const base = seed.reports[i % seed.reports.length]!;
    const begin = day0 + Math.floor((i * 365) / reports) * DAY;
    const records: DmarcRecord[] = [];
    for (let j = 0; j < perReport; j++) records.push({ ...pool[k++ % pool.length]!, report: -1, sender: -1 });
    out.push({
      report: { ...base, reportId: `${base.reportId}-${i}`, begin, end: begin + DAY - 1, duplicateOf: -1 },
      records,
    });
  }
  return out;
}

export async function fill(reports: number, perReport: number, batch: number) {
  localStorage.setItem(KEEP_SETTING, 'on');
  items = await year(reports, perReport);
  const store = await HistoryStore.open();
  await store.forget();
  const t = performance.now();
  for (let i = 0; i < items.length; i += batch) await store.add(items.slice(i, i + batch));
  const fillMs = performance.now() - t;
  const chunks = await store.chunks();
  let bytes = 0;
  for (const c of chunks) {
    bytes += c.rs.byteLength + c.rt.byteLength + c.rf.byteLength + c.ro.byteLength;
    bytes += c.cs.byteLength + c.cn.byteLength + c.cf.byteLength;
    for (const s of c.strings) bytes += 2 * s.length;
  }
  const meta = await store.meta();
  store.close();
  const estimate = await navigator.storage.estimate();
  return { fillMs, chunks: chunks.length, bytes, usage: estimate.usage ?? 0, ...meta };
}

/** The baselines, in this page: the roll-up of the same reports in memory, and bare reads of the same chunks. */
export async function baselines(runs: number) {
  const store = await HistoryStore.open();
  const getAll = await median(() => store.chunks(), runs);
  const read = await median(() => store.read(), runs);
  const rollUp = await median(
    () => keptResult(items.map((it) => ({ report: { ...it.report }, records: it.records }))),
    runs,
  );
  store.close();
  return { getAll, read, rollUp };
}

/** Export everything kept, and import the file into another (empty) database: neither is a goal, both are shown. */
export async function exportImport() {
  const store = await HistoryStore.open();
  let t = performance.now();
  const file = await exportHistory(store);
  const exportMs = performance.now() - t;
  store.close();
  const other = await HistoryStore.open('history-bench-import');
  await other.forget();
  t = performance.now();
  const outcome = await importHistory(other, file);
  const importMs = performance.now() - t;
  await other.forget();
  other.close();
  return { exportMs, importMs, bytes: file.length, isOk: outcome.isOk };
}

export async function forget() {
  const store = await HistoryStore.open();
  await store.forget();
  store.close();
  localStorage.removeItem(KEEP_SETTING);
}
