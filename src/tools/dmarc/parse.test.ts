import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isIpAddress, parseAggregateBytes, parseAggregateXml, type ParseOutcome } from './parse.ts';

const fixture = (name: string) =>
  new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));
const parse = (name: string, reader: 'sax' | 'fxp' = 'sax') =>
  parseAggregateBytes(fixture(name), name, name, reader);
const xml = (body: string, policy = '<domain>contoso.example</domain><p>none</p>') =>
  `<?xml version="1.0"?><feedback><report_metadata><org_name>r</org_name><email>e</email><report_id>id</report_id><date_range><begin>1735689600</begin><end>1735775999</end></date_range></report_metadata><policy_published>${policy}</policy_published>${body}</feedback>`;
const rec = (count: string, dkim = 'pass', spf = 'fail', disposition = 'none') =>
  `<record><row><source_ip>192.0.2.1</source_ip><count>${count}</count><policy_evaluated><disposition>${disposition}</disposition><dkim>${dkim}</dkim><spf>${spf}</spf></policy_evaluated></row><identifiers><header_from>contoso.example</header_from></identifiers><auth_results><spf><domain>contoso.example</domain><result>pass</result></spf></auth_results></record>`;
const codes = (o: ParseOutcome) => o.issues.map((i) => i.code);

describe('handwritten reports in the shapes of real reporters', () => {
  it('Google: several DKIM results per record, np, subdomain header_from', () => {
    const o = parse('google.xml');
    expect(o.outcome).toBe('report');
    expect(o.issues).toEqual([]);
    expect(o.report).toMatchObject({
      orgName: 'google.com',
      email: 'noreply-dmarc-support@google.com',
      reportId: '4702939190393750915',
      begin: 1735689600,
      end: 1735775999,
      version: '',
      policy: {
        domain: 'contoso.example',
        adkim: 'r',
        aspf: 'r',
        p: 'none',
        sp: 'none',
        pct: '100',
        np: 'none',
      },
      recordCount: 4,
      messages: 23,
      dmarcPass: 20,
    });
    expect(o.records[1]).toEqual({
      report: -1,
      sender: -1,
      sourceIp: '40.107.22.105',
      count: 7,
      isCountInvalid: false,
      disposition: 'none',
      dkim: 'pass',
      spf: 'fail',
      isDmarcPass: true,
      reasons: [],
      headerFrom: 'contoso.example',
      envelopeFrom: '',
      envelopeTo: '',
      dkimAuth: [
        { domain: 'contoso.example', selector: 'selector1', result: 'pass', humanResult: '' },
        {
          domain: 'contoso.onmicrosoft.com',
          selector: 'selector1-contoso-example',
          result: 'pass',
          humanResult: '',
        },
      ],
      spfAuth: [{ domain: 'contoso.example', scope: '', result: 'softfail', humanResult: '' }],
    });
    expect(o.records[3]).toMatchObject({
      headerFrom: 'news.contoso.example',
      isDmarcPass: true,
      dkim: 'fail',
      spf: 'pass',
    });
  });

  it('Microsoft: xsd/xsi namespace declarations, version 1.0, envelope_to', () => {
    const o = parse('microsoft.xml');
    expect(o.issues).toEqual([]);
    expect(o.report).toMatchObject({
      orgName: 'Enterprise Outlook',
      version: '1.0',
      messages: 7,
      dmarcPass: 5,
      policy: { p: 'quarantine', fo: '0' },
    });
    expect(o.records[0]).toMatchObject({
      disposition: 'quarantine',
      envelopeTo: 'fabrikam.example',
      envelopeFrom: 'contoso.example',
      isDmarcPass: false,
    });
    expect(o.records[1]?.spfAuth).toEqual([
      { domain: 'bounces.sendgrid.net', scope: 'mfrom', result: 'pass', humanResult: '' },
    ]);
  });

  it('Yahoo: trailing tabs on every line, no <sp>, IPv6 source, a period not starting at midnight', () => {
    const o = parse('yahoo.xml');
    expect(o.issues).toEqual([]);
    expect(o.report).toMatchObject({
      orgName: 'Yahoo',
      begin: 1735732800,
      end: 1735819199,
      policy: { sp: '', p: 'none' },
      messages: 10,
      dmarcPass: 10,
    });
    expect(o.records.map((r) => r.sourceIp)).toEqual(['2001:db8::25', '66.102.1.5']);
  });

  it('GMX: the RFC 9990 namespace, generator, testing, discovery_method, no pct, disposition "pass", a reason', () => {
    const o = parse('gmx.xml');
    expect(o.issues).toEqual([]);
    expect(o.report).toMatchObject({
      namespace: 'urn:ietf:params:xml:ns:dmarc-2.0',
      generator: 'GMX DMARC reporter',
      policy: { p: 'reject', np: 'reject', testing: 'n', discoveryMethod: 'treewalk', pct: '' },
      messages: 11,
      dmarcPass: 9,
    });
    expect(o.records[0]).toMatchObject({
      disposition: 'pass',
      envelopeFrom: '',
      dkimAuth: [{ humanResult: '2048-bit key' }],
    });
    expect(o.records[1]).toMatchObject({
      disposition: 'reject',
      reasons: [{ type: 'other', comment: 'policy reject' }],
    });
  });

  it('Mimecast: standalone declaration, empty <human_result/>, a local_policy override', () => {
    const o = parse('mimecast.xml');
    expect(o.issues).toEqual([]);
    expect(o.report).toMatchObject({
      orgName: 'Mimecast',
      messages: 3,
      dmarcPass: 1,
      policy: { p: 'reject', sp: 'none' },
    });
    expect(o.records[1]).toMatchObject({
      reasons: [{ type: 'local_policy', comment: 'arc=pass' }],
      isDmarcPass: false,
    });
  });

  it('fast-xml-parser as the reader gives the same reports', () => {
    for (const name of ['google.xml', 'microsoft.xml', 'yahoo.xml', 'gmx.xml', 'mimecast.xml']) {
      expect(parse(name, 'fxp')).toEqual(parse(name, 'sax'));
    }
  });
});

