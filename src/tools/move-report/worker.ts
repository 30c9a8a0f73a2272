import { serve } from '../../lib/worker/serve.ts';
import { analyseMoves } from './core.ts';
import { packReport, type PackedReport } from './pack.ts';

/** Files go to the worker as Blobs, so the page never holds their bytes. */
export interface MoveReportJob {
  moves: { name: string; file: Blob };
  badItems?: { name: string; file: Blob };
}

const transfers = new WeakMap<PackedReport, ArrayBuffer[]>();

serve<MoveReportJob, PackedReport>(
  async (input, ctx) => {
    const read = async (f: { name: string; file: Blob }) => ({
      name: f.name,
      bytes: new Uint8Array(await f.file.arrayBuffer()),
    });
    const moves = await read(input.moves);
    const badItems = input.badItems ? await read(input.badItems) : undefined;
    const report = analyseMoves({ moves, badItems }, { signal: ctx.signal, onProgress: ctx.progress });
    const { result, transfer } = packReport(report);
    transfers.set(result, transfer);
    return result;
  },
  undefined,
  (result) => transfers.get(result) ?? [],
);
