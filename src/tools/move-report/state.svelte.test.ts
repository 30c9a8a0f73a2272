import { describe, expect, it } from 'vitest';
import { throwIfAborted } from '../../lib/issue.ts';
import type { JobContext } from '../../lib/worker/protocol.ts';
import { workerFactory } from '../../../tests/support/in-process-worker.ts';
import { analyseMoves } from './core.ts';
import { packReport } from './pack.ts';
import { sampleFiles } from './sample.ts';
import { MoveReportState } from './state.svelte.ts';
import type { MoveReportJob } from './worker.ts';

/**
 * The page state over a worker run in-process: the core as worker.ts calls it, except that a file named
 * `stuck.csv` waits until the run is cancelled, as a core reading a big export does between rows.
 */
function setup() {
  const factory = workerFactory(async (job: MoveReportJob, ctx: JobContext) => {
    if (job.moves.name === 'stuck.csv') {
      await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve));
      throwIfAborted(ctx.signal);
    }
    const moves = { name: job.moves.name, bytes: new Uint8Array(await job.moves.file.arrayBuffer()) };
    return packReport(analyseMoves({ moves }, { signal: ctx.signal })).result;
  });
  return { state: new MoveReportState(factory.create), started: factory.started };
}

describe('MoveReportState', () => {
  it('cancel stops the run; the file and the report of the last finished run stay', async () => {
    const { state } = setup();
    await state.setMoves([{ path: 'moves.csv', file: sampleFiles().moves }]);
    expect(state.job.status).toBe('done');
    const report = state.report;
    expect(report?.packed.count).toBeGreaterThan(0);

    const stuck = new File(['x'], 'stuck.csv');
    const running = state.setMoves([{ path: 'stuck.csv', file: stuck }]);
    expect(state.isRunning).toBe(true);
    state.cancel();
    await running;
    expect(state.job.status).toBe('cancelled');
    expect(state.movesFile).toBe(stuck);
    expect(state.report).toBe(report);
    state.dispose();
  });

  it('cancel with nothing running changes nothing', async () => {
    const { state } = setup();
    await state.setMoves([{ path: 'moves.csv', file: sampleFiles().moves }]);
    state.cancel();
    expect(state.job.status).toBe('done');
    expect(state.report?.packed.count).toBeGreaterThan(0);
    state.dispose();
  });

  it('dispose ends the worker', async () => {
    const { state, started } = setup();
    await state.setMoves([{ path: 'moves.csv', file: sampleFiles().moves }]);
    state.dispose();
    expect(started.map((w) => w.isTerminated)).toEqual([true]);
  });
});
