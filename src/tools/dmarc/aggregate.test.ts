import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dayOf, dedupe, perDay } from './aggregate.ts';
import { analyse } from './core.ts';
import type { AggregateReport } from './types.ts';

const FIXTURES = ['google.xml', 'microsoft.xml', 'yahoo.xml', 'gmx.xml', 'mimecast.xml'];
const load = (name: string) => ({
  name,
  bytes: new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url))),
});

function report(over: Partial<AggregateReport>): AggregateReport {
  return {
    source: 's',
    input: 's',
    version: '',
    namespace: '',
    orgName: 'google.com',
    email: '',
    extraContactInfo: '',
    reportId: '1',
    begin: 1735689600,
    end: 1735775999,
    generator: '',
    errors: [],
    policy: {
      domain: 'contoso.example',
      adkim: '',
      aspf: '',
      p: 'none',
      sp: '',
      pct: '',
      fo: '',
      np: '',
      testing: '',
      discoveryMethod: '',
    },
    recordCount: 1,
    isDateOutOfRange: false,
    messages: 0,
    dmarcPass: 0,
    duplicateOf: -1,
    ...over,
  };
}

describe('rolling up the five reporters (hand-computed from the fixtures)', async () => {
  const r = await analyse(FIXTURES.map(load));

  it('totals over unique reports', () => {
    expect(r.totals).toEqual({
      files: 5,
      filesByStatus: { ok: 5, warning: 0, rejected: 0, skipped: 0 },
      reports: 5,
      duplicates: 0,
      records: 12,
      messages: 54,
      dmarcPass: 45,
      dkimAlignedPass: 38,
      spfAlignedPass: 33,
      disposition: { none: 41, quarantine: 2, reject: 2, pass: 9, unknown: 0 },
      reporters: 5,
      domains: 1,
      begin: 1735689600,
      end: 1735819199,
      issues: { errors: 0, warnings: 0 },
      failureReports: 0,
      tlsReports: 0,
      tlsSuccessfulSessions: 0,
      tlsFailedSessions: 0,
    });
  });

  it('senders named without network access, ranked by volume', () => {
    expect(r.senders.map((s) => [s.name, s.kind, s.messages, s.dmarcPass, s.ips])).toEqual([
      ['Google Workspace / Gmail', 'service', 19, 19, ['66.102.1.5', '209.85.220.41', '209.85.220.69']],
      ['Microsoft 365', 'service', 17, 17, ['40.93.199.22', '40.107.22.105', '52.101.4.1']],
      ['Unknown', 'unknown', 7, 0, ['192.0.2.50', '198.51.100.7', '203.0.113.9']],
      ['SendGrid', 'service', 5, 5, ['149.72.10.20']],
      ['Own: contoso.example', 'authenticated', 4, 4, ['2001:db8::25']],
      ['Other: fabrikam.example', 'authenticated', 2, 0, ['185.58.85.10']],
    ]);
    expect(r.senders[5]).toMatchObject({
      overrides: { local_policy: 2 },
      reporters: ['Mimecast'],
      evidence: 'SPF passed for lists.fabrikam.example',
    });
    expect(r.senders[0]?.reporters).toEqual(['Yahoo', 'google.com']);
    expect(r.senders[3]?.evidence).toBe('DKIM d=sendgrid.net passed');
    expect(r.records.every((rec) => r.senders[rec.sender]!.ips.includes(rec.sourceIp))).toBe(true);
  });

  it('volume and pass per day, a report longer than a day spread in proportion', () => {
    const share1 = 43200 / 86399;
    const share2 = 43199 / 86399;
    expect(r.days).toHaveLength(2);
    expect(r.days[0]!.day).toBe('2025-01-01');
    expect(r.days[0]!.messages).toBeCloseTo(44 + 10 * share1, 9);
    expect(r.days[0]!.dmarcPass).toBeCloseTo(35 + 10 * share1, 9);
    expect(r.days[1]!.day).toBe('2025-01-02');
    expect(r.days[1]!.messages).toBeCloseTo(10 * share2, 9);
    expect(r.days.reduce((n, d) => n + d.messages, 0)).toBeCloseTo(54, 9);
  });

  it('views by header_from, reporter and disposition', () => {
    expect(
      r.domains.map((d) => [
        d.domain,
        d.policyDomain,
        d.isSubdomain,
        d.policy,
        d.messages,
        d.dmarcPass,
        d.quarantine,
        d.reject,
        d.senders,
      ]),
    ).toEqual([
      ['contoso.example', 'contoso.example', false, 'none', 53, 44, 2, 2, 6],
      ['news.contoso.example', 'contoso.example', true, 'none', 1, 1, 0, 0, 1],
    ]);
    expect(r.reporters.map((x) => [x.orgName, x.reports, x.messages, x.dmarcPass])).toEqual([
      ['google.com', 1, 23, 20],
      ['GMX', 1, 11, 9],
      ['Yahoo', 1, 10, 10],
      ['Enterprise Outlook', 1, 7, 5],
      ['Mimecast', 1, 3, 1],
    ]);
    expect(r.dispositions).toEqual([
      { disposition: 'none', messages: 41, records: 9, dmarcPass: 36 },
      { disposition: 'pass', messages: 9, records: 1, dmarcPass: 9 },
      { disposition: 'quarantine', messages: 2, records: 1, dmarcPass: 0 },
      { disposition: 'reject', messages: 2, records: 1, dmarcPass: 0 },
    ]);
  });

  it('readiness: the failing volume is excused or unknown, so enforcement is safe', () => {
    expect(r.readiness).toEqual({
      // The latest report of contoso.example publishes p=none; a p=reject seen earlier is not what it publishes now.
      currentPolicy: 'none',
      weakestPolicy: 'none',
      messages: 54,
      failing: 9,
      failingOverridden: 2,
      failingKnown: 0,
      failingAuthenticated: 0,
      failingUnknown: 7,
      verdict: 'ready',
      isEnforcing: false,
      advice:
        'Legitimate senders pass. The 13.0% that fails comes from sources nothing vouches for — likely spoofing, which p=quarantine or p=reject would stop. 3.7% failed but the receiver excused it (forwarded, mailing list, local policy).',
    });
  });
});

