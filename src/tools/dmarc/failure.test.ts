import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { zipSync } from 'fflate';
import { analyse } from './core.ts';
import { parseHeaderLines, parseMailDate, readFailureReport, splitSourceIp } from './failure.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const b64 = (s: string) =>
  Buffer.from(s)
    .toString('base64')
    .replace(/(.{76})/g, '$1\r\n');
const NOW = Date.UTC(2026, 11, 1) / 1000;
const run = (files: { name: string; bytes: Uint8Array }[]) => analyse(files, { now: NOW });

/** An ARF mail as reporters send it; `feedback` and `original` are the two machine-readable parts. */
function arf(o: {
  subject?: string;
  feedback: string;
  feedbackHeaders?: string[];
  original?: string;
  originalType?: 'message/rfc822' | 'text/rfc822-headers';
  topType?: string;
}): string {
  const parts = [
    'Content-Type: text/plain; charset=us-ascii\r\n\r\nThis is an authentication failure report for a message from 192.0.2.99.\r\n',
    `${(o.feedbackHeaders ?? ['Content-Type: message/feedback-report']).join('\r\n')}\r\n\r\n${o.feedback}\r\n`,
  ];
  if (o.original) parts.push(`Content-Type: ${o.originalType ?? 'message/rfc822'}\r\n\r\n${o.original}\r\n`);
  return [
    'From: dmarc-reports@receiver.example',
    'To: ruf@contoso.example',
    `Subject: ${o.subject ?? 'DMARC failure report for contoso.example'}`,
    'Date: Tue, 04 Nov 2025 10:00:00 +0000',
    'MIME-Version: 1.0',
    `Content-Type: ${o.topType ?? 'multipart/report; report-type=feedback-report'}; boundary="ARF"`,
    '',
    ...parts.map((p) => `--ARF\r\n${p}`),
    '--ARF--',
    '',
  ].join('\r\n');
}

const ORIGINAL = [
  'Received: from mail.spoofer.example (mail.spoofer.example [192.0.2.99]) by mx.receiver.example',
  'From: "Contoso CEO" <ceo@contoso.example>',
  'To: accounts@receiver.example',
  'Subject: =?UTF-8?B?VXJnZW50OiDDvGJlcndlaXN1bmc=?=',
  'Date: Tue, 04 Nov 2025 09:58:00 +0000',
  'Message-ID: <forged-1@spoofer.example>',
  '',
  'Please pay the attached invoice today.',
].join('\r\n');

const FEEDBACK = [
  'Feedback-Type: auth-failure',
  'User-Agent: ExampleReporter/2.1',
  'Version: 1',
  'Original-Mail-From: <bounce@spoofer.example>',
  'Original-Rcpt-To: <accounts@receiver.example>',
  'Arrival-Date: Tue, 04 Nov 2025 09:58:01 +0000',
  'Reporting-MTA: dns; mx.receiver.example',
  'Source-IP: 192.0.2.99',
  'Incidents: 1',
  'Delivery-Result: reject',
  'Auth-Failure: dmarc',
  'Identity-Alignment: none',
  'Reported-Domain: contoso.example',
  'DKIM-Domain: spoofer.example',
  'DKIM-Selector: s1',
  'SPF-DNS: txt : spoofer.example : "v=spf1 ip4:192.0.2.99 -all"',
].join('\r\n');

