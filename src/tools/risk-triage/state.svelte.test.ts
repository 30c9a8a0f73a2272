import { describe, expect, it } from 'vitest';
import { throwIfAborted } from '../../lib/issue.ts';
import type { JobContext } from '../../lib/worker/protocol.ts';
import { workerFactory } from '../../../tests/support/in-process-worker.ts';
import { analyseRisk } from './core.ts';
import { headOf, type RiskJob, type RiskReply } from './handoff.ts';
import { sampleFiles } from './sample.ts';
import { TriageState } from './state.svelte.ts';
import type { TriageResult } from './types.ts';

/**
 * The page state over a worker run in-process: the core and its slices as worker.ts serves them, except that
 * inputs holding a file named `stuck.json` wait until the run is cancelled, as a core reading a big export does.
 */
function setup() {
  let last: { run: number; result: TriageResult } | undefined;
  let runs = 0;
  const factory = workerFactory(async (job: RiskJob, ctx: JobContext): Promise<RiskReply> => {
    if ('slice' in job) {
      if (last?.run !== job.run) throw new Error('No such result');
      return { kind: 'slice', items: last.result[job.slice].slice(job.from, job.to) };
    }
    if (job.run.files.some((f) => f.name === 'stuck.json')) {
      await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve));
      throwIfAborted(ctx.signal);
    }
    const result = analyseRisk(job.run, { signal: ctx.signal });
    last = { run: ++runs, result };
    return headOf(result, runs);
  });
  return { state: new TriageState(factory.create), started: factory.started };
}

const sample = () => sampleFiles().map((file) => ({ path: '', file }));
const stuck = { name: 'stuck.json', bytes: new TextEncoder().encode('{"value":[]}') };

describe('TriageState', () => {
  it('triages the sample through the worker', async () => {
    const { state } = setup();
    await state.addFiles(sample());
    expect(state.job.status).toBe('done');
    expect(state.result?.users.length).toBeGreaterThan(0);
    state.dispose();
  });

  it('cancel stops the run: the inputs stay, no queue is shown for them', async () => {
    const { state } = setup();
    await state.addFiles(sample());
    const inputs = state.dropped;
    state.dropped = [...inputs, stuck];
    const running = state.run();
    expect(state.job.isRunning).toBe(true);
    state.cancel();
    await running;
    expect(state.job.status).toBe('cancelled');
    expect(state.dropped).toEqual([...inputs, stuck]);
    expect(state.result).toBeUndefined();
    expect(state.queue).toEqual([]);
    state.dispose();
  });

  it('dispose ends the worker, and the run still going ends without a result', async () => {
    const { state, started } = setup();
    state.dropped = [stuck];
    const running = state.run();
    state.dispose();
    await running;
    expect(started.map((w) => w.isTerminated)).toEqual([true]);
    expect(state.job.status).toBe('idle');
    expect(state.result).toBeUndefined();
  });
});