describe('readiness when every domain already enforces', () => {
  it('says what the published policy does with the failing mail, not whether to move to it', async () => {
    const r = await analyse(['microsoft.xml', 'gmx.xml', 'mimecast.xml'].map(load));
    // Microsoft's report is the latest and sees p=quarantine: what the domain publishes now.
    expect(r.readiness.currentPolicy).toBe('quarantine');
    expect(r.readiness.isEnforcing).toBe(true);
    expect(r.readiness.advice).toMatch(/^Already enforcing p=quarantine[,:]/);
    expect(r.readiness.advice).toBe(
      'Already enforcing p=quarantine, and legitimate senders pass: the 19.0% that fails comes from sources nothing vouches for — likely spoofing, quarantined as intended. 9.5% failed but the receiver excused it (forwarded, mailing list, local policy).',
    );
  });

  it('domains that publish different policies now: the card names both, the advice says which it is about', async () => {
    // GMX's report moved to another domain that publishes p=reject; Google's contoso.example report says p=none.
    const gmx = load('gmx.xml');
    const text = new TextDecoder()
      .decode(gmx.bytes)
      .replace('<domain>contoso.example</domain>', '<domain>fabrikam.example</domain>');
    const r = await analyse([load('google.xml'), { name: 'gmx.xml', bytes: new TextEncoder().encode(text) }]);
    expect([r.readiness.weakestPolicy, r.readiness.currentPolicy]).toEqual(['none', 'reject']);
    expect(r.readiness.isEnforcing).toBe(false);
    expect(r.readiness.advice).toContain(
      'Some of your domains already publish p=reject; this is about those still at p=none (see Domains).',
    );
  });

  it('a domain still at p=none keeps the advice about moving to enforcement', async () => {
    const r = await analyse(FIXTURES.map(load));
    expect(r.readiness.isEnforcing).toBe(false);
    expect(r.readiness.advice).toMatch(/p=quarantine or p=reject would stop/);
  });
});

describe('dedupe', () => {
  it('same org_name + report_id + policy domain + begin is one report; the copy with most records is kept', () => {
    const reports = [
      report({ recordCount: 2 }),
      report({ recordCount: 5, source: 'b.xml' }),
      report({ recordCount: 5, source: 'a.xml.gz' }),
      report({ reportId: '2' }),
      report({ begin: 1735776000 }),
      report({ orgName: 'Yahoo' }),
      report({ policy: { ...report({}).policy, domain: 'fabrikam.example' } }),
    ];
    // Equal records: the first by path, whatever the order they were read in.
    expect(dedupe(reports)).toEqual([2, 3, 4, 5, 6]);
    expect(reports.map((x) => x.duplicateOf)).toEqual([2, 2, -1, -1, -1, -1, -1]);
    // Equal records: the copy read without warnings wins over an earlier path.
    expect(dedupe(reports, [0, 0, 1])).toEqual([1, 3, 4, 5, 6]);
  });
});

describe('perDay', () => {
  it('spreads a multi-day period by overlap, counts a zero-length period on its day, skips undated reports', () => {
    const reports = [
      report({
        begin: Date.UTC(2025, 0, 1, 18) / 1000,
        end: Date.UTC(2025, 0, 3, 6) / 1000,
        messages: 36,
        dmarcPass: 18,
      }),
      report({ begin: 1538413632, end: 1538413632, messages: 1, dmarcPass: 0 }),
      report({ begin: null, end: null, messages: 99, dmarcPass: 99 }),
    ];
    const days = perDay(reports, [0, 1, 2]);
    expect(days.map((d) => [d.day, d.messages, d.dmarcPass])).toEqual([
      ['2018-10-01', 1, 0],
      ['2025-01-01', 6, 3],
      ['2025-01-02', 24, 12],
      ['2025-01-03', 6, 3],
    ]);
    expect(dayOf(1538413632)).toBe('2018-10-01');
  });
});
