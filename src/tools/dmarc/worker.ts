import { serve } from '../../lib/worker/serve.ts';
import { analyseFiles, rawXml, senderRecords, toSummary, type DmarcSummary, type ReportRef } from './core.ts';
import { exportText, type ExportFormat } from './exports.ts';
import { FileFeed } from './file-feed.ts';
import { enrichInPage, pageIpTable } from './enrich/load-page.ts';
import type { DmarcRecord, DmarcResult } from './types.ts';
import { historyJob, type HistoryJob, type HistoryJobResult } from './history/worker-side.ts';

/**
 * Files go over as Blobs (cheap to post, read in here). The full result, records included, stays in this worker:
 * the page gets a summary without records (a big batch has tens of thousands, and deserialising them would block
 * the page), then asks for one sender's records or for an export when it needs them.
 *
 * `analyse` starts reading a drop (`batch`) as soon as it is asked, with the names of all its files; the files
 * follow in `stage` messages, a group Blob of consecutive files at a time (made in the page, each in its own task),
 * while the first are already being read. One Blob per group, not one File per file: posting a File the first
 * time costs the page a fraction of a millisecond (a folder of thousands in one message froze it for a second),
 * and building the group here cost this worker ≈ 70 µs a file of the time it parses in. A `stage` is answered once
 * its group is being read, and the page keeps only a few groups beyond that: made all at once, the groups kept the
 * browser busy while the worker waited for its first reads.
 *
 * Folders and files the user picked or dropped as File System Access handles are listed and opened by the page
 * (see state.svelte.ts) and arrive the same way: the page builds no FileList for them.
 */
export type DmarcJob =
  /** The user starts to give reports: the IP table is fetched and decoded now, while files are dragged or picked. */
  | { kind: 'prepare' }
  | { kind: 'analyse'; batch: number; names: string[] }
  | {
      kind: 'stage';
      batch: number;
      start: number;
      group: Blob;
      sizes: number[];
      /** Files that could not be opened (index in the group, reason): empty in the group. */
      failures: [number, string][];
    }
  | { kind: 'records'; sender: number }
  | { kind: 'export'; format: ExportFormat }
  | { kind: 'raw'; name: string; file: Blob; source: string }
  | HistoryJob;

export type DmarcJobResult =
  | { kind: 'prepared' }
  | { kind: 'staged'; arrived: number }
  | { kind: 'summary'; summary: DmarcSummary }
  | { kind: 'records'; records: DmarcRecord[]; reports: Record<number, ReportRef> }
  | { kind: 'export'; text: string }
  | { kind: 'raw'; text: string | undefined }
  | HistoryJobResult;

let last: DmarcResult | undefined;
/** The drop being read: its files arrive while it is read. */
let feeding: { batch: number; feed: FileFeed } | undefined;

serve<DmarcJob, DmarcJobResult>(async (job, ctx) => {
  switch (job.kind) {
    case 'prepare':
      // Not awaited: a drop arriving meanwhile is read at once (the analysis waits for the table at its end).
      void pageIpTable()?.catch(() => undefined);
      return { kind: 'prepared' };
    case 'analyse': {
      const feed = new FileFeed(job.names);
      feeding?.feed.close(new DOMException('Superseded', 'AbortError'));
      feeding = { batch: job.batch, feed };
      ctx.signal.addEventListener('abort', () => feed.close(new DOMException('Cancelled', 'AbortError')));
      // Normally loaded since the drag or pick began ('prepare'); else it downloads while the reports are read.
      void pageIpTable()?.catch(() => undefined);
      try {
        // The previous result stays until this one replaces it: the page still shows it and may drill into it.
        last = await analyseFiles(feed.files, { signal: ctx.signal, onProgress: ctx.progress });
      } finally {
        feed.close(new DOMException('Done', 'AbortError'));
        if (feeding?.feed === feed) feeding = undefined;
      }
      await enrichInPage(last);
      return { kind: 'summary', summary: toSummary(last) };
    }
    case 'stage':
      // Files of a drop that is no longer read are dropped.
      if (feeding?.batch !== job.batch) return { kind: 'staged', arrived: 0 };
      {
        const { feed } = feeding;
        feed.addGroup(job.start, job.group, job.sizes, job.failures);
        // Answered once the group is being read: the page makes the next ones only as the parser needs them.
        await feed.reading(job.start);
        return { kind: 'staged', arrived: feed.arrived };
      }
    case 'records':
      return { kind: 'records', ...(last ? senderRecords(last, job.sender) : { records: [], reports: {} }) };
    case 'export':
      return { kind: 'export', text: last ? exportText(last, job.format) : '' };
    case 'raw': {
      const bytes = new Uint8Array(await job.file.arrayBuffer());
      return { kind: 'raw', text: rawXml({ name: job.name, bytes }, job.source) };
    }
    default:
      // Kept reports (history/): the view it chooses becomes the result drill-downs and exports answer from.
      return historyJob(job, { get: () => last, set: (r) => (last = r) });
  }
});
