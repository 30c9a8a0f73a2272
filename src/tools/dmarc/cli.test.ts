import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { gzipSync, zipSync } from 'fflate';
import { runCli as runAny } from '../../cli/memory-io.ts';

const fixture = (name: string) =>
  new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));

/** A small in-memory disk: a folder as given on the command line, listed like the real CLI lists folders. */
const DISK: Record<string, Uint8Array> = {
  'reports/google.xml': fixture('google.xml'),
  'reports/2025/gmx.xml.gz': gzipSync(fixture('gmx.xml')),
  'reports/2025/broken.xml': new TextEncoder().encode('<feedback>'),
  'mimecast.xml': fixture('mimecast.xml'),
};

const runCli = (args: string[], disk: Record<string, Uint8Array> = DISK) => runAny(['dmarc', ...args], disk);
const GOOD = ['reports/google.xml', 'reports/2025/gmx.xml.gz', 'mimecast.xml'];

describe('hybrid-toolbox dmarc', () => {
  it('--json: the documented contract', async () => {
    const { code, out, err } = await runCli(['reports', 'mimecast.xml', '--json']);
    expect(code).toBe(1);
    expect(err).toBe(
      'reports/2025/broken.xml:1:10: error: The XML is not well-formed: unclosed tag: feedback.\n',
    );
    const json = JSON.parse(out);
    expect(Object.keys(json)).toEqual([
      'verdict',
      'files',
      'totals',
      'reports',
      'senders',
      'failureReports',
      'tlsReports',
      'ipTable',
      'countries',
    ]);
    expect(json.verdict.status).toBe('partial');
    expect(json.files).toEqual([
      {
        path: 'reports/2025/broken.xml',
        status: 'rejected',
        reason: 'line 1, column 10: The XML is not well-formed: unclosed tag: feedback.',
        warnings: [],
        reports: 0,
      },
      { path: 'reports/2025/gmx.xml.gz', status: 'ok', reason: '', warnings: [], reports: 1 },
      { path: 'reports/google.xml', status: 'ok', reason: '', warnings: [], reports: 1 },
      { path: 'mimecast.xml', status: 'ok', reason: '', warnings: [], reports: 1 },
    ]);
    expect(json.totals).toEqual({
      reports: 3,
      duplicates: 0,
      records: 8,
      messages: 37,
      dmarcPass: 30,
      dkimAlignedPass: 29,
      spfAlignedPass: 23,
      disposition: { none: 26, quarantine: 0, reject: 2, pass: 9, unknown: 0 },
      failureReports: 0,
      tlsReports: 0,
      tlsSuccessfulSessions: 0,
      tlsFailedSessions: 0,
    });
    expect(json.failureReports).toEqual([]);
    expect(json.tlsReports).toEqual([]);
    expect(json.reports[0]).toEqual({
      source: 'reports/2025/gmx.xml.gz',
      orgName: 'GMX',
      reportId: '9f1c2b3a4d5e6f708192a3b4c5d6e7f8',
      policyDomain: 'contoso.example',
      begin: '2025-01-01T00:00:00Z',
      end: '2025-01-01T23:59:59Z',
      records: 2,
      messages: 11,
      dmarcPass: 9,
    });
    expect(json.senders[0]).toEqual({
      name: 'Microsoft 365',
      ips: ['40.93.199.22', '40.107.22.105', '52.101.4.1'],
      messages: 17,
      dmarcPass: 17,
      networks: [{ asn: 8075, name: 'Microsoft Corporation', country: 'US', ips: 3 }],
    });
    expect(json.ipTable).toEqual({ date: expect.stringMatching(/^20\d\d-\d\d-\d\d$/), ips: 8, ipsKnown: 6 });
    expect(json.countries[0]).toMatchObject({ country: 'US' });
  });

  it('--ndjson and --csv: one line per record', async () => {
    const nd = await runCli(['reports/google.xml', '--ndjson']);
    expect(
      nd.out
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).message_count),
    ).toEqual([12, 7, 3, 1]);
    const csv = await runCli(['reports/google.xml', '--csv']);
    const lines = csv.out.split('\r\n');
    expect(lines[0]!.startsWith('\ufeffxml_schema,org_name,org_email,')).toBe(true);
    expect(lines).toHaveLength(6);
  });

  it('exits 0 when every file was usable', async () => {
    const r = await runCli(GOOD);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(r.out).toMatch(/^3 file\(s\): 3 ok, 0 with warnings, 0 rejected, 0 skipped\n/);
  });

  it('prints a text summary by default and exits 1 when a file was rejected, the others still counted', async () => {
    const { code, out } = await runCli(['reports']);
    expect(code).toBe(1);
    expect(out).toMatch(/^3 file\(s\): 2 ok, 0 with warnings, 1 rejected, 0 skipped\n/);
    expect(out).toContain('[rejected] reports/2025/broken.xml: line 1, column 10');
  });

  it('exits 2 on wrong arguments or a path that cannot be read, before any output', async () => {
    for (const args of [[], ['reports', '--json', '--csv'], ['reports', '--xml'], ['reports', 'nope']]) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.out, args.join(' ')).toBe('');
    }
    expect((await runCli(['reports', 'nope'])).err).toBe('nope: error: no such file or folder\n');
  });

  it('escapes terminal control codes in zip member names on stderr and in the summary, not in JSON', async () => {
    const evil = 'report\u001b[2J\u001b[1;1HAll reports OK\u0007.xml';
    const disk = { 'in/evil.zip': zipSync({ [evil]: new TextEncoder().encode('<feedback>') }), ...DISK };
    const text = await runCli(['in/evil.zip', 'mimecast.xml'], disk);
    expect(text.code).toBe(1);
    for (const s of [text.out, text.err]) {
      expect(s).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
      expect(s).toContain('report\\x1b[2J\\x1b[1;1HAll reports OK\\x07.xml');
    }
    const json = await runCli(['in/evil.zip', '--json'], disk);
    expect(JSON.parse(json.out).files[0].path).toContain(evil);
  });
});

