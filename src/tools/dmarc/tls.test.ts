import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { gzipSync } from 'fflate';
import { analyse } from './core.ts';
import { looksLikeTlsReport, parseTlsDate, readTlsReport, TLS_RESULT_TYPES } from './tls.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const b64 = (bytes: Uint8Array) =>
  Buffer.from(bytes)
    .toString('base64')
    .replace(/(.{76})/g, '$1\r\n');
const NOW = Date.UTC(2026, 11, 1) / 1000;
const run = (files: { name: string; bytes: Uint8Array }[]) => analyse(files, { now: NOW });

/** A Microsoft-style report: date range without a time zone, mx-host as a list. */
const MICROSOFT = {
  'organization-name': 'Microsoft Corporation',
  'date-range': { 'start-datetime': '2025-03-01T00:00:00', 'end-datetime': '2025-03-01T23:59:59' },
  'contact-info': 'tlsrpt-noreply@microsoft.com',
  'report-id': '133854688000000000+contoso.example',
  policies: [
    {
      policy: {
        'policy-type': 'sts',
        'policy-string': [
          'version: STSv1',
          'mode: enforce',
          'mx: *.mail.protection.outlook.com',
          'max_age: 604800',
        ],
        'policy-domain': 'contoso.example',
        'mx-host': ['*.mail.protection.outlook.com'],
      },
      summary: { 'total-successful-session-count': 950, 'total-failure-session-count': 50 },
      'failure-details': [
        {
          'result-type': 'certificate-expired',
          'sending-mta-ip': '40.107.22.105',
          'receiving-mx-hostname': 'contoso-example.mail.protection.outlook.com',
          'receiving-ip': '52.101.4.1',
          'failed-session-count': 50,
        },
      ],
    },
  ],
};

function mail(type: string, body: Uint8Array, encoding = 'base64'): Uint8Array {
  return enc(
    [
      'From: tlsrpt-noreply@microsoft.com',
      'To: tls-reports@contoso.example',
      'Subject: Report Domain: contoso.example Submitter: microsoft.com',
      'Date: Sun, 02 Mar 2025 06:00:00 +0000',
      'TLS-Report-Domain: contoso.example',
      'Content-Type: multipart/report; report-type=tlsrpt; boundary="T"',
      '',
      '--T',
      'Content-Type: text/plain',
      '',
      'This is an aggregate TLS report from microsoft.com',
      '--T',
      `Content-Type: ${type}; name="report.json.gz"`,
      `Content-Transfer-Encoding: ${encoding}`,
      'Content-Disposition: attachment; filename="microsoft.com!contoso.example!1740787200!1740873599.json.gz"',
      '',
      encoding === 'base64' ? b64(body) : new TextDecoder().decode(body),
      '--T--',
      '',
    ].join('\r\n'),
  );
}

