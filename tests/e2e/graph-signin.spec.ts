/**
 * Sign-in with the real MSAL against a stand-in for login.microsoftonline.com and graph.microsoft.com: the
 * browser context answers for both hosts, so nothing leaves the machine, and MSAL runs its whole pop-up flow
 * (authorize → redirect bridge → code redemption with PKCE) as it would against Entra.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { BrowserContext, Page, Route } from '@playwright/test';
import { test, expect, screenshot } from './fixtures.ts';
import { generate } from '../../src/tools/sync-check/generate.ts';

test.use({ allowedHosts: ['login.microsoftonline.com', 'graph.microsoft.com'] });

const TENANT = '9b2f0c5e-1111-4a6e-8d7c-0123456789ab';
const CLIENT = '4c3b2a19-2222-4b5c-9d8e-abcdefabcdef';
const USER_OID = '7e6d5c4b-3333-4c2b-8a19-000000000abc';
const ACCESS_TOKEN = 'fake-access-token-zz9plural';
const REFRESH_TOKEN = 'fake-refresh-token-qq7';
const FIXTURES = resolve('src/tools/risk-triage/fixtures');

const b64url = (s: string) => Buffer.from(s).toString('base64url');

interface FakeEntra {
  nonces: string[];
  authorizeUrls: URL[];
  graphRequests: { url: URL; headers: Record<string, string> }[];
  hosts: Set<string>;
  /** Answer the next riskyUsers read with 429 first. */
  throttleOnce: boolean;
  /** What `/users` (without a filter) returns, in two pages. */
  directoryUsers: Record<string, unknown>[];
}

function cors(origin: string) {
  return {
    'Access-Control-Allow-Origin': origin,
    'Access-Control-Allow-Headers':
      'authorization, content-type, prefer, consistencylevel, client-request-id, x-client-sku, x-client-ver, x-client-os, x-client-cpu, x-ms-lib-capability, x-client-current-telemetry, x-client-last-telemetry, return-client-request-id',
    'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
    'Access-Control-Expose-Headers': 'retry-after, request-id',
  };
}