const enc = (s: string) => new TextEncoder().encode(s);
const ARF = [
  'From: dmarc-reports@receiver.example',
  'Subject: DMARC failure report for contoso.example',
  'Content-Type: multipart/report; report-type=feedback-report; boundary="B"',
  '',
  '--B',
  'Content-Type: text/plain',
  '',
  'An authentication failure report.',
  '--B',
  'Content-Type: message/feedback-report',
  '',
  'Feedback-Type: auth-failure',
  'User-Agent: Reporter/1.0',
  'Version: 1',
  'Original-Mail-From: <bounce@spoofer.example>',
  'Original-Rcpt-To: <accounts@receiver.example>',
  'Arrival-Date: Tue, 04 Nov 2025 09:58:01 +0000',
  'Source-IP: 192.0.2.99 (mail.spoofer.example)',
  'Reported-Domain: contoso.example',
  'Auth-Failure: dmarc',
  'Delivery-Result: reject',
  'Identity-Alignment: none',
  '',
  '--B',
  'Content-Type: text/rfc822-headers',
  '',
  'From: ceo@contoso.example',
  'Subject: Invoice 42',
  'Message-ID: <42@spoofer.example>',
  '',
  '--B--',
  '',
].join('\r\n');
const TLS = {
  'organization-name': 'Google Inc.',
  'date-range': { 'start-datetime': '2025-01-01T00:00:00Z', 'end-datetime': '2025-01-01T23:59:59Z' },
  'contact-info': 'smtp-tls-reporting@google.com',
  'report-id': '2025-01-01T00:00:00Z_contoso.example',
  policies: [
    {
      policy: { 'policy-type': 'sts', 'policy-domain': 'contoso.example', 'mx-host': 'mx.contoso.example' },
      summary: { 'total-successful-session-count': 90, 'total-failure-session-count': 10 },
      'failure-details': [
        {
          'result-type': 'certificate-expired',
          'sending-mta-ip': '209.85.222.201',
          'receiving-mx-hostname': 'mx.contoso.example',
          'failed-session-count': 10,
        },
      ],
    },
  ],
};
const MIXED: Record<string, Uint8Array> = {
  'box/google.xml': fixture('google.xml'),
  'box/ruf.eml': enc(ARF),
  'box/tls.json.gz': gzipSync(enc(JSON.stringify(TLS))),
};

