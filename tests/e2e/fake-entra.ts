/**
 * login.microsoftonline.com and graph.microsoft.com answered by the browser context, for the page's real MSAL:
 * discovery, authorize → code, tokens — with consent remembered per scope, so a scope never consented makes the
 * silent refresh fail with AADSTS65001 and MSAL opens the consent pop-up (incremental consent) — and Graph's
 * Identity Protection reads and actions over a small, changeable tenant.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { BrowserContext, Route } from '@playwright/test';

export const TENANT = '9b2f0c5e-1111-4a6e-8d7c-0123456789ab';
export const CLIENT = '4c3b2a19-2222-4b5c-9d8e-abcdefabcdef';
const USER_OID = '7e6d5c4b-3333-4c2b-8a19-000000000abc';
const FIXTURES = resolve('src/tools/risk-triage/fixtures');
const b64url = (s: string) => Buffer.from(s).toString('base64url');
const BASE_SCOPES = new Set(['openid', 'profile', 'offline_access']);

export interface GraphCall {
  method: string;
  path: string;
  body: string;
}

export interface FakeEntra {
  /** The scope parameter of every authorize request (each one is a pop-up). */
  authorizeScopes: string[][];
  calls: GraphCall[];
  riskyUsers: Record<string, unknown>[];
  /** Answer for an action on a user, by user id: a status and Graph error code; default 204/200. */
  refuse: Map<string, { status: number; code: string; message: string }>;
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

export async function fakeEntra(context: BrowserContext, appOrigin: string): Promise<FakeEntra> {
  const riskyPage = JSON.parse(await readFile(resolve(FIXTURES, 'graph-risky-users.json'), 'utf8'));
  const pages = JSON.parse(await readFile(resolve(FIXTURES, 'graph-risk-detections-pages.json'), 'utf8'));
  const users = JSON.parse(await readFile(resolve(FIXTURES, 'graph-users.json'), 'utf8'));
  const state: FakeEntra = { authorizeScopes: [], calls: [], riskyUsers: riskyPage.value, refuse: new Map() };
  const consented = new Set<string>();
  let nonce = '';
  let requestNo = 0;

  await context.route('https://login.microsoftonline.com/**', async (route: Route) => {
    const req = route.request();
    const url = new URL(req.url());
    const json = (body: unknown, status = 200) =>
      route.fulfill({
        status,
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
        scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
        cloud_instance_name: 'microsoftonline.com',
        msgraph_host: 'graph.microsoft.com',
      });
    }
    if (url.pathname.endsWith('/oauth2/v2.0/authorize')) {
      const scopes = (url.searchParams.get('scope') ?? '').split(' ').filter((s) => !BASE_SCOPES.has(s));
      state.authorizeScopes.push(scopes);
      for (const s of scopes) consented.add(s);
      nonce = url.searchParams.get('nonce') ?? '';
      const redirect = new URL(url.searchParams.get('redirect_uri')!);
      const answer = new URLSearchParams({
        code: '0.fake-authorization-code',
        state: url.searchParams.get('state')!,
        client_info: b64url(JSON.stringify({ uid: USER_OID, utid: TENANT })),
        session_state: 'fake-session',
      });
      const mode = url.searchParams.get('response_mode') ?? 'fragment';
      return route.fulfill({
        status: 302,
        headers: { Location: mode === 'query' ? `${redirect}?${answer}` : `${redirect}#${answer}` },
      });
    }
    if (url.pathname.endsWith('/oauth2/v2.0/token')) {
      const form = new URLSearchParams(req.postData() ?? '');
      const wanted = (form.get('scope') ?? '').split(' ').filter((s) => !BASE_SCOPES.has(s));
      if (form.get('grant_type') === 'refresh_token' && wanted.some((s) => !consented.has(s))) {
        return json(
          {
            error: 'invalid_grant',
            error_description:
              'AADSTS65001: The user or administrator has not consented to use the application. Trace ID: t',
            error_codes: [65001],
            suberror: 'consent_required',
          },
          400,
        );
      }
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
            nonce,
            ver: '2.0',
          }),
        ),
        'fake-signature',
      ].join('.');
      return json({
        token_type: 'Bearer',
        scope: form.get('scope') ?? '',
        expires_in: 3599,
        ext_expires_in: 3599,
        access_token: `fake-access-${wanted.join('+')}`,
        refresh_token: 'fake-refresh-token',
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
    const path = url.pathname;
    state.calls.push({ method: req.method(), path, body: req.postData() ?? '' });
    const rid = `rid-${++requestNo}`;
    const json = (body: unknown, status = 200) =>
      route.fulfill({
        status,
        contentType: 'application/json',
        headers: { ...cors(appOrigin), 'request-id': rid },
        body: JSON.stringify(body),
      });
    const refused = (id: string) => {
      const r = state.refuse.get(id);
      return r
        ? json({ error: { code: r.code, message: r.message, innerError: { 'request-id': rid } } }, r.status)
        : undefined;
    };
    const action = /^\/v1\.0\/identityProtection\/riskyUsers\/(confirmCompromised|dismiss)$/.exec(path);
    if (action && req.method() === 'POST') {
      const id = (JSON.parse(req.postData() ?? '{}') as { userIds: string[] }).userIds[0]!;
      const no = refused(id);
      if (no) return no;
      const u = state.riskyUsers.find((r) => r.id === id);
      if (u) {
        Object.assign(
          u,
          action[1] === 'dismiss'
            ? { riskState: 'dismissed', riskLevel: 'none', riskDetail: 'adminDismissedAllRiskForUser' }
            : {
                riskState: 'confirmedCompromised',
                riskLevel: 'high',
                riskDetail: 'adminConfirmedUserCompromised',
              },
          { riskLastUpdatedDateTime: new Date().toISOString() },
        );
      }
      return route.fulfill({ status: 204, headers: { ...cors(appOrigin), 'request-id': rid } });
    }
    const revoke = /^\/v1\.0\/users\/([0-9a-f-]{36})\/revokeSignInSessions$/.exec(path);
    if (revoke && req.method() === 'POST') return refused(revoke[1]!) ?? json({ value: true });
    const one = /^\/v1\.0\/identityProtection\/riskyUsers\/([0-9a-f-]{36})$/.exec(path);
    if (one) {
      const u = state.riskyUsers.find((r) => r.id === one[1]);
      return u ? json(u) : json({ error: { code: 'NotFound', message: 'no' } }, 404);
    }
    if (path === '/v1.0/identityProtection/riskyUsers') return json({ value: state.riskyUsers });
    if (path === '/v1.0/identityProtection/riskDetections')
      return json({ value: [...pages[0].value, ...pages[1].value] });
    if (path === '/v1.0/users') {
      const wanted: string[] = (url.searchParams.get('$filter') ?? '').match(/[0-9a-f-]{36}/g) ?? [];
      return json({
        value: users.value
          .filter((u: { id: string }) => wanted.includes(u.id))
          .map(({ transitiveMemberOf: _, ...u }: Record<string, unknown>) => u),
      });
    }
    if (/\/transitiveMemberOf\//.test(path)) {
      return json({
        value: path.includes('a1b2c3d4-0001-4000-8000-000000000001')
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
