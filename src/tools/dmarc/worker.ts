import { InputError } from '../../lib/issue.ts';
import { serve } from '../../lib/worker/serve.ts';
import { analyseFiles, rawXml, toSummary, type DmarcSummary } from './core.ts';
import { exportText, type ExportFormat } from './exports.ts';
import type { DmarcRecord, DmarcResult } from './types.ts';

/**
 * Files go over as Blobs (cheap to post, read one at a time in here). The full result, records included, stays in
 * this worker: the page gets a summary without records (a big batch has tens of thousands, and deserialising them
 * would block the page), then asks for one sender's records or for an export when it needs them.
 */
export interface FileRef {
  name: string;
  file: Blob;
}

/**
 * `stage` hands over a slice of the files of one drop (`batch`); `analyse` then reads that batch. Posting a File is
 * cheap but not free (about a quarter of a millisecond each in Chromium): thousands in one message froze the page,
 * a slice per message keeps every task short.
 */
export type DmarcJob =
  | { kind: 'stage'; batch: number; files: FileRef[] }
  | { kind: 'analyse'; files?: FileRef[]; batch?: number }
  | { kind: 'records'; sender: number }
  | { kind: 'export'; format: ExportFormat }
  | { kind: 'raw'; name: string; file: Blob; source: string };

export type DmarcJobResult =
  | { kind: 'staged'; count: number }
  | { kind: 'summary'; summary: DmarcSummary }
  | { kind: 'records'; records: DmarcRecord[] }
  | { kind: 'export'; text: string }
  | { kind: 'raw'; text: string | undefined };

let last: DmarcResult | undefined;
const staged = new Map<number, FileRef[]>();

serve<DmarcJob, DmarcJobResult>(async (job, ctx) => {
  switch (job.kind) {
    case 'stage': {
      // Only the newest drop is kept: an older one was superseded before it was analysed.
      for (const b of staged.keys()) if (b < job.batch) staged.delete(b);
      const list = staged.get(job.batch) ?? [];
      for (const f of job.files) list.push(f);
      staged.set(job.batch, list);
      return { kind: 'staged', count: list.length };
    }
    case 'analyse': {
      const files = job.files ?? (job.batch === undefined ? undefined : staged.get(job.batch));
      if (job.batch !== undefined) staged.delete(job.batch);
      if (!files)
        throw new InputError({
          code: 'empty-file',
          severity: 'error',
          message: 'The dropped files did not reach the background reader. Drop them again.',
        });
      // The previous result stays until this one replaces it: the page still shows it and may drill into it.
      last = await analyseFiles(
        files.map((f) => ({
          name: f.name,
          read: async () => new Uint8Array(await f.file.arrayBuffer()),
        })),
        { signal: ctx.signal, onProgress: ctx.progress },
      );
      return { kind: 'summary', summary: toSummary(last) };
    }
    case 'records':
      return { kind: 'records', records: last ? last.records.filter((r) => r.sender === job.sender) : [] };
    case 'export':
      return { kind: 'export', text: last ? exportText(last, job.format) : '' };
    case 'raw': {
      const bytes = new Uint8Array(await job.file.arrayBuffer());
      return { kind: 'raw', text: rawXml({ name: job.name, bytes }, job.source) };
    }
  }
});