describe('hybrid-toolbox dmarc: failure and TLS reports', () => {
  it('--json adds failureReports, tlsReports and their totals; their files are ok', async () => {
    const { code, out } = await runCli(['box', '--json'], MIXED);
    expect(code).toBe(0);
    const json = JSON.parse(out);
    expect(json.files.map((f: { path: string; status: string }) => [f.path, f.status])).toEqual([
      ['box/google.xml', 'ok'],
      ['box/ruf.eml', 'ok'],
      ['box/tls.json.gz', 'ok'],
    ]);
    expect(json.totals).toMatchObject({
      reports: 1,
      failureReports: 1,
      tlsReports: 1,
      tlsSuccessfulSessions: 90,
      tlsFailedSessions: 10,
    });
    expect(json.failureReports).toEqual([
      {
        path: 'box/ruf.eml',
        feedbackType: 'auth-failure',
        arrivalDate: '2025-11-04T09:58:01Z',
        sourceIp: '192.0.2.99',
        reportedDomain: 'contoso.example',
        authFailure: 'dmarc',
        deliveryResult: 'reject',
        originalMailFrom: '<bounce@spoofer.example>',
        originalRcptTo: '<accounts@receiver.example>',
        subject: 'Invoice 42',
      },
    ]);
    expect(json.tlsReports).toEqual([
      {
        path: 'box/tls.json.gz',
        organizationName: 'Google Inc.',
        reportId: '2025-01-01T00:00:00Z_contoso.example',
        begin: '2025-01-01T00:00:00Z',
        end: '2025-01-01T23:59:59Z',
        policies: [
          {
            policyType: 'sts',
            policyDomain: 'contoso.example',
            successfulSessions: 90,
            failedSessions: 10,
            failures: [
              {
                resultType: 'certificate-expired',
                sendingMtaIp: '209.85.222.201',
                receivingMxHostname: 'mx.contoso.example',
                failedSessions: 10,
              },
            ],
          },
        ],
      },
    ]);
  });

  it('--ndjson keeps aggregate records; --kind failure|tls writes the others in parsedmarc field names', async () => {
    const agg = await runCli(['box', '--ndjson'], MIXED);
    expect(
      agg.out
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).message_count),
    ).toEqual([12, 7, 3, 1]);
    const failure = await runCli(['box', '--ndjson', '--kind', 'failure'], MIXED);
    const docs = failure.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(docs).toHaveLength(1);
    expect(docs[0]).toMatchObject({
      feedback_type: 'auth-failure',
      user_agent: 'Reporter/1.0',
      version: '1',
      original_mail_from: '<bounce@spoofer.example>',
      original_rcpt_to: '<accounts@receiver.example>',
      arrival_date: 'Tue, 04 Nov 2025 09:58:01 +0000',
      arrival_date_utc: '2025-11-04 09:58:01',
      delivery_result: 'reject',
      auth_failure: ['dmarc'],
      authentication_mechanisms: [],
      reported_domain: 'contoso.example',
      sample_headers_only: true,
      source: { ip_address: '192.0.2.99', reverse_dns: 'mail.spoofer.example', country: null },
      parsed_sample: {
        subject: 'Invoice 42',
        from: 'ceo@contoso.example',
        message_id: '<42@spoofer.example>',
      },
    });
    const tls = await runCli(['box', '--ndjson', '--kind', 'tls'], MIXED);
    expect(JSON.parse(tls.out)).toEqual({
      organization_name: 'Google Inc.',
      begin_date: '2025-01-01T00:00:00Z',
      end_date: '2025-01-01T23:59:59Z',
      contact_info: 'smtp-tls-reporting@google.com',
      report_id: '2025-01-01T00:00:00Z_contoso.example',
      policies: [
        {
          policy_domain: 'contoso.example',
          policy_type: 'sts',
          mx_host_patterns: ['mx.contoso.example'],
          successful_session_count: 90,
          failed_session_count: 10,
          failure_details: [
            {
              result_type: 'certificate-expired',
              failed_session_count: 10,
              sending_mta_ip: '209.85.222.201',
              receiving_mx_hostname: 'mx.contoso.example',
            },
          ],
        },
      ],
    });
  });

  it('--csv --kind failure|tls: parsedmarc columns', async () => {
    const failure = (await runCli(['box', '--csv', '--kind', 'failure'], MIXED)).out.split('\r\n');
    expect(failure[0]).toBe(
      '\ufefffeedback_type,user_agent,version,original_envelope_id,original_mail_from,original_rcpt_to,arrival_date,arrival_date_utc,subject,message_id,authentication_results,dkim_domain,source_ip_address,source_country,source_reverse_dns,source_base_domain,source_name,source_type,source_asn,source_as_name,source_as_domain,delivery_result,auth_failure,reported_domain,authentication_mechanisms,sample_headers_only',
    );
    expect(failure[1]).toBe(
      'auth-failure,Reporter/1.0,1,,<bounce@spoofer.example>,<accounts@receiver.example>,"Tue, 04 Nov 2025 09:58:01 +0000",2025-11-04 09:58:01,Invoice 42,<42@spoofer.example>,,,192.0.2.99,,mail.spoofer.example,,,,,,,reject,dmarc,contoso.example,,True',
    );
    const tls = (await runCli(['box', '--csv', '--kind', 'tls'], MIXED)).out.split('\r\n');
    expect(tls.slice(1, 3)).toEqual([
      'Google Inc.,2025-01-01T00:00:00Z,2025-01-01T23:59:59Z,2025-01-01T00:00:00Z_contoso.example,,90,10,contoso.example,sts,,mx.contoso.example,,,,,,',
      'Google Inc.,2025-01-01T00:00:00Z,2025-01-01T23:59:59Z,2025-01-01T00:00:00Z_contoso.example,certificate-expired,,10,contoso.example,sts,,mx.contoso.example,209.85.222.201,,mx.contoso.example,,,',
    ]);
  });

  it('the text summary has one line for each kind; --kind without --ndjson or --csv is a usage error', async () => {
    const { out } = await runCli(['box'], MIXED);
    expect(out).toContain(
      'Failure reports: 1 from 1 source IP(s) about 1 domain(s), 2025-11-04 – 2025-11-04\n',
    );
    expect(out).toContain(
      'SMTP TLS reports: 1 from 1 organisation(s) about 1 policy domain(s): 90 session(s) succeeded, 10 failed (90.0 % success)\n',
    );
    for (const args of [
      ['box', '--kind', 'tls'],
      ['box', '--json', '--kind', 'failure'],
      ['box', '--csv', '--kind', 'x'],
    ]) {
      const r = await runCli(args, MIXED);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.out).toBe('');
    }
  });
});
