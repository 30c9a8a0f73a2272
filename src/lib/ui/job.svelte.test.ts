import { afterEach, describe, expect, it, vi } from 'vitest';
import { InputError, throwIfAborted } from '../issue.ts';
import { KILL_AFTER_MS } from '../worker/client.ts';
import { BUG_HINT, type JobContext } from '../worker/protocol.ts';
import { Job } from './job.svelte.ts';
import { workerFactory } from '../../../tests/support/in-process-worker.ts';

function gate<T = void>() {
  let open!: (v: T) => void;
  const promise = new Promise<T>((r) => (open = r));
  return { promise, open };
}

const flush = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};

afterEach(() => {
  vi.useRealTimers();
});

type DmarcLike = { kind: 'analyse'; name: string } | { kind: 'records' };

/**
 * The DMARC shape: one worker holds an analysis; drill-downs (records of a sender) are asked of it while a new
 * analysis may be running. Each analysis waits for the test to hand it its files, then checks its signal like a
 * real core between files.
 */
function analyser() {
  const waiting: { promise: Promise<void>; open: () => void }[] = [];
  let held = 'nothing yet';
  const factory = workerFactory(async (job: DmarcLike, ctx: JobContext) => {
    if (job.kind === 'records') return `records of ${held}`;
    const files = gate<void>();
    waiting.push(files);
    await files.promise;
    throwIfAborted(ctx.signal);
    held = job.name;
    return `summary of ${job.name}`;
  });
  /** Waits until an analysis is waiting for its files, then hands them over. */
  const giveFiles = async () => {
    while (!waiting.length) await flush();
    waiting.shift()!.open();
  };
  const isWaiting = async () => {
    await flush();
    return waiting.length > 0;
  };
  return { factory, giveFiles, isWaiting };
}