async function fakeMicrosoft(context: BrowserContext, appOrigin: string): Promise<FakeEntra> {
  const state: FakeEntra = {
    nonces: [],
    authorizeUrls: [],
    graphRequests: [],
    hosts: new Set(),
    throttleOnce: false,
    directoryUsers: [],
  };
  const riskyUsers = JSON.parse(await readFile(resolve(FIXTURES, 'graph-risky-users.json'), 'utf8'));
  const pages = JSON.parse(await readFile(resolve(FIXTURES, 'graph-risk-detections-pages.json'), 'utf8'));
  const users = JSON.parse(await readFile(resolve(FIXTURES, 'graph-users.json'), 'utf8'));
  context.on('request', (r) => state.hosts.add(new URL(r.url()).host));

  await context.route('https://login.microsoftonline.com/**', async (route: Route) => {
    const req = route.request();
    const url = new URL(req.url());
    const json = (body: unknown) =>
      route.fulfill({
        status: 200,
        contentType: 'application/json',
        headers: cors(appOrigin),
        body: JSON.stringify(body),
      });
    if (req.method() === 'OPTIONS') return route.fulfill({ status: 204, headers: cors(appOrigin) });
    if (url.pathname.endsWith('/discovery/instance')) {
      return json({
        tenant_discovery_endpoint: `https://login.microsoftonline.com/${TENANT}/v2.0/.well-known/openid-configuration`,
        'api-version': '1.1',
        metadata: [
          {
            preferred_network: 'login.microsoftonline.com',
            preferred_cache: 'login.windows.net',
            aliases: [
              'login.microsoftonline.com',
              'login.windows.net',
              'login.microsoft.com',
              'sts.windows.net',
            ],
          },
        ],
      });
    }
    if (url.pathname.endsWith('/.well-known/openid-configuration')) {
      const base = `https://login.microsoftonline.com/${TENANT}`;
      return json({
        token_endpoint: `${base}/oauth2/v2.0/token`,
        authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
        end_session_endpoint: `${base}/oauth2/v2.0/logout`,
        issuer: `${base}/v2.0`,
        jwks_uri: `${base}/discovery/v2.0/keys`,
        response_modes_supported: ['query', 'fragment', 'form_post'],
        token_endpoint_auth_methods_supported: [
          'client_secret_post',
          'private_key_jwt',
          'client_secret_basic',
        ],
        scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
        tenant_region_scope: 'EU',
        cloud_instance_name: 'microsoftonline.com',
        cloud_graph_host_name: 'graph.windows.net',
        msgraph_host: 'graph.microsoft.com',
      });
    }
    if (url.pathname.endsWith('/oauth2/v2.0/authorize')) {
      state.authorizeUrls.push(url);
      state.nonces.push(url.searchParams.get('nonce') ?? '');
      const redirect = new URL(url.searchParams.get('redirect_uri')!);
      const answer = new URLSearchParams({
        code: '0.fake-authorization-code',
        state: url.searchParams.get('state')!,
        client_info: b64url(JSON.stringify({ uid: USER_OID, utid: TENANT })),
        session_state: 'fake-session',
      });
      const mode = url.searchParams.get('response_mode') ?? 'fragment';
      const location = mode === 'query' ? `${redirect}?${answer}` : `${redirect}#${answer}`;
      return route.fulfill({ status: 302, headers: { Location: location } });
    }
    if (url.pathname.endsWith('/oauth2/v2.0/token')) {
      const now = Math.floor(Date.now() / 1000);
      const idToken = [
        b64url(JSON.stringify({ typ: 'JWT', alg: 'RS256', kid: 'fake' })),
        b64url(
          JSON.stringify({
            aud: CLIENT,
            iss: `https://login.microsoftonline.com/${TENANT}/v2.0`,
            iat: now,
            nbf: now,
            exp: now + 3600,
            name: 'Ada Admin',
            preferred_username: 'ada.admin@contoso.com',
            oid: USER_OID,
            sub: 'fake-subject',
            tid: TENANT,
            nonce: state.nonces.at(-1),
            ver: '2.0',
          }),
        ),
        'fake-signature',
      ].join('.');
      const form = new URLSearchParams(req.postData() ?? '');
      return json({
        token_type: 'Bearer',
        scope: form.get('scope') ?? '',
        expires_in: 3599,
        ext_expires_in: 3599,
        access_token: ACCESS_TOKEN,
        refresh_token: REFRESH_TOKEN,
        id_token: idToken,
        client_info: b64url(JSON.stringify({ uid: USER_OID, utid: TENANT })),
      });
    }
    return route.fulfill({ status: 404, headers: cors(appOrigin), body: 'not faked' });
  });

  await context.route('https://graph.microsoft.com/**', async (route: Route) => {
    const req = route.request();
    if (req.method() === 'OPTIONS') return route.fulfill({ status: 204, headers: cors(appOrigin) });
    const url = new URL(req.url());
    state.graphRequests.push({ url, headers: await req.allHeaders() });
    const json = (body: unknown, status = 200, extra: Record<string, string> = {}) =>
      route.fulfill({
        status,
        contentType: 'application/json',
        headers: { ...cors(appOrigin), ...extra },
        body: JSON.stringify(body),
      });
    const path = url.pathname;
    if (path === '/v1.0/identityProtection/riskyUsers') {
      if (state.throttleOnce) {
        state.throttleOnce = false;
        return json({ error: { code: 'TooManyRequests', message: 'Too many requests' } }, 429, {
          'Retry-After': '1',
        });
      }
      return json(riskyUsers);
    }
    if (path === '/v1.0/identityProtection/riskDetections') {
      // Two pages: the first points to the second with a nextLink.
      return json(
        url.searchParams.has('$skiptoken')
          ? pages[1]
          : {
              ...pages[0],
              '@odata.nextLink':
                'https://graph.microsoft.com/v1.0/identityProtection/riskDetections?$skiptoken=abc',
            },
      );
    }
    if (path === '/v1.0/users/$count') {
      return route.fulfill({
        status: 200,
        contentType: 'text/plain',
        headers: cors(appOrigin),
        body: String(state.directoryUsers.length),
      });
    }
    if (path === '/v1.0/organization') {
      return json({
        value: [
          {
            id: TENANT,
            displayName: 'Contoso',
            onPremisesSyncEnabled: true,
            onPremisesLastSyncDateTime: '2026-11-23T11:31:05Z',
            verifiedDomains: [{ name: 'contoso.com', isDefault: true, isInitial: false, type: 'Managed' }],
          },
        ],
      });
    }
    if (path === '/v1.0/directory/onPremisesSynchronization') {
      return json({
        value: [
          {
            id: TENANT,
            configuration: {
              accidentalDeletionPrevention: {
                synchronizationPreventionType: 'enabledForCount',
                alertThreshold: 250,
              },
            },
            features: {
              blockSoftMatchEnabled: true,
              blockCloudObjectTakeoverThroughHardMatchEnabled: true,
              passwordSyncEnabled: true,
            },
          },
        ],
      });
    }
    if (path === '/v1.0/users' && !url.searchParams.has('$filter')) {
      const half = Math.ceil(state.directoryUsers.length / 2);
      return url.searchParams.has('$skiptoken')
        ? json({ value: state.directoryUsers.slice(half) })
        : json({
            '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#users',
            value: state.directoryUsers.slice(0, half),
            '@odata.nextLink': `https://graph.microsoft.com/v1.0/users?$select=id&$top=999&$skiptoken=page2`,
          });
    }
    if (path === '/v1.0/users') {
      const wanted: string[] = (url.searchParams.get('$filter') ?? '').match(/[0-9a-f-]{36}/g) ?? [];
      return json({
        value: users.value
          .filter((u: { id: string }) => wanted.includes(u.id))
          .map(({ transitiveMemberOf: _, ...u }: Record<string, unknown>) => u),
      });
    }
    const roles =
      /^\/v1\.0\/users\/([0-9a-f-]{36})\/transitiveMemberOf\/microsoft\.graph\.directoryRole$/.exec(path);
    if (roles) {
      return json({
        value:
          roles[1] === 'a1b2c3d4-0001-4000-8000-000000000001'
            ? [
                {
                  id: 'r1',
                  displayName: 'Global Administrator',
                  roleTemplateId: '62e90394-69f5-4237-9190-012177145e10',
                },
              ]
            : [],
      });
    }
    return json({ error: { code: 'Request_ResourceNotFound', message: `not faked: ${path}` } }, 404);
  });
  return state;
}

