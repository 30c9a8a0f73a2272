/**
 * Bring-your-own app registration: the Application (client) ID and the tenant, validated, remembered in this
 * browser (never a token: those stay in sessionStorage, owned by MSAL) and defaulted from the build.
 */

export interface GraphSettings {
  clientId: string;
  /** Directory (tenant) ID, a verified domain, or `organizations` for a multi-tenant app. */
  tenant: string;
}

export interface SettingsCheck {
  settings: GraphSettings;
  errors: Partial<Record<keyof GraphSettings, string>>;
  isValid: boolean;
}

/** The storage calls the settings need; `localStorage` fits. */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export const SETTINGS_KEY = 'ht.graph.settings';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// A DNS name with at least one dot and a letter-only top-level label: contoso.onmicrosoft.com, contoso.de.
const DOMAIN = /^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

export function isGuid(value: string): boolean {
  return GUID.test(value);
}

/** Trims what people paste: spaces, braces around a GUID, a whole authority URL. */
export function normaliseTenant(raw: string): string {
  let t = raw.trim();
  const fromUrl = /^https:\/\/login\.microsoftonline\.com\/([^/?#]+)/i.exec(t);
  if (fromUrl) t = fromUrl[1]!;
  t = t.replace(/^\{(.*)\}$/, '$1');
  return isGuid(t) || DOMAIN.test(t) ? t.toLowerCase() : t;
}

export function normaliseClientId(raw: string): string {
  return raw
    .trim()
    .replace(/^\{(.*)\}$/, '$1')
    .toLowerCase();
}

export function checkSettings(input: GraphSettings): SettingsCheck {
  const settings = { clientId: normaliseClientId(input.clientId), tenant: normaliseTenant(input.tenant) };
  const errors: SettingsCheck['errors'] = {};
  if (!settings.clientId)
    errors.clientId = 'Enter the Application (client) ID from the app registration’s Overview page.';
  else if (!isGuid(settings.clientId))
    errors.clientId = 'The Application (client) ID is a GUID such as 11111111-2222-3333-4444-555555555555.';
  const t = settings.tenant;
  if (!t)
    errors.tenant = 'Enter the Directory (tenant) ID or a verified domain such as contoso.onmicrosoft.com.';
  else if (/^(common|consumers)$/i.test(t))
    errors.tenant = `"${t}" would let personal or foreign accounts in; use your tenant ID, a verified domain or "organizations".`;
  else if (!isGuid(t) && !DOMAIN.test(t) && t.toLowerCase() !== 'organizations')
    errors.tenant = 'The tenant is a GUID (Directory ID) or a domain such as contoso.onmicrosoft.com.';
  if (t.toLowerCase() === 'organizations') settings.tenant = 'organizations';
  return { settings, errors, isValid: Object.keys(errors).length === 0 };
}

/** Settings baked in at build time (`VITE_HT_CLIENT_ID`, `VITE_HT_TENANT`), if any. */
export interface BuildDefaults {
  clientId?: string;
  tenant?: string;
}

/** Saved settings first, then the build's defaults; never throws on a broken or foreign value. */
export function loadSettings(store: KeyValueStore | undefined, defaults: BuildDefaults = {}): GraphSettings {
  const fallback = { clientId: defaults.clientId?.trim() ?? '', tenant: defaults.tenant?.trim() ?? '' };
  let saved: Partial<GraphSettings> = {};
  try {
    const raw = store?.getItem(SETTINGS_KEY);
    if (raw) saved = JSON.parse(raw) as Partial<GraphSettings>;
  } catch {
    saved = {};
  }
  return {
    clientId: typeof saved.clientId === 'string' && saved.clientId ? saved.clientId : fallback.clientId,
    tenant: typeof saved.tenant === 'string' && saved.tenant ? saved.tenant : fallback.tenant,
  };
}

/** Stores only valid settings; returns the check so the form can show what is wrong. */
export function saveSettings(store: KeyValueStore | undefined, input: GraphSettings): SettingsCheck {
  const check = checkSettings(input);
  if (check.isValid) store?.setItem(SETTINGS_KEY, JSON.stringify(check.settings));
  return check;
}

export function forgetSettings(store: KeyValueStore | undefined): void {
  store?.removeItem(SETTINGS_KEY);
}

export function authorityFor(tenant: string): string {
  return `https://login.microsoftonline.com/${encodeURIComponent(tenant)}`;
}

/**
 * The redirect URI of a deployment: `redirect.html` beside the page, without query or hash. It is what the admin
 * registers under "Single-page application".
 */
export function redirectUriFor(pageUrl: string): string {
  const u = new URL(pageUrl);
  u.hash = '';
  u.search = '';
  u.pathname = u.pathname.replace(/[^/]*$/, '') + 'redirect.html';
  return u.toString();
}

/** Sign-in needs a real origin: file:// pages have none (and MSAL refuses them). */
export function canSignIn(pageUrl: string): boolean {
  const protocol = new URL(pageUrl).protocol;
  return (
    protocol === 'https:' ||
    (protocol === 'http:' && /^(localhost|127\.0\.0\.1|\[::1\])$/.test(new URL(pageUrl).hostname))
  );
}

/** The delegated permissions each feature asks for, only when it is used. All read-only. */
export const SCOPES = {
  users: ['User.Read.All'],
  syncSettings: ['OnPremDirectorySynchronization.Read.All'],
  riskyUsers: ['IdentityRiskyUser.Read.All'],
  riskDetections: ['IdentityRiskEvent.Read.All'],
  signIns: ['AuditLog.Read.All'],
} as const;

export const ALL_SCOPES: readonly string[] = [...new Set(Object.values(SCOPES).flat())];

/**
 * Delegated permissions that change the tenant. Never asked for at sign-in: only when the admin first uses an
 * action that needs one (incremental consent), and only that one.
 */
export const WRITE_SCOPES = {
  riskyUsers: ['IdentityRiskyUser.ReadWrite.All'],
  revokeSessions: ['User.RevokeSessions.All'],
} as const;

/**
 * Delegated permissions to read mail (DMARC's "Read from a mailbox"). Never asked for at sign-in: only when the
 * user first reads a mailbox, and only the one that mailbox needs — the own one, or one shared with the user.
 */
export const MAIL_SCOPES = {
  ownMailbox: ['Mail.Read'],
  sharedMailbox: ['Mail.Read.Shared'],
} as const;
