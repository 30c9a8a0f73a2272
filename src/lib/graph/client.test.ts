import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeGraph, type FakeGraph } from '../../../tests/fake-graph.ts';
import { createGraphClient, fetchTransport, parseRetryAfter, type GraphTransport } from './client.ts';
import { sdkTransport } from './sdk-transport.ts';
import { GraphError, errorText } from './errors.ts';

const TOKEN = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL2dyYXBoIn0.c2lnbmF0dXJl';

/** A clock the client can wait on without real time passing: waits are recorded and advance it. */
function fakeClock(start = 1_700_000_000_000) {
  let t = start;
  const waits: number[] = [];
  return {
    waits,
    now: () => t,
    sleep: async (ms: number, signal?: AbortSignal) => {
      if (signal?.aborted) throw new DOMException('Cancelled', 'AbortError');
      waits.push(ms);
      t += ms;
    },
  };
}

const transports: [string, () => GraphTransport][] = [
  ['fetch', () => fetchTransport],
  ['Microsoft Graph client', () => sdkTransport()],
];

describe.each(transports)('Graph client over %s', (_name, makeTransport) => {
  let fake: FakeGraph;
  beforeEach(async () => {
    fake = await startFakeGraph();
  });
  afterEach(async () => fake.close());

  function client(extra: Partial<Parameters<typeof createGraphClient>[0]> = {}) {
    const clock = fakeClock();
    const tokens: boolean[] = [];
    const c = createGraphClient({
      baseUrl: fake.base,
      transport: makeTransport(),
      getToken: async (req) => {
        tokens.push(!!req?.forceRefresh);
        return TOKEN;
      },
      sleep: clock.sleep,
      now: clock.now,
      ...extra,
    });
    return { c, clock, tokens };
  }

  it('posts an action as JSON and a text body as given, waits out 429, returns the request-id', async () => {
    fake.on(
      '/v1.0/identityProtection/riskyUsers/dismiss',
      { status: 429, headers: { 'Retry-After': '3' }, body: { error: { code: 'TooManyRequests' } } },
      { status: 204, headers: { 'request-id': 'rid-204' } },
    );
    fake.on('/v1.0/users/jobs@contoso.com/sendMail', { status: 202 });
    const { c, clock } = client();
    const r = await c.post('/identityProtection/riskyUsers/dismiss', { userIds: ['u1'] });
    expect(r).toEqual({ status: 204, body: undefined, requestId: 'rid-204' });
    expect(clock.waits).toEqual([3000]);
    const posted = fake.requests.filter((q) => q.method === 'POST');
    expect(posted).toHaveLength(2);
    expect(JSON.parse(posted[1]!.body)).toEqual({ userIds: ['u1'] });
    expect(posted[1]!.headers['content-type']).toMatch(/^application\/json/);
    expect(posted[1]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    await c.post('/users/jobs@contoso.com/sendMail', 'RnJvbTogYQ==', { contentType: 'text/plain' });
    const mail = fake.requests.at(-1)!;
    expect(mail.body).toBe('RnJvbTogYQ==');
    expect(mail.headers['content-type']).toMatch(/^text\/plain/);
  });

  it('names the POST in an error, with the request-id from the header', async () => {
    fake.on('/v1.0/users/u1/revokeSignInSessions', {
      status: 403,
      headers: { 'request-id': 'rid-403' },
      body: { error: { code: 'Authorization_RequestDenied', message: 'Insufficient privileges' } },
    });
    const { c } = client();
    const e = await c.post('/users/u1/revokeSignInSessions', {}).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(GraphError);
    expect((e as GraphError).request).toBe('POST /users/u1/revokeSignInSessions');
    expect((e as GraphError).requestId).toBe('rid-403');
  });

  it('follows @odata.nextLink to the end and reports progress', async () => {
    fake.on('/v1.0/users', (req, base) =>
      req.url.includes('skiptoken=p2')
        ? { body: { value: [{ id: 'c' }], '@odata.nextLink': `${base}/users?$skiptoken=p3==` } }
        : req.url.includes('skiptoken=p3')
          ? { body: { value: [{ id: 'd' }, { id: 'e' }] } }
          : {
              body: {
                '@odata.count': 5,
                value: [{ id: 'a' }, { id: 'b' }],
                '@odata.nextLink': `${base}/users?$skiptoken=p2`,
              },
            },
    );
    const { c } = client();
    const progress: number[] = [];
    const users = await c.getAll<{ id: string }>('/users?$select=id&$top=2', {
      onProgress: (p) => progress.push(p.items),
    });
    expect(users.map((u) => u.id)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(progress).toEqual([2, 3, 5]);
    expect(fake.requests).toHaveLength(3);
    // The skiptoken comes back exactly as Graph wrote it, trailing "=" included.
    expect(fake.requests[2]!.url).toContain('$skiptoken=p3==');
    for (const r of fake.requests) {
      expect(r.headers.authorization).toBe(`Bearer ${TOKEN}`);
      expect(r.headers.prefer).toBe('include-unknown-enum-members');
    }
  });

  it('waits as long as Retry-After says on 429, then goes on', async () => {
    fake.on(
      '/v1.0/identityProtection/riskyUsers',
      {
        status: 429,
        headers: { 'Retry-After': '7' },
        body: { error: { code: 'TooManyRequests', message: 'slow down' } },
      },
      { body: { value: [{ id: 'u1' }] } },
    );
    const { c, clock } = client();
    const waited: number[] = [];
    const users = await c.getAll('/identityProtection/riskyUsers', { onWait: (ms) => waited.push(ms) });
    expect(users).toEqual([{ id: 'u1' }]);
    expect(clock.waits).toEqual([7000]);
    expect(waited).toEqual([7000]);
  });

  it('paces an Identity Protection read to one request per second', async () => {
    fake.on('/v1.0/identityProtection/riskDetections', (req, base) =>
      req.url.includes('skiptoken')
        ? { body: { value: [{ id: 'd2' }] } }
        : {
            body: {
              value: [{ id: 'd1' }],
              '@odata.nextLink': `${base}/identityProtection/riskDetections?$skiptoken=x`,
            },
          },
    );
    const { c, clock } = client();
    await c.getAll('/identityProtection/riskDetections', { pace: 1000 });
    // The first request goes at once; the second waits the full second because the fake clock did not move.
    expect(clock.waits).toEqual([1000]);
  });

  it('gives up after the retries with a plain message', async () => {
    fake.on('/v1.0/users', { status: 429, body: { error: { code: 'TooManyRequests', message: 'x' } } });
    const { c, clock } = client({ maxRetries: 2 });
    const e = await c.get('/users').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(GraphError);
    expect((e as GraphError).status).toBe(429);
    expect((e as GraphError).message).toMatch(/slow down/);
    // Without Retry-After: 1 s, then 2 s.
    expect(clock.waits).toEqual([1000, 2000]);
    expect(fake.requests).toHaveLength(3);
  });

  it('asks for a fresh token once on 401, then says to sign in again', async () => {
    fake.on('/v1.0/organization', {
      status: 401,
      body: { error: { code: 'InvalidAuthenticationToken', message: `Access token has expired. ${TOKEN}` } },
    });
    const { c, tokens } = client();
    const e = (await c.get('/organization').catch((x: unknown) => x)) as GraphError;
    expect(tokens).toEqual([false, true]);
    expect(e.status).toBe(401);
    expect(e.message).toMatch(/sign in again/i);
    expect(errorText(e)).not.toContain(TOKEN);
    expect(e.detail).not.toContain(TOKEN);
    expect(e.detail).toContain('[redacted token]');
  });

  it('explains a 403 from Identity Protection as licence or role', async () => {
    fake.on('/v1.0/identityProtection/riskyUsers', {
      status: 403,
      body: {
        error: {
          code: 'Forbidden',
          message: 'Your tenant is not licensed for this feature.',
          innerError: { 'request-id': 'req-1', date: '2026-11-23T10:00:00' },
        },
      },
    });
    fake.on('/v1.0/identityProtection/riskDetections', {
      status: 403,
      body: {
        error: {
          code: 'Authorization_RequestDenied',
          message: 'Insufficient privileges to complete the operation.',
        },
      },
    });
    const { c } = client();
    const licence = (await c.get('/identityProtection/riskyUsers').catch((x: unknown) => x)) as GraphError;
    expect(licence.message).toMatch(/Entra ID P2/);
    expect(licence.requestId).toBe('req-1');
    expect(errorText(licence)).toContain('request-id req-1');
    const role = (await c.get('/identityProtection/riskDetections').catch((x: unknown) => x)) as GraphError;
    expect(role.message).toMatch(/IdentityRiskEvent\.Read\.All/);
    expect(role.message).toMatch(/Security Reader/);
    expect(role.code).toBe('Authorization_RequestDenied');
  });

  it('passes on what Graph said about a 400', async () => {
    fake.on('/v1.0/users', {
      status: 400,
      body: {
        error: { code: 'Request_UnsupportedQuery', message: "Unsupported query: property 'foo' not found." },
      },
    });
    const { c } = client();
    const e = (await c.get("/users?$filter=foo eq 'x'").catch((x: unknown) => x)) as GraphError;
    expect(e.status).toBe(400);
    expect(e.message).toContain("property 'foo' not found");
    expect(e.request).toBe('GET /users');
  });

  it('never follows a nextLink to another host', async () => {
    fake.on('/v1.0/users', {
      body: { value: [{ id: 'a' }], '@odata.nextLink': 'https://evil.example/v1.0/users?$skiptoken=1' },
    });
    const { c } = client();
    const e = (await c.getAll('/users').catch((x: unknown) => x)) as GraphError;
    expect(e.kind).toBe('protocol');
    expect(e.message).toContain('evil.example');
    expect(fake.requests).toHaveLength(1);
  });

  it('reads a $count answer as text', async () => {
    fake.on('/v1.0/users/$count', { body: '1234' });
    const { c } = client();
    expect(await c.get('/users/$count', { headers: { ConsistencyLevel: 'eventual' } })).toBe('1234');
    expect(fake.requests[0]!.headers.consistencylevel).toBe('eventual');
  });

  it('keeps a download as the bytes sent, after waiting out 429 and refreshing the token on 401', async () => {
    // ISO-8859-1 "Café" and a lone 0xFF: neither is UTF-8, so a text read would turn them into U+FFFD.
    const mime = Uint8Array.from([
      ...Buffer.from('Subject: Caf', 'latin1'),
      0xe9,
      0x0d,
      0x0a,
      0xff,
      0x00,
      0x80,
    ]);
    fake.on(
      '/v1.0/me/messages/m1/$value',
      { status: 429, headers: { 'Retry-After': '4' }, body: { error: { code: 'TooManyRequests' } } },
      { status: 401, body: { error: { code: 'InvalidAuthenticationToken', message: 'expired' } } },
      { body: mime, headers: { 'Content-Type': 'text/plain' } },
    );
    const { c, clock, tokens } = client();
    const waited: number[] = [];
    const bytes = await c.getBytes('/me/messages/m1/$value', {
      headers: { Accept: 'message/rfc822' },
      onWait: (ms) => waited.push(ms),
    });
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect([...bytes]).toEqual([...mime]);
    expect(clock.waits).toEqual([4000]);
    expect(waited).toEqual([4000]);
    expect(tokens).toEqual([false, false, true]);
    expect(fake.requests.at(-1)!.headers.accept).toBe('message/rfc822');
    expect(fake.requests.at(-1)!.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('reports a failed download like any other read', async () => {
    fake.on('/v1.0/users/ceo@contoso.com/messages/m2/$value', {
      status: 403,
      headers: { 'request-id': 'rid-bytes' },
      body: { error: { code: 'ErrorAccessDenied', message: 'Access is denied.' } },
    });
    const { c } = client();
    const e = (await c
      .getBytes('/users/ceo@contoso.com/messages/m2/$value')
      .catch((x: unknown) => x)) as GraphError;
    expect(e).toBeInstanceOf(GraphError);
    expect(e.status).toBe(403);
    expect(e.requestId).toBe('rid-bytes');
    expect(e.request).toBe('GET /users/ceo@contoso.com/messages/m2/$value');
  });

  it('stops waiting when cancelled', async () => {
    fake.on('/v1.0/users', { status: 503, headers: { 'Retry-After': '30' }, body: '' });
    const controller = new AbortController();
    const c = createGraphClient({
      baseUrl: fake.base,
      transport: makeTransport(),
      getToken: async () => TOKEN,
    });
    const pending = c.get('/users', { signal: controller.signal, onWait: () => controller.abort() });
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('Graph client errors without a server', () => {
  it('reports an unreachable Graph as a network problem', async () => {
    const c = createGraphClient({
      baseUrl: 'http://127.0.0.1:9/v1.0',
      getToken: async () => TOKEN,
      transport: async () => {
        throw new TypeError('Failed to fetch');
      },
    });
    const e = (await c.get('/users').catch((x: unknown) => x)) as GraphError;
    expect(e.kind).toBe('network');
    expect(e.message).toMatch(/could not be reached/);
  });

  it('parses Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2026-11-23T10:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('Mon, 23 Nov 2026 10:00:12 GMT', now)).toBe(12000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});
