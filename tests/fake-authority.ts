/**
 * A stand-in for login.microsoftonline.com on https://127.0.0.1 (MSAL refuses plain-http authorities), for the
 * app-only client-credentials flow: OpenID configuration and a token endpoint that records each request's form.
 * Certificates are made fresh for each run with openssl; nothing is kept.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCertificate {
  /** PEM certificate. */
  cert: string;
  /** PEM private key (unencrypted). */
  key: string;
}

/** A self-signed RSA certificate; `ip` adds it as a subject alternative name (for a TLS server). */
export function makeCertificate(subject: string, ip?: string): TestCertificate {
  const dir = mkdtempSync(join(tmpdir(), 'ht-cert-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '2',
        '-subj',
        `/CN=${subject}`,
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        ...(ip ? ['-addext', `subjectAltName=IP:${ip}`] : []),
      ],
      { stdio: 'ignore' },
    );
    return {
      cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
      key: readFileSync(join(dir, 'key.pem'), 'utf8'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface TokenRequestSeen {
  path: string;
  form: URLSearchParams;
}

export interface FakeAuthority {
  /** `https://127.0.0.1:<port>` */
  host: string;
  /** The server's certificate, to trust in the client. */
  ca: string;
  tokenRequests: TokenRequestSeen[];
  /** What the token endpoint answers next (default: a token). */
  answer: (form: URLSearchParams) => { status: number; body: unknown };
  close(): Promise<void>;
}

export async function startFakeAuthority(accessToken = 'fake-app-token-7f3'): Promise<FakeAuthority> {
  const tls = makeCertificate('127.0.0.1', '127.0.0.1');
  const tokenRequests: TokenRequestSeen[] = [];
  let host = '';
  const fake: FakeAuthority = {
    host: '',
    ca: tls.cert,
    tokenRequests,
    answer: () => ({
      status: 200,
      body: { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: accessToken },
    }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', host);
      const json = (status: number, body: unknown) => {
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      const tenant = url.pathname.split('/')[1] ?? '';
      if (url.pathname.endsWith('/.well-known/openid-configuration')) {
        const base = `${host}/${tenant}`;
        return json(200, {
          token_endpoint: `${base}/oauth2/v2.0/token`,
          authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
          end_session_endpoint: `${base}/oauth2/v2.0/logout`,
          issuer: `${base}/v2.0`,
          jwks_uri: `${base}/discovery/v2.0/keys`,
          response_modes_supported: ['query', 'fragment', 'form_post'],
        });
      }
      if (url.pathname.endsWith('/oauth2/v2.0/token')) {
        const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
        tokenRequests.push({ path: url.pathname, form });
        const a = fake.answer(form);
        return json(a.status, a.body);
      }
      json(404, { error: 'not_found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  host = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.host = host;
  return fake;
}
