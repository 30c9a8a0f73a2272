/**
 * Sign-in and Graph failures in plain words. Every text that leaves this module has been through `redactSecrets`,
 * so no token, authorization code or PKCE verifier can end up on screen, in a log or in an export.
 */

export type GraphErrorKind =
  /** The sign-in itself failed (AADSTS…, MSAL). */
  | 'auth'
  /** Graph answered with an HTTP error. */
  | 'http'
  /** No answer at all: offline, DNS, CORS, a proxy. */
  | 'network'
  /** The answer was not what Graph sends (not JSON, a nextLink to another host). */
  | 'protocol'
  /** Sign-in is not possible here (file://, no settings). */
  | 'unavailable';

export interface GraphErrorInit {
  kind: GraphErrorKind;
  /** Plain words for the admin: what happened and what to do. */
  message: string;
  /** HTTP status, when there was one. */
  status?: number;
  /** Graph's error code (`Authorization_RequestDenied`) or the AADSTS/MSAL code. */
  code?: string;
  /** The service's own text, redacted, for a support ticket. */
  detail?: string;
  /** Graph's request-id, which Microsoft support asks for. */
  requestId?: string;
  /** Method and path without the query. */
  request?: string;
}

export class GraphError extends Error {
  readonly kind: GraphErrorKind;
  readonly status?: number;
  readonly code?: string;
  readonly detail?: string;
  readonly requestId?: string;
  readonly request?: string;

  constructor(init: GraphErrorInit) {
    super(redactSecrets(init.message));
    this.name = 'GraphError';
    this.kind = init.kind;
    this.status = init.status;
    this.code = init.code;
    this.detail = init.detail === undefined ? undefined : redactSecrets(init.detail);
    this.requestId = init.requestId;
    this.request = init.request;
  }
}

export function isGraphError(e: unknown): e is GraphError {
  return e instanceof Error && e.name === 'GraphError' && 'kind' in e;
}

