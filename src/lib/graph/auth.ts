/**
 * The MSAL wrapper: pop-up sign-in only (a redirect would lose the files the admin dropped), silent first and a
 * pop-up only when Entra asks for interaction, one interaction at a time, a cancel that really ends the wait, tokens
 * in sessionStorage only, and a sign-out that leaves nothing behind. Loaded only when someone signs in.
 */
import {
  EventType,
  InteractionRequiredAuthError,
  LogLevel,
  PublicClientApplication,
  type AccountInfo,
  type AuthenticationResult,
} from '@azure/msal-browser';
import { describeAuthError, GraphError } from './errors.ts';
import { authorityFor, type GraphSettings, type KeyValueStore } from './config.ts';

export interface AuthOptions extends GraphSettings {
  /** `redirect.html` beside the page (MSAL v5's redirect bridge). */
  redirectUri: string;
  /** Where MSAL keeps its cache; cleared of every `msal.` key on sign-out. */
  sessionStore?: KeyValueStore & { readonly length: number; key(i: number): string | null };
}

export interface SignedInAccount {
  username: string;
  name: string;
  tenantId: string;
}

interface Closable {
  close(): void;
  closed?: boolean;
}

const cancelled = () => new DOMException('Sign-in cancelled', 'AbortError');

/** Error codes that mean "ask the user", beyond MSAL's own InteractionRequiredAuthError. */
const NEEDS_INTERACTION = new Set([
  'no_account_error',
  'no_tokens_found',
  'refresh_token_expired',
  'consent_required',
  'login_required',
]);

export class GraphAuth {
  readonly #pca: PublicClientApplication;
  readonly #options: AuthOptions;
  #interaction: Promise<AuthenticationResult> | undefined;
  #rejectInteraction: ((e: unknown) => void) | undefined;
  #popup: Closable | undefined;
  /** After a cancel MSAL still thinks an interaction is open; the next pop-up replaces it. */
  #mustOverride = false;

  private constructor(pca: PublicClientApplication, options: AuthOptions) {
    this.#pca = pca;
    this.#options = options;
    pca.addEventCallback((message) => {
      if (message.eventType === EventType.POPUP_OPENED) {
        this.#popup = (message.payload as { popupWindow?: Closable } | null)?.popupWindow;
      }
    });
  }

  static async create(options: AuthOptions): Promise<GraphAuth> {
    const pca = new PublicClientApplication({
      auth: {
        clientId: options.clientId,
        authority: authorityFor(options.tenant),
        redirectUri: options.redirectUri,
        postLogoutRedirectUri: null,
      },
      cache: { cacheLocation: 'sessionStorage' },
      system: {
        // MSAL's log lines can carry URLs and claims; nothing of it is written anywhere.
        loggerOptions: {
          logLevel: LogLevel.Error,
          piiLoggingEnabled: false,
          loggerCallback: () => undefined,
        },
      },
    });
    try {
      await pca.initialize();
    } catch (e) {
      throw describeAuthError(e, { redirectUri: options.redirectUri });
    }
    const auth = new GraphAuth(pca, options);
    const [account] = pca.getAllAccounts();
    if (account) pca.setActiveAccount(account);
    return auth;
  }

  get account(): SignedInAccount | undefined {
    const a = this.#pca.getActiveAccount();
    return a ? toAccount(a) : undefined;
  }

  get isInteracting(): boolean {
    return this.#interaction !== undefined;
  }

  /** Opens the pop-up, asking for `scopes` up front (consent for what the feature needs, nothing more). */
  async signIn(scopes: readonly string[]): Promise<SignedInAccount> {
    const result = await this.#interact({ scopes: [...scopes], prompt: 'select_account' });
    return toAccount(result.account);
  }

  /** A token for `scopes`: from the cache, refreshed silently, or — if Entra insists — through the pop-up. */
  async getToken(scopes: readonly string[], opts: { forceRefresh?: boolean } = {}): Promise<string> {
    // Wait for an open interaction instead of starting a second one.
    if (this.#interaction) await this.#interaction.catch(() => undefined);
    const account = this.#pca.getActiveAccount();
    if (!account) {
      throw new GraphError({ kind: 'unavailable', message: 'Not signed in. Click "Sign in" first.' });
    }
    try {
      const r = await this.#pca.acquireTokenSilent({
        scopes: [...scopes],
        account,
        forceRefresh: opts.forceRefresh,
      });
      return r.accessToken;
    } catch (e) {
      if (!this.#needsInteraction(e)) throw describeAuthError(e, { redirectUri: this.#options.redirectUri });
    }
    const r = await this.#interact({ scopes: [...scopes], account });
    return r.accessToken;
  }

  /** Ends the open pop-up and its wait at once. */
  cancel(): void {
    try {
      this.#popup?.close();
    } catch {
      // A window on another origin may refuse; the wait below still ends.
    }
    this.#popup = undefined;
    this.#rejectInteraction?.(cancelled());
  }

  /** Forgets the account and every token in this tab. No call to Entra: the browser session there stays. */
  async signOut(): Promise<void> {
    this.cancel();
    try {
      await this.#pca.clearCache();
    } finally {
      const store = this.#options.sessionStore;
      if (store) {
        const keys: string[] = [];
        for (let i = 0; i < store.length; i++) {
          const k = store.key(i);
          if (
            k &&
            (k.startsWith('msal.') ||
              k.includes('login.windows.net') ||
              k.includes('login.microsoftonline.com'))
          )
            keys.push(k);
        }
        for (const k of keys) store.removeItem(k);
      }
    }
  }

  #needsInteraction(e: unknown): boolean {
    if (e instanceof InteractionRequiredAuthError) return true;
    const code =
      typeof e === 'object' && e && 'errorCode' in e ? String((e as { errorCode: unknown }).errorCode) : '';
    return NEEDS_INTERACTION.has(code);
  }

  #interact(request: {
    scopes: string[];
    account?: AccountInfo;
    prompt?: string;
  }): Promise<AuthenticationResult> {
    if (this.#interaction) {
      return Promise.reject(
        new GraphError({
          kind: 'auth',
          code: 'interaction_in_progress',
          message: 'A sign-in window is already open. Finish or cancel it first.',
        }),
      );
    }
    const override = this.#mustOverride;
    this.#mustOverride = false;
    const run = new Promise<AuthenticationResult>((resolve, reject) => {
      this.#rejectInteraction = (e) => {
        this.#mustOverride = true;
        reject(e);
      };
      this.#pca
        .acquireTokenPopup({ ...request, overrideInteractionInProgress: override || undefined })
        .then((result) => {
          if (result.account) this.#pca.setActiveAccount(result.account);
          resolve(result);
        })
        .catch((e: unknown) => reject(describeAuthError(e, { redirectUri: this.#options.redirectUri })));
    });
    const done = () => {
      if (this.#interaction === tracked) {
        this.#interaction = undefined;
        this.#rejectInteraction = undefined;
        this.#popup = undefined;
      }
    };
    const tracked: Promise<AuthenticationResult> = run.finally(done);
    this.#interaction = tracked;
    return tracked;
  }
}

function toAccount(a: AccountInfo): SignedInAccount {
  return { username: a.username, name: a.name ?? a.username, tenantId: a.tenantId };
}
