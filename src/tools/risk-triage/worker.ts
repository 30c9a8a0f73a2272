import { serve } from '../../lib/worker/serve.ts';
import { analyseRisk } from './core.ts';
import { headOf, type RiskJob, type RiskReply } from './handoff.ts';
import type { TriageResult } from './types.ts';

/** The last result, kept so the page can take its detections and sign-ins in slices. */
let last: { run: number; result: TriageResult } | undefined;
let runs = 0;

serve<RiskJob, RiskReply>(
  (job, ctx) => {
    if ('slice' in job) {
      if (last?.run !== job.run)
        throw new Error('A slice was asked of a result this worker no longer holds.');
      return { kind: 'slice', items: last.result[job.slice].slice(job.from, job.to) };
    }
    const run = ++runs;
    last = undefined;
    const result = analyseRisk(job.run, {
      signal: ctx.signal,
      onProgress: (d, t) => ctx.progress(d, t, 'Reading files'),
    });
    last = { run, result };
    return headOf(result, run);
  },
  undefined,
  (r) => (r.kind === 'head' ? Object.values(r.links).map((a) => a.buffer as ArrayBuffer) : []),
);
