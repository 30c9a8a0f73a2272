import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { createSiteServer } from './serve.mjs';

let base: string;
let port: number;
const server = createSiteServer(() => join(base, 'site'));

/** A raw request: the path goes out exactly as written (no URL normalisation by a client). */
function get(path: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((done, fail) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => done({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', fail);
    req.end();
  });
}

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'ht-serve-'));
  await mkdir(join(base, 'site', 'assets'), { recursive: true });
  await writeFile(join(base, 'site', 'index.html'), '<!doctype html><title>app</title>');
  await writeFile(join(base, 'site', 'assets', 'main-abc.js'), 'export {};');
  await writeFile(join(base, 'secret.txt'), 'outside the site');
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise((done) => server.close(done)));

describe('scripts/serve.mjs', () => {
  it('serves / as index.html with the page headers', async () => {
    const r = await get('/');
    expect(r.status).toBe(200);
    expect(r.body).toBe('<!doctype html><title>app</title>');
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.headers['content-security-policy']).toMatch(/^default-src 'self'; .*; frame-ancestors 'none'$/);
    expect(r.headers['x-frame-options']).toBe('DENY');
    expect(r.headers['cache-control']).toBe('no-cache');
  });

  it('marks hashed assets immutable', async () => {
    const r = await get('/assets/main-abc.js');
    expect(r.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(r.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('never serves a file outside the site', async () => {
    for (const path of [
      '/../secret.txt',
      '/assets/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/..%2fsecret.txt',
    ]) {
      const r = await get(path);
      expect(r.body, path).not.toContain('outside the site');
      expect([403, 404], path).toContain(r.status);
    }
  });

  it('answers a malformed path with 400', async () => {
    expect((await get('/%E0%A4%A')).status).toBe(400);
  });
});
