import { serve } from '../../lib/worker/serve.ts';
import { analyse, type SyncCheckInput } from './core.ts';
import type { SyncCheckResult } from './model.ts';

serve<SyncCheckInput, SyncCheckResult>((input, ctx) =>
  analyse(input, { signal: ctx.signal, onProgress: ctx.progress }),
);
