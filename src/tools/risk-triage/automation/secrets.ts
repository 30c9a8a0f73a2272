/**
 * Secrets for the unattended job come from environment variables or files named by them — never from the
 * command line (argv is visible to every user of the machine in the process list) and never into a log: every
 * text the job prints goes through `scrub` with the secrets it loaded.
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';

export type Env = Record<string, string | undefined>;

export interface SecretSource {
  env: Env;
  readFile: (path: string) => Promise<Uint8Array>;
}

export const ENV = {
  certificate: 'HT_CLIENT_CERTIFICATE_FILE',
  privateKey: 'HT_CLIENT_KEY_FILE',
  keyPassphrase: 'HT_CLIENT_KEY_PASSPHRASE',
  secret: 'HT_CLIENT_SECRET',
  hecToken: 'HT_HEC_TOKEN',
  webhookHeader: 'HT_WEBHOOK_HEADER',
} as const;

/** `NAME` itself, or the content of the file `NAME_FILE` names (Docker/Kubernetes secrets), trimmed. */
export async function readSecret(src: SecretSource, name: string): Promise<string | undefined> {
  const direct = src.env[name];
  if (direct?.trim()) return direct.trim();
  const file = src.env[`${name}_FILE`];
  if (!file) return undefined;
  const text = new TextDecoder().decode(await src.readFile(file)).trim();
  if (!text) throw new TypeError(`${name}_FILE names an empty file (${file}).`);
  return text;
}

export type AppCredential =
  | { kind: 'certificate'; privateKey: string; thumbprintSha256: string; x5c: string }
  | { kind: 'secret'; secret: string };

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/;
const PEM_KEY =
  /-----BEGIN (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----[\s\S]+?-----END (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----/;

/**
 * The certificate (preferred) or the client secret. The certificate file is PEM with the certificate and — unless
 * `HT_CLIENT_KEY_FILE` names another file — the private key, optionally encrypted (`HT_CLIENT_KEY_PASSPHRASE`).
 */
export async function loadCredential(src: SecretSource): Promise<AppCredential> {
  const certPath = src.env[ENV.certificate];
  if (certPath) {
    const certText = new TextDecoder().decode(await src.readFile(certPath));
    const keyPath = src.env[ENV.privateKey];
    const keyText = keyPath ? new TextDecoder().decode(await src.readFile(keyPath)) : certText;
    const certPem = PEM_CERT.exec(certText)?.[0];
    const keyPem = PEM_KEY.exec(keyText)?.[0];
    if (!certPem) throw new TypeError(`${ENV.certificate} (${certPath}) holds no PEM certificate.`);
    if (!keyPem) {
      throw new TypeError(
        `No PEM private key in ${keyPath ? `${ENV.privateKey} (${keyPath})` : `${ENV.certificate} (${certPath})`}.`,
      );
    }
    const cert = new X509Certificate(certPem);
    let privateKey: string;
    try {
      const passphrase = await readSecret(src, ENV.keyPassphrase);
      privateKey = createPrivateKey({ key: keyPem, format: 'pem', passphrase })
        .export({ format: 'pem', type: 'pkcs8' })
        .toString();
    } catch {
      throw new TypeError(
        `The private key could not be read: wrong or missing ${ENV.keyPassphrase}, or not an RSA key in PEM.`,
      );
    }
    if (!cert.checkPrivateKey(createPrivateKey(privateKey))) {
      throw new TypeError('The private key does not belong to the certificate.');
    }
    if (Date.parse(cert.validTo) < Date.now()) {
      throw new TypeError(
        `The certificate expired on ${new Date(cert.validTo).toISOString()}: create a new one.`,
      );
    }
    return {
      kind: 'certificate',
      privateKey,
      thumbprintSha256: cert.fingerprint256.replace(/:/g, ''),
      x5c: certPem,
    };
  }
  const secret = await readSecret(src, ENV.secret);
  if (secret) return { kind: 'secret', secret };
  throw new TypeError(
    `No credential for the app: set ${ENV.certificate} to a PEM file with the certificate and its key ` +
      `(preferred), or ${ENV.secret} / ${ENV.secret}_FILE to a client secret.`,
  );
}

/** Removes every loaded secret (and any bearer token) from a text before it is printed. */
export function scrub(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text.replace(/\bBearer\s+[\w.~+/=-]+/gi, 'Bearer [redacted]');
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join('[redacted]');
  return out;
}
