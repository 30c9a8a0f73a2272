import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { gzipSync, zipSync } from 'fflate';
import type { NamedBytes } from '../../lib/issue.ts';
import { analyse, type DmarcOptions } from './core.ts';
import { toJson } from './exports.ts';
import {
  BINARY_STARTS,
  outlookMail,
  reportBytes,
  reportMbox,
  reportXml,
  xlsxBytes,
  zipWithBadCrc,
} from './hostile-inputs.ts';
import type { DmarcResult } from './types.ts';

/*
 * One targeted test per class of hostile or messy input: each goes in beside good reports, and the good reports'
 * figures must come out exactly as when they are read alone.
 */

const enc = (s: string) => new TextEncoder().encode(s);
const fixture = (name: string): NamedBytes => ({
  name,
  bytes: new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url))),
});
const GOOD = ['google.xml', 'microsoft.xml', 'yahoo.xml'].map(fixture);
/** 2026-12-01: the tests' "now", so that the future-date check does not move with the clock. */
const NOW = Date.UTC(2026, 11, 1) / 1000;
const run = (files: NamedBytes[], opts: DmarcOptions = {}) => analyse(files, { now: NOW, ...opts });
const figures = (r: DmarcResult) => ({
  reports: r.totals.reports,
  records: r.totals.records,
  messages: r.totals.messages,
  dmarcPass: r.totals.dmarcPass,
  senders: r.senders.map((s) => [s.name, s.messages]),
});
const alone = await run(GOOD);
const verdictOf = (r: DmarcResult, path: string) => r.files.find((f) => f.path === path)!;

describe('dates', () => {
  it('a date beyond what Date holds rejects that report, naming file and element; the rest is untouched', async () => {
    for (const [begin, end] of [
      ['99999999999999', '1735775999'],
      ['1735689600', '-9999999999999'],
      ['1735689600', '1' + '0'.repeat(39)],
    ] as const) {
      const r = await run([...GOOD, { name: 'forged.xml', bytes: reportBytes({ begin, end }) }]);
      expect(figures(r)).toEqual(figures(alone));
      const v = verdictOf(r, 'forged.xml');
      const which = begin === '1735689600' ? 'end' : 'begin';
      expect(v.status).toBe('rejected');
      expect(v.issues).toMatchObject([
        { code: 'date-impossible', severity: 'error', path: `report_metadata/date_range/${which}` },
      ]);
      expect(v.reason).toMatch(
        new RegExp(`^<report_metadata/date_range/${which}>: <${which}> ".+" is not a date`),
      );
      // Every output can be produced: the JSON formats each date.
      expect(() => JSON.stringify(toJson(r))).not.toThrow();
    }
  });

  it('1979, a future date, a year-long period: counted, warned, kept out of the timeline', async () => {
    const cases = [
      ['298771200', '298857599', /1979-06-21 is before 1990/],
      ['3786912000', '3786998399', /2090-01-01 is in the future/],
      ['-86400', '0', /1969-12-31 is before 1990/],
      ['1735689600000', '1735775999000', /is in the future/],
      ['1600000000', '1735775999', /it covers 1,571 days/],
      ['1735775999', '1735689600', /it ends \(2025-01-01\) before it begins \(2025-01-01\)/],
    ] as const;
    for (const [begin, end, message] of cases) {
      const bad = reportBytes({ reportId: 'odd', begin, end, records: [{ count: '5' }] });
      const r = await run([...GOOD, { name: 'odd.xml', bytes: bad }]);
      const v = verdictOf(r, 'odd.xml');
      expect(v.status).toBe('warning');
      expect(v.issues).toMatchObject([{ code: 'date-out-of-range', severity: 'warning' }]);
      expect(v.warnings[0]).toMatch(message);
      expect(r.totals.messages).toBe(alone.totals.messages + 5);
      expect(r.days).toEqual(alone.days);
      expect([r.totals.begin, r.totals.end]).toEqual([alone.totals.begin, alone.totals.end]);
    }
  });
});

