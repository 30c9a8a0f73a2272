import { serve } from '../../lib/worker/serve.ts';
import { analyseFiles, rawXml, toSummary, type DmarcSummary } from './core.ts';
import { exportText, type ExportFormat } from './exports.ts';
import type { DmarcRecord, DmarcResult } from './types.ts';

/**
 * Files go over as Blobs (cheap to post, read one at a time in here). The full result, records included, stays in
 * this worker: the page gets a summary without records (a big batch has tens of thousands, and deserialising them
 * would block the page), then asks for one sender's records or for an export when it needs them.
 */
export type DmarcJob =
  | { kind: 'analyse'; files: { name: string; file: Blob }[] }
  | { kind: 'records'; sender: number }
  | { kind: 'export'; format: ExportFormat }
  | { kind: 'raw'; name: string; file: Blob; source: string };

export type DmarcJobResult =
  | { kind: 'summary'; summary: DmarcSummary }
  | { kind: 'records'; records: DmarcRecord[] }
  | { kind: 'export'; text: string }
  | { kind: 'raw'; text: string | undefined };

let last: DmarcResult | undefined;

serve<DmarcJob, DmarcJobResult>(async (job, ctx) => {
  switch (job.kind) {
    case 'analyse':
      // The previous result stays until this one replaces it: the page still shows it and may drill into it.
      last = await analyseFiles(
        job.files.map((f) => ({
          name: f.name,
          read: async () => new Uint8Array(await f.file.arrayBuffer()),
        })),
        { signal: ctx.signal, onProgress: ctx.progress },
      );
      return { kind: 'summary', summary: toSummary(last) };
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
