/**
 * The project's own small Graph interface. Features ask for `get`, `getAll` and `getBytes`; how the bytes travel is a
 * `GraphTransport` (plain fetch here, the Microsoft Graph client in `sdk-transport.ts`), so the HTTP library can
 * be swapped without touching a feature. Paging, Retry-After, pacing, cancel and the rule that a token only ever
 * goes to the Graph origin live here, once.
 */
import { GraphError, describeHttpError } from './errors.ts';

export const GRAPH_BASE_URL = 'https://graph.microsoft.com/v1.0';

/** The little of a fetch Response that the client needs. */
export interface TransportResponse {
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
  arrayBuffer(): Promise<ArrayBuffer>;
}

export type GraphTransport = (
  url: string,
  init: { headers: Record<string, string>; signal?: AbortSignal; method?: 'GET' | 'POST'; body?: string },
) => Promise<TransportResponse>;

export const fetchTransport: GraphTransport = (url, init) =>
  fetch(url, {
    method: init.method ?? 'GET',
    headers: init.headers,
    body: init.body,
    signal: init.signal,
    credentials: 'omit',
    cache: 'no-store',
  });

export interface TokenRequest {
  /** Ask for a new token even if a cached one looks valid (after a 401). */
  forceRefresh?: boolean;
}

export interface GraphClientOptions {
  /** Where Graph lives, with the version: `https://graph.microsoft.com/v1.0`. Tests point it at 127.0.0.1. */
  baseUrl?: string;
  getToken: (req?: TokenRequest) => Promise<string>;
  transport?: GraphTransport;
  /** How often to wait and retry on 429/503/504 before giving up. */
  maxRetries?: number;
  /** Longest wait a Retry-After may ask for, in ms; longer and the read fails with a plain message. */
  maxRetryAfterMs?: number;
  /** Injected in tests; waits `ms` or rejects with an AbortError. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  now?: () => number;
}

export interface RequestOptions {
  signal?: AbortSignal;
  headers?: Record<string, string>;
  /** Told when Graph asked to wait (429/503) and how long. */
  onWait?: (ms: number, attempt: number) => void;
}

export interface PageProgress {
  /** Items read so far. */
  items: number;
  pages: number;
  /** From `@odata.count` or a separate count, when known. */
  total?: number;
}

export interface GetAllOptions extends RequestOptions {
  onProgress?: (p: PageProgress) => void;
  /** Least time between two requests of this read, in ms (Identity Protection allows about one per second). */
  pace?: number;
  /** Known total for progress (e.g. from `/users/$count`). */
  total?: number;
  /** Stop after this many items. */
  maxItems?: number;
}

export interface GraphClient {
  readonly baseUrl: string;
  /** One GET. JSON answers are parsed; other answers (`$count` is text/plain) come back as text. */
  get<T = unknown>(path: string, opts?: RequestOptions): Promise<T>;
  /** A collection, page by page along `@odata.nextLink`. */
  getAll<T = unknown>(path: string, opts?: GetAllOptions): Promise<T[]>;
  /**
   * One GET whose answer is kept as the bytes Graph sent (a message's MIME from `/messages/{id}/$value`): reading
   * it as text would replace every byte that is not UTF-8. Sign-in, retries and errors as for `get`.
   */
  getBytes(path: string, opts?: RequestOptions): Promise<Uint8Array>;
  /**
   * One POST (an action such as `confirmCompromised`, or `sendMail`): objects are sent as JSON, text as it is with
   * `contentType`. Throttling is waited out like a read; the answer comes back with Graph's request-id.
   */
  post<T = unknown>(path: string, body: unknown, opts?: PostOptions): Promise<PostResult<T>>;
}

export interface PostOptions extends RequestOptions {
  /** For a text body (sendMail takes base64 MIME as `text/plain`). */
  contentType?: string;
}

export interface PostResult<T> {
  status: number;
  /** Parsed JSON, text, or undefined for 202/204. */
  body: T | undefined;
  /** Graph's `request-id` header, which Microsoft support asks for. */
  requestId?: string;
}

