import { gzipSync, zipSync } from 'fflate';
import type { NamedBytes } from '../../lib/issue.ts';
import { seededRandom } from '../../lib/seeded-random.ts';

/**
 * A realistic batch of aggregate reports with a known answer, for the benchmark and tests: reporters in the shapes
 * they really use (Google zips, Microsoft and Mimecast gzips, Yahoo with trailing tabs, GMX in the RFC 9990
 * namespace), a few large reports and many small ones. Totals come from the model, never from the parser.
 */

export interface GenerateOptions {
  reports: number;
  seed?: number;
}

export interface GeneratedSet {
  files: NamedBytes[];
  expected: { reports: number; records: number; messages: number; dmarcPass: number; xmlBytes: number };
  /** Every source IP of a record, in first-seen order. */
  sourceIps: string[];
}

interface Reporter {
  org: string;
  email: string;
  container: 'zip' | 'gz' | 'xml';
  namespace?: string;
  /** Yahoo ends every line with a tab. */
  eol: string;
}

const REPORTERS: Reporter[] = [
  { org: 'google.com', email: 'noreply-dmarc-support@google.com', container: 'zip', eol: '\n' },
  { org: 'Enterprise Outlook', email: 'dmarcreport@microsoft.com', container: 'gz', eol: '\n' },
  { org: 'Yahoo', email: 'dmarchelp@yahooinc.com', container: 'gz', eol: '\t\n' },
  {
    org: 'GMX',
    email: 'noreply-dmarc@sicher.gmx.net',
    container: 'xml',
    namespace: 'urn:ietf:params:xml:ns:dmarc-2.0',
    eol: '\n',
  },
  { org: 'Mimecast', email: 'no-reply@eu-1.mimecastreport.com', container: 'gz', eol: '\n' },
];

const DOMAINS = ['contoso.example', 'fabrikam.example', 'northwind.example'];

/** Sources: [ip prefix, DKIM d= or '', SPF domain, aligned DKIM?, aligned SPF?]. */
const SOURCES: [string, string, string, boolean, boolean][] = [
  ['209.85.220.', 'google.com', '{d}', true, true],
  ['40.107.22.', '{d}', '{d}', true, false],
  ['54.240.8.', 'amazonses.com', 'amazonses.com', false, false],
  ['149.72.10.', 'sendgrid.net', 'sendgrid.net', true, false],
  ['203.0.113.', '', '{d}', false, false],
  ['198.51.100.', '', 'spoof.example', false, false],
];

export function generateReports(opts: GenerateOptions): GeneratedSet {
  const rand = seededRandom(opts.seed ?? 42);
  const pick = <T>(list: T[]) => list[Math.floor(rand() * list.length)]!;
  const files: NamedBytes[] = [];
  let records = 0;
  let messages = 0;
  let dmarcPass = 0;
  let xmlBytes = 0;
  const sourceIps = new Set<string>();
  const enc = new TextEncoder();
  const day0 = Date.UTC(2025, 0, 1) / 1000;
  for (let i = 0; i < opts.reports; i++) {
    const rep = pick(REPORTERS);
    const domain = pick(DOMAINS);
    const begin = day0 + Math.floor(rand() * 90) * 86400;
    const end = begin + 86399;
    const n = 1 + Math.floor(rand() ** 4 * 80);
    const e = rep.eol;
    const lines: string[] = [
      `<?xml version="1.0" encoding="UTF-8"?>${e}<feedback${rep.namespace ? ` xmlns="${rep.namespace}"` : ''}>${e}`,
      `  <report_metadata>${e}    <org_name>${rep.org}</org_name>${e}    <email>${rep.email}</email>${e}    <report_id>${rep.org.length}${i}${Math.floor(rand() * 1e9)}</report_id>${e}    <date_range>${e}      <begin>${begin}</begin>${e}      <end>${end}</end>${e}    </date_range>${e}  </report_metadata>${e}`,
      `  <policy_published>${e}    <domain>${domain}</domain>${e}    <adkim>r</adkim>${e}    <aspf>r</aspf>${e}    <p>none</p>${e}    <sp>none</sp>${e}    <pct>100</pct>${e}  </policy_published>${e}`,
    ];
    for (let k = 0; k < n; k++) {
      const [prefix, dkimD, spfD, dkimAligned, spfAligned] = pick(SOURCES);
      const count = 1 + Math.floor(rand() ** 3 * 500);
      const dkim = dkimAligned && rand() > 0.05 ? 'pass' : 'fail';
      const spf = spfAligned && rand() > 0.05 ? 'pass' : 'fail';
      records++;
      messages += count;
      if (dkim === 'pass' || spf === 'pass') dmarcPass += count;
      const ip = `${prefix}${1 + Math.floor(rand() * 250)}`;
      sourceIps.add(ip);
      const d = dkimD.replace('{d}', domain);
      const s = spfD.replace('{d}', domain);
      lines.push(
        `  <record>${e}    <row>${e}      <source_ip>${ip}</source_ip>${e}      <count>${count}</count>${e}      <policy_evaluated>${e}        <disposition>none</disposition>${e}        <dkim>${dkim}</dkim>${e}        <spf>${spf}</spf>${e}      </policy_evaluated>${e}    </row>${e}    <identifiers>${e}      <header_from>${domain}</header_from>${e}    </identifiers>${e}    <auth_results>${e}` +
          (d
            ? `      <dkim>${e}        <domain>${d}</domain>${e}        <selector>s${k % 3}</selector>${e}        <result>${dkim === 'pass' || !dkimAligned ? 'pass' : 'fail'}</result>${e}      </dkim>${e}`
            : '') +
          `      <spf>${e}        <domain>${s}</domain>${e}        <result>${spf === 'pass' || !spfAligned ? (s === 'spoof.example' ? 'fail' : 'pass') : 'softfail'}</result>${e}      </spf>${e}    </auth_results>${e}  </record>${e}`,
      );
    }
    lines.push(`</feedback>${e}`);
    const xml = enc.encode(lines.join(''));
    xmlBytes += xml.length;
    const base = `${rep.org.replace(/\s+/g, '-').toLowerCase()}!${domain}!${begin}!${end}`;
    if (rep.container === 'zip')
      files.push({ name: `${base}.zip`, bytes: zipSync({ [`${base}.xml`]: xml }) });
    else if (rep.container === 'gz') files.push({ name: `${base}.xml.gz`, bytes: gzipSync(xml) });
    else files.push({ name: `${base}.xml`, bytes: xml });
  }
  return {
    files,
    expected: { reports: opts.reports, records, messages, dmarcPass, xmlBytes },
    sourceIps: [...sourceIps],
  };
}
