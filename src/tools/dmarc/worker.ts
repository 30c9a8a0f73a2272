import { serve } from '../../lib/worker/serve.ts';
import { analyseFiles, rawXml, senderRecords, toSummary, type DmarcSummary, type ReportRef } from './core.ts';
import { exportText, type ExportFormat } from './exports.ts';
import { FileFeed, feedHandles } from './file-feed.ts';
import { listHandles, type HandleLike } from '../../lib/files/handles.ts';
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
 * and building the group here cost this worker ≈ 70 µs a file of the time it parses in.
 *
 * Where the browser has the File System Access API, folders and files the user picked or dropped come as `handles`
 * instead: this worker lists them and opens the files itself (after the page's own files in `names`), so the page
 * never builds a FileList or posts a File for them.
 */
export type DmarcJob =
  | { kind: 'analyse'; batch: number; names: string[]; handles?: FileSystemHandle[] }
  | { kind: 'stage'; batch: number; start: number; group: Blob; sizes: number[] }
  | { kind: 'records'; sender: number }
  | { kind: 'export'; format: ExportFormat }
  | { kind: 'raw'; name: string; file: Blob; source: string }
  | HistoryJob;

export type DmarcJobResult =
  | { kind: 'staged'; arrived: number }
  | { kind: 'summary'; summary: DmarcSummary }
  | { kind: 'records'; records: DmarcRecord[]; reports: Record<number, ReportRef> }
  | { kind: 'export'; text: string }
  | { kind: 'raw'; text: string | undefined }
  | HistoryJobResult;

let last: DmarcResult | undefined;
/** The drop being read: its Files arrive while it is read (before its feed exists, while handles are listed). */
let feeding:
  { batch: number; feed?: FileFeed; early: { start: number; group: Blob; sizes: number[] }[] } | undefined;

serve<DmarcJob, DmarcJobResult>(async (job, ctx) => {
  switch (job.kind) {
    case 'analyse': {
      feeding?.feed?.close(new DOMException('Superseded', 'AbortError'));
      const current: NonNullable<typeof feeding> = { batch: job.batch, early: [] };
      feeding = current;
      // The IP table downloads while the reports are read.
      void pageIpTable();
      try {
        const listed = job.handles?.length ? await listHandles(job.handles as unknown as HandleLike[]) : [];
        ctx.signal.throwIfAborted();
        const feed = (current.feed = new FileFeed([...job.names, ...listed.map((l) => l.path)]));
        for (const e of current.early.splice(0)) feed.addGroup(e.start, e.group, e.sizes);
        ctx.signal.addEventListener('abort', () => feed.close(new DOMException('Cancelled', 'AbortError')));
        const handles = listed.map((l) => l.handle);
        if (handles.length) void feedHandles(feed, job.names.length, handles);
        // The previous result stays until this one replaces it: the page still shows it and may drill into it.
        last = await analyseFiles(feed.files, { signal: ctx.signal, onProgress: ctx.progress });
      } finally {
        if (feeding === current) feeding = undefined;
      }
      await enrichInPage(last);
      return { kind: 'summary', summary: toSummary(last) };
    }
    case 'stage':
      // Handles of a drop that is no longer read are dropped.
      if (feeding?.batch !== job.batch) return { kind: 'staged', arrived: 0 };
      if (!feeding.feed) feeding.early.push({ start: job.start, group: job.group, sizes: job.sizes });
      else feeding.feed.addGroup(job.start, job.group, job.sizes);
      return { kind: 'staged', arrived: feeding.feed?.arrived ?? 0 };
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
