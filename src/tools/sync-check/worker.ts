import { serve } from '../../lib/worker/serve.ts';
import { analyse, type SyncCheckInput } from './core.ts';
import {
  ResultStore,
  type ExportRequest,
  type RowsQuery,
  type RowsWindow,
  type SyncSummary,
  type UserDetailData,
} from './store.ts';

/** A dropped file as the page hands it over: the File itself (a handle, not a copy), read in here. */
export interface FileRef {
  name: string;
  file: Blob;
}

export type PageInput = Omit<SyncCheckInput, 'ad' | 'entra' | 'adAfter'> & {
  ad: FileRef[];
  entra: FileRef[];
  adAfter: FileRef[];
};

export type SyncJob =
  | { kind: 'analyse'; input: PageInput }
  | { kind: 'rows'; query: RowsQuery }
  | { kind: 'detail'; ad?: number; entra?: number }
  | { kind: 'export'; request: ExportRequest };

export type SyncJobResult =
  | { kind: 'summary'; summary: SyncSummary }
  | { kind: 'rows'; window: RowsWindow }
  | { kind: 'detail'; detail: UserDetailData }
  | { kind: 'export'; blob: Blob }
  | { kind: 'none' };

let store: ResultStore | undefined;

const read = (list: FileRef[]) =>
  Promise.all(list.map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.file.arrayBuffer()) })));

serve<SyncJob, SyncJobResult>(async (job, ctx) => {
  switch (job.kind) {
    case 'analyse': {
      store = undefined;
      const { input } = job;
      ctx.progress(0, 1, 'Reading files');
      const [ad, entra, adAfter] = await Promise.all([
        read(input.ad),
        read(input.entra),
        read(input.adAfter),
      ]);
      // The core names the file it reads; the page shows which side that is.
      const side = new Map<string, string>();
      for (const f of input.adAfter) side.set(f.name, 'later AD export');
      for (const f of input.entra) side.set(f.name, 'Entra export');
      for (const f of input.ad) side.set(f.name, 'AD export');
      const stage = (label = '') => {
        const reading = /^Read(?:ing)? (.*)$/.exec(label);
        if (reading) return `Reading ${side.get(reading[1]!) ?? ''} ${reading[1]}`.replace('  ', ' ');
        if (label === 'Comparing') return 'Matching, conflicts and checks';
        return label;
      };
      const r = analyse(
        { ...input, ad, entra, adAfter },
        {
          signal: ctx.signal,
          onProgress: (done, total, label) => ctx.progress(done, total, stage(label)),
        },
      );
      ctx.progress(1, 1, 'Preparing the tables');
      store = new ResultStore(r);
      return { kind: 'summary', summary: store.summary };
    }
    case 'rows':
      return store ? { kind: 'rows', window: store.rows(job.query) } : { kind: 'none' };
    case 'detail':
      return store ? { kind: 'detail', detail: store.detail(job.ad, job.entra) } : { kind: 'none' };
    case 'export':
      return store ? { kind: 'export', blob: store.export(job.request) } : { kind: 'none' };
  }
});
