import { serve } from '../../src/lib/worker/serve.ts';
import type { JobHandler } from '../../src/lib/worker/protocol.ts';

/**
 * A Worker for Node tests: the real `serve()` on one end of a real MessageChannel (messages are structured-cloned,
 * as between a page and its worker), the page's `Worker` interface on the other. `terminate()` closes the channel,
 * so a core that ignores cancel keeps running but can no longer answer — as a terminated worker cannot. `crash()`
 * fires the `error` event a worker fires when it dies.
 */
export class InProcessWorker extends EventTarget {
  isTerminated = false;
  readonly #page: MessagePort;
  readonly #worker: MessagePort;

  constructor(handler: JobHandler<never, unknown>) {
    super();
    const { port1, port2 } = new MessageChannel();
    this.#page = port1;
    this.#worker = port2;
    port1.addEventListener('message', (e) => {
      if (!this.isTerminated) this.dispatchEvent(new MessageEvent('message', { data: e.data }));
    });
    port1.start();
    port2.start();
    serve(handler, port2);
  }

  postMessage(message: unknown, transfer: Transferable[] = []): void {
    if (this.isTerminated) return;
    this.#page.postMessage(message, transfer);
  }

  terminate(): void {
    this.isTerminated = true;
    this.#page.close();
    this.#worker.close();
  }

  crash(message: string): void {
    const e = Object.assign(new Event('error'), { message });
    this.dispatchEvent(e);
  }
}

/** A factory as WorkerClient and Job take it, remembering every worker it started. */
export function workerFactory<I, R>(handler: JobHandler<I, R>) {
  const started: InProcessWorker[] = [];
  const create = () => {
    const w = new InProcessWorker(handler as JobHandler<never, unknown>);
    started.push(w);
    return w as unknown as Worker;
  };
  return { create, started };
}