describe('Job', () => {
  it('runs: running → done, the result kept, progress reset', async () => {
    const { create } = workerFactory((n: number, ctx: JobContext) => {
      ctx.progress(1, 1, 'Reading');
      return n + 1;
    });
    const job = new Job<number, number>(create);
    const run = job.run(1);
    expect(job.status).toBe('running');
    expect(job.progress).toEqual({ done: 0, total: 0, label: 'Starting' });
    await expect(run).resolves.toBe(2);
    expect(job.status).toBe('done');
    expect(job.result).toBe(2);
    expect(job.issue).toBeUndefined();
    job.dispose();
  });

  it('a new run cancels the one before; the older answer never lands, even when it comes last', async () => {
    const slow = gate<string>();
    const { create } = workerFactory((kind: string) => (kind === 'old' ? slow.promise : 'new result'));
    const job = new Job<string, string>(create);
    const old = job.run('old');
    await expect(job.run('new')).resolves.toBe('new result');
    // The old core ignored the cancel and finishes late, within the second it is allowed.
    slow.open('old result');
    await expect(old).resolves.toBeUndefined();
    await flush();
    expect(job.result).toBe('new result');
    expect(job.status).toBe('done');
    job.dispose();
  });

  it('an answer already on its way when the next run starts does not land', async () => {
    // The worker finishes 'old' before it sees the cancel, so a real result for the old run reaches the page.
    const { create } = workerFactory((kind: string) => `${kind} result`);
    const job = new Job<string, string>(create);
    const seen: (string | undefined)[] = [];
    const old = job.run('old').then((r) => (seen.push(job.result), r));
    const next = job.run('new');
    await expect(old).resolves.toBeUndefined();
    await expect(next).resolves.toBe('new result');
    expect(seen).toEqual([undefined]);
    expect(job.result).toBe('new result');
    job.dispose();
  });

  it("an input problem is the core's Issue, shown as such", async () => {
    const issue = {
      code: 'not-dmarc',
      severity: 'error' as const,
      file: 'x.xml',
      message: 'Not a DMARC report.',
    };
    const { create } = workerFactory(() => {
      throw new InputError(issue);
    });
    const job = new Job<void, never>(create);
    await job.run();
    expect(job.status).toBe('failed');
    expect(job.issue).toEqual(issue);
    expect(job.isBug).toBe(false);
    job.dispose();
  });

  it('a bug is shown as a bug with a "report this" hint', async () => {
    const { create } = workerFactory(() => {
      throw new TypeError('rows is not iterable');
    });
    const job = new Job<void, never>(create);
    await job.run();
    expect(job.status).toBe('failed');
    expect(job.isBug).toBe(true);
    expect(job.issue).toEqual({
      code: 'bug',
      severity: 'error',
      message: 'Unexpected error: TypeError: rows is not iterable',
      hint: BUG_HINT,
    });
    job.dispose();
  });

  it('cancel: a core that stops ends as cancelled, keeping the worker', async () => {
    const { factory, giveFiles, isWaiting } = analyser();
    const job = new Job<DmarcLike, string>(factory.create);
    const run = job.run({ kind: 'analyse', name: 'a' });
    expect(await isWaiting()).toBe(true);
    job.cancel();
    await flush();
    await giveFiles();
    await expect(run).resolves.toBeUndefined();
    expect(job.status).toBe('cancelled');
    expect(factory.started).toHaveLength(1);
    expect(factory.started[0]!.isTerminated).toBe(false);
    job.dispose();
  });

  it('cancel: a core that ignores it is ended after a second; the next run starts a fresh worker', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { create, started } = workerFactory((kind: string) =>
      kind === 'stuck' ? new Promise<string>(() => {}) : 'fresh',
    );
    const job = new Job<string, string>(create);
    const run = job.run('stuck');
    await flush();
    job.cancel();
    await vi.advanceTimersByTimeAsync(KILL_AFTER_MS - 1);
    expect(job.status).toBe('running');
    await vi.advanceTimersByTimeAsync(1);
    await expect(run).resolves.toBeUndefined();
    expect(job.status).toBe('cancelled');
    expect(started[0]!.isTerminated).toBe(true);
    await expect(job.run('next')).resolves.toBe('fresh');
    expect(started).toHaveLength(2);
    job.dispose();
  });

  it('a side request is answered during a run without cancelling it', async () => {
    const { factory, giveFiles, isWaiting } = analyser();
    const job = new Job<DmarcLike, string>(factory.create);
    const first = job.run({ kind: 'analyse', name: 'first batch' });
    await giveFiles();
    await first;
    // A re-analysis is running; the user clicks into the result still on screen.
    const rerun = job.run({ kind: 'analyse', name: 'second batch' });
    expect(await isWaiting()).toBe(true);
    await expect(job.request({ kind: 'records' })).resolves.toBe('records of first batch');
    expect(job.status).toBe('running');
    await giveFiles();
    await expect(rerun).resolves.toBe('summary of second batch');
    expect(job.status).toBe('done');
    expect(job.result).toBe('summary of second batch');
    await expect(job.request({ kind: 'records' })).resolves.toBe('records of second batch');
    job.dispose();
  });

  it('side requests end with reset and dispose, answering undefined', async () => {
    const { create } = workerFactory(() => new Promise<string>(() => {}));
    const job = new Job<string, string>(create);
    const side = job.request('records');
    await flush();
    job.reset();
    await expect(side).resolves.toBeUndefined();
    expect(job.status).toBe('idle');
    job.dispose();
  });

  it('a side request that hits a bug rejects with it and leaves the run alone', async () => {
    const { create } = workerFactory((kind: string) => {
      if (kind === 'records') throw new Error('boom');
      return 'summary';
    });
    const job = new Job<string, string>(create);
    await job.run('analyse');
    const e: unknown = await job.request('records').catch((err: unknown) => err);
    expect(e).toMatchObject({
      name: 'WorkerBug',
      issue: { code: 'bug', message: 'Unexpected error: Error: boom' },
    });
    expect(job.status).toBe('done');
    expect(job.issue).toBeUndefined();
    job.dispose();
  });
});
