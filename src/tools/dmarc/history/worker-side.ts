import { enrichInPage } from '../enrich/load-page.ts';
import { toSummary, type DmarcSummary } from '../core.ts';
import type { DmarcResult } from '../types.ts';
import { exportHistory, importHistory, type ImportOutcome } from './file.ts';
import type { KeptReport } from './pack.ts';
import { keptResult } from './roll-up.ts';
import { HistoryStore, type AddOutcome, type DayRange, type HistoryMeta } from './store.ts';

/** What the page asks of the history; the DMARC worker hands these to {@link historyJob}. */
export type HistoryJob =
  | { kind: 'history-keep' }
  | { kind: 'history-stats' }
  | { kind: 'history-view'; range: DayRange }
  | { kind: 'history-drop' }
  | { kind: 'history-export' }
  | { kind: 'history-import'; file: Blob }
  | { kind: 'history-forget' };

export interface HistoryStats extends HistoryMeta {
  /** What the browser says this origin stores (everything, not only the history), bytes; undefined if unknown. */
  usage?: number;
  quota?: number;
}

export type HistoryJobResult =
  | { kind: 'history'; stats: HistoryStats; kept?: AddOutcome }
  | { kind: 'history-view'; summary: DmarcSummary | undefined; stats: HistoryStats }
  | { kind: 'history-file'; file: Blob }
  | { kind: 'history-import'; outcome: ImportOutcome; stats: HistoryStats };

/** The worker's current result, read and replaced through this (drill-downs and exports answer from it). */
export interface ResultSlot {
  get(): DmarcResult | undefined;
  set(result: DmarcResult | undefined): void;
}

let opening: Promise<HistoryStore> | undefined;
const store = () => (opening ??= HistoryStore.open());
/** The last drop's result, kept aside while the view shows what is kept. */
let drop: DmarcResult | undefined;
let kept: DmarcResult | undefined;

async function stats(s: HistoryStore): Promise<HistoryStats> {
  const meta = await s.meta();
  const estimate = await globalThis.navigator?.storage?.estimate?.().catch(() => undefined);
  return { ...meta, usage: estimate?.usage, quota: estimate?.quota };
}

/** The unique aggregate reports of a drop, with their records, as the store keeps them. */
function uniqueReports(r: DmarcResult): KeptReport[] {
  const byReport = new Map<number, KeptReport>();
  const out: KeptReport[] = [];
  r.reports.forEach((report, i) => {
    if (report.duplicateOf !== -1) return;
    const it = { report, records: [] };
    byReport.set(i, it);
    out.push(it);
  });
  for (const rec of r.records) byReport.get(rec.report)?.records.push(rec);
  return out;
}

export async function historyJob(job: HistoryJob, slot: ResultSlot): Promise<HistoryJobResult> {
  const s = await store();
  const current = slot.get();
  if (current && current !== kept) drop = current;
  switch (job.kind) {
    case 'history-keep': {
      const outcome = drop ? await s.add(uniqueReports(drop)) : undefined;
      return { kind: 'history', stats: await stats(s), kept: outcome };
    }
    case 'history-stats':
      return { kind: 'history', stats: await stats(s) };
    case 'history-view': {
      const items = await s.read(job.range);
      kept = items.length ? keptResult(items) : undefined;
      if (kept) await enrichInPage(kept);
      slot.set(kept ?? drop);
      return { kind: 'history-view', summary: kept && toSummary(kept), stats: await stats(s) };
    }
    case 'history-drop':
      slot.set(drop);
      kept = undefined;
      return { kind: 'history-view', summary: drop && toSummary(drop), stats: await stats(s) };
    case 'history-export':
      return {
        kind: 'history-file',
        file: new Blob([(await exportHistory(s)) as Uint8Array<ArrayBuffer>], { type: 'application/gzip' }),
      };
    case 'history-import': {
      const outcome = await importHistory(s, new Uint8Array(await job.file.arrayBuffer()));
      return { kind: 'history-import', outcome, stats: await stats(s) };
    }
    case 'history-forget':
      await s.forget();
      return { kind: 'history', stats: await stats(s) };
  }
}
