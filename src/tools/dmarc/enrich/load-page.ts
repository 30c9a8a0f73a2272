import { enrichResult, type NetworkSummary } from './group.ts';
import { IpTable } from './lookup.ts';
import { gunzip } from './table.ts';
import type { DmarcResult } from '../types.ts';

/** The table's file name beside the worker (vite.config.ts); empty in the single-file build, which has none. */
declare const __HT_IP_TABLE__: string | undefined;
const FILE = typeof __HT_IP_TABLE__ === 'string' ? __HT_IP_TABLE__ : '';

let loading: Promise<IpTable> | undefined;

/**
 * Fetches the table once per worker, from the app's own origin (the service worker keeps it for offline use). The
 * page asks for it when the user starts to give reports (worker.ts, 'prepare'), so it is decoded while files are
 * dragged or picked rather than beside the parse; an analysis that finds it missing starts it.
 */
export function pageIpTable(): Promise<IpTable> | undefined {
  if (!FILE) return undefined;
  loading ??= (async () => {
    const response = await fetch(new URL(FILE, import.meta.url));
    if (!response.ok) throw new Error(`the app's server answered ${response.status} for ${FILE}`);
    return IpTable.read(await gunzip(new Uint8Array(await response.arrayBuffer())));
  })();
  // A failed load is tried again by the next analysis.
  loading.catch(() => (loading = undefined));
  return loading;
}

const NONE = { date: '', ips: 0, ipsKnown: 0, countries: [] };
/** How long the first answer may wait for the table once the reports are read. */
const WAIT_MS = 4000;

/** Enriches a result in the page's worker, or says why it cannot. */
export async function enrichInPage(result: DmarcResult): Promise<void> {
  if (result.records.length === 0) return;
  const table = pageIpTable();
  if (!table) {
    result.network = {
      ...NONE,
      problem:
        'The single-file build carries no IP table: networks and countries are shown by the hosted app and the CLI.',
    } satisfies NetworkSummary;
    return;
  }
  try {
    // On a slow link the figures do not wait for the table: it goes on downloading for the next analysis.
    const late = new Promise<undefined>((resolve) => setTimeout(resolve, WAIT_MS));
    const loaded = await Promise.race([table, late]);
    if (!loaded) {
      result.network = {
        ...NONE,
        problem:
          'The IP table is still downloading: networks and countries are shown from the next analysis on (add or drop the files again).',
      };
      return;
    }
    enrichResult(result, loaded);
  } catch (e) {
    result.network = { ...NONE, problem: `Networks and countries are not shown: ${(e as Error).message}` };
  }
}
