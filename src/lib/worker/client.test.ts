import { afterEach, describe, expect, it, vi } from 'vitest';
import { InputError, isAbortError, isInputError, throwIfAborted } from '../issue.ts';
import { issueOf, isWorkerBug, KILL_AFTER_MS, WorkerClient } from './client.ts';
import { BUG_HINT, type FromWorker, type JobContext } from './protocol.ts';
import { serve } from './serve.ts';
import { workerFactory } from '../../../tests/support/in-process-worker.ts';

/** A promise the test resolves by hand: a core waiting for its next file. */
function gate<T = void>() {
  let open!: (v: T) => void;
  const promise = new Promise<T>((r) => (open = r));
  return { promise, open };
}

/** Settles a promise into a value to compare, so a test can ask "still pending?" without awaiting forever. */
function track<T>(p: Promise<T>) {
  const state: { settled: 'pending' | 'resolved' | 'rejected'; value?: T; error?: unknown } = {
    settled: 'pending',
  };
  p.then(
    (value) => Object.assign(state, { settled: 'resolved', value }),
    (error: unknown) => Object.assign(state, { settled: 'rejected', error }),
  );
  return state;
}

/** Lets the MessageChannel deliver what is in flight (each hop is a macrotask). */
const flush = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};

afterEach(() => {
  vi.useRealTimers();
});

