#!/usr/bin/env node
// Serves the built app from dist/ on localhost, with the same headers as the generated host configs: no
// dependencies, no network beyond loopback.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { headersFor } from './security-policy.mjs';

const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json',
};

/** A server for the built site in `root`; `rootOf()` is asked on every request, so a test can swap builds. */
export function createSiteServer(rootOf) {
  return createServer(async (req, res) => {
    const root = resolve(rootOf());
    const url = new URL(req.url ?? '/', 'http://localhost');
    let path;
    try {
      path = normalize(decodeURIComponent(url.pathname)).replace(/^(\.\.[/\\])+/, '');
    } catch {
      res.writeHead(400).end();
      return;
    }
    if (path.endsWith('/') || path.endsWith(sep)) path += 'index.html';
    const file = join(root, path);
    if (!file.startsWith(root + sep)) {
      res.writeHead(403).end();
      return;
    }
    const rel = relative(root, file).split(sep).join('/');
    try {
      const body = await readFile(file);
      res.writeHead(200, {
        'Content-Type': types[extname(file)] ?? 'application/octet-stream',
        'Content-Length': body.length,
        ...headersFor(rel),
      });
      res.end(body);
    } catch {
      res
        .writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', ...headersFor(rel) })
        .end('Not found');
    }
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const root = resolve(process.env.HT_DIST ?? 'dist');
  const port = Number(process.env.HT_PORT ?? process.env.PORT ?? 4173);
  const host = process.env.HT_HOST ?? '127.0.0.1';
  try {
    await stat(join(root, 'index.html'));
  } catch {
    console.error(`No build in ${root}. Run \`npm run build\` first (npm start does both).`);
    process.exit(1);
  }
  const server = createSiteServer(() => root);
  server.listen(port, host, () => {
    const { port: bound } = server.address();
    console.log(`Hybrid Toolbox is running at http://${host === '0.0.0.0' ? 'localhost' : host}:${bound}/`);
    console.log('Press Ctrl+C to stop.');
  });
}
