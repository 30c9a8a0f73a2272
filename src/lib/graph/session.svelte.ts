/**
 * The one Graph session of the page, shared by every tool: settings, who is signed in, what went wrong. MSAL and
 * the Graph client are imported only when someone signs in (or had signed in earlier in this tab), so neither
 * the shell nor a tool that is merely opened pays for them.
 */
import {
  canSignIn,
  checkSettings,
  forgetSettings,
  loadSettings,
  redirectUriFor,
  saveSettings,
  type GraphSettings,
  type SettingsCheck,
} from './config.ts';
import { createGraphClient, type GraphClient } from './client.ts';
import { GraphError } from './errors.ts';
import type { GraphAuth, SignedInAccount } from './auth.ts';

export type SessionStatus = 'signed-out' | 'signing-in' | 'signed-in';

function localStore(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

function buildDefaults() {
  return {
    clientId: import.meta.env.VITE_HT_CLIENT_ID as string | undefined,
    tenant: import.meta.env.VITE_HT_TENANT as string | undefined,
  };
}

function hasCachedAccount(): boolean {
  try {
    for (let i = 0; i < sessionStorage.length; i++)
      if (sessionStorage.key(i)?.startsWith('msal.')) return true;
  } catch {
    // Storage refused (privacy mode): nothing to restore.
  }
  return false;
}

class GraphSession {
  settings = $state<GraphSettings>(loadSettings(localStore(), buildDefaults()));
  status = $state<SessionStatus>('signed-out');
  account = $state<SignedInAccount | undefined>(undefined);
  readonly isAvailable = typeof location !== 'undefined' && canSignIn(location.href);
  readonly redirectUri = typeof location !== 'undefined' ? redirectUriFor(location.href) : '';
  readonly hasBuildDefaults = !!(buildDefaults().clientId && buildDefaults().tenant);
  #auth: Promise<GraphAuth> | undefined;
  #authKey = '';

  get check(): SettingsCheck {
    return checkSettings(this.settings);
  }

  get isConfigured(): boolean {
    return this.check.isValid;
  }

  /** Warms the sign-in code up (on hover or focus of a sign-in button) so the pop-up opens inside the click. */
  preload(): void {
    if (this.isAvailable) void import('./auth.ts').catch(() => undefined);
  }

  /** Brings back the account of an earlier sign-in in this tab, if there was one. */
  async restore(): Promise<void> {
    if (!this.isAvailable || !this.isConfigured || this.account || !hasCachedAccount()) return;
    try {
      const auth = await this.#getAuth();
      this.account = auth.account;
      this.status = this.account ? 'signed-in' : 'signed-out';
    } catch {
      // A restore that fails leaves the button to try again.
    }
  }

  save(input: GraphSettings): SettingsCheck {
    const result = saveSettings(localStore(), input);
    if (result.isValid) {
      if (
        result.settings.clientId !== this.settings.clientId ||
        result.settings.tenant !== this.settings.tenant
      ) {
        void this.signOut();
      }
      this.settings = result.settings;
    }
    return result;
  }

  forget(): void {
    forgetSettings(localStore());
    void this.signOut();
    this.settings = loadSettings(undefined, buildDefaults());
  }

  /** Opens the pop-up; throws a GraphError (plain words via `errorText`) or an AbortError when cancelled. */
  async signIn(scopes: readonly string[]): Promise<SignedInAccount | undefined> {
    try {
      this.#assertUsable();
      const auth = await this.#getAuth();
      this.status = 'signing-in';
      this.account = await auth.signIn(scopes);
      this.status = 'signed-in';
      return this.account;
    } catch (e) {
      this.status = this.account ? 'signed-in' : 'signed-out';
      throw e;
    }
  }

  /**
   * Signs in if needed and gets the first token at once (so a consent pop-up opens while the click is fresh), then
   * hands out a client whose tokens carry exactly `scopes`.
   */
  async client(scopes: readonly string[]): Promise<GraphClient> {
    this.#assertUsable();
    const auth = await this.#getAuth();
    if (!auth.account) await this.signIn(scopes);
    else await auth.getToken(scopes);
    const { sdkTransport } = await import('./sdk-transport.ts');
    return createGraphClient({ transport: sdkTransport(), getToken: (req) => auth.getToken(scopes, req) });
  }

  cancel(): void {
    void this.#auth?.then((a) => a.cancel()).catch(() => undefined);
  }

  async signOut(): Promise<void> {
    const pending = this.#auth;
    this.#auth = undefined;
    this.#authKey = '';
    this.account = undefined;
    this.status = 'signed-out';
    if (pending) await (await pending.catch(() => undefined))?.signOut();
  }

  #assertUsable(): void {
    if (!this.isAvailable) {
      throw new GraphError({
        kind: 'unavailable',
        message:
          'Sign-in works only on the hosted page (https): this copy was opened from a file, which has no web address ' +
          'Entra can send the sign-in back to. Export the data as JSON and drop it here instead.',
      });
    }
    if (!this.isConfigured) {
      throw new GraphError({
        kind: 'unavailable',
        message: 'Set up the app registration first (Application ID and tenant).',
      });
    }
  }

  #getAuth(): Promise<GraphAuth> {
    const key = `${this.settings.clientId}|${this.settings.tenant}`;
    if (!this.#auth || this.#authKey !== key) {
      this.#authKey = key;
      const settings = this.check.settings;
      this.#auth = import('./auth.ts').then(({ GraphAuth }) =>
        GraphAuth.create({ ...settings, redirectUri: this.redirectUri, sessionStore: sessionStorage }),
      );
      this.#auth.catch(() => {
        if (this.#authKey === key) this.#auth = undefined;
      });
    }
    return this.#auth;
  }
}

export const graphSession = new GraphSession();