describe('WorkerClient over the real protocol', () => {
  it('returns the result and passes progress with its label', async () => {
    const { create } = workerFactory((n: number, ctx: JobContext) => {
      ctx.progress(n, n, 'Reading files');
      return n * 2;
    });
    const client = new WorkerClient<number, number>(create);
    const progress: unknown[] = [];
    await expect(client.run(21, { onProgress: (...a) => progress.push(a) })).resolves.toBe(42);
    expect(progress).toEqual([[21, 21, 'Reading files']]);
    client.dispose();
  });

  it("an InputError arrives as the core's Issue, not as a bug", async () => {
    const issue = {
      code: 'no-rows',
      severity: 'error' as const,
      file: 'a.csv',
      message: 'No rows after the header.',
    };
    const { create } = workerFactory(() => {
      throw new InputError(issue);
    });
    const client = new WorkerClient<void, never>(create);
    const e: unknown = await client.run().catch((err: unknown) => err);
    expect(isInputError(e)).toBe(true);
    expect(isWorkerBug(e)).toBe(false);
    expect(issueOf(e)).toEqual(issue);
    client.dispose();
  });

  it('anything else thrown is a bug with a "report this" hint, never "your input is wrong"', async () => {
    const { create } = workerFactory((kind: string) => {
      if (kind === 'type') return (undefined as unknown as { x: number }).x;
      throw 'a string';
    });
    const client = new WorkerClient<string, number>(create);
    const e: unknown = await client.run('type').catch((err: unknown) => err);
    expect(isWorkerBug(e)).toBe(true);
    expect(isInputError(e)).toBe(false);
    const issue = issueOf(e);
    expect(issue.code).toBe('bug');
    expect(issue.message).toMatch(/^Unexpected error: TypeError: Cannot read properties of undefined/);
    expect(issue.hint).toBe(BUG_HINT);
    expect(issue.hint).toContain('not a problem with your input');
    expect(issueOf(await client.run('string').catch((err: unknown) => err))).toMatchObject({
      code: 'bug',
      message: 'Unexpected error: a string',
    });
    client.dispose();
  });

  it('cancel stops a core that checks its signal; the worker is kept', async () => {
    const started = gate();
    const { create, started: workers } = workerFactory(async (_: void, ctx: JobContext) => {
      started.open();
      for (;;) {
        throwIfAborted(ctx.signal);
        await new Promise((r) => setImmediate(r));
      }
    });
    const client = new WorkerClient<void, never>(create);
    const controller = new AbortController();
    const run = client.run(undefined, { signal: controller.signal });
    await started.promise;
    controller.abort();
    const e: unknown = await run.catch((err: unknown) => err);
    expect(isAbortError(e)).toBe(true);
    expect(workers).toHaveLength(1);
    expect(workers[0]!.isTerminated).toBe(false);
    client.dispose();
  });

  it('a core that ignores cancel is terminated after a second; its late result never lands; a fresh worker starts', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const late = gate<string>();
    const started = gate();
    const { create, started: workers } = workerFactory(async (kind: string) => {
      if (kind === 'fast') return 'fresh';
      started.open();
      return late.promise;
    });
    const client = new WorkerClient<string, string>(create);
    const controller = new AbortController();
    const stuck = track(client.run('stuck', { signal: controller.signal }));
    await started.promise;
    controller.abort();
    await flush();
    await vi.advanceTimersByTimeAsync(KILL_AFTER_MS - 1);
    expect(stuck.settled).toBe('pending');
    expect(workers[0]!.isTerminated).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await flush();
    expect(workers[0]!.isTerminated).toBe(true);
    expect(stuck.settled).toBe('rejected');
    expect(isAbortError(stuck.error)).toBe(true);

    late.open('stale');
    await flush();
    expect(stuck.settled).toBe('rejected');
    await expect(client.run('fast')).resolves.toBe('fresh');
    expect(workers).toHaveLength(2);
    client.dispose();
  });

  it('terminating a stuck worker ends every run on it as cancelled, not only the cancelled one', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { create } = workerFactory(() => new Promise<never>(() => {}));
    const client = new WorkerClient<string, never>(create);
    const controller = new AbortController();
    const main = track(client.run('analyse', { signal: controller.signal }));
    const side = track(client.run('records'));
    await flush();
    controller.abort();
    await vi.advanceTimersByTimeAsync(KILL_AFTER_MS);
    await flush();
    expect([main.settled, side.settled]).toEqual(['rejected', 'rejected']);
    expect(isAbortError(side.error)).toBe(true);
    client.dispose();
  });

  it('answers go to the run that asked, whatever order they come back in', async () => {
    const slow = gate<string>();
    const { create } = workerFactory((kind: string) => (kind === 'slow' ? slow.promise : 'quick answer'));
    const client = new WorkerClient<string, string>(create);
    const first = track(client.run('slow'));
    await expect(client.run('quick')).resolves.toBe('quick answer');
    expect(first.settled).toBe('pending');
    slow.open('slow answer');
    await flush();
    expect(first).toMatchObject({ settled: 'resolved', value: 'slow answer' });
    client.dispose();
  });

  it('a worker that dies fails its runs as a bug and is replaced on the next call', async () => {
    const { create, started } = workerFactory((kind: string) =>
      kind === 'hang' ? new Promise<string>(() => {}) : 'ok',
    );
    const client = new WorkerClient<string, string>(create);
    const run = client.run('hang');
    await flush();
    started[0]!.crash('Out of memory');
    const e: unknown = await run.catch((err: unknown) => err);
    expect(isWorkerBug(e)).toBe(true);
    expect(issueOf(e)).toMatchObject({
      code: 'bug',
      message: 'Unexpected error: the background worker stopped: Out of memory.',
      hint: BUG_HINT,
    });
    expect(started[0]!.isTerminated).toBe(true);
    await expect(client.run('again')).resolves.toBe('ok');
    expect(started).toHaveLength(2);
    client.dispose();
  });

  it('an already aborted signal rejects without starting a worker', async () => {
    const { create, started } = workerFactory(() => 1);
    const client = new WorkerClient<void, number>(create);
    const e: unknown = await client
      .run(undefined, { signal: AbortSignal.abort() })
      .catch((err: unknown) => err);
    expect(isAbortError(e)).toBe(true);
    expect(started).toHaveLength(0);
  });

  it('transfers the buffers the worker names instead of copying them', async () => {
    const kept: ArrayBuffer[] = [];
    const { create } = workerFactory(() => {
      const buffer = new Uint8Array([1, 2, 3]).buffer;
      kept.push(buffer);
      return buffer;
    });
    // serve() in the factory transfers nothing; this worker names its result's buffer.
    const client = new WorkerClient<void, ArrayBuffer>(create);
    expect((await client.run()).byteLength).toBe(3);
    expect(kept[0]!.byteLength).toBe(3);
    client.dispose();

    const sent: { m: unknown; transfer?: Transferable[] }[] = [];
    const listener = serve(
      () => new Uint8Array([1, 2, 3]).buffer,
      { addEventListener() {}, postMessage: (m, transfer) => sent.push({ m, transfer }) },
      (result) => [result],
    );
    await listener({ data: { type: 'run', id: 1, input: undefined } });
    const [{ m, transfer }] = sent as [{ m: FromWorker<ArrayBuffer>; transfer: Transferable[] }];
    expect(m).toMatchObject({ type: 'result', id: 1 });
    expect(transfer).toEqual([(m as { result: ArrayBuffer }).result]);
  });
});

