/**
 * The hosted page as an installed, offline-capable app: one visit online, then every tool without a network; a
 * new deployment announced instead of swapped in; refused inside another site's frame; the server's headers.
 */
import { chromium, type Page } from '@playwright/test';
import { createServer, type Server } from 'node:http';
import { cp, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { test, expect, screenshot } from './fixtures.ts';
import { createSiteServer } from '../../scripts/serve.mjs';
import { chromiumPath, CHROMIUM_ARGS } from '../browser.ts';
import { generate } from '../../src/tools/sync-check/generate.ts';

const DIST = resolve(process.env.HT_DIST ?? 'dist');
const version = (JSON.parse(await readFile('package.json', 'utf8')) as { version: string }).version;

/** The policy the build wrote into index.html's meta tag. */
async function metaPolicy(file = 'index.html'): Promise<string> {
  const html = await readFile(join(DIST, file), 'utf8');
  const m = /<meta http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html);
  if (!m) throw new Error(`${file} has no Content-Security-Policy meta tag`);
  return m[1]!;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return `http://127.0.0.1:${address.port}/`;
}

const close = (server: Server) => new Promise((done) => server.close(done));

/** Waits until the service worker has cached the app (the page says so). */
async function visitOnce(page: Page, url: string) {
  await page.goto(url);
  await expect(page.getByRole('heading', { level: 1, name: 'Hybrid Toolbox' })).toBeVisible();
  await expect(page.getByText('Ready to work offline')).toBeVisible({ timeout: 60_000 });
}

test('after one visit every tool opens and analyses a file with the network off', async ({
  page,
  context,
}, testInfo) => {
  await visitOnce(page, './');
  await screenshot(page, 'offline-ready');

  await context.setOffline(true);
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'Hybrid Toolbox' })).toBeVisible();
  await expect(page.getByText('Offline: every tool works on your files as usual')).toBeVisible();
  expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);

  // ImmutableID: the GUID's bytes in .NET order, base64.
  await page.goto('./#/immutable-id');
  await page.getByRole('textbox', { name: 'ID to convert' }).fill('748b2d24-2c1d-4b11-9c3c-1d9e5d8a3b0f');
  await expect(
    page
      .getByRole('article', { name: 'GUID (D format)' })
      .getByText('JC2LdB0sEUucPB2eXYo7Dw==', { exact: true }),
  ).toBeVisible();

  // Sync check: a generated AD and Entra export, compared in the worker.
  const g = generate({ seed: 21, adStyle: 'de-DE', entraStyle: 'mg' });
  const ad = testInfo.outputPath(g.ad.name);
  const entra = testInfo.outputPath(g.entra[0]!.name);
  await writeFile(ad, g.ad.bytes);
  await writeFile(entra, g.entra[0]!.bytes);
  await page.goto('./#/sync-check');
  await page.locator('[data-side="ad"] input[type=file]').first().setInputFiles(ad);
  await page.locator('[data-side="entra"] input[type=file]').first().setInputFiles(entra);
  await page.getByLabel(/In-scope OUs/).fill(g.scope.join('\n'));
  await page.getByRole('button', { name: 'Compare' }).click();
  await expect(
    page.getByRole('region', { name: 'Summary' }).locator('li', { hasText: 'Matched' }).locator('.value'),
  ).toHaveText(String(g.expected.matchedPairs.length));

  // DMARC: the five handwritten reports hold 54 messages (see dmarc.spec.ts).
  await page.goto('./#/dmarc');
  await page.getByLabel(/\(folder\)$/).setInputFiles(resolve('src/tools/dmarc/fixtures'));
  await expect(
    page
      .locator('.stats li')
      .filter({ has: page.locator('.label', { hasText: 'Messages' }) })
      .locator('.value'),
  ).toHaveText('54');

  // Mailbox move report: five mailboxes in the Exchange Online export.
  await page.goto('./#/move-report');
  await page
    .locator('input[type="file"][aria-label="Move statistics (CSV)"]')
    .setInputFiles(resolve('src/tools/move-report/fixtures/exo-raw-en-US.csv'));
  await expect(page.getByRole('tab', { name: /Mailboxes\s*5/ })).toBeVisible();

  // Risk triage from exported Graph JSON (signing in needs the network; exports do not).
  await page.goto('./#/risk-triage');
  await page
    .locator('input[type=file][aria-label="Drop riskyUsers and riskDetections JSON"]')
    .setInputFiles(
      ['graph-risky-users.json', 'graph-risk-detections-pages.json', 'graph-users.json'].map((f) =>
        resolve('src/tools/risk-triage/fixtures', f),
      ),
    );
  await expect(page.getByRole('table', { name: 'Risky users by priority' })).toContainText('Alex Wilber');

  // The footer names the version and build day and links to the changelog, which is part of the app.
  const footer = page.locator('footer');
  await expect(footer).toContainText(
    new RegExp(`Hybrid Toolbox ${version.replace(/\./g, '\\.')} · built \\d{4}-\\d{2}-\\d{2}`),
  );
  await footer.getByRole('link', { name: 'Changelog' }).click();
  await expect(page.getByRole('heading', { level: 2, name: version })).toBeVisible();
  await screenshot(page, 'offline-changelog');
  await context.setOffline(false);
});

