/**
 * A stand-in for graph.microsoft.com on 127.0.0.1: each test registers answers per path and reads back the
 * requests it got. No request leaves the machine.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  method: string;
  /** Path and query as sent. */
  url: string;
  headers: IncomingHttpHeaders;
  /** The request body as text (empty for a GET). */
  body: string;
}

export interface FakeAnswer {
  status?: number;
  headers?: Record<string, string>;
  /** Objects are sent as JSON; strings as they are (UTF-8); bytes (`Uint8Array`) as they are. */
  body?: unknown;
}

export type FakeRoute = (req: SeenRequest, base: string) => FakeAnswer;

export interface FakeGraph {
  /** `http://127.0.0.1:<port>/v1.0` */
  base: string;
  origin: string;
  requests: SeenRequest[];
  /** Answers for a path (without query); several answers are given in turn, the last one repeats. */
  on(path: string, ...answers: (FakeAnswer | FakeRoute)[]): void;
  close(): Promise<void>;
}

export async function startFakeGraph(): Promise<FakeGraph> {
  const routes = new Map<string, (FakeAnswer | FakeRoute)[]>();
  const counts = new Map<string, number>();
  const requests: SeenRequest[] = [];
  let base = '';
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => answer(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  const answer = (
    req: import('node:http').IncomingMessage,
    res: import('node:http').ServerResponse,
    text: string,
  ) => {
    const seen: SeenRequest = {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      headers: req.headers,
      body: text,
    };
    requests.push(seen);
    const path = decodeURIComponent(seen.url.split('?')[0]!);
    const answers = routes.get(path);
    if (!answers) {
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'Request_ResourceNotFound', message: `No route ${path}` } }));
      return;
    }
    const n = counts.get(path) ?? 0;
    counts.set(path, n + 1);
    const entry = answers[Math.min(n, answers.length - 1)]!;
    const reply = typeof entry === 'function' ? entry(seen, base) : entry;
    const body = reply.body;
    const isText = typeof body === 'string';
    const isBytes = body instanceof Uint8Array;
    res.writeHead(reply.status ?? 200, {
      'Content-Type': isBytes
        ? 'application/octet-stream'
        : isText
          ? 'text/plain; charset=utf-8'
          : 'application/json; odata.metadata=minimal',
      ...reply.headers,
    });
    res.end(body === undefined ? '' : isText || isBytes ? body : JSON.stringify(body));
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  base = `${origin}/v1.0`;
  return {
    base,
    origin,
    requests,
    on(path, ...answers) {
      routes.set(path, answers);
      counts.set(path, 0);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