describe('serve', () => {
  const collect = () => {
    const sent: FromWorker<unknown>[] = [];
    return {
      sent,
      port: { addEventListener() {}, postMessage: (m: unknown) => void sent.push(m as FromWorker<unknown>) },
    };
  };

  it('returns its listener, which answers a run under its id', async () => {
    const { sent, port } = collect();
    const listener = serve((n: number) => n + 1, port);
    await listener({ data: { type: 'run', id: 7, input: 1 } });
    expect(sent).toEqual([{ type: 'result', id: 7, result: 2 }]);
  });

  it('throttles progress but always sends the last step', async () => {
    const { sent, port } = collect();
    const listener = serve((_: void, ctx: JobContext) => {
      for (let i = 1; i <= 1000; i++) ctx.progress(i, 1000);
      return 'done';
    }, port);
    await listener({ data: { type: 'run', id: 1, input: undefined } });
    const progress = sent.filter((m) => m.type === 'progress');
    expect(progress.length).toBeLessThan(10);
    expect(progress.at(-1)).toEqual({ type: 'progress', id: 1, done: 1000, total: 1000, label: undefined });
    expect(sent.at(-1)).toEqual({ type: 'result', id: 1, result: 'done' });
  });

  it('a cancel reaches only the run it names; a result finished after a cancel is reported as cancelled', async () => {
    const { sent, port } = collect();
    const gates = new Map([
      [1, gate()],
      [2, gate()],
    ]);
    const listener = serve(async (id: number, ctx: JobContext) => {
      await gates.get(id)!.promise;
      return ctx.signal.aborted ? 'ignored the cancel' : `answer ${id}`;
    }, port);
    const one = listener({ data: { type: 'run', id: 1, input: 1 } });
    const two = listener({ data: { type: 'run', id: 2, input: 2 } });
    await listener({ data: { type: 'cancel', id: 1 } });
    gates.get(1)!.open();
    gates.get(2)!.open();
    await Promise.all([one, two]);
    expect(sent).toEqual([
      { type: 'cancelled', id: 1 },
      { type: 'result', id: 2, result: 'answer 2' },
    ]);
  });

  it('marks bugs and only bugs with isBug', async () => {
    const { sent, port } = collect();
    const listener = serve((kind: string) => {
      if (kind === 'input')
        throw new InputError({ code: 'empty', severity: 'error', message: 'The file is empty.' });
      throw new RangeError('index 9 out of range');
    }, port);
    await listener({ data: { type: 'run', id: 1, input: 'input' } });
    await listener({ data: { type: 'run', id: 2, input: 'bug' } });
    expect(sent).toEqual([
      { type: 'failed', id: 1, issue: { code: 'empty', severity: 'error', message: 'The file is empty.' } },
      {
        type: 'failed',
        id: 2,
        isBug: true,
        issue: {
          code: 'bug',
          severity: 'error',
          message: 'Unexpected error: RangeError: index 9 out of range',
          hint: BUG_HINT,
        },
      },
    ]);
  });
});