async function configure(page: Page) {
  await page.getByRole('button', { name: 'Graph settings' }).click();
  await page.getByLabel('Application (client) ID').fill(CLIENT);
  await page.getByLabel('Tenant (Directory ID or domain)').fill(TENANT);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
}

async function storageDump(page: Page) {
  return page.evaluate(async () => {
    const dump = (s: Storage) =>
      Object.fromEntries(Array.from({ length: s.length }, (_, i) => [s.key(i)!, s.getItem(s.key(i)!)]));
    const idb: string[] = [];
    for (const db of (await indexedDB.databases?.()) ?? []) {
      if (!db.name) continue;
      const conn = await new Promise<IDBDatabase>((ok, ko) => {
        const r = indexedDB.open(db.name!);
        r.onsuccess = () => ok(r.result);
        r.onerror = () => ko(r.error);
      });
      for (const store of Array.from(conn.objectStoreNames)) {
        const all = await new Promise<unknown[]>((ok) => {
          const r = conn.transaction(store).objectStore(store).getAll();
          r.onsuccess = () => ok(r.result);
        });
        idb.push(JSON.stringify(all, (_k, v) => (v instanceof CryptoKey ? '[CryptoKey]' : v)));
      }
      conn.close();
    }
    return {
      local: JSON.stringify(dump(localStorage)),
      session: JSON.stringify(dump(sessionStorage)),
      idb: idb.join('\n'),
      cookies: document.cookie,
    };
  });
}

