import type { AggregateReport, DmarcRecord, DmarcResult, SenderRow } from './types.ts';

/**
 * One document per record with parsedmarc's aggregate field names (its Elasticsearch/OpenSearch document and Splunk
 * HEC event: `parsedmarc/elastic.py` `_AggregateReportDoc`, `parsedmarc/splunk.py`), so that data outgrowing the
 * browser loads into the same indexes and dashboards. Fields parsedmarc fills from DNS/GeoIP lookups
 * (country, reverse DNS, base domain) are null: this tool makes no network requests. `source_name`/`source_type`
 * carry this tool's sender recognition.
 */
export interface ParsedmarcRecordDoc {
  xml_schema: string;
  org_name: string;
  org_email: string;
  org_extra_contact_info: string | null;
  report_id: string;
  /** `YYYY-MM-DD HH:MM:SS`, UTC, as parsedmarc writes them. */
  begin_date: string | null;
  end_date: string | null;
  /** ISO 8601 UTC, for a date field. */
  date_begin: string | null;
  date_end: string | null;
  date_range: (string | null)[];
  errors: string[];
  published_policy: {
    domain: string;
    adkim: string;
    aspf: string;
    p: string;
    sp: string;
    pct: string;
    fo: string;
  };
  source_ip_address: string;
  source_country: null;
  source_reverse_dns: null;
  source_base_domain: null;
  source_name: string | null;
  source_type: string | null;
  message_count: number;
  disposition: string;
  dkim_aligned: boolean;
  spf_aligned: boolean;
  passed_dmarc: boolean;
  policy_overrides: { type: string; comment: string | null }[];
  header_from: string;
  envelope_from: string | null;
  envelope_to: string | null;
  dkim_results: { domain: string; selector: string; result: string }[];
  spf_results: { domain: string; scope: string; result: string }[];
  np: string | null;
  testing: string | null;
  discovery_method: string | null;
  generator: string | null;
}

export const NDJSON_FIELDS: readonly (keyof ParsedmarcRecordDoc)[] = [
  'xml_schema',
  'org_name',
  'org_email',
  'org_extra_contact_info',
  'report_id',
  'begin_date',
  'end_date',
  'date_begin',
  'date_end',
  'date_range',
  'errors',
  'published_policy',
  'source_ip_address',
  'source_country',
  'source_reverse_dns',
  'source_base_domain',
  'source_name',
  'source_type',
  'message_count',
  'disposition',
  'dkim_aligned',
  'spf_aligned',
  'passed_dmarc',
  'policy_overrides',
  'header_from',
  'envelope_from',
  'envelope_to',
  'dkim_results',
  'spf_results',
  'np',
  'testing',
  'discovery_method',
  'generator',
];

export function isoTime(seconds: number | null): string | null {
  return seconds === null ? null : new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
}

export function humanTime(seconds: number | null): string | null {
  return seconds === null ? null : new Date(seconds * 1000).toISOString().slice(0, 19).replace('T', ' ');
}

const orNull = (s: string) => (s === '' ? null : s);

export function toParsedmarcDoc(
  report: AggregateReport,
  r: DmarcRecord,
  sender: SenderRow | undefined,
): ParsedmarcRecordDoc {
  const p = report.policy;
  const dateBegin = isoTime(report.begin);
  const dateEnd = isoTime(report.end);
  return {
    xml_schema: report.version || 'draft',
    org_name: report.orgName,
    org_email: report.email,
    org_extra_contact_info: orNull(report.extraContactInfo),
    report_id: report.reportId,
    begin_date: humanTime(report.begin),
    end_date: humanTime(report.end),
    date_begin: dateBegin,
    date_end: dateEnd,
    date_range: [dateBegin, dateEnd],
    errors: report.errors,
    published_policy: {
      domain: p.domain,
      adkim: p.adkim,
      aspf: p.aspf,
      p: p.p,
      sp: p.sp,
      pct: p.pct,
      fo: p.fo,
    },
    source_ip_address: r.sourceIp,
    source_country: null,
    source_reverse_dns: null,
    source_base_domain: null,
    source_name: sender && sender.kind === 'service' ? sender.name : null,
    source_type: sender && sender.kind === 'service' ? sender.category : null,
    message_count: r.count,
    disposition: r.disposition,
    dkim_aligned: r.dkim === 'pass',
    spf_aligned: r.spf === 'pass',
    passed_dmarc: r.isDmarcPass,
    policy_overrides: r.reasons.map((x) => ({ type: x.type, comment: orNull(x.comment) })),
    header_from: r.headerFrom,
    envelope_from: orNull(r.envelopeFrom),
    envelope_to: orNull(r.envelopeTo),
    dkim_results: r.dkimAuth.map((a) => ({ domain: a.domain, selector: a.selector, result: a.result })),
    spf_results: r.spfAuth.map((a) => ({ domain: a.domain, scope: a.scope, result: a.result })),
    np: orNull(p.np),
    testing: orNull(p.testing),
    discovery_method: orNull(p.discoveryMethod),
    generator: orNull(report.generator),
  };
}

/** Newline-delimited JSON, one line per record of the unique reports, in report order. */
export function toNdjson(result: Pick<DmarcResult, 'reports' | 'records' | 'senders'>): string {
  const lines: string[] = [];
  for (const r of result.records) {
    lines.push(JSON.stringify(toParsedmarcDoc(result.reports[r.report]!, r, result.senders[r.sender])));
  }
  return lines.length ? lines.join('\n') + '\n' : '';
}