describe('tolerant about structure', () => {
  it('matches elements by local name with any prefix, and <identities> for <identifiers>', () => {
    const doc = `<ns1:feedback xmlns:ns1="http://dmarc.org/dmarc-xml/0.1"><ns1:report_metadata><ns1:org_name>AOL</ns1:org_name><ns1:report_id>x</ns1:report_id><ns1:date_range><ns1:begin>1</ns1:begin><ns1:end>2</ns1:end></ns1:date_range></ns1:report_metadata><ns1:policy_published><ns1:domain>A.Example</ns1:domain></ns1:policy_published><ns1:record><ns1:row><ns1:source_ip>192.0.2.9</ns1:source_ip><ns1:count>4</ns1:count><ns1:policy_evaluated><ns1:disposition>none</ns1:disposition><ns1:dkim>pass</ns1:dkim><ns1:spf>fail</ns1:spf></ns1:policy_evaluated></ns1:row><ns1:identities><ns1:header_from>a.example</ns1:header_from></ns1:identities></ns1:record></ns1:feedback>`;
    const o = parseAggregateXml(doc, 'aol.xml', 'aol.xml');
    expect(o.report).toMatchObject({
      orgName: 'AOL',
      policy: { domain: 'a.example' },
      messages: 4,
      dmarcPass: 4,
    });
    expect(o.records[0]?.headerFrom).toBe('a.example');
  });

  it('takes elements in any order and skips unknown ones and extensions', () => {
    const doc = `<feedback><record><auth_results><spf><result>pass</result><domain>b.example</domain></spf></auth_results><ext:arc xmlns:ext="urn:x"><ext:count>999</ext:count></ext:arc><identifiers><header_from>b.example</header_from></identifiers><row><policy_evaluated><spf>pass</spf><dkim>fail</dkim><disposition>none</disposition></policy_evaluated><count>2</count><source_ip>192.0.2.3</source_ip></row></record><extension><x>1</x></extension><policy_published><p>none</p><domain>b.example</domain></policy_published><report_metadata><date_range><end>1735775999</end><begin>1735689600</begin></date_range><report_id>r</report_id><org_name>o</org_name></report_metadata></feedback>`;
    const o = parseAggregateXml(doc, 'f', 'f');
    expect(o.issues).toEqual([]);
    expect(o.report).toMatchObject({ begin: 1735689600, end: 1735775999, messages: 2, dmarcPass: 2 });
  });

  it('reads a UTF-8 BOM, leading whitespace, and windows-1252 (with a warning when UTF-8 was claimed)', () => {
    const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('\n  ' + xml(rec('1')))]);
    expect(parseAggregateBytes(bom, 'b', 'b').report?.messages).toBe(1);
    const latin = new TextEncoder().encode(
      xml(rec('1')).replace('<org_name>r</org_name>', '<org_name>M\u0000ller</org_name>'),
    );
    latin[latin.indexOf(0)] = 0xfc;
    const o = parseAggregateBytes(latin, 'l', 'l');
    expect(o.report?.orgName).toBe('Müller');
    expect(codes(o)).toEqual(['xml-encoding-fallback']);
  });

  it('accepts a report without <version>, <envelope_from>, or any record', () => {
    const o = parseAggregateXml(xml(''), 'z', 'z');
    expect(o.outcome).toBe('report');
    expect(o.report).toMatchObject({ recordCount: 0, messages: 0, version: '' });
    expect(o.issues).toMatchObject([{ code: 'no-records', severity: 'info' }]);
  });
});