/** Removes bearer tokens, JWTs and OAuth parameters from any text before it is shown or stored. */
export function redactSecrets(text: string): string {
  return text
    .replace(/\bBearer\s+[\w.~+/=-]+/gi, 'Bearer [redacted]')
    .replace(/\beyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*/g, '[redacted token]')
    .replace(
      /\b(access_token|id_token|refresh_token|code|code_verifier|client_info|session_state|assertion)=[^&\s"'#]+/gi,
      '$1=[redacted]',
    );
}

/** What the admin should do about each AADSTS code we know; the rest fall back to the service's own text. */
const AADSTS: Record<string, (ctx: AuthContext) => string> = {
  '50011': (c) =>
    `The redirect URI of this page is not registered for the app. In the app registration, open Authentication → ` +
    `Single-page application and add exactly ${c.redirectUri ?? 'the redirect URI shown in the guide'} ` +
    `(path, protocol and port must match).`,
  '65001': () =>
    'The app has not been granted the permission it asked for. An administrator must open the app registration → ' +
    'API permissions and click "Grant admin consent", or sign in once as an admin and consent for the organisation.',
  '65004': () =>
    'Consent was declined in the sign-in window, so the app got no permission. Sign in again and accept, or ask an admin to grant consent.',
  '90094': () =>
    'These permissions need admin consent, and your account cannot give it. Ask a Global Administrator or ' +
    'Privileged Role Administrator to open the app registration → API permissions → "Grant admin consent".',
  '50194': () =>
    'The app is registered for a single tenant, so the tenant must be named. Enter your tenant ID or a verified ' +
    'domain (contoso.onmicrosoft.com) in the settings instead of "organizations".',
  '9002326': (c) =>
    `The redirect URI is registered under the "Web" platform. Move it to the "Single-page application" platform ` +
    `(Authentication → Add a platform → Single-page application: ${c.redirectUri ?? "this page's redirect URI"}) and remove it from "Web".`,
  '700016': () =>
    'No app with this Application (client) ID exists in that tenant. Check the client ID and the tenant in the ' +
    'settings; an app registered in another tenant must be multi-tenant and consented here.',
  '90002': () => 'The tenant was not found. Check the tenant ID or domain in the settings.',
  '900023': () =>
    'The tenant is not a valid tenant ID or domain. Use the Directory (tenant) ID GUID or a verified domain.',
  '50020': () =>
    'Your account is not a member of this tenant. Sign in with an account of the tenant set in the settings, or change the tenant.',
  '50105': () =>
    'Your account is not assigned to this app ("Assignment required" is on). An admin must assign you under ' +
    'Enterprise applications → the app → Users and groups.',
  '53003': () =>
    'A Conditional Access policy blocked this sign-in. Ask your identity team which policy applies to this app.',
  '50076': () => 'Multifactor authentication is required. Sign in again and complete the MFA prompt.',
  '50079': () => 'You must register for multifactor authentication first, then sign in again.',
  '700054': () =>
    'The app registration uses the implicit grant settings; this app uses the authorization code flow. Register the ' +
    'redirect URI under "Single-page application" instead.',
  '50058': () => 'There is no signed-in session in this browser for the silent sign-in. Click "Sign in".',
};

/** MSAL's own error codes that an admin can meet. */
const MSAL: Record<string, string> = {
  user_cancelled: 'The sign-in window was closed before the sign-in finished.',
  popup_window_error:
    'The browser blocked the sign-in window. Allow pop-ups for this site (the icon at the end of the address bar) and click Sign in again.',
  empty_window_error: 'The sign-in window could not be opened. Allow pop-ups for this site and try again.',
  timed_out:
    'The sign-in window did not answer in time. If it is still open, finish or close it and try again; make sure ' +
    'redirect.html of this site can load (it must not be blocked by the server).',
  interaction_in_progress: 'Another sign-in is still open. Finish or cancel it first.',
  no_network_connectivity: 'login.microsoftonline.com could not be reached. Check the network or proxy.',
  endpoints_resolution_error:
    'The sign-in service could not be reached or the tenant is unknown. Check the tenant and the network.',
  redirect_bridge_empty_response: 'The sign-in window returned no answer. Try again.',
  invalid_grant: 'The sign-in expired. Sign in again.',
};

export interface AuthContext {
  redirectUri?: string;
}

/** Turns whatever MSAL or the sign-in service threw into a GraphError with plain words. */
export function describeAuthError(e: unknown, ctx: AuthContext = {}): GraphError {
  if (isGraphError(e)) return e;
  const raw = e instanceof Error ? e.message : String(e);
  const errorCode =
    typeof e === 'object' && e && 'errorCode' in e ? String((e as { errorCode: unknown }).errorCode) : '';
  const subError =
    typeof e === 'object' && e && 'subError' in e ? String((e as { subError: unknown }).subError) : '';
  const aadsts = /AADSTS(\d+)/.exec(raw)?.[1];
  if (aadsts) {
    const known = AADSTS[aadsts];
    return new GraphError({
      kind: 'auth',
      code: `AADSTS${aadsts}`,
      message: known
        ? `${known(ctx)} (AADSTS${aadsts})`
        : `Sign-in failed (AADSTS${aadsts}): ${serviceText(raw, aadsts)}`,
      detail: raw,
    });
  }
  const msal = MSAL[errorCode] ?? MSAL[subError];
  if (msal) return new GraphError({ kind: 'auth', code: errorCode, message: msal, detail: raw });
  return new GraphError({
    kind: 'auth',
    code: errorCode || undefined,
    message: `Sign-in failed: ${firstLine(raw) || 'no reason given'}.`,
    detail: raw,
  });
}

/** The service's sentence after `AADSTSnnn:`, without the trace and correlation IDs that follow it. */
function serviceText(raw: string, code: string): string {
  const after = raw.slice(raw.indexOf(`AADSTS${code}`) + `AADSTS${code}`.length).replace(/^[:\s]+/, '');
  return firstLine(after.split(/\s+Trace ID:/)[0] ?? '');
}

function firstLine(s: string): string {
  return (s.split(/\r?\n/)[0] ?? '').trim().replace(/[.\s]+$/, '');
}

/** Graph's error body: `{"error":{"code","message","innerError":{"request-id"}}}`. */
export interface GraphErrorBody {
  code?: string;
  message?: string;
  requestId?: string;
}

export function parseErrorBody(text: string): GraphErrorBody {
  try {
    const j = JSON.parse(text) as {
      error?: { code?: unknown; message?: unknown; innerError?: Record<string, unknown> };
    };
    const err = j.error;
    if (!err || typeof err !== 'object') return {};
    const inner = err.innerError ?? {};
    const requestId = inner['request-id'] ?? inner['requestId'];
    return {
      code: typeof err.code === 'string' ? err.code : undefined,
      message: typeof err.message === 'string' ? err.message : undefined,
      requestId: typeof requestId === 'string' ? requestId : undefined,
    };
  } catch {
    return {};
  }
}

/** Which feature a path belongs to, so a 403 can name the right role and licence. */
function area(path: string): 'risk' | 'signins' | 'sync' | 'users' | 'other' {
  if (/\/identityProtection\//i.test(path)) return 'risk';
  if (/\/auditLogs\//i.test(path)) return 'signins';
  if (/onPremisesSynchronization|\/organization/i.test(path)) return 'sync';
  if (/\/users/i.test(path)) return 'users';
  return 'other';
}

const FORBIDDEN: Record<ReturnType<typeof area>, string> = {
  risk:
    'Identity Protection refused the read. It needs a Microsoft Entra ID P2 (or E5) licence in the tenant, the ' +
    'delegated permissions IdentityRiskyUser.Read.All and IdentityRiskEvent.Read.All with admin consent, and your ' +
    'account in a role that may read risk (Security Reader, Security Operator, Security Administrator, Global Reader).',
  signins:
    'The sign-in logs refused the read. They need AuditLog.Read.All with admin consent, an Entra ID P1/P2 licence ' +
    'and your account in Reports Reader, Security Reader or Global Reader.',
  sync:
    'The directory sync settings refused the read. They need OnPremDirectorySynchronization.Read.All with admin ' +
    'consent and your account in the Hybrid Identity Administrator or Global Administrator role (Global Reader for the organisation).',
  users: 'Reading users was refused. The app needs User.Read.All with admin consent.',
  other: 'Microsoft Graph refused the read: the app lacks a permission or your account lacks a role.',
};

/** Turns an HTTP error from Graph into plain words. `path` is the request path; its query is dropped. */
export function describeHttpError(
  status: number,
  bodyText: string,
  path: string,
  method: 'GET' | 'POST' = 'GET',
  headerRequestId?: string,
): GraphError {
  const body = parseErrorBody(bodyText);
  const request = `${method} ${path.split('?')[0]}`;
  const where = area(path);
  const detail = [body.code, body.message].filter(Boolean).join(': ') || bodyText.slice(0, 300);
  let message: string;
  if (status === 401) {
    message =
      'Microsoft Graph did not accept the sign-in (it expired or is for another app). Sign out and sign in again.';
  } else if (status === 403) {
    message = /licen[cs]e|premium|P2/i.test(body.message ?? '')
      ? 'The tenant has no licence for this data: Identity Protection risk data needs Microsoft Entra ID P2. ' +
        'Without it, risk levels read "hidden".'
      : FORBIDDEN[where];
  } else if (status === 400) {
    message = `Microsoft Graph rejected the request as malformed${body.message ? `: ${body.message}` : ''}.`;
  } else if (status === 404) {
    message = `Microsoft Graph does not know ${request.slice(method.length + 1)} in this tenant.`;
  } else if (status === 429) {
    message =
      'Microsoft Graph kept asking to slow down (429) after several waits. Try again in a few minutes.';
  } else if (status >= 500) {
    message = `Microsoft Graph had a problem on its side (${status}). Try again in a few minutes.`;
  } else {
    message = `Microsoft Graph answered ${status}${body.message ? `: ${body.message}` : ''}.`;
  }
  return new GraphError({
    kind: 'http',
    status,
    code: body.code,
    message,
    detail,
    requestId: body.requestId ?? headerRequestId,
    request,
  });
}

/** The text a view shows for any failure: the plain message, plus the code and request-id for support. */
export function errorText(e: unknown): string {
  if (isGraphError(e)) {
    const code = e.code && !e.message.includes(e.code) ? e.code : '';
    const extra = [code, e.requestId ? `request-id ${e.requestId}` : ''].filter(Boolean).join(', ');
    return extra ? `${e.message} (${extra})` : e.message;
  }
  return redactSecrets(e instanceof Error ? e.message : String(e));
}
