/**
 * App-only sign-in for the scheduled job: MSAL Node's client-credentials flow with a certificate (preferred) or a
 * client secret. MSAL's logger is silenced (its lines can carry URLs and claims) and every failure is turned into
 * plain words without the credential in it.
 */
import { request as httpsRequest } from 'node:https';
import { ConfidentialClientApplication, LogLevel, type Configuration } from '@azure/msal-node';
import { GraphError, describeAuthError } from '../../../lib/graph/errors.ts';
import type { TokenRequest } from '../../../lib/graph/client.ts';
import type { Endpoints } from './clouds.ts';
import type { AppCredential } from './secrets.ts';

export interface AppAuthOptions {
  tenant: string;
  clientId: string;
  endpoints: Endpoints;
  credential: AppCredential;
  /** Extra CA certificates (PEM) to trust for the authority — a test's stand-in; in production use NODE_EXTRA_CA_CERTS. */
  tlsCa?: string;
}

/** What the job's admin can do about the codes an app-only sign-in meets. */
const APP_AADSTS: Record<string, string> = {
  '700016': 'No app with this --client-id exists in the tenant. Check --client-id and --tenant.',
  '7000215':
    'The client secret is wrong. Check HT_CLIENT_SECRET against the app registration’s Certificates & secrets.',
  '7000222':
    'The client secret has expired. Create a new one (or, better, use a certificate) and update the job.',
  '700027':
    'Entra does not know this certificate for the app. Upload the certificate (.cer) under the app registration → ' +
    'Certificates & secrets → Certificates, or check that the file is the current one.',
  '700024':
    'The certificate’s signature was not accepted (clock skew or an expired certificate). Check the machine’s clock.',
  '90002': 'The tenant was not found. Check --tenant (the Directory ID or a verified domain).',
  '900023': 'The --tenant value is not a tenant ID or domain.',
  '500011': 'The --graph-endpoint does not match the cloud the tenant lives in. Check --cloud.',
  '53003': 'A Conditional Access policy for workload identities blocked the job’s sign-in.',
};

export function describeAppAuthError(e: unknown): GraphError {
  const raw = e instanceof Error ? e.message : String(e);
  const code = /AADSTS(\d+)/.exec(raw)?.[1];
  const known = code ? APP_AADSTS[code] : undefined;
  if (known)
    return new GraphError({ kind: 'auth', code: `AADSTS${code}`, message: `${known} (AADSTS${code})` });
  return describeAuthError(e);
}

/** A network module for MSAL over node:https that also trusts `ca`; used only when a test supplies one. */
function networkWithCa(ca: string): NonNullable<Configuration['system']>['networkClient'] {
  const send = (url: string, method: 'GET' | 'POST', headers: Record<string, string> = {}, body?: string) =>
    new Promise<{ status: number; headers: Record<string, string>; body: never }>((resolve, reject) => {
      const req = httpsRequest(url, { method, headers, ca }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // MSAL reports a non-JSON answer itself.
          }
          const h: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') h[k] = v;
          resolve({ status: res.statusCode ?? 0, headers: h, body: parsed as never });
        });
      });
      req.on('error', reject);
      if (body !== undefined) req.write(body);
      req.end();
    });
  return {
    sendGetRequestAsync: (url, o) => send(url, 'GET', o?.headers),
    sendPostRequestAsync: (url, o) => send(url, 'POST', o?.headers, o?.body),
  };
}

/** Returns `getToken` for the Graph client: app-only tokens for `<graph>/.default`, cached by MSAL until near expiry. */
export function appTokenProvider(o: AppAuthOptions): (req?: TokenRequest) => Promise<string> {
  const host = new URL(o.endpoints.authorityHost).host;
  const c = o.credential;
  const app = new ConfidentialClientApplication({
    auth: {
      clientId: o.clientId,
      authority: `${o.endpoints.authorityHost}/${encodeURIComponent(o.tenant)}`,
      // A host of our own choosing (a national cloud, a proxy, a test) is trusted as given; no instance discovery.
      knownAuthorities: [host],
      ...(c.kind === 'certificate'
        ? {
            clientCertificate: { thumbprintSha256: c.thumbprintSha256, privateKey: c.privateKey, x5c: c.x5c },
          }
        : { clientSecret: c.secret }),
    },
    system: {
      loggerOptions: { logLevel: LogLevel.Error, piiLoggingEnabled: false, loggerCallback: () => undefined },
      ...(o.tlsCa ? { networkClient: networkWithCa(o.tlsCa) } : {}),
    },
  });
  return async (req) => {
    try {
      const r = await app.acquireTokenByClientCredential({
        scopes: [o.endpoints.scope],
        skipCache: req?.forceRefresh === true,
      });
      if (!r?.accessToken) throw new Error('The sign-in service returned no access token.');
      return r.accessToken;
    } catch (e) {
      throw describeAppAuthError(e);
    }
  };
}
