import { serve } from '../../lib/worker/serve.ts';
import { analyseRisk, type RiskInput } from './core.ts';

serve<RiskInput, ReturnType<typeof analyseRisk>>((input, ctx) =>
  analyseRisk(input, { signal: ctx.signal, onProgress: (d, t) => ctx.progress(d, t, 'Reading files') }),
);
