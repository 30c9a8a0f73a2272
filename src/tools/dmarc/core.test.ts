import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Deflate, gzipSync, zipSync } from 'fflate';
import { analyse, analyseFiles, rawXml, senderRecords, toSummary } from './core.ts';
import { toJson } from './exports.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const fixture = (name: string) =>
  new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));
const b64 = (bytes: Uint8Array) =>
  Buffer.from(bytes)
    .toString('base64')
    .replace(/(.{76})/g, '$1\r\n');
const verdicts = (r: Awaited<ReturnType<typeof analyse>>) =>
  r.files.map((f) => [f.path, f.status, f.reason || f.warnings.join(' | ')]);

/** One deflated member, written by hand so that it can declare any size (fflate would not build a bomb for us). */
function oneMemberZip(name: string, deflated: Uint8Array, size: number): Uint8Array {
  const n = enc(name);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(deflated.length, 18);
  local.writeUInt32LE(size >>> 0, 22);
  local.writeUInt16LE(n.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(deflated.length, 20);
  central.writeUInt32LE(size >>> 0, 24);
  central.writeUInt16LE(n.length, 28);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(46 + n.length, 12);
  end.writeUInt32LE(30 + n.length + deflated.length, 16);
  return new Uint8Array(Buffer.concat([local, n, deflated, central, n, end]));
}

function eml(headers: string[], body: string): Uint8Array {
  return enc([...headers, '', body].join('\r\n'));
}

function multipart(headers: string[], parts: { headers: string[]; body: string }[]): Uint8Array {
  const b = '----=_Part_0_123';
  const body =
    parts.map((p) => `--${b}\r\n${p.headers.join('\r\n')}\r\n\r\n${p.body}\r\n`).join('') + `--${b}--\r\n`;
  return eml([...headers, 'MIME-Version: 1.0', `Content-Type: multipart/mixed; boundary="${b}"`], body);
}

const REPORT_MAIL_HEADERS = [
  'From: noreply-dmarc-support@google.com',
  'To: dmarc@contoso.example',
  'Subject: Report domain: contoso.example Submitter: google.com Report-ID: <4702939190393750915>',
];

describe('a verdict for every input file and member', () => {
  it('reads a report attached to a mail, inside a zip; the note beside it gets no verdict', async () => {
    const zip = zipSync({ 'google.com!contoso.example!1735689600!1735775999.xml': fixture('google.xml') });
    const mail = multipart(REPORT_MAIL_HEADERS, [
      {
        headers: ['Content-Type: text/plain; charset=UTF-8'],
        body: 'This is an aggregate report from google.com.',
      },
      {
        headers: [
          'Content-Type: application/zip; name="google.zip"',
          'Content-Disposition: attachment; filename="google.zip"',
          'Content-Transfer-Encoding: base64',
        ],
        body: b64(zip),
      },
    ]);
    const r = await analyse([{ name: 'inbox/report.eml', bytes: mail }]);
    expect(verdicts(r)).toEqual([
      ['inbox/report.eml > google.zip > google.com!contoso.example!1735689600!1735775999.xml', 'ok', ''],
    ]);
    expect(r.totals).toMatchObject({ reports: 1, messages: 23, dmarcPass: 20 });
  });

  it('reads failure and TLS reports beside aggregate ones; skips, with the reason, prose-only failure notices, mails without a report and other files', async () => {
    const arf = multipart(
      ['From: dmarc@receiver.example', 'Subject: DMARC Failure Report for contoso.example'],
      [
        { headers: ['Content-Type: text/plain'], body: 'This is an authentication failure report.' },
        {
          headers: ['Content-Type: message/feedback-report'],
          body: 'Feedback-Type: auth-failure\r\nAuth-Failure: dmarc\r\nReported-Domain: contoso.example',
        },
        {
          headers: ['Content-Type: text/rfc822-headers'],
          body: 'From: ceo@contoso.example\r\nSubject: invoice',
        },
      ],
    );
    const exim = eml(
      [
        'From: no-reply@mailgate.example',
        'Subject: DMARC Forensic Report for contoso.example from IP 203.0.113.68',
        'Content-Type: text/plain',
      ],
      'A message claiming to be from you has failed the published DMARC policy.',
    );
    const tls = JSON.stringify({
      'organization-name': 'Google Inc.',
      'date-range': { 'start-datetime': '2025-01-01T00:00:00Z', 'end-datetime': '2025-01-01T23:59:59Z' },
      'contact-info': 'smtp-tls-reporting@google.com',
      'report-id': '2025-01-01T00:00:00Z_contoso.example',
      policies: [
        {
          policy: { 'policy-type': 'no-policy-found', 'policy-domain': 'contoso.example' },
          summary: { 'total-successful-session-count': 12, 'total-failure-session-count': 0 },
        },
      ],
    });
    const tlsMail = multipart(
      [
        'From: noreply-smtp-tls-reporting@google.com',
        'Subject: Report Domain: contoso.example Submitter: google.com',
      ],
      [
        {
          headers: [
            'Content-Type: application/tlsrpt+gzip; name="google.com!contoso.example!1735689600!1735775999!001.json.gz"',
            'Content-Transfer-Encoding: base64',
          ],
          body: b64(gzipSync(enc(tls))),
        },
      ],
    );
    const chat = eml(
      ['From: colleague@contoso.example', 'Subject: lunch?', 'Content-Type: text/plain'],
      'Shall we?',
    );
    const r = await analyse([
      { name: 'arf.eml', bytes: arf },
      { name: 'exim.eml', bytes: exim },
      { name: 'tls.json', bytes: enc(tls) },
      { name: 'tls.eml', bytes: tlsMail },
      { name: 'chat.eml', bytes: chat },
      {
        name: 'logo.png',
        bytes: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
      },
      { name: 'feed.xml', bytes: enc('<?xml version="1.0"?><rss version="2.0"><channel/></rss>') },
    ]);
    expect(verdicts(r)).toEqual([
      ['arf.eml', 'ok', ''],
      [
        'exim.eml',
        'skipped',
        'A DMARC failure (forensic) report mail without its machine-readable part (message/feedback-report): not counted, skipped.',
      ],
      ['tls.json', 'ok', ''],
      // The same report as tls.json: counted once.
      [
        'tls.eml > google.com!contoso.example!1735689600!1735775999!001.json.gz',
        'warning',
        'Duplicate of tls.json; counted once.',
      ],
      ['chat.eml', 'skipped', 'The mail has no DMARC aggregate report attached.'],
      // Given as reports but unusable: the wrong file is rejected, not passed over.
      [
        'logo.png',
        'rejected',
        'logo.png is a PNG image, not a DMARC report (aggregate XML, SMTP TLS JSON or a failure report mail; as sent, zipped, gzipped or in a mailbox file).',
      ],
      [
        'feed.xml',
        'rejected',
        "The XML's root element is <rss>, not <feedback>: it is not a DMARC aggregate report.",
      ],
    ]);
    expect(r.totals.reports).toBe(0);
    expect(r.totals).toMatchObject({
      failureReports: 1,
      tlsReports: 1,
      tlsSuccessfulSessions: 12,
      tlsFailedSessions: 0,
    });
    expect(r.failureReports[0]).toMatchObject({
      source: 'arf.eml',
      feedbackType: 'auth-failure',
      authFailure: 'dmarc',
      reportedDomain: 'contoso.example',
      subject: 'invoice',
      from: 'ceo@contoso.example',
      isHeadersOnly: true,
    });
    expect(r.tlsReports[1]!.duplicateOf).toBe(0);
    // Some files were rejected, but there are figures: failure and TLS reports.
    expect(r.verdict.status).toBe('partial');
  });

  it('one bad file (or member) never sinks the batch', async () => {
    const zip = zipSync({
      'good.xml': fixture('yahoo.xml'),
      'broken.xml': enc('<feedback><report_metadata></feedback>'),
      'empty.xml': new Uint8Array(0),
    });
    const r = await analyse([
      { name: 'truncated.xml.gz', bytes: gzipSync(fixture('gmx.xml')).subarray(0, 200) },
      { name: 'batch.zip', bytes: zip },
      { name: 'mimecast.xml', bytes: fixture('mimecast.xml') },
    ]);
    expect(verdicts(r)).toEqual([
      ['truncated.xml.gz', 'rejected', expect.stringMatching(/^The gzip data is damaged or truncated/)],
      ['batch.zip > good.xml', 'ok', ''],
      [
        'batch.zip > broken.xml',
        'rejected',
        'line 1, column 38: The XML is not well-formed: unexpected close tag.',
      ],
      ['batch.zip > empty.xml', 'rejected', 'The file is empty.'],
      ['mimecast.xml', 'ok', ''],
    ]);
    expect(r.totals).toMatchObject({
      reports: 2,
      messages: 13,
      filesByStatus: { ok: 2, warning: 0, rejected: 3, skipped: 0 },
    });
    expect(r.files[2]?.issues[0]).toMatchObject({ code: 'xml-malformed', line: 1, column: 38 });
  });

  it('counts a duplicate once, keeps the copy with most records, and says so', async () => {
    const full = fixture('google.xml');
    const partial = enc(
      new TextDecoder()
        .decode(full)
        .replace(/<record>(?:(?!<record>)[\s\S])*?<\/record>\s*<\/feedback>/, '</feedback>'),
    );
    const r = await analyse([
      { name: 'partial.xml', bytes: partial },
      { name: 'google.xml.gz', bytes: gzipSync(full) },
      { name: 'again.zip', bytes: zipSync({ 'google.xml': full }) },
    ]);
    // The two full copies have the same records: the first by path is kept, whatever the order of reading.
    const dup =
      'Duplicate of again.zip > google.xml (same reporter, report ID, domain and begin); counted once.';
    // The partial copy differs, and says how: both copies' figures.
    expect(verdicts(r)).toEqual([
      [
        'partial.xml',
        'warning',
        'Same reporter, report ID, domain and begin as again.zip > google.xml, but different contents: this copy has 3 records, 22 messages (19 passing DMARC), the kept copy 4 records, 23 messages (20 passing DMARC). Only the kept copy is counted (it has more records).',
      ],
      ['google.xml.gz', 'warning', dup],
      ['again.zip > google.xml', 'ok', ''],
    ]);
    expect(r.totals).toMatchObject({ reports: 1, duplicates: 2, records: 4, messages: 23 });
    expect(toJson(r).reports.map((x) => x.source)).toEqual(['again.zip > google.xml']);
  });

  it('reports progress per input file and stops on cancel', async () => {
    const seen: [number, number][] = [];
    const files = ['google.xml', 'yahoo.xml', 'gmx.xml'].map((n) => ({ name: n, bytes: fixture(n) }));
    await analyse(files, { onProgress: (d, t) => seen.push([d, t]) });
    expect(seen).toEqual([
      [1, 3],
      [2, 3],
      [3, 3],
    ]);
    const controller = new AbortController();
    const run = analyse(files, {
      signal: controller.signal,
      onProgress: (d) => d === 1 && controller.abort(),
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('reads files lazily, one at a time', async () => {
    const order: string[] = [];
    const files = ['google.xml', 'gmx.xml'].map((n) => ({
      name: n,
      read: async () => {
        order.push(`read ${n}`);
        return fixture(n);
      },
    }));
    const r = await analyseFiles(files, { onProgress: (d) => order.push(`done ${d}`) });
    expect(order).toEqual(['read google.xml', 'done 1', 'read gmx.xml', 'done 2']);
    expect(r.totals.messages).toBe(34);
  });

  it('finds the raw XML of a report again by its source path', async () => {
    const zip = zipSync({ 'a/yahoo.xml.gz': gzipSync(fixture('yahoo.xml')) });
    const r = await analyse([{ name: 'reports.zip', bytes: zip }]);
    const source = r.reports[0]!.source;
    expect(source).toBe('reports.zip > a/yahoo.xml.gz');
    expect(rawXml({ name: 'reports.zip', bytes: zip }, source)).toBe(
      new TextDecoder().decode(fixture('yahoo.xml')),
    );
  });
});

describe('hostile inputs: refused with a clear message, the rest still read', () => {
  const good = () => ({ name: 'good.xml', bytes: fixture('gmx.xml') });

  it('a zip bomb', async () => {
    const chunks: Uint8Array[] = [];
    const d = new Deflate({ level: 1 }, (c) => chunks.push(c));
    const zeros = new Uint8Array(1 << 22);
    for (let i = 0; i < 16; i++) d.push(zeros, i === 15);
    const zip = oneMemberZip('report.xml', Buffer.concat(chunks), 64 << 20);
    const r = await analyse([{ name: 'bomb.zip', bytes: zip }, good()]);
    expect(verdicts(r)[0]).toEqual([
      'bomb.zip',
      'rejected',
      expect.stringMatching(/^Compressed data inflates more than 1,000 times .* a compression bomb\.$/),
    ]);
    expect(r.files[0]?.issues[0]?.code).toBe('limit-ratio');
    expect(verdicts(r)[1]).toEqual(['good.xml', 'ok', '']);
  });

  it('a gzip bomb', async () => {
    const member = gzipSync(new Uint8Array(8 << 20), { level: 1 });
    const bomb = new Uint8Array(member.length * 100);
    for (let i = 0; i < 100; i++) bomb.set(member, i * member.length);
    const r = await analyse([{ name: 'bomb.xml.gz', bytes: bomb }, good()]);
    expect(r.files.map((f) => [f.path, f.status, f.issues[0]?.code])).toEqual([
      ['bomb.xml.gz', 'rejected', 'limit-ratio'],
      ['good.xml', 'ok', undefined],
    ]);
  });

  it('billion laughs (a DTD)', async () => {
    const lol = `<?xml version="1.0"?>\n<!DOCTYPE feedback [\n<!ENTITY lol "lol">\n${Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`).join('\n')}\n]>\n<feedback><report_metadata><org_name>&lol9;</org_name></report_metadata></feedback>`;
    const r = await analyse([{ name: 'lol.xml', bytes: enc(lol) }, good()]);
    expect(verdicts(r)[0]).toEqual([
      'lol.xml',
      'rejected',
      'line 2, column 1: The XML is not well-formed: A DOCTYPE (DTD) is not allowed: it can declare entities that expand without limit.',
    ]);
    expect(r.totals.reports).toBe(1);
  });

  it('deep nesting', async () => {
    const deep = `<feedback>${'<record>'.repeat(200_000)}${'</record>'.repeat(200_000)}</feedback>`;
    const r = await analyse([{ name: 'deep.xml', bytes: enc(deep) }, good()]);
    expect(verdicts(r)[0]).toEqual([
      'deep.xml',
      'rejected',
      'line 1, column 522: The XML is not well-formed: Elements are nested more than 64 deep.',
    ]);
  });

  it('a 100 MB report on one line is read to the last record', async () => {
    const record = (i: number) =>
      `<record><row><source_ip>10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}</source_ip><count>${(i % 7) + 1}</count><policy_evaluated><disposition>none</disposition><dkim>${i % 3 ? 'pass' : 'fail'}</dkim><spf>fail</spf></policy_evaluated></row><identifiers><header_from>contoso.example</header_from></identifiers><auth_results><spf><domain>contoso.example</domain><result>fail</result></spf></auth_results></record>`;
    const head =
      '<?xml version="1.0"?><feedback><report_metadata><org_name>big</org_name><email>e</email><report_id>1</report_id><date_range><begin>1735689600</begin><end>1735775999</end></date_range></report_metadata><policy_published><domain>contoso.example</domain><p>none</p></policy_published>';
    const parts = [head];
    let size = head.length;
    let n = 0;
    let messages = 0;
    let pass = 0;
    while (size < 100 * 2 ** 20) {
      const rec = record(n);
      parts.push(rec);
      size += rec.length;
      messages += (n % 7) + 1;
      if (n % 3) pass += (n % 7) + 1;
      n++;
    }
    parts.push('</feedback>');
    const bytes = enc(parts.join(''));
    expect(bytes.length).toBeGreaterThan(100 * 2 ** 20);
    const r = await analyse([{ name: 'one-line.xml', bytes }]);
    expect(r.files.map((f) => f.status)).toEqual(['ok']);
    expect(r.totals).toMatchObject({ reports: 1, records: n, messages, dmarcPass: pass });
  });
});

describe('what the page is sent', () => {
  it('the summary carries no records and no reports; a sender comes with the reports its records name', async () => {
    const { generateReports } = await import('./generate.ts');
    const result = await analyse(generateReports({ reports: 12 }).files);
    const summary = toSummary(result);
    expect(summary).not.toHaveProperty('reports');
    expect(summary).not.toHaveProperty('records');
    expect(summary.recordCount).toBe(result.records.length);
    for (const sender of result.senders.slice(0, 3)) {
      const { records, reports } = senderRecords(result, sender.id);
      expect(records.length).toBe(sender.records);
      expect(records.every((r) => r.sender === sender.id)).toBe(true);
      const named = [...new Set(records.map((r) => r.report))].sort((a, b) => a - b);
      expect(Object.keys(reports).map(Number)).toEqual(named);
      for (const i of named) {
        const { source, input, orgName, begin } = result.reports[i]!;
        expect(reports[i]).toEqual({ source, input, orgName, begin });
      }
    }
  });
});