describe('counts', () => {
  it('a count past one record’s cap (or 40 digits) is flagged and counted 0; 10^9 itself is accepted', async () => {
    const bad = reportBytes({
      reportId: 'big',
      records: [
        { count: '1' + '0'.repeat(39), ip: '198.51.100.1' },
        { count: '1000000001', ip: '198.51.100.2' },
        { count: '1000000000', ip: '198.51.100.3' },
        { count: '4' },
      ],
    });
    const r = await run([...GOOD, { name: 'big.xml', bytes: bad }]);
    const v = verdictOf(r, 'big.xml');
    expect(v.status).toBe('warning');
    expect(v.issues).toMatchObject([{ code: 'count-implausible', path: 'record/row/count' }]);
    expect(v.warnings[0]).toMatch(
      /^2 records: <count> "10000000000000000000… \(40 digits\)" is more than 1,000,000,000/,
    );
    expect(r.totals.messages).toBe(alone.totals.messages + 1_000_000_000 + 4);
    const flagged = r.records.filter((x) => x.isCountInvalid).map((x) => [x.sourceIp, x.count]);
    expect(flagged).toEqual([
      ['198.51.100.1', 0],
      ['198.51.100.2', 0],
    ]);
  });

  it('totals never leave the exact integers: the reports claiming most are rejected until the rest fits', async () => {
    const many = (id: string, n: number) =>
      reportBytes({ reportId: id, records: Array.from({ length: n }, () => ({ count: '1000000000' })) });
    const r = await run(
      [...GOOD, { name: 'a.xml', bytes: many('a', 3) }, { name: 'b.xml', bytes: many('b', 2) }],
      { maxTotalMessages: 2_500_000_000 },
    );
    expect(verdictOf(r, 'a.xml')).toMatchObject({ status: 'rejected', reports: 0 });
    expect(verdictOf(r, 'a.xml').issues[0]).toMatchObject({ code: 'total-overflow', severity: 'error' });
    expect(verdictOf(r, 'b.xml').status).toBe('ok');
    expect(r.totals.messages).toBe(alone.totals.messages + 2_000_000_000);
  });
});

describe('every other value read', () => {
  it('pct outside 0–100 and an unknown p= are warned and not used; a bad IP is warned and counted', async () => {
    const bad = reportBytes({
      reportId: 'pol',
      p: 'rejected',
      pct: '150',
      records: [{ ip: '999.1.1.1', count: '3' }, { ip: '2001:db8::1' }, { ip: '::ffff:192.0.2.1' }],
    });
    const r = await run([...GOOD, { name: 'pol.xml', bytes: bad }]);
    const v = verdictOf(r, 'pol.xml');
    expect(v.issues.map((i) => [i.code, i.path])).toEqual([
      ['ip-invalid', 'record/row/source_ip'],
      ['policy-invalid', 'policy_published/pct'],
      ['policy-invalid', 'policy_published/p'],
    ]);
    const report = r.reports.find((x) => x.reportId === 'pol')!;
    expect(report.policy).toMatchObject({ pct: '', p: 'rejected' });
    expect(r.readiness.currentPolicy).toBe(alone.readiness.currentPolicy);
    expect(r.totals.messages).toBe(alone.totals.messages + 5);
  });

  it('control and text-direction characters are replaced, long values cut, long lists capped', async () => {
    const bad = reportBytes({
      reportId: 'ctl',
      org: 'Evil\u202e moc.elgoog \u009b31m',
      domain: 'x'.repeat(5000),
      extra: `<record><row><source_ip>192.0.2.9</source_ip><count>1</count><policy_evaluated><disposition>none</disposition><dkim>pass</dkim><spf>pass</spf><reason><type>forwarded</type></reason>${'<reason><type>local_policy</type></reason>'.repeat(150)}</policy_evaluated></row><identifiers><header_from>a.example</header_from></identifiers></record>`,
    });
    const r = await run([...GOOD, { name: 'ctl.xml', bytes: bad }]);
    const v = verdictOf(r, 'ctl.xml');
    // The long domain is also the records' <header_from> and SPF <domain>: one warning per element name.
    expect(v.issues.map((i) => [i.code, i.path]).sort()).toEqual([
      ['control-characters', 'org_name'],
      ['value-out-of-range', 'domain'],
      ['value-out-of-range', 'header_from'],
      ['value-out-of-range', 'record/reason'],
    ]);
    const report = r.reports.find((x) => x.reportId === 'ctl')!;
    expect(report.orgName).toBe('Evil\ufffd moc.elgoog \ufffd31m');
    expect(report.policy.domain).toHaveLength(1024);
    expect(r.records.find((x) => x.sourceIp === '192.0.2.9')!.reasons).toHaveLength(100);
    expect(figures(r).messages).toBe(alone.totals.messages + 2);
  });
});