test('Chromium finds the app installable: manifest, icons, service worker', async ({ baseURL }) => {
  // Test contexts are incognito, where Chromium never offers to install: use a profile on disk.
  const profile = await mkdtemp(join(tmpdir(), 'ht-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath(),
    args: CHROMIUM_ARGS,
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await visitOnce(page, baseURL!);
    const cdp = await context.newCDPSession(page);
    const manifest = await cdp.send('Page.getAppManifest');
    expect(manifest.errors).toEqual([]);
    expect(manifest.url).toMatch(/\/manifest\.webmanifest$/);
    const parsed = JSON.parse(manifest.data!) as {
      name: string;
      display: string;
      icons: { sizes: string }[];
    };
    expect(parsed.name).toBe('Hybrid Toolbox');
    expect(parsed.display).toBe('standalone');
    expect(parsed.icons.map((i) => i.sizes)).toEqual(['192x192', '512x512', '512x512']);
    await expect
      .poll(async () => (await cdp.send('Page.getInstallabilityErrors')).installabilityErrors)
      .toEqual([]);
  } finally {
    await context.close();
  }
});

test.describe('on other local origins', () => {
  // These tests serve the build from their own ports: other origins on the same loopback host.
  test.use({ allowedHosts: ['127.0.0.1'] });

  test('a new deployment is announced, and runs only after the user reloads', async ({ page }) => {
    /** A copy of the build whose index.html (and so the service worker's precache list and sw.js) changed. */
    async function deployment(name: string): Promise<string> {
      const dir = await mkdtemp(join(tmpdir(), `ht-${name}-`));
      await cp(DIST, dir, { recursive: true });
      const index = await readFile(join(dir, 'index.html'), 'utf8');
      await writeFile(
        join(dir, 'index.html'),
        index.replace('<head>', `<head><meta name="ht-build" content="${name}">`),
      );
      const sw = await readFile(join(dir, 'sw.js'), 'utf8');
      const changed = sw.replace(/(\{url:"index\.html",revision:")[0-9a-f]+"/, `$1${name}"`);
      expect(changed).not.toBe(sw);
      await writeFile(join(dir, 'sw.js'), changed);
      return dir;
    }
    const ID = 'JC2LdB0sEUucPB2eXYo7Dw==';

    let root = DIST;
    const server = createSiteServer(() => root);
    const url = await listen(server);
    try {
      await visitOnce(page, url);
      // Twice: on the first visit no service worker controls the page yet; after the reload one does.
      const running = () =>
        page.evaluate(
          () => document.querySelector('meta[name="ht-build"]')?.getAttribute('content') ?? 'first',
        );
      let previous = 'first';
      for (const name of ['second', 'third']) {
        await page.goto(`${url}#/immutable-id`);
        await page.getByRole('textbox', { name: 'ID to convert' }).fill(ID);

        root = await deployment(name);
        // What the hourly check (or the next navigation) does.
        await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())!.update());
        const prompt = page.getByRole('status').filter({ hasText: 'A new version is ready — reload' });
        await expect(prompt).toBeVisible({ timeout: 60_000 });
        // Nothing swapped under the user: the running page and its input are still there.
        await expect(page.getByRole('textbox', { name: 'ID to convert' })).toHaveValue(ID);
        expect(await running()).toBe(previous);
        if (name === 'second') await screenshot(page, 'update-prompt');

        await prompt.getByRole('button', { name: 'Reload' }).click();
        await expect(page.locator('meta[name="ht-build"]')).toHaveAttribute('content', name, {
          timeout: 30_000,
        });
        await expect(page.getByText('A new version is ready')).toHaveCount(0);
        expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
        previous = name;
      }
    } finally {
      await close(server);
    }
  });

  test('another site cannot show the app in a frame, with or without the headers', async ({ page }) => {
    // A host that sends our headers (serve.mjs), and one that sends none (a plain file share behind a web server).
    const withHeaders = createSiteServer(() => DIST);
    const bare = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname.replace(/\/$/, '/index.html');
      const type = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' }[extname(path)];
      readFile(join(DIST, path)).then(
        (body) => res.writeHead(200, type ? { 'Content-Type': type } : {}).end(body),
        () => res.writeHead(404).end(),
      );
    });
    const framer = createServer((req, res) => {
      const src = new URL(req.url ?? '/', 'http://x').searchParams.get('src') ?? '';
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end(
        `<!doctype html><title>Another site</title><iframe src="${src}" width="900" height="500"></iframe>`,
      );
    });
    const [appUrl, bareUrl, framerUrl] = await Promise.all([
      listen(withHeaders),
      listen(bare),
      listen(framer),
    ]);
    try {
      // With headers: the browser refuses to load the page into the frame at all.
      await page.goto(`${framerUrl}?src=${encodeURIComponent(appUrl)}`);
      const blocked = page.frameLocator('iframe');
      await expect(page.locator('iframe')).toBeVisible();
      await page.waitForLoadState('load');
      await expect(blocked.getByRole('heading', { name: 'Hybrid Toolbox' })).toHaveCount(0);
      expect(page.frames()[1]!.url()).not.toBe(appUrl);

      // Without headers: the page loads but refuses to show the app.
      await page.goto(`${framerUrl}?src=${encodeURIComponent(bareUrl)}`);
      const framed = page.frameLocator('iframe');
      await expect(framed.getByText('Hybrid Toolbox does not run inside another site.')).toBeVisible();
      await expect(framed.getByRole('link', { name: 'Open it in its own tab' })).toHaveAttribute(
        'href',
        bareUrl,
      );
      await expect(framed.getByRole('navigation', { name: 'Tools' })).toHaveCount(0);
      await screenshot(page, 'framed-by-another-site');
    } finally {
      await Promise.all([close(withHeaders), close(bare), close(framer)]);
    }
  });
});