describe('strict about counts', () => {
  it('counts messages as the sum of <count>; "3.0" is 3 with a warning', () => {
    const o = parseAggregateXml(xml(rec('5') + rec(' 3.0 ') + rec('2')), 'c', 'c');
    expect(o.report?.messages).toBe(10);
    expect(o.issues).toMatchObject([
      {
        code: 'count-decimal',
        severity: 'warning',
        message: '<count> is written as a decimal ("3.0"); it was read as 3.',
      },
    ]);
  });

  it('counts anything else as 0, flags the record, and keeps the report', () => {
    const o = parseAggregateXml(
      xml(rec('5') + rec('2.5') + rec('-1') + rec('') + rec('1e3') + rec('2.5')),
      'c',
      'c',
    );
    expect(o.outcome).toBe('report');
    expect(o.report?.messages).toBe(5);
    expect(o.records.map((r) => r.isCountInvalid)).toEqual([false, true, true, true, true, true]);
    expect(o.issues.map((i) => i.message)).toEqual([
      '2 records: <count> "2.5" is not a whole number; the record was counted as 0 messages and flagged.',
      '<count> "-1" is not a whole number; the record was counted as 0 messages and flagged.',
      '<count> "" is not a whole number; the record was counted as 0 messages and flagged.',
      '<count> "1e3" is not a whole number; the record was counted as 0 messages and flagged.',
    ]);
  });

  it('DMARC pass = policy_evaluated dkim or spf is "pass", trimmed and case-insensitive', () => {
    const o = parseAggregateXml(
      xml(
        rec('1', 'Pass', 'fail') +
          rec('2', 'fail', ' PASS ') +
          rec('4', 'fail', 'fail') +
          rec('8', 'pass', 'pass'),
      ),
      'p',
      'p',
    );
    expect(o.records.map((r) => r.isDmarcPass)).toEqual([true, true, false, true]);
    expect(o.report).toMatchObject({ messages: 15, dmarcPass: 11 });
    expect(o.issues).toEqual([]);
  });

  it('keeps unknown words as they are and never counts them as pass', () => {
    const o = parseAggregateXml(
      xml(rec('1', 'hardfail', 'softfail', 'Quarantined') + rec('2', '', 'none')),
      'u',
      'u',
    );
    expect(o.records.map((r) => [r.dkim, r.spf, r.disposition, r.isDmarcPass])).toEqual([
      ['hardfail', 'softfail', 'quarantined', false],
      ['', 'none', 'none', false],
    ]);
    expect(o.report?.dmarcPass).toBe(0);
    expect(codes(o)).toEqual([
      'unknown-result',
      'unknown-result',
      'unknown-result',
      'unknown-result',
      'unknown-result',
    ]);
  });

  it('one record without <policy_evaluated> or <source_ip> does not sink the report', () => {
    const bad =
      '<record><row><count>3</count></row><identifiers><header_from>contoso.example</header_from></identifiers></record>';
    const o = parseAggregateXml(xml(rec('4') + bad), 'b', 'b');
    expect(o.report).toMatchObject({ messages: 7, dmarcPass: 4, recordCount: 2 });
    expect(codes(o)).toEqual(['missing-element', 'missing-element']);
  });
});

