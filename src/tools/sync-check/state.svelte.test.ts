import { describe, expect, it } from 'vitest';
import { throwIfAborted } from '../../lib/issue.ts';
import type { JobContext } from '../../lib/worker/protocol.ts';
import { workerFactory } from '../../../tests/support/in-process-worker.ts';
import { SyncCheckState } from './state.svelte.ts';
import type { SyncSummary } from './store.ts';
import type { SyncJob, SyncJobResult } from './worker.ts';

/**
 * The page state over a worker run in-process. The worker answers an analysis with a summary of one user only in
 * AD, or, when the scope says `stuck`, waits until the run is cancelled, as a core reading a big export does.
 */
function setup() {
  const factory = workerFactory(async (job: SyncJob, ctx: JobContext): Promise<SyncJobResult> => {
    if (job.kind !== 'analyse') return { kind: 'none' };
    if (job.input.scope?.includes('stuck')) {
      await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve));
      throwIfAborted(ctx.signal);
    }
    const summary = { diagnosis: [], totals: { adNotInEntra: 1 } } as unknown as SyncSummary;
    return { kind: 'summary', summary };
  });
  const state = new SyncCheckState(factory.create);
  state.addFiles('ad', [{ path: 'ad.csv', file: new File(['a'], 'ad.csv') }]);
  state.addFiles('entra', [{ path: 'entra.csv', file: new File(['e'], 'entra.csv') }]);
  return { state, started: factory.started };
}

/** What a fresh state holds, as the view shows it. */
const fresh = (s: SyncCheckState) => ({
  files: s.files,
  entraObjects: s.entraObjects,
  entraObjectsSource: s.entraObjectsSource,
  scopeText: s.scopeText,
  threshold: s.threshold,
  mapping: s.mapping,
  tab: s.tab,
  detail: s.detail,
  detailData: s.detailData,
  status: s.status,
  issue: s.issue,
  summary: s.summary,
});

describe('SyncCheckState.clear', () => {
  it('starts over after a run: inputs, overrides, result and selection gone, the worker ended', async () => {
    const { state, started } = setup();
    const expected = fresh(new SyncCheckState());
    state.setEntraObjects([{ id: '1' }], 'Microsoft Graph (live)');
    state.scopeText = 'OU=Users,DC=contoso,DC=com';
    state.threshold = 20;
    state.setOverride('ad', 'mail', 'EmailAddress');
    await state.run();
    expect(state.status).toBe('done');
    state.tab = 'conflicts';
    state.detail = { ad: 0 };

    state.clear();
    expect(fresh(state)).toEqual(expected);
    expect(state.canRun).toBe(false);
    expect(started.map((w) => w.isTerminated)).toEqual([true]);
  });

  it('ends a run still going, which then never lands', async () => {
    const { state, started } = setup();
    state.scopeText = 'stuck';
    const running = state.run();
    expect(state.isRunning).toBe(true);
    state.clear();
    await running;
    expect(state.status).toBe('idle');
    expect(state.summary).toBeUndefined();
    expect(started.map((w) => w.isTerminated)).toEqual([true]);
  });
});