describe('SMTP TLS reports (RFC 8460)', () => {
  it('reads a report as .json, .json.gz and in mails (+gzip, +json, bare application/tlsrpt), beside ordinary mail', async () => {
    const json = enc(JSON.stringify(MICROSOFT));
    const other = (n: number) => ({ ...MICROSOFT, 'report-id': `r${n}` });
    const r = await run([
      { name: 'a.json', bytes: json },
      { name: 'b.json.gz', bytes: gzipSync(enc(JSON.stringify(other(2)))) },
      { name: 'c.eml', bytes: mail('application/tlsrpt+gzip', gzipSync(enc(JSON.stringify(other(3))))) },
      { name: 'd.eml', bytes: mail('application/tlsrpt+json', enc(JSON.stringify(other(4))), '7bit') },
      { name: 'e.eml', bytes: mail('application/tlsrpt', gzipSync(enc(JSON.stringify(other(5))))) },
      {
        name: 'f.eml',
        bytes: enc(
          'From: a@contoso.example\r\nSubject: hello\r\nDate: Sun, 02 Mar 2025 06:00:00 +0000\r\n\r\nHi\r\n',
        ),
      },
    ]);
    expect(r.files.map((f) => [f.path, f.status])).toEqual([
      ['a.json', 'ok'],
      ['b.json.gz', 'ok'],
      ['c.eml > microsoft.com!contoso.example!1740787200!1740873599.json.gz', 'ok'],
      ['d.eml > microsoft.com!contoso.example!1740787200!1740873599.json.gz', 'ok'],
      ['e.eml > microsoft.com!contoso.example!1740787200!1740873599.json.gz', 'ok'],
      ['f.eml', 'skipped'],
    ]);
    expect(r.totals).toMatchObject({ tlsReports: 5, tlsSuccessfulSessions: 4750, tlsFailedSessions: 250 });
    expect(r.tlsReports[0]).toMatchObject({
      organizationName: 'Microsoft Corporation',
      // No time zone: UTC.
      begin: Date.UTC(2025, 2, 1) / 1000,
      end: Date.UTC(2025, 2, 1, 23, 59, 59) / 1000,
      policies: [
        {
          policyType: 'sts',
          policyDomain: 'contoso.example',
          mxHosts: ['*.mail.protection.outlook.com'],
          successfulSessions: 950,
          failedSessions: 50,
          failures: [
            {
              resultType: 'certificate-expired',
              sendingMtaIp: '40.107.22.105',
              receivingMxHostname: 'contoso-example.mail.protection.outlook.com',
              receivingIp: '52.101.4.1',
              failedSessions: 50,
            },
          ],
        },
      ],
    });
    expect(r.verdict.status).toBe('ok');
  });

  it('keeps the reported failure total when the details add up to something else, with a warning', () => {
    const report = structuredClone(MICROSOFT);
    report.policies[0]!.summary['total-failure-session-count'] = 7;
    const out = readTlsReport(enc(JSON.stringify(report)), 'x.json', 'x.json', { now: NOW });
    expect(out.report!.failedSessions).toBe(7);
    expect(out.issues.map((i) => [i.code, i.severity])).toEqual([['tls-total-mismatch', 'warning']]);
  });

  it('checks every value where it is read', () => {
    const report = {
      'organization-name': 'Evil\u0000Corp',
      'date-range': { 'start-datetime': '1970-01-01T00:00:00Z', 'end-datetime': 'tomorrow' },
      'report-id': { nested: true },
      policies: [
        {
          policy: { 'policy-type': 'dane', 'policy-domain': 'contoso.example', 'mx-host': 42 },
          summary: { 'total-successful-session-count': 1e12, 'total-failure-session-count': -3 },
          'failure-details': [
            { 'result-type': 'x', 'sending-mta-ip': 'not-an-ip', 'failed-session-count': 1.5 },
            'junk',
          ],
        },
        null,
      ],
    };
    const out = readTlsReport(enc(JSON.stringify(report)), 'x.json', 'x.json', { now: NOW });
    expect(out.issues.every((i) => i.severity === 'warning')).toBe(true);
    expect(out.issues.map((i) => i.code).sort()).toEqual([
      'bad-date',
      'control-characters',
      'count-implausible',
      'count-invalid',
      'count-invalid',
      'date-out-of-range',
      'ip-invalid',
      'missing-element',
      'unknown-result',
      'value-out-of-range',
      'value-out-of-range',
    ]);
    expect(out.report).toMatchObject({
      organizationName: 'Evil\uFFFDCorp',
      reportId: '',
      begin: null,
      end: null,
      successfulSessions: 0,
      failedSessions: 0,
    });
    expect(out.report!.policies[0]!.failures).toEqual([
      expect.objectContaining({ sendingMtaIp: '', failedSessions: 0 }),
    ]);
  });

  it('a report that is not JSON, or has no policies, is rejected with the reason', async () => {
    const r = await run([
      { name: 'cut.json', bytes: enc('{"organization-name":"Google Inc.","policies":[{"policy"') },
      {
        name: 'nopol.json',
        bytes: enc('{"organization-name":"Google Inc.","date-range":{},"report-id":"x"}'),
      },
      // JSON that is no TLS report at all stays the wrong file.
      { name: 'package.json', bytes: enc('{"name":"x","version":"1.0.0"}') },
    ]);
    expect(r.files.map((f) => [f.status, f.issues[0]!.code])).toEqual([
      ['rejected', 'json-malformed'],
      ['rejected', 'missing-element'],
      ['rejected', 'not-aggregate-report'],
    ]);
  });

  it('dates: RFC 3339 with or without a zone, impossible ones refused', () => {
    expect(parseTlsDate('2016-04-01T00:00:00Z')).toBe(Date.UTC(2016, 3, 1) / 1000);
    expect(parseTlsDate('2016-04-01T02:00:00+02:00')).toBe(Date.UTC(2016, 3, 1) / 1000);
    expect(parseTlsDate('2016-04-01T00:00:00')).toBe(Date.UTC(2016, 3, 1) / 1000);
    expect(parseTlsDate('2016-04-01')).toBe(Date.UTC(2016, 3, 1) / 1000);
    expect(parseTlsDate('2016-02-30T00:00:00Z')).toBeNull();
    expect(parseTlsDate('2016-04-01T25:00:00Z')).toBeNull();
    expect(parseTlsDate('soon')).toBeNull();
  });

  it('says what each result type means and how to fix it', () => {
    for (const t of [
      'certificate-expired',
      'starttls-not-supported',
      'sts-webpki-invalid',
      'validation-failure',
    ])
      expect(TLS_RESULT_TYPES[t]!.fix).not.toBe('');
  });

  it('never throws and keeps counts safe, whatever the JSON holds (property)', () => {
    const count = fc.oneof(
      fc.integer({ min: -1e15, max: 1e15 }),
      fc.double(),
      fc.string({ maxLength: 20 }),
      fc.constant(null),
    );
    const detail = fc.record(
      {
        'result-type': fc.oneof(fc.string(), fc.constant('certificate-expired')),
        'sending-mta-ip': fc.oneof(fc.ipV4(), fc.ipV6(), fc.string()),
        'failed-session-count': count,
      },
      { requiredKeys: [] },
    );
    const policy = fc.oneof(
      fc.record(
        {
          policy: fc.record(
            {
              'policy-type': fc.constantFrom('sts', 'tlsa', 'no-policy-found', 'x'),
              'policy-domain': fc.string(),
              'mx-host': fc.oneof(fc.string(), fc.array(fc.string()), fc.integer()),
            },
            { requiredKeys: [] },
          ),
          summary: fc.record(
            { 'total-successful-session-count': count, 'total-failure-session-count': count },
            { requiredKeys: [] },
          ),
          'failure-details': fc.oneof(fc.array(detail, { maxLength: 5 }), fc.anything()),
        },
        { requiredKeys: [] },
      ),
      fc.anything(),
    );
    const report = fc.record(
      {
        'organization-name': fc.oneof(fc.string(), fc.anything()),
        'date-range': fc.record({ 'start-datetime': fc.string(), 'end-datetime': fc.string() }),
        'report-id': fc.string(),
        policies: fc.oneof(fc.array(policy, { maxLength: 6 }), fc.anything()),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(report, (json) => {
        const out = readTlsReport(enc(JSON.stringify(json) ?? 'null'), 'p', 'p', { now: NOW });
        if (!out.report) {
          // Not a TLS report at all, or one that cannot be used: then exactly one error says why.
          expect(out.issues.filter((i) => i.severity === 'error')).toHaveLength(out.isTls ? 1 : 0);
          return;
        }
        const safe = (n: number) => Number.isSafeInteger(n) && n >= 0;
        expect(safe(out.report.successfulSessions) && safe(out.report.failedSessions)).toBe(true);
        for (const p of out.report.policies) {
          expect(p.successfulSessions <= 1e9 && p.failedSessions <= 1e9).toBe(true);
          for (const f of p.failures) expect(safe(f.failedSessions) && f.failedSessions <= 1e9).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('recognises a TLS report by its first bytes, not an aggregate report or other JSON', () => {
    expect(looksLikeTlsReport(enc(JSON.stringify(MICROSOFT)))).toBe(true);
    expect(looksLikeTlsReport(enc('{"name":"x","policies":[]}'))).toBe(false);
    // Policies first, long enough to push the organisation past the first bytes.
    const late = { policies: MICROSOFT.policies, pad: 'x'.repeat(5000), 'organization-name': 'Late Inc.' };
    expect(looksLikeTlsReport(enc(JSON.stringify(late)))).toBe(true);
    expect(readTlsReport(enc(JSON.stringify(late)), 'p', 'p').report!.organizationName).toBe('Late Inc.');
    // JSON that only shares a member name stays what it is.
    expect(readTlsReport(enc('{"date-range":{}}'), 'p', 'p')).toEqual({ issues: [], isTls: false });
  });
});

describe('hostile TLS report files', () => {
  it('damaged JSON, gzip or mail never throws past its file and always gets a verdict (property)', async () => {
    const json = enc(JSON.stringify(MICROSOFT));
    const wraps = [json, gzipSync(json), mail('application/tlsrpt+gzip', gzipSync(json))];
    await fc.assert(
      fc.asyncProperty(
        fc.nat(wraps.length - 1),
        fc.array(fc.tuple(fc.nat(4000), fc.uint8Array({ minLength: 1, maxLength: 8 })), { maxLength: 5 }),
        fc.nat(4000),
        async (w, edits, end) => {
          const bytes = new Uint8Array(wraps[w]!);
          for (const [at, b] of edits)
            bytes.set(b.subarray(0, Math.max(0, bytes.length - (at % bytes.length))), at % bytes.length);
          const r = await run([
            // The intact file first: a damaged copy that is still the same report is the duplicate.
            { name: 'ok.json', bytes: json },
            { name: 'damaged', bytes: bytes.subarray(0, Math.max(1, end % (bytes.length + 1))) },
          ]);
          expect(r.files.filter((f) => f.input === 'ok.json').map((f) => f.status)).toEqual(['ok']);
          expect(r.files.some((f) => f.input === 'damaged')).toBe(true);
          const t = r.totals;
          expect(
            Number.isSafeInteger(t.tlsSuccessfulSessions) && Number.isSafeInteger(t.tlsFailedSessions),
          ).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });
});

// parsedmarc's SMTP TLS samples (../shared, see its SOURCES.md).
const SAMPLES = resolve(import.meta.dirname, '../../../../shared/fixtures/mail-reports/parsedmarc/smtp_tls');
describe.runIf(existsSync(SAMPLES))("parsedmarc's SMTP TLS samples", () => {
  it('reads all five; the RFC example (mx-host as a string) and the Mail.ru report (totals that disagree)', async () => {
    const files = readdirSync(SAMPLES)
      .filter((n) => n !== 'SOURCES.md')
      .sort()
      .map((n) => ({ name: n, bytes: new Uint8Array(readFileSync(join(SAMPLES, n))) }));
    const r = await run(files);
    expect(r.files.map((f) => [f.path, f.status])).toEqual([
      ['empty_failure_detail_fields.json', 'ok'],
      [
        'google.com_smtp_tls_report.eml > google.com!cardinalhealth.ca!1725321600!1725407999!001.json.gz',
        'ok',
      ],
      ['mail.ru.json', 'warning'],
      ['rfc8460.json', 'ok'],
      ['smtp_tls.json', 'ok'],
    ]);
    const rfc = r.tlsReports.find((x) => x.source === 'rfc8460.json')!;
    expect(rfc.policies[0]!.mxHosts).toEqual(['*.mail.company-y.example']);
    expect(rfc.policies[0]!.failures.map((f) => [f.resultType, f.failedSessions])).toEqual([
      ['certificate-expired', 100],
      ['starttls-not-supported', 200],
      ['validation-failure', 3],
    ]);
    expect(r.tlsReports.find((x) => x.source === 'mail.ru.json')!.failedSessions).toBe(1);
    expect(r.totals).toMatchObject({ tlsReports: 5, tlsSuccessfulSessions: 5374, tlsFailedSessions: 308 });
  });
});