describe('what is not a readable aggregate report', () => {
  it('rejects malformed XML with line and column', () => {
    const o = parseAggregateXml(
      '<?xml version="1.0"?>\n<feedback>\n  <report_metadata>\n</feedback>',
      'x',
      'x',
    );
    expect(o.outcome).toBe('rejected');
    expect(o.issues).toEqual([
      {
        code: 'xml-malformed',
        severity: 'error',
        file: 'x',
        line: 4,
        column: 11,
        message: 'The XML is not well-formed: unexpected close tag.',
      },
    ]);
  });

  it('rejects a DTD (billion laughs) without expanding anything', () => {
    const o = parseAggregateXml(
      '<?xml version="1.0"?>\n<!DOCTYPE f [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n<feedback>&b;</feedback>',
      'x',
      'x',
    );
    expect(o).toMatchObject({
      outcome: 'rejected',
      issues: [{ code: 'xml-malformed', line: 2, message: expect.stringMatching(/DOCTYPE/) }],
    });
  });

  it('skips well-formed XML whose root is not <feedback>', () => {
    const o = parseAggregateXml('<?xml version="1.0"?><rss><channel/></rss>', 'x', 'x');
    expect(o).toMatchObject({
      outcome: 'skipped',
      issues: [{ code: 'not-aggregate-report', severity: 'info' }],
    });
  });

  it('warns about missing report_id, date_range and policy domain but still counts', () => {
    const o = parseAggregateXml(
      `<feedback><report_metadata><org_name>o</org_name></report_metadata>${rec('2')}</feedback>`,
      'm',
      'm',
    );
    expect(o.report).toMatchObject({ begin: null, end: null, messages: 2 });
    expect(o.issues.map((i) => i.path)).toEqual([
      'report_metadata/report_id',
      'feedback/policy_published',
      'report_metadata/date_range',
    ]);
  });

  it('warns about a date range that is not epoch seconds, and accepts trailing spaces', () => {
    const o = parseAggregateXml(
      xml(rec('1')).replace('<begin>1735689600</begin>', '<begin>2025-01-01</begin>'),
      'd',
      'd',
    );
    expect(o.issues).toMatchObject([{ code: 'bad-date' }]);
    expect(
      parseAggregateXml(xml(rec('1')).replace('<end>1735775999</end>', '<end>1735775999 </end>'), 'd', 'd')
        .report?.end,
    ).toBe(1735775999);
  });
});

describe('isIpAddress', () => {
  it('takes dotted quads of one to three digits up to 255, and IPv6 with or without an IPv4 tail', () => {
    for (const ip of [
      '192.0.2.1',
      '0.0.0.0',
      '255.255.255.255',
      '01.002.3.4',
      '2001:db8::1',
      '::ffff:192.0.2.1',
      '::',
    ])
      expect(isIpAddress(ip), ip).toBe(true);
    const bad = [
      '256.0.0.1',
      '1.2.3',
      '1.2.3.4.5',
      '1.2.3.4.',
      '.1.2.3',
      '1..2.3',
      '1234.1.1.1',
      '1.2.3.x',
      ' 1.2.3.4',
    ];
    for (const ip of [...bad, '1.2.3.\u0664', '', '::ffff:1.2.3.256', '1:2:3:4:5:6:7:8:9'])
      expect(isIpAddress(ip), ip).toBe(false);
  });
});