test('the sign-in bridge is framed by the app itself and never answered by the service worker', async ({
  page,
}) => {
  await visitOnce(page, './');
  await page.reload();
  expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
  // Silent token renewal loads the bridge in a hidden frame of the app.
  await page.evaluate(() => {
    const f = document.createElement('iframe');
    f.src = './redirect.html';
    document.body.append(f);
  });
  await expect(page.frameLocator('iframe').locator('#status')).toBeVisible();
  // Entra's answer comes back to the bridge itself, not to the app the navigation fallback would serve.
  await page.goto('./redirect.html?code=abc&state=xyz');
  await expect(page.locator('#status')).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Tools' })).toHaveCount(0);
});

test("the server's responses carry the security headers and the page's own policy", async ({ request }) => {
  const policy = await metaPolicy();
  const asset = (await readdir(join(DIST, 'assets'))).find((f) => f.endsWith('.js'))!;
  const expectCommon = (h: Record<string, string>) => {
    expect(h['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    expect(h['x-content-type-options']).toBe('nosniff');
    expect(h['referrer-policy']).toBe('no-referrer');
    expect(h['permissions-policy']).toContain('camera=()');
    expect(h['permissions-policy']).toContain('microphone=()');
    expect(h['permissions-policy']).toContain('geolocation=()');
  };

  for (const path of ['', 'index.html', 'sw.js', 'manifest.webmanifest']) {
    const r = await request.get(`./${path}`);
    expect(r.status(), path).toBe(200);
    const h = r.headers();
    expect(h['content-security-policy'], path).toBe(`${policy}; frame-ancestors 'none'`);
    expect(h['x-frame-options'], path).toBe('DENY');
    expect(h['cache-control'], path).toBe('no-cache');
    expectCommon(h);
  }
  expect((await request.get('./manifest.webmanifest')).headers()['content-type']).toBe(
    'application/manifest+json',
  );

  const hashed = (await request.get(`./assets/${asset}`)).headers();
  expect(hashed['cache-control']).toBe('public, max-age=31536000, immutable');
  expect(hashed['content-security-policy']).toBe(`${policy}; frame-ancestors 'none'`);
  expectCommon(hashed);

  const bridge = (await request.get('./redirect.html')).headers();
  expect(bridge['content-security-policy']).toBe(
    `${await metaPolicy('redirect.html')}; frame-ancestors 'self'`,
  );
  expect(bridge['x-frame-options']).toBe('SAMEORIGIN');

  // The single file keeps its own hash-based policy in its meta tag; the header adds only frame-ancestors.
  const single = (await request.get('./hybrid-toolbox.html')).headers();
  expect(single['content-security-policy']).toBe("frame-ancestors 'none'");
  expectCommon(single);
});

test('every host config in the build carries the page policy as a header', async () => {
  const header = `${await metaPolicy()}; frame-ancestors 'none'`;
  for (const file of ['staticwebapp.config.json', 'web.config', 'nginx.conf', '.htaccess', '_headers']) {
    const text = await readFile(join(DIST, file), 'utf8');
    expect(text, file).toContain(header);
    expect(text, file).toContain('nosniff');
    expect(text, file).toContain('max-age=31536000; includeSubDomains');
  }
  expect(await readFile(join(DIST, 'Dockerfile'), 'utf8')).toMatch(/^FROM nginx:/m);
});

test('the DMARC IP table, fetched by one analysis online, serves the next one offline', async ({
  page,
  context,
}) => {
  await visitOnce(page, './');
  const analyse = async () => {
    await page.goto('./#/dmarc');
    await page.getByLabel(/\(folder\)$/).setInputFiles(resolve('src/tools/dmarc/fixtures'));
    await page.getByRole('tab', { name: /^Countries/ }).click();
    await expect(
      page
        .getByRole('table', { name: 'By country' })
        .getByRole('row')
        .filter({ hasText: 'United States (US)' }),
    ).toHaveCount(1);
  };
  await analyse();
  // Kept by the service worker itself, not only by the browser's HTTP cache.
  await expect
    .poll(() =>
      page.evaluate(async () => (await (await caches.open('ht-ip-table')).keys()).map((r) => r.url)),
    )
    .toEqual([expect.stringMatching(/\/assets\/ip-table-[0-9a-f]+\.bin$/)]);
  await context.setOffline(true);
  await page.reload();
  await analyse();
  await expect(page.getByText(/from the offline IP table of 20\d\d-\d\d-\d\d/)).toBeVisible();
});

test('the single file served over http works with its header and meta policies together', async ({
  page,
}) => {
  await page.goto('./hybrid-toolbox.html');
  await expect(page.getByRole('heading', { level: 1, name: 'Hybrid Toolbox' })).toBeVisible();
  await page.goto('./hybrid-toolbox.html#/immutable-id');
  await page.getByRole('textbox', { name: 'ID to convert' }).fill('748b2d24-2c1d-4b11-9c3c-1d9e5d8a3b0f');
  await expect(page.getByText('JC2LdB0sEUucPB2eXYo7Dw==', { exact: true }).first()).toBeVisible();
});