describe('failure reports (RFC 6591)', () => {
  it('reads every field of an RFC 6591 report and the original message', async () => {
    const r = await run([{ name: 'ruf.eml', bytes: enc(arf({ feedback: FEEDBACK, original: ORIGINAL })) }]);
    expect(r.files.map((f) => [f.path, f.status, f.warnings])).toEqual([['ruf.eml', 'ok', []]]);
    const { headers, ...rest } = r.failureReports[0]!;
    expect(rest).toEqual({
      source: 'ruf.eml',
      input: 'ruf.eml',
      feedbackType: 'auth-failure',
      userAgent: 'ExampleReporter/2.1',
      version: '1',
      arrivalDate: Date.UTC(2025, 10, 4, 9, 58, 1) / 1000,
      arrivalDateText: 'Tue, 04 Nov 2025 09:58:01 +0000',
      sourceIp: '192.0.2.99',
      sourceHost: '',
      reportedDomain: 'contoso.example',
      authFailure: 'dmarc',
      deliveryResult: 'reject',
      originalMailFrom: '<bounce@spoofer.example>',
      originalRcptTo: '<accounts@receiver.example>',
      originalEnvelopeId: '',
      identityAlignment: 'none',
      dkimDomain: 'spoofer.example',
      dkimSelector: 's1',
      dkimIdentity: '',
      spfDns: 'txt : spoofer.example : "v=spf1 ip4:192.0.2.99 -all"',
      authenticationResults: '',
      reportingMta: 'dns; mx.receiver.example',
      incidents: 1,
      subject: 'Urgent: überweisung',
      from: '"Contoso CEO" <ceo@contoso.example>',
      to: 'accounts@receiver.example',
      date: 'Tue, 04 Nov 2025 09:58:00 +0000',
      messageId: '<forged-1@spoofer.example>',
      isHeadersOnly: false,
      duplicateOf: -1,
    });
    expect(headers.map(([k]) => k)).toEqual(['received', 'from', 'to', 'subject', 'date', 'message-id']);
    expect(r.totals.failureReports).toBe(1);
    expect(r.verdict.status).toBe('ok');
  });

  it('takes the deviations real reporters produce: Version 1.0, Received-Date, Source-IP with a host name, a base64 part, no Auth-Failure, headers only', async () => {
    const feedback = [
      'Feedback-Type: auth-failure',
      'User-Agent: Lua/1.0',
      'Version: 1.0',
      'Received-Date: Mon, 3 Nov 2025 23:16:09 +0100',
      'Source-IP: 198.51.100.7 (mail.sender.example)',
      'Reported-Domain: Contoso.Example',
    ].join('\r\n');
    const mail = arf({
      feedback: b64(feedback),
      feedbackHeaders: [
        'Content-Type: message/feedback-report; name="ATT00001"',
        'Content-Disposition: attachment; filename="ATT00001"',
        'Content-Transfer-Encoding: base64',
      ],
      original: 'From: billing@contoso.example\r\nSubject: Invoice 42\r\nMessage-ID: <42@sender.example>',
      originalType: 'text/rfc822-headers',
      topType: 'multipart/mixed',
    });
    const r = await run([{ name: 'outlook.eml', bytes: enc(mail) }]);
    expect(r.files.map((f) => [f.status, f.warnings])).toEqual([['ok', []]]);
    expect(r.failureReports[0]).toMatchObject({
      version: '1.0',
      arrivalDate: Date.UTC(2025, 10, 3, 22, 16, 9) / 1000,
      sourceIp: '198.51.100.7',
      sourceHost: 'mail.sender.example',
      reportedDomain: 'contoso.example',
      authFailure: '',
      subject: 'Invoice 42',
      from: 'billing@contoso.example',
      messageId: '<42@sender.example>',
      isHeadersOnly: true,
    });
  });

  it('several per mbox, abuse reports and ordinary mail mixed in, in a zip and forwarded by Outlook', async () => {
    const one = arf({ feedback: FEEDBACK, original: ORIGINAL });
    const two = arf({
      feedback: FEEDBACK.replace('192.0.2.99', '203.0.113.5').replace('09:58:01', '11:00:00'),
      original: ORIGINAL.replace('forged-1', 'forged-2'),
    });
    const abuse = arf({
      subject: 'Abuse report',
      feedback: 'Feedback-Type: abuse\r\nUser-Agent: FBL/1.0\r\nVersion: 1\r\nSource-IP: 192.0.2.1',
    });
    const chat =
      'From: colleague@contoso.example\r\nSubject: lunch?\r\nDate: Tue, 04 Nov 2025 12:00:00 +0000\r\n\r\nShall we?\r\n';
    const mbox = [one, two, abuse, chat]
      .map((m) => `From MAILER-DAEMON Tue Nov  4 10:00:00 2025\r\n${m}`)
      .join('\r\n');
    const forwarded = [
      'From: admin@contoso.example',
      'To: security@contoso.example',
      'Subject: FW: DMARC failure report for contoso.example',
      'Date: Tue, 04 Nov 2025 13:00:00 +0000',
      'Content-Type: multipart/mixed; boundary="FWD"',
      '',
      '--FWD',
      'Content-Type: text/plain',
      '',
      'See attached.',
      '--FWD',
      'Content-Type: message/rfc822',
      '',
      two.replace('forged-2', 'forged-3').replace('11:00:00', '12:00:00'),
      '--FWD--',
      '',
    ].join('\r\n');
    // Outlook's forward that turned the feedback part into a plain attachment.
    const outlook = [
      'From: admin@contoso.example',
      'Subject: FW: DMARC failure report',
      'Date: Tue, 04 Nov 2025 14:00:00 +0000',
      'Content-Type: multipart/mixed; boundary="O"',
      '',
      '--O',
      'Content-Type: text/plain',
      '',
      'Forwarding this one.',
      '--O',
      'Content-Type: application/octet-stream; name="ATT00001.dat"',
      'Content-Disposition: attachment; filename="ATT00001.dat"',
      'Content-Transfer-Encoding: base64',
      '',
      b64(FEEDBACK.replace('09:58:01', '13:00:00')),
      '--O',
      'Content-Type: message/rfc822',
      '',
      ORIGINAL.replace('forged-1', 'forged-4'),
      '--O--',
      '',
    ].join('\r\n');
    const r = await run([
      { name: 'ruf.mbox', bytes: enc(mbox) },
      { name: 'ruf.zip', bytes: zipSync({ 'a.eml': enc(one) }) },
      { name: 'fw.eml', bytes: enc(forwarded) },
      { name: 'outlook.eml', bytes: enc(outlook) },
    ]);
    expect(r.files.map((f) => [f.path, f.status, f.reason])).toEqual([
      ['ruf.mbox > message 1', 'ok', ''],
      ['ruf.mbox > message 2', 'ok', ''],
      [
        'ruf.mbox > message 3',
        'skipped',
        'An ARF feedback report of type "abuse", not a DMARC failure report: skipped.',
      ],
      ['ruf.mbox > message 4', 'skipped', 'The mail has no DMARC aggregate report attached.'],
      // The same report as message 1: counted once.
      ['ruf.zip > a.eml', 'warning', ''],
      ['fw.eml > part 2', 'ok', ''],
      ['outlook.eml', 'ok', ''],
    ]);
    expect(r.failureReports.map((x) => [x.sourceIp, x.messageId, x.duplicateOf])).toEqual([
      ['192.0.2.99', '<forged-1@spoofer.example>', -1],
      ['203.0.113.5', '<forged-2@spoofer.example>', -1],
      ['192.0.2.99', '<forged-1@spoofer.example>', 0],
      ['203.0.113.5', '<forged-3@spoofer.example>', -1],
      ['192.0.2.99', '<forged-4@spoofer.example>', -1],
    ]);
    expect(r.totals.failureReports).toBe(4);
  });

  it('a notice in prose only is not a failure report: no field is made up from its text', async () => {
    const prose = [
      'From: no-reply@mailgate.example',
      'Subject: DMARC Forensic Report for contoso.example from IP 203.0.113.68',
      'Content-Type: multipart/report; boundary="B"',
      '',
      '--B',
      'Content-Type: text/plain',
      '',
      '  Sender Domain: contoso.example',
      '  Sender IP Address: 203.0.113.68',
      '--B--',
      '',
    ].join('\r\n');
    const r = await run([{ name: 'exim.eml', bytes: enc(prose) }]);
    expect(r.files.map((f) => [f.status, f.issues[0]!.code])).toEqual([['skipped', 'failure-report']]);
    expect(r.failureReports).toEqual([]);
    expect(r.totals.failureReports).toBe(0);
  });

  it('checks every value where it is read', async () => {
    const feedback = [
      'Feedback-Type: auth-failure',
      'Arrival-Date: Thu, 01 Jan 1970 00:00:00 +0000',
      'Source-IP: 999.1.1.1',
      'Incidents: 99999999999',
      'Reported-Domain: contoso.example\u0007\u202e',
      `User-Agent: ${'x'.repeat(5000)}`,
    ].join('\r\n');
    const r = await run([{ name: 'bad.eml', bytes: enc(arf({ feedback, original: ORIGINAL })) }]);
    expect(r.files[0]!.status).toBe('warning');
    expect(r.files[0]!.issues.map((i) => i.code).sort()).toEqual([
      'control-characters',
      'count-invalid',
      'date-out-of-range',
      'ip-invalid',
      'value-out-of-range',
    ]);
    expect(r.failureReports[0]).toMatchObject({
      arrivalDate: null,
      sourceIp: '',
      incidents: 1,
      reportedDomain: 'contoso.example\uFFFD\uFFFD',
    });
    expect(r.failureReports[0]!.userAgent).toHaveLength(1024);
  });

  it('dates, addresses and header blocks', () => {
    expect(parseMailDate('Fri, 28 Sep 2018 16:48:42 +0800')).toBe(Date.UTC(2018, 8, 28, 8, 48, 42) / 1000);
    expect(parseMailDate('01 Oct 2018 11:20:27 +0200 (CEST)')).toBe(Date.UTC(2018, 9, 1, 9, 20, 27) / 1000);
    expect(parseMailDate('yesterday')).toBeNull();
    // No zone: UTC, whatever the reader's time zone.
    expect(parseMailDate('Fri, 28 Sep 2018 16:48:42')).toBe(Date.UTC(2018, 8, 28, 16, 48, 42) / 1000);
    expect(parseMailDate('2018-09-28 16:48:42')).toBe(Date.UTC(2018, 8, 28, 16, 48, 42) / 1000);
    expect(parseMailDate('2018-09-28T16:48:42+02:00')).toBe(Date.UTC(2018, 8, 28, 14, 48, 42) / 1000);
    expect(splitSourceIp('192.0.2.1 (host.name)')).toEqual({ ip: '192.0.2.1', host: 'host.name' });
    expect(splitSourceIp('[2001:db8::1]')).toEqual({ ip: '2001:db8::1', host: '' });
    expect(parseHeaderLines(enc('A: 1\r\nB: two\r\n  folded\r\nnot a header\r\n\r\nC: body'))).toEqual([
      ['a', '1'],
      ['b', 'two folded'],
    ]);
  });

  it('never throws and keeps counts in range, whatever the fields say (property)', () => {
    const field = fc.constantFrom(
      'feedback-type',
      'arrival-date',
      'received-date',
      'source-ip',
      'incidents',
      'auth-failure',
      'reported-domain',
      'original-rcpt-to',
      'subject',
      'from',
      'x-junk',
    );
    const headers = fc.array(fc.tuple(field, fc.string({ maxLength: 80 })), { maxLength: 30 });
    fc.assert(
      fc.property(headers, fc.option(headers), (feedback, original) => {
        const out = readFailureReport(
          { path: 'p', input: 'p', feedback, original: original ?? undefined, isHeadersOnly: false },
          { now: NOW },
        );
        if (out.kind === 'failure') {
          const r = out.report;
          expect(Number.isSafeInteger(r.incidents) && r.incidents >= 1 && r.incidents <= 1e9).toBe(true);
          if (r.arrivalDate !== null) expect(r.arrivalDate).toBeLessThanOrEqual(NOW + 2 * 86_400);
          for (const v of Object.values(r))
            if (typeof v === 'string') expect(v.length).toBeLessThanOrEqual(1024);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('hostile failure-report mails', () => {
  it('damaged anywhere, a mail never throws past its file and always gets a verdict (property)', async () => {
    const good = enc(arf({ feedback: FEEDBACK, original: ORIGINAL }));
    const damage = fc.array(
      fc.tuple(fc.nat(good.length), fc.nat(good.length), fc.uint8Array({ maxLength: 40 })),
      { minLength: 1, maxLength: 6 },
    );
    await fc.assert(
      fc.asyncProperty(damage, fc.nat(good.length), async (cuts, end) => {
        let bytes: Uint8Array = good;
        for (const [at, drop, insert] of cuts) {
          const a = Math.min(at, bytes.length);
          const b = Math.min(a + (drop % 64), bytes.length);
          bytes = new Uint8Array([...bytes.subarray(0, a), ...insert, ...bytes.subarray(b)]);
        }
        const r = await run([
          // The intact file first: a damaged copy that is still the same report is the duplicate.
          { name: 'ok.eml', bytes: good },
          { name: 'damaged.eml', bytes: bytes.subarray(0, Math.max(end, 1)) },
        ]);
        expect(r.files.filter((f) => f.input === 'ok.eml').map((f) => f.status)).toEqual(['ok']);
        expect(r.files.some((f) => f.input === 'damaged.eml')).toBe(true);
        expect(Number.isSafeInteger(r.totals.failureReports)).toBe(true);
        for (const x of r.failureReports) expect(x.incidents).toBeLessThanOrEqual(1e9);
      }),
      { numRuns: 150 },
    );
  });
});

// parsedmarc's failure-report samples (../shared, see its SOURCES.md): read, one a copy of another.
const FORENSIC = resolve(import.meta.dirname, '../../../../shared/fixtures/dmarc/real/forensic/parsedmarc');
describe.runIf(existsSync(FORENSIC))("parsedmarc's failure-report samples", () => {
  it('reads the four ARF mails, with the original message', async () => {
    const files = readdirSync(FORENSIC)
      .sort()
      .map((n) => ({ name: n, bytes: new Uint8Array(readFileSync(join(FORENSIC, n))) }));
    const r = await run(files);
    expect(
      r.failureReports.map((x) => [x.sourceIp, x.reportedDomain, x.authFailure, x.deliveryResult, x.subject]),
    ).toEqual([
      ['10.10.10.10', 'domain.de', 'dmarc', 'smg-policy-action', 'Subject'],
      ['167.89.69.24', 'cardinal.com', '', 'delivered', 'Rent Reminder'],
      ['10.10.10.10', 'example.com', 'dmarc', 'delivered', 'Subject line, could be UTF8 encoded'],
      ['10.10.10.10', 'example.com', 'dmarc', 'delivered', 'Subject line, could be UTF8 encoded'],
    ]);
    expect(r.failureReports[0]!.from).toBe('"Interaktive Wettbewerber-Übersicht" <sharepoint@domain.de>');
    expect(r.files.find((f) => f.path.startsWith('exim'))!.status).toBe('skipped');
  });
});