describe('containers', () => {
  it('an Outlook.com report mail: the HTML and text bodies are not report parts, the gzip is read', async () => {
    const mail = { name: 'outlook.eml', bytes: enc(outlookMail(reportBytes({ reportId: 'ms' }))) };
    const r = await run([...GOOD, mail]);
    expect(r.files.filter((f) => f.path.startsWith('outlook.eml')).map((f) => [f.path, f.status])).toEqual([
      ['outlook.eml > enterprise.protection.outlook.com!contoso.example!1735689600!1735776000.xml.gz', 'ok'],
    ]);
    expect(r.totals.reports).toBe(alone.totals.reports + 1);
    expect(r.verdict.status).toBe('ok');
  });

  it('other parts (a PDF, ATT00001.txt, a signature) get no verdict; a mail of only those says it has no report', async () => {
    const part = (type: string, name: string, body: string) =>
      `--B\r\nContent-Type: ${type}; name="${name}"\r\nContent-Disposition: attachment; filename="${name}"\r\n\r\n${body}\r\n`;
    const mail = (parts: string) =>
      enc(
        `From: dmarc@r.example\r\nTo: dmarc@contoso.example\r\nSubject: Report domain: contoso.example\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\n${parts}--B--\r\n`,
      );
    const others =
      part('application/pdf', 'summary.pdf', '%PDF-1.4 binary') +
      part('text/plain', 'ATT00001.txt', '_______________ Sent from my phone') +
      part('application/pkcs7-signature', 'smime.p7s', 'MIIG') +
      part('text/html', 'ATT00002.htm', '<div><br></div>');
    const r = await run([
      { name: 'with.eml', bytes: mail(others + part('text/html', 'r.xml', reportXml({ reportId: 'html' }))) },
      { name: 'without.eml', bytes: mail(others) },
    ]);
    expect(r.files.map((f) => [f.path, f.status, f.reason])).toEqual([
      ['with.eml > r.xml', 'ok', ''],
      ['without.eml', 'skipped', 'The mail has no DMARC aggregate report attached.'],
    ]);
  });

  it('Yahoo’s "unused" attachment is skipped with its reason, not rejected', async () => {
    const gz = Buffer.from('H4sIAKImTmQAAyvNKy1OTQEA+UgslAYAAAA=', 'base64');
    const mail = enc(
      `From: noreply@dmarc.yahoo.com\r\nTo: dmarc@contoso.example\r\nSubject: Report Domain: contoso.example Submitter: yahoo.com\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\nThis is an aggregate report.\r\n--B\r\nContent-Type: application/gzip; name="yahoo.com!contoso.example!1682726400!1682812799.xml.gz"\r\nContent-Transfer-Encoding: base64\r\n\r\n${gz.toString('base64')}\r\n--B--\r\n`,
    );
    const r = await run([...GOOD, { name: 'yahoo.eml', bytes: mail }]);
    expect(verdictOf(r, 'yahoo.eml > yahoo.com!contoso.example!1682726400!1682812799.xml.gz')).toMatchObject({
      status: 'skipped',
      reason:
        'The attachment holds no report (it is not XML: only the word "unused", a known glitch of the reporter).',
    });
    expect(figures(r)).toEqual(figures(alone));
  });

  it('a report sent inline as the text body is still read', async () => {
    const mail = enc(
      `From: dmarc@small.example\r\nTo: dmarc@contoso.example\r\nSubject: Report domain: contoso.example\r\nContent-Type: text/plain\r\n\r\n${reportXml({ reportId: 'inline' })}`,
    );
    const r = await run([{ name: 'inline.eml', bytes: mail }]);
    expect(r.files.map((f) => [f.path, f.status])).toEqual([['inline.eml > body', 'ok']]);
  });

  it('past the member cap the input is rejected and says exactly how many reports were read and dropped', async () => {
    const box = reportMbox(Array.from({ length: 7 }, (_, i) => reportBytes({ reportId: `m${i}` })));
    const r = await run([...GOOD, { name: 'box.mbox', bytes: box }], { limits: { maxEntries: 5 } });
    expect(verdictOf(r, 'box.mbox')).toMatchObject({
      status: 'rejected',
      reason:
        '5 reports were read from it. Only the first 5 members that could be reports were read (the limit for one input file); 2 more mails were not read.',
    });
    expect(r.totals.reports).toBe(alone.totals.reports + 5);
  });

  it('a member name of any length is capped; its characters are kept for each output to escape', async () => {
    const long = `${'n'.repeat(400)}.xml`;
    const zip = zipSync({
      [long]: reportBytes({ reportId: 'n1' }),
      'a\u001b[2J.xml': reportBytes({ reportId: 'n2' }),
    });
    const r = await run([{ name: 'n.zip', bytes: zip }]);
    expect(r.files.map((f) => [f.path, f.status])).toEqual([
      [`n.zip > ${'n'.repeat(254)}…`, 'ok'],
      ['n.zip > a\u001b[2J.xml', 'ok'],
    ]);
  });

  it('past the bytes allowed for one input, the message says how many reports counted and what was not read', async () => {
    const reports = Array.from({ length: 6 }, (_, i) =>
      reportBytes({ reportId: `t${i}`, records: Array.from({ length: 40 }, () => ({ count: '1' })) }),
    );
    const box = reportMbox(reports);
    // Each report inflates to ~17 KB: the third one crosses 40,000 bytes.
    const r = await run([...GOOD, { name: 'box.mbox', bytes: box }], { limits: { maxTotalBytes: 40_000 } });
    expect(reports[0]!.length * 2).toBeLessThan(40_000);
    expect(reports[0]!.length * 3).toBeGreaterThan(40_000);
    expect(verdictOf(r, 'box.mbox')).toMatchObject({
      status: 'rejected',
      reason:
        '2 reports were read from it. The file inflates to more than 40,000 bytes in all, the limit for one input file. The rest was not read: 3 more mails.',
    });
    expect(r.totals.reports).toBe(alone.totals.reports + 2);
  });

  it('a zip member with a wrong CRC-32 is rejected; its neighbour is read', async () => {
    const zip = zipWithBadCrc({
      'flipped.xml': reportBytes({ reportId: 'z1' }),
      'fine.xml': reportBytes({ reportId: 'z2' }),
    });
    const r = await run([...GOOD, { name: 'r.zip', bytes: zip }]);
    expect(verdictOf(r, 'r.zip > flipped.xml').issues[0]).toMatchObject({
      code: 'archive-crc',
      severity: 'error',
    });
    expect(verdictOf(r, 'r.zip > fine.xml').status).toBe('ok');
    expect(r.totals.reports).toBe(alone.totals.reports + 1);
  });
});