test('signs in through the pop-up, reads risk live, keeps tokens in sessionStorage only, signs out clean', async ({
  page,
  context,
  baseURL,
}, testInfo) => {
  const origin = new URL(baseURL!).origin;
  const fake = await fakeMicrosoft(context, origin);
  fake.throttleOnce = true;
  const mainUrls: string[] = [];
  page.on('framenavigated', (f) => f === page.mainFrame() && mainUrls.push(f.url()));

  await page.goto('./#/risk-triage');
  await configure(page);
  await expect(page.getByText('Saved in this browser.')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Load from Graph' })).toBeVisible();

  const popupPromise = page.waitForEvent('popup');
  await page.getByRole('button', { name: 'Load from Graph' }).click();
  const popup = await popupPromise;

  const table = page.getByRole('table', { name: 'Risky users by priority' });
  await expect(table.getByRole('row').nth(1)).toContainText('alex.wilber@contoso.com');
  await expect(table.getByRole('row').nth(1)).toContainText('Global Administrator');
  await expect(table.getByRole('row').nth(1)).toContainText('AD (synced)');
  await expect(page.getByText('Signed in as ada.admin@contoso.com')).toBeVisible();
  await expect(page.getByRole('list', { name: 'Files in use' })).toContainText('riskDetections (live).json');
  // The redirect bridge closed its window after handing the answer over.
  await expect.poll(() => popup.isClosed()).toBe(true);

  // The authorize request asked for exactly what risk triage needs, through this deployment's redirect bridge.
  const authorize = fake.authorizeUrls[0]!;
  expect(authorize.pathname).toBe(`/${TENANT}/oauth2/v2.0/authorize`);
  expect(authorize.searchParams.get('redirect_uri')).toBe(`${origin}/redirect.html`);
  expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
  expect(new Set(authorize.searchParams.get('scope')!.split(' '))).toEqual(
    new Set([
      'IdentityRiskyUser.Read.All',
      'IdentityRiskEvent.Read.All',
      'User.Read.All',
      'openid',
      'profile',
      'offline_access',
    ]),
  );
  // Graph got the token in the header only, the evolvable-enum header, and paging was followed.
  const paths = fake.graphRequests.map((r) => r.url.pathname);
  expect(paths.filter((p) => p === '/v1.0/identityProtection/riskyUsers')).toHaveLength(2); // 429, then the answer
  expect(paths.filter((p) => p === '/v1.0/identityProtection/riskDetections')).toHaveLength(2);
  for (const r of fake.graphRequests) {
    expect(r.headers.authorization).toBe(`Bearer ${ACCESS_TOKEN}`);
    expect(r.headers.prefer).toBe('include-unknown-enum-members');
    expect(r.url.href).not.toContain(ACCESS_TOKEN);
  }
  // Only the app, the sign-in service and Graph were contacted; no token in a URL of the app.
  expect([...fake.hosts].sort()).toEqual(
    ['graph.microsoft.com', new URL(origin).host, 'login.microsoftonline.com'].sort(),
  );
  expect(mainUrls.every((u) => !/code=|token/.test(u))).toBe(true);

  const stored = await storageDump(page);
  expect(stored.session).toContain(ACCESS_TOKEN);
  for (const place of [stored.local, stored.idb, stored.cookies]) {
    expect(place).not.toContain(ACCESS_TOKEN);
    expect(place).not.toContain(REFRESH_TOKEN);
  }
  await page.screenshot({ path: testInfo.outputPath('graph-signed-in.png'), fullPage: true });
  await screenshot(page, 'graph-signin-risk-triage');

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('button', { name: 'Sign in', exact: true })).toBeVisible();
  const after = await storageDump(page);
  expect(after.session).not.toContain(ACCESS_TOKEN);
  expect(after.session).not.toContain(REFRESH_TOKEN);
  // MSAL may leave its version marker; no account, token or PKCE entry survives.
  expect(after.session).not.toMatch(
    /accesstoken|refreshtoken|idtoken|ada\.admin|code_verifier|request\.params/i,
  );
});

test('cancel ends a pop-up that is left open, and the next sign-in works', async ({
  page,
  context,
  baseURL,
}) => {
  const origin = new URL(baseURL!).origin;
  await fakeMicrosoft(context, origin);
  // Hold the first authorize page: the user walks away from the sign-in window.
  let hold = true;
  await context.route('https://login.microsoftonline.com/*/oauth2/v2.0/authorize**', async (route) => {
    if (hold) {
      hold = false;
      return route.fulfill({
        status: 200,
        contentType: 'text/html',
        body: '<title>Sign in</title><p>Pick an account…</p>',
      });
    }
    return route.fallback();
  });
  await page.goto('./#/risk-triage');
  await configure(page);

  const first = page.waitForEvent('popup');
  await page.getByRole('button', { name: 'Load from Graph' }).click();
  const popup = await first;
  await expect(page.getByText('Waiting for the sign-in window…').first()).toBeVisible();
  await page.getByRole('button', { name: 'Cancel' }).first().click();
  await expect.poll(() => popup.isClosed()).toBe(true);
  await expect(page.getByRole('button', { name: 'Load from Graph' })).toBeVisible();
  await expect(page.getByRole('alert')).toHaveCount(0);

  const second = page.waitForEvent('popup');
  await page.getByRole('button', { name: 'Load from Graph' }).click();
  await second;
  await expect(page.getByRole('table', { name: 'Risky users by priority' })).toContainText(
    'alex.wilber@contoso.com',
  );
});

