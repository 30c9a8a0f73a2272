import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyse } from './core.ts';
import { NDJSON_FIELDS, toNdjson } from './ndjson.ts';

const load = (name: string) => ({
  name,
  bytes: new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url))),
});

describe('NDJSON with parsedmarc aggregate field names', async () => {
  const result = await analyse([load('gmx.xml'), load('microsoft.xml')]);
  const lines = toNdjson(result).split('\n');

  it('writes one document per record, newline-terminated', () => {
    expect(lines).toHaveLength(5);
    expect(lines[4]).toBe('');
    for (const line of lines.slice(0, 4)) expect(Object.keys(JSON.parse(line))).toEqual(NDJSON_FIELDS);
  });

  it('fills the fields as parsedmarc does', () => {
    expect(JSON.parse(lines[1]!)).toEqual({
      xml_schema: '1.0',
      org_name: 'GMX',
      org_email: 'noreply-dmarc@sicher.gmx.net',
      org_extra_contact_info: 'https://postmaster.gmx.net/en/case?c=r2002',
      report_id: '9f1c2b3a4d5e6f708192a3b4c5d6e7f8',
      begin_date: '2025-01-01 00:00:00',
      end_date: '2025-01-01 23:59:59',
      date_begin: '2025-01-01T00:00:00Z',
      date_end: '2025-01-01T23:59:59Z',
      date_range: ['2025-01-01T00:00:00Z', '2025-01-01T23:59:59Z'],
      errors: [],
      published_policy: {
        domain: 'contoso.example',
        adkim: 'r',
        aspf: 'r',
        p: 'reject',
        sp: 'reject',
        pct: '',
        fo: '',
      },
      source_ip_address: '192.0.2.50',
      source_country: null,
      source_reverse_dns: null,
      source_base_domain: null,
      source_name: null,
      source_type: null,
      source_asn: null,
      source_as_name: null,
      message_count: 2,
      disposition: 'reject',
      dkim_aligned: false,
      spf_aligned: false,
      passed_dmarc: false,
      policy_overrides: [{ type: 'other', comment: 'policy reject' }],
      header_from: 'contoso.example',
      envelope_from: null,
      envelope_to: null,
      dkim_results: [],
      spf_results: [{ domain: 'spoof.example', scope: 'mfrom', result: 'fail' }],
      np: 'reject',
      testing: 'n',
      discovery_method: 'treewalk',
      generator: 'GMX DMARC reporter',
    });
    expect(JSON.parse(lines[3]!)).toMatchObject({
      xml_schema: '1.0',
      org_name: 'Enterprise Outlook',
      source_name: 'SendGrid',
      source_type: 'Transactional email',
      message_count: 5,
      dkim_aligned: true,
      passed_dmarc: true,
      envelope_from: 'bounces.sendgrid.net',
      envelope_to: 'fabrikam.example',
      dkim_results: [
        { domain: 'contoso.example', selector: 's1', result: 'pass' },
        { domain: 'sendgrid.net', selector: 'smtpapi', result: 'pass' },
      ],
    });
  });

  it('calls a report without <version> "draft", as parsedmarc does', async () => {
    const r = await analyse([load('google.xml')]);
    expect(JSON.parse(toNdjson(r).split('\n')[0]!).xml_schema).toBe('draft');
  });
});