describe('unusable input', () => {
  const unusable: NamedBytes[] = [
    { name: 'empty.xml', bytes: new Uint8Array(0) },
    { name: 'blank.xml', bytes: enc('  \r\n\t\r\n') },
    { name: 'shot.xml', bytes: new Uint8Array(BINARY_STARTS.png) },
    { name: 'report.pdf.xml', bytes: new Uint8Array(BINARY_STARTS.pdf) },
    { name: 'report.xml', bytes: xlsxBytes() },
    { name: 'export.csv', bytes: enc('Source IP,Count\r\n192.0.2.1,4\r\n') },
    { name: 'data.json', bytes: enc('{"value": []}') },
    { name: 'users.xml', bytes: enc('<?xml version="1.0"?><Objs><Obj/></Objs>') },
  ];

  it('each is rejected with a reason that says what it is', async () => {
    const r = await run([...GOOD, ...unusable]);
    expect(figures(r)).toEqual(figures(alone));
    expect(r.files.slice(GOOD.length).map((f) => [f.path, f.status, f.reason])).toEqual([
      [
        'empty.xml',
        'rejected',
        'empty.xml is empty: expected a DMARC report (aggregate XML, SMTP TLS JSON or a failure report mail; as sent, zipped, gzipped or in a mailbox file).',
      ],
      [
        'blank.xml',
        'rejected',
        'blank.xml is empty (only white space): expected a DMARC report (aggregate XML, SMTP TLS JSON or a failure report mail; as sent, zipped, gzipped or in a mailbox file).',
      ],
      [
        'shot.xml',
        'rejected',
        'shot.xml is a PNG image, not a DMARC report (aggregate XML, SMTP TLS JSON or a failure report mail; as sent, zipped, gzipped or in a mailbox file).',
      ],
      [
        'report.pdf.xml',
        'rejected',
        'report.pdf.xml is a PDF document, not a DMARC report (aggregate XML, SMTP TLS JSON or a failure report mail; as sent, zipped, gzipped or in a mailbox file).',
      ],
      [
        'report.xml',
        'rejected',
        expect.stringMatching(
          /^report\.xml is an Excel workbook \(\.xlsx\), not a DMARC report \(aggregate XML/,
        ),
      ],
      [
        'export.csv',
        'rejected',
        expect.stringMatching(
          /^This is text that is neither XML, JSON, zip, gzip nor a saved mail, not a DMARC report \(aggregate XML/,
        ),
      ],
      [
        'data.json',
        'rejected',
        'This is JSON, but not an SMTP TLS report (RFC 8460: organization-name, date-range, policies); DMARC aggregate reports are XML.',
      ],
      [
        'users.xml',
        'rejected',
        "The XML's root element is <Objs>, not <feedback>: it is not a DMARC aggregate report.",
      ],
    ]);
    expect(r.verdict.status).toBe('partial');
  });

  it('an Outlook .msg or a workbook is told where the report is, not how to make a CSV', async () => {
    const msg = new Uint8Array(512);
    msg.set([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
    const r = await run([
      { name: 'Report.msg', bytes: msg },
      { name: 'r.xlsx', bytes: xlsxBytes() },
    ]);
    expect(r.files.map((f) => f.reason)).toEqual([
      'Report.msg is an old Office document (.xls/.doc) or Outlook .msg, not a DMARC report (aggregate XML, SMTP TLS JSON or a failure report mail; as sent, zipped, gzipped or in a mailbox file). An Outlook message (.msg) cannot be read here: save the report attachment itself (.zip, .gz or .xml), or the mail as .eml, and drop that.',
      'r.xlsx is an Excel workbook (.xlsx), not a DMARC report (aggregate XML, SMTP TLS JSON or a failure report mail; as sent, zipped, gzipped or in a mailbox file). Drop the reports themselves (.xml, .zip, .gz or saved mails), not a workbook made from them.',
    ]);
  });

  it('when nothing usable was given the run says so, with no figures', async () => {
    const r = await run(unusable);
    expect(r.verdict).toEqual({
      status: 'unusable',
      message:
        'None of the 8 file(s) and member(s) given holds a readable aggregate, failure or SMTP TLS report (8 rejected): there are no figures to show.',
    });
    expect(r.totals.reports).toBe(0);
  });

  it('a run of only skipped input (a failure notice in prose only) is unusable too, without a rejection', async () => {
    const prose = enc(
      'From: a@b.example\r\nSubject: DMARC failure report\r\nContent-Type: multipart/report; report-type=feedback-report; boundary=B\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\nA message from 192.0.2.1 failed DMARC.\r\n--B--\r\n',
    );
    const r = await run([{ name: 'prose.eml', bytes: prose }]);
    expect(r.files.map((f) => f.status)).toEqual(['skipped']);
    expect(r.totals.failureReports).toBe(0);
    expect(r.verdict.status).toBe('unusable');
  });

  it('a run of only a failure report has figures: ok', async () => {
    const arf = enc(
      'From: a@b.example\r\nSubject: DMARC failure report\r\nContent-Type: multipart/report; report-type=feedback-report; boundary=B\r\n\r\n--B\r\nContent-Type: message/feedback-report\r\n\r\nFeedback-Type: auth-failure\r\n--B--\r\n',
    );
    const r = await run([{ name: 'arf.eml', bytes: arf }]);
    expect(r.files.map((f) => f.status)).toEqual(['ok']);
    expect(r.verdict.status).toBe('ok');
  });
});

describe('one count of problems', () => {
  it('rejected files = error issues, one each; warnings counted once over all files', async () => {
    const r = await run([
      ...GOOD,
      { name: 'gone.xml.gz', bytes: gzipSync(reportBytes()).subarray(0, 40) },
      {
        name: 'two.zip',
        bytes: zipSync({
          'a.xml': enc('<feedback>'),
          'b.xml': reportBytes({ pct: '700', begin: '5', end: '6' }),
        }),
      },
      { name: 'shot.png', bytes: new Uint8Array(BINARY_STARTS.png) },
    ]);
    const errors = r.files.flatMap((f) => f.issues).filter((i) => i.severity === 'error');
    const warnings = r.files.flatMap((f) => f.issues).filter((i) => i.severity === 'warning');
    expect(r.totals.issues).toEqual({ errors: errors.length, warnings: warnings.length });
    expect(r.totals.issues.errors).toBe(r.totals.filesByStatus.rejected);
    expect(r.totals.filesByStatus).toEqual({ ok: 3, warning: 1, rejected: 3, skipped: 0 });
    for (const f of r.files) {
      const n = f.issues.filter((i) => i.severity === 'error').length;
      expect(n).toBe(f.status === 'rejected' ? 1 : 0);
    }
  });
});