export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new DOMException('Cancelled', 'AbortError'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new DOMException('Cancelled', 'AbortError'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Retry-After is seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const date = Date.parse(v);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

const RETRYABLE = new Set([429, 503, 504]);

export function createGraphClient(options: GraphClientOptions): GraphClient {
  const baseUrl = (options.baseUrl ?? GRAPH_BASE_URL).replace(/\/+$/, '');
  const origin = new URL(baseUrl).origin;
  const transport = options.transport ?? fetchTransport;
  const maxRetries = options.maxRetries ?? 5;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 300_000;
  const sleep = options.sleep ?? abortableSleep;
  const now = options.now ?? (() => Date.now());
  let lastRequestAt = -Infinity;

  function resolve(path: string): string {
    if (/^https?:\/\//i.test(path)) {
      // A nextLink must come back to Graph: the token is never sent to any other host.
      if (new URL(path).origin !== origin) {
        throw new GraphError({
          kind: 'protocol',
          message: `Graph pointed the next page at another host (${new URL(path).host}); the read was stopped.`,
        });
      }
      return path;
    }
    return `${baseUrl}/${path.replace(/^\/+/, '')}`;
  }

  function relative(url: string): string {
    return url.startsWith(baseUrl) ? url.slice(baseUrl.length) || '/' : new URL(url).pathname;
  }

  /** One request with sign-in, pacing, 401 refresh and throttling waits; a 2xx answer comes back unread. */
  async function send(
    url: string,
    opts: RequestOptions,
    pace = 0,
    post?: { body: string; contentType: string },
  ): Promise<{ res: TransportResponse; type: string; status: number; requestId?: string }> {
    const method = post ? 'POST' : 'GET';
    let refreshed = false;
    for (let attempt = 0; ; attempt++) {
      if (opts.signal?.aborted) throw new DOMException('Cancelled', 'AbortError');
      const wait = lastRequestAt + pace - now();
      if (pace > 0 && wait > 0) await sleep(wait, opts.signal);
      const token = await options.getToken({ forceRefresh: refreshed });
      lastRequestAt = now();
      let res: TransportResponse;
      try {
        res = await transport(url, {
          headers: {
            Accept: 'application/json',
            Prefer: 'include-unknown-enum-members',
            ...opts.headers,
            ...(post ? { 'Content-Type': post.contentType } : {}),
            Authorization: `Bearer ${token}`,
          },
          signal: opts.signal,
          ...(post ? { method, body: post.body } : {}),
        });
      } catch (e) {
        if (e instanceof Error && e.name === 'AbortError') throw e;
        if (opts.signal?.aborted) throw new DOMException('Cancelled', 'AbortError');
        throw new GraphError({
          kind: 'network',
          message:
            'graph.microsoft.com could not be reached (offline, a proxy, or a browser extension blocking it). ' +
            'Check the connection and try again.',
          detail: e instanceof Error ? e.message : String(e),
          request: `${method} ${relative(url).split('?')[0]}`,
        });
      }
      if (res.status >= 200 && res.status < 300) {
        return {
          res,
          type: res.headers.get('content-type') ?? '',
          status: res.status,
          requestId: res.headers.get('request-id') ?? undefined,
        };
      }
      const text = await res.text().catch(() => '');
      if (res.status === 401 && !refreshed) {
        refreshed = true;
        continue;
      }
      if (RETRYABLE.has(res.status) && attempt < maxRetries) {
        const asked = parseRetryAfter(res.headers.get('retry-after'), now());
        const ms = asked ?? Math.min(60_000, 1000 * 2 ** attempt);
        if (ms > maxRetryAfterMs) {
          throw new GraphError({
            kind: 'http',
            status: res.status,
            message: `Microsoft Graph asked to wait ${Math.round(ms / 1000)} s before the next request. Try again later.`,
            request: `${method} ${relative(url).split('?')[0]}`,
          });
        }
        opts.onWait?.(ms, attempt + 1);
        await sleep(ms, opts.signal);
        continue;
      }
      throw describeHttpError(
        res.status,
        text,
        relative(url),
        method,
        res.headers.get('request-id') ?? undefined,
      );
    }
  }

  async function readText({ res, ...r }: Awaited<ReturnType<typeof send>>) {
    return { ...r, body: await res.text() };
  }

  function parse<T>(r: { body: string; type: string }, url: string): T {
    if (!r.body) return undefined as T;
    if (/json/i.test(r.type) || /^\s*[[{]/.test(r.body)) {
      try {
        return JSON.parse(r.body) as T;
      } catch {
        throw new GraphError({
          kind: 'protocol',
          message: 'Microsoft Graph sent an answer that is not valid JSON.',
          request: `GET ${relative(url).split('?')[0]}`,
        });
      }
    }
    return r.body as T;
  }

  return {
    baseUrl,
    async get<T>(path: string, opts: RequestOptions = {}): Promise<T> {
      const url = resolve(path);
      return parse<T>(await readText(await send(url, opts)), url);
    },
    async getBytes(path: string, opts: RequestOptions = {}): Promise<Uint8Array> {
      const { res } = await send(resolve(path), opts);
      return new Uint8Array(await res.arrayBuffer());
    },
    async getAll<T>(path: string, opts: GetAllOptions = {}): Promise<T[]> {
      const items: T[] = [];
      const seen = new Set<string>();
      let url: string | undefined = resolve(path);
      let pages = 0;
      let total = opts.total;
      while (url) {
        seen.add(url);
        type Page = { value?: T[]; '@odata.nextLink'?: string; '@odata.count'?: number };
        const page: Page = parse<Page>(await readText(await send(url, opts, opts.pace ?? 0)), url);
        if (!page || typeof page !== 'object' || !Array.isArray(page.value)) {
          throw new GraphError({
            kind: 'protocol',
            message: 'Microsoft Graph answered without a "value" list where a collection was expected.',
            request: `GET ${relative(url).split('?')[0]}`,
          });
        }
        pages++;
        if (typeof page['@odata.count'] === 'number') total ??= page['@odata.count'];
        for (const item of page.value) {
          items.push(item);
          if (opts.maxItems !== undefined && items.length >= opts.maxItems) break;
        }
        opts.onProgress?.({ items: items.length, pages, total });
        if (opts.maxItems !== undefined && items.length >= opts.maxItems) break;
        const next: string | undefined = page['@odata.nextLink'];
        if (next && seen.has(resolve(next))) {
          throw new GraphError({
            kind: 'protocol',
            message: 'Microsoft Graph returned the same page twice; the read was stopped.',
          });
        }
        url = next ? resolve(next) : undefined;
      }
      return items;
    },
    async post<T>(path: string, body: unknown, opts: PostOptions = {}): Promise<PostResult<T>> {
      const url = resolve(path);
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      const contentType = typeof body === 'string' ? (opts.contentType ?? 'text/plain') : 'application/json';
      const r = await readText(await send(url, opts, 0, { body: text, contentType }));
      return { status: r.status, body: parse<T | undefined>(r, url), requestId: r.requestId };
    },
  };
}
