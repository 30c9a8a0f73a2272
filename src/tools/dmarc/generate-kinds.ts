import { gzipSync } from 'fflate';
import type { NamedBytes } from '../../lib/issue.ts';
import { seededRandom } from '../../lib/seeded-random.ts';

/**
 * Failure reports (RFC 6591 ARF mails) and SMTP TLS reports (RFC 8460 JSON) for the same fictional domains and
 * 90 days as generate.ts, in the shapes receivers send them, so the sample data shows every view of the tool.
 * Failing sources are the aggregate sample's unknown ranges, so a failure links to its aggregate sender.
 */

const DAY0 = Date.UTC(2025, 0, 1);
const DAY_MS = 86_400_000;
const enc = new TextEncoder();

const FAILURE_REPORTERS = [
  { org: 'Yahoo', from: 'dmarc-forensic@yahoo.com', agent: 'Yahoo-Mail-Forensic/1.0' },
  { org: 'Mail.ru', from: 'dmarc_support@corp.mail.ru', agent: 'Mail.ru/1.0' },
  { org: 'GMX', from: 'dmarc-ruf@gmx.net', agent: 'GMX DMARC reporter' },
];

/** [source IP prefix, claimed From, subject] of the mail that failed: spoofing and a forgotten own server. */
const FAILING = [
  ['198.51.100.', 'billing@contoso.example', 'Overdue invoice 4471 – action required'],
  ['198.51.100.', 'it-helpdesk@contoso.example', 'Your mailbox is almost full'],
  ['203.0.113.', 'newsletter@contoso.example', 'Contoso spring newsletter'],
  ['198.51.100.', 'ceo@fabrikam.example', 'Quick favour before my meeting'],
] as const;

const rfc5322 = (ms: number) => new Date(ms).toUTCString().replace('GMT', '+0000');

/**
 * `count` ARF mails (`.eml`), each a multipart/report with the feedback part and the original headers. Source IPs
 * are taken from `knownIps` when it has some of a failing range (the aggregate reports' sources), else made up.
 */
export function generateFailureReports(
  count: number,
  seed = 11,
  knownIps: readonly string[] = [],
): NamedBytes[] {
  const rand = seededRandom(seed);
  const files: NamedBytes[] = [];
  for (let i = 0; i < count; i++) {
    const rep = FAILURE_REPORTERS[i % FAILURE_REPORTERS.length]!;
    const [prefix, from, subject] = FAILING[Math.floor(rand() * FAILING.length)]!;
    const domain = from.slice(from.indexOf('@') + 1);
    const known = knownIps.filter((x) => x.startsWith(prefix));
    const ip = known.length
      ? known[Math.floor(rand() * known.length)]!
      : `${prefix}${1 + Math.floor(rand() * 250)}`;
    const at = DAY0 + Math.floor(rand() * 90 * DAY_MS);
    const id = `${i}.${Math.floor(rand() * 1e9)}`;
    const boundary = `----=_arf_${id}`;
    const date = rfc5322(at);
    const mail = [
      `From: ${rep.org} DMARC <${rep.from}>`,
      'To: dmarc-ruf@contoso.example',
      `Subject: DMARC failure report for ${domain} from ${ip}`,
      `Date: ${rfc5322(at + 60_000)}`,
      `Message-ID: <ruf-${id}@${rep.from.slice(rep.from.indexOf('@') + 1)}>`,
      'MIME-Version: 1.0',
      `Content-Type: multipart/report; report-type=feedback-report; boundary="${boundary}"`,
      '',
      `--${boundary}`,
      'Content-Type: text/plain; charset=us-ascii',
      '',
      `A message claiming to be from ${domain} failed DMARC; it came from ${ip}.`,
      '',
      `--${boundary}`,
      'Content-Type: message/feedback-report',
      '',
      'Feedback-Type: auth-failure',
      `User-Agent: ${rep.agent}`,
      'Version: 1',
      `Original-Mail-From: <bounce-${id}@${prefix === '203.0.113.' ? domain : 'mailer.invalid'}>`,
      `Original-Rcpt-To: <user${i % 7}@${rep.from.slice(rep.from.indexOf('@') + 1)}>`,
      `Arrival-Date: ${date}`,
      `Source-IP: ${ip}`,
      `Reported-Domain: ${domain}`,
      'Auth-Failure: dmarc',
      `Delivery-Result: ${rand() < 0.7 ? 'none' : 'delivered'}`,
      'Identity-Alignment: none',
      '',
      `--${boundary}`,
      'Content-Type: text/rfc822-headers',
      '',
      `From: ${from}`,
      `To: user${i % 7}@${rep.from.slice(rep.from.indexOf('@') + 1)}`,
      `Subject: ${subject}`,
      `Date: ${date}`,
      `Message-ID: <${id}@${prefix === '203.0.113.' ? domain : 'mailer.invalid'}>`,
      '',
      `--${boundary}--`,
      '',
    ].join('\r\n');
    files.push({ name: `ruf-${rep.org.toLowerCase()}-${domain}-${id}.eml`, bytes: enc.encode(mail) });
  }
  return files;
}