test('explains a sign-in error in plain words', async ({ page, context, baseURL }) => {
  const origin = new URL(baseURL!).origin;
  await fakeMicrosoft(context, origin);
  await context.route('https://login.microsoftonline.com/*/oauth2/v2.0/authorize**', async (route) => {
    const url = new URL(route.request().url());
    const redirect = url.searchParams.get('redirect_uri')!;
    const answer = new URLSearchParams({
      error: 'invalid_request',
      error_description: `AADSTS50011: The redirect URI '${redirect}' specified in the request does not match the redirect URIs configured for the application '${CLIENT}'. Trace ID: x Correlation ID: y Timestamp: 2026-11-23 12:00:00Z`,
      state: url.searchParams.get('state')!,
    });
    return route.fulfill({ status: 302, headers: { Location: `${redirect}#${answer}` } });
  });
  await page.goto('./#/risk-triage');
  await configure(page);
  await page.getByRole('button', { name: 'Load from Graph' }).click();
  const alert = page.getByRole('alert').first();
  await expect(alert).toContainText('Single-page application');
  await expect(alert).toContainText(`${origin}/redirect.html`);
  await expect(alert).toContainText('AADSTS50011');
  await screenshot(page, 'graph-signin-error');
});

test('loads Entra users and the tenant sync settings into Sync check', async ({
  page,
  context,
  baseURL,
}, testInfo) => {
  const origin = new URL(baseURL!).origin;
  const fake = await fakeMicrosoft(context, origin);
  const g = generate({ seed: 21, entraStyle: 'graph-page' });
  fake.directoryUsers = JSON.parse(new TextDecoder().decode(g.entra[0]!.bytes)).value;
  const adPath = testInfo.outputPath(g.ad.name);
  await writeFile(adPath, g.ad.bytes);

  await page.goto('./#/sync-check');
  await page.locator('[data-side="ad"] input[type=file]').first().setInputFiles(adPath);
  await configure(page);
  const popup = page.waitForEvent('popup');
  await page.getByRole('button', { name: 'Load from Entra' }).click();
  await popup;

  await expect(
    page.getByText(`${fake.directoryUsers.length} users from Microsoft Graph (live)`),
  ).toBeVisible();
  const settings = page.getByRole('definition').filter({ hasText: '250 objects' });
  await expect(settings).toBeVisible();
  await expect(page.getByLabel('Deletion threshold')).toHaveValue('250');
  // One consent for what Sync check needs, nothing more.
  expect(new Set(fake.authorizeUrls[0]!.searchParams.get('scope')!.split(' '))).toEqual(
    new Set([
      'User.Read.All',
      'OnPremDirectorySynchronization.Read.All',
      'openid',
      'profile',
      'offline_access',
    ]),
  );
  const usersRead = fake.graphRequests.filter((r) => r.url.pathname === '/v1.0/users');
  expect(usersRead).toHaveLength(2);
  expect(usersRead[0]!.url.searchParams.get('$top')).toBe('999');
  expect(usersRead[0]!.url.searchParams.get('$select')).toContain('onPremisesImmutableId');

  await page.getByLabel(/In-scope OUs/).fill(g.scope.join('\n'));
  await page.getByRole('button', { name: 'Compare' }).click();
  const summary = page.getByRole('region', { name: 'Summary' });
  await expect(summary.locator('li', { hasText: 'Matched' }).locator('.value')).toHaveText(
    String(g.expected.matchedPairs.length),
  );
  await screenshot(page, 'graph-signin-sync-check');
});
