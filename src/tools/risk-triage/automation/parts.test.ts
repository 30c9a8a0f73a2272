import { createPrivateKey } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { makeCertificate } from '../../../../tests/fake-authority.ts';
import type { TriagedUser } from '../types.ts';
import { resolveEndpoints } from './clouds.ts';
import { encodedWord, mimeMessage, securityMail, serviceDeskMail } from './mail.ts';
import { loadCredential, readSecret, scrub } from './secrets.ts';
import { parseState } from './state.ts';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('national clouds', () => {
  test.each([
    ['global', 'https://login.microsoftonline.com', 'https://graph.microsoft.com'],
    ['usgov', 'https://login.microsoftonline.us', 'https://graph.microsoft.us'],
    ['usgov-dod', 'https://login.microsoftonline.us', 'https://dod-graph.microsoft.us'],
    ['china', 'https://login.chinacloudapi.cn', 'https://microsoftgraph.chinacloudapi.cn'],
  ])('%s', (cloud, authority, graph) => {
    expect(resolveEndpoints({ cloud })).toEqual({
      authorityHost: authority,
      graphEndpoint: graph,
      graphBase: `${graph}/v1.0`,
      scope: `${graph}/.default`,
    });
  });

  test('overrides are hosts over https; http only for Graph on the loopback address', () => {
    expect(resolveEndpoints({ graphEndpoint: 'http://127.0.0.1:8080' }).scope).toBe(
      'http://127.0.0.1:8080/.default',
    );
    expect(() => resolveEndpoints({ graphEndpoint: 'http://graph.contoso.com' })).toThrow(/https/);
    expect(() => resolveEndpoints({ authorityHost: 'http://127.0.0.1:9' })).toThrow(/https/);
    expect(() => resolveEndpoints({ authorityHost: 'https://login.contoso.com/tenant' })).toThrow(
      /host only/,
    );
  });
});

describe('credentials', () => {
  const cert = makeCertificate('ht-job');
  const file = (map: Record<string, string>) => async (p: string) => {
    if (!(p in map)) throw Object.assign(new Error(`ENOENT ${p}`), { code: 'ENOENT' });
    return bytes(map[p]!);
  };

  test('a certificate with its key; the thumbprint is the SHA-256 of the certificate', async () => {
    const c = await loadCredential({
      env: { HT_CLIENT_CERTIFICATE_FILE: 'j.pem' },
      readFile: file({ 'j.pem': cert.cert + cert.key }),
    });
    expect(c.kind).toBe('certificate');
    if (c.kind === 'certificate') expect(c.thumbprintSha256).toMatch(/^[0-9A-F]{64}$/);
  });

  test('an encrypted key in its own file needs its passphrase', async () => {
    const encrypted = createPrivateKey(cert.key)
      .export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'pass-3x' })
      .toString();
    const readFile = file({ 'c.pem': cert.cert, 'k.pem': encrypted });
    const env = { HT_CLIENT_CERTIFICATE_FILE: 'c.pem', HT_CLIENT_KEY_FILE: 'k.pem' };
    await expect(loadCredential({ env, readFile })).rejects.toThrow(/HT_CLIENT_KEY_PASSPHRASE/);
    const c = await loadCredential({ env: { ...env, HT_CLIENT_KEY_PASSPHRASE: 'pass-3x' }, readFile });
    expect(c.kind).toBe('certificate');
  });

  test('a key of another certificate is refused', async () => {
    const other = makeCertificate('other');
    await expect(
      loadCredential({
        env: { HT_CLIENT_CERTIFICATE_FILE: 'j.pem' },
        readFile: file({ 'j.pem': cert.cert + other.key }),
      }),
    ).rejects.toThrow('does not belong to the certificate');
  });

  test('a secret from a _FILE; nothing set names both ways', async () => {
    expect(
      await readSecret(
        { env: { HT_CLIENT_SECRET_FILE: 's' }, readFile: file({ s: '  abc~123\n' }) },
        'HT_CLIENT_SECRET',
      ),
    ).toBe('abc~123');
    await expect(loadCredential({ env: {}, readFile: file({}) })).rejects.toThrow(
      /HT_CLIENT_CERTIFICATE_FILE.*HT_CLIENT_SECRET/,
    );
  });

  test('scrub removes every loaded secret and bearer tokens', () => {
    expect(scrub('x s3cr3t-value y Bearer eyJabc.def', ['s3cr3t-value'])).toBe(
      'x [redacted] y Bearer [redacted]',
    );
  });
});

describe('hostile input', () => {
  const user = (displayName: string, upn: string): TriagedUser =>
    ({
      id: 'aaaaaaaa-0001-4000-8000-000000000001',
      userPrincipalName: upn,
      displayName,
      riskLevel: 'high',
      riskState: 'atRisk',
      riskDetail: 'none',
      riskLastUpdatedDateTime: null,
      effectiveLevel: 'high',
      isSynced: true,
      onPremises: { samAccountName: displayName, domainName: 'CONTOSO', distinguishedName: null },
      accountEnabled: true,
      adminRoles: [displayName],
      detections: [],
      signIns: [],
      openDetections: 0,
      kinds: [],
      lastDetectedDateTime: null,
      countries: [],
      ipAddresses: [],
      score: 80,
      priority: 1,
      reasons: [{ text: displayName, points: 1 }],
      isOpen: true,
      needsP2: false,
    }) as TriagedUser;

  test('a display name can neither add a mail header nor markup', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string(), (name, upn) => {
        for (const body of [
          securityMail(user(name, upn), 'new'),
          serviceDeskMail(user(name, upn), 'updated'),
        ]) {
          const mime = mimeMessage({
            from: 'job@contoso.com',
            to: 'secops@contoso.com',
            body,
            boundary: 'b',
          });
          const headers = mime.split('\r\n\r\n')[0]!.split('\r\n');
          expect(headers.map((h) => h.split(':')[0])).toEqual([
            'From',
            'To',
            'Subject',
            'MIME-Version',
            'Content-Type',
          ]);
          expect(headers[2]).toMatch(/^Subject: =\?UTF-8\?B\?[A-Za-z0-9+/=]*\?=$/);
          // Only our own tags: every < in the HTML starts a tag the mail builder wrote.
          expect(
            body.html.replace(
              /<\/?(!doctype html|html|head|meta charset="utf-8"|title|body[^>]*|h2|h3|table[^>]*|tr|th[^>]*|td|ul|ol|li|p|pre[^>]*|br|a|a href="[^"<>]*")>/g,
              '',
            ),
          ).not.toContain('<');
        }
      }),
      { numRuns: 200 },
    );
    // CR and LF each become a space: the header stays one line.
    expect(encodedWord('Bob\r\nBcc: all@contoso.com')).toBe(
      `=?UTF-8?B?${Buffer.from('Bob  Bcc: all@contoso.com').toString('base64')}?=`,
    );
  });

  test('a state file is read or refused with a TypeError, never anything else', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        try {
          parseState(JSON.stringify(v));
        } catch (e) {
          expect(e).toBeInstanceOf(TypeError);
        }
      }),
      { numRuns: 300 },
    );
    expect(() =>
      parseState(
        '{"version":1,"lastRunAt":null,"users":{"__proto__":{"riskState":"atRisk","riskLevel":"high"}},"detections":{}}',
      ),
    ).not.toThrow();
  });
});