const TLS_REPORTERS = [
  { org: 'Google Inc.', contact: 'smtp-tls-reporting@google.com', gzip: true },
  { org: 'Microsoft Corporation', contact: 'tlsrpt-noreply@microsoft.com', gzip: true },
  { org: 'Mail.ru', contact: 'tlsrpt@mail.ru', gzip: false },
];

/** [result-type, receiving MX, failure-reason-code or ''] of what goes wrong at one of contoso's MX hosts. */
const TLS_FAILURES = [
  ['certificate-expired', 'mx2.contoso.example', ''],
  ['starttls-not-supported', 'mx-backup.contoso.example', ''],
  ['sts-webpki-invalid', 'mx2.contoso.example', 'X509_V_ERR_CERT_HAS_EXPIRED'],
] as const;

/** `count` daily TLS reports (`.json`, or `.json.gz` as Google and Microsoft send them) about contoso.example. */
export function generateTlsReports(count: number, seed = 13): NamedBytes[] {
  const rand = seededRandom(seed);
  const files: NamedBytes[] = [];
  for (let i = 0; i < count; i++) {
    const rep = TLS_REPORTERS[i % TLS_REPORTERS.length]!;
    const day = new Date(DAY0 + Math.floor(rand() * 90) * DAY_MS).toISOString().slice(0, 10);
    const failing = rand() < 0.4;
    const failures = failing
      ? [TLS_FAILURES[Math.floor(rand() * TLS_FAILURES.length)]!].map(([type, mx, code]) => ({
          'result-type': type,
          'sending-mta-ip': `209.85.220.${1 + Math.floor(rand() * 250)}`,
          'receiving-mx-hostname': mx,
          'failed-session-count': 1 + Math.floor(rand() * 40),
          ...(code ? { 'failure-reason-code': code } : {}),
        }))
      : [];
    const report = {
      'organization-name': rep.org,
      'date-range': { 'start-datetime': `${day}T00:00:00Z`, 'end-datetime': `${day}T23:59:59Z` },
      'contact-info': rep.contact,
      'report-id': `${day}T00:00:00Z_contoso.example_${i}`,
      policies: [
        {
          policy: {
            'policy-type': 'sts',
            'policy-string': [
              'version: STSv1',
              'mode: enforce',
              'mx: mx1.contoso.example',
              'mx: mx2.contoso.example',
              'mx: mx-backup.contoso.example',
              'max_age: 604800',
            ],
            'policy-domain': 'contoso.example',
            'mx-host': ['mx1.contoso.example', 'mx2.contoso.example', 'mx-backup.contoso.example'],
          },
          summary: {
            'total-successful-session-count': 200 + Math.floor(rand() * 3000),
            'total-failure-session-count': failures.reduce((n, f) => n + f['failed-session-count'], 0),
          },
          ...(failures.length ? { 'failure-details': failures } : {}),
        },
      ],
    };
    const json = enc.encode(JSON.stringify(report, null, 2));
    const name = `${rep.org.split(' ')[0]!.toLowerCase()}!contoso.example!${day}!${i}.json`;
    files.push(rep.gzip ? { name: `${name}.gz`, bytes: gzipSync(json) } : { name, bytes: json });
  }
  return files;
}
