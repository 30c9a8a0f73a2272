import { isAbortError, isInputError } from '../issue.ts';
import { bugIssue, type FromWorker, type JobHandler, type ToWorker } from './protocol.ts';

export interface Port {
  addEventListener(type: 'message', listener: (e: MessageEvent) => void): void;
  postMessage(message: unknown, transfer?: Transferable[]): void;
}

/** Handles one message; resolves when the run it started has answered. */
export type ServeListener<I> = (e: { data: ToWorker<I> }) => Promise<void>;

/**
 * The worker side: connects the protocol to one handler. Runs may overlap (a side request is answered while an
 * analysis awaits its next file); each answers under its own id. Progress is throttled to ~20 messages a second
 * so a fast core does not flood the page. Returns the message listener so tests can drive it without a Worker.
 */
export function serve<I, R>(
  handler: JobHandler<I, R>,
  port: Port = self as unknown as Port,
  transferables: (result: R) => Transferable[] = () => [],
): ServeListener<I> {
  const running = new Map<number, AbortController>();
  const listener: ServeListener<I> = async (e) => {
    const msg = e.data;
    if (msg.type === 'cancel') {
      running.get(msg.id)?.abort();
      return;
    }
    const controller = new AbortController();
    running.set(msg.id, controller);
    const post = (m: FromWorker<R>, transfer?: Transferable[]) => port.postMessage(m, transfer);
    let last = 0;
    try {
      const result = await handler(msg.input, {
        signal: controller.signal,
        progress(done, total, label) {
          const now = Date.now();
          if (now - last < 50 && done < total) return;
          last = now;
          post({ type: 'progress', id: msg.id, done, total, label });
        },
      });
      if (controller.signal.aborted) post({ type: 'cancelled', id: msg.id });
      else post({ type: 'result', id: msg.id, result }, transferables(result));
    } catch (err) {
      if (isAbortError(err)) post({ type: 'cancelled', id: msg.id });
      else if (isInputError(err)) post({ type: 'failed', id: msg.id, issue: err.issue });
      else {
        const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
        post({ type: 'failed', id: msg.id, isBug: true, issue: bugIssue(text) });
      }
    } finally {
      running.delete(msg.id);
    }
  };
  port.addEventListener('message', (e: MessageEvent<ToWorker<I>>) => void listener(e));
  return listener;
}
