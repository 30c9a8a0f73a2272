import { networkOf } from './enrich/group.ts';
import type { Network } from './enrich/lookup.ts';
import type {
  AggregateReport,
  DmarcRecord,
  DmarcResult,
  FailureReport,
  SenderRow,
  TlsReport,
} from './types.ts';

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
  source_country: string | null;
  source_reverse_dns: null;
  source_base_domain: null;
  source_name: string | null;
  source_type: string | null;
  /** The network holding the address, from the shipped IP table (enrich/); null when none or not loaded. */
  source_asn: number | null;
  source_as_name: string | null;
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
  'source_asn',
  'source_as_name',
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
  network?: Network,
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
    source_country: network?.country || null,
    source_reverse_dns: null,
    source_base_domain: null,
    source_name: sender && sender.kind === 'service' ? sender.name : null,
    source_type: sender && sender.kind === 'service' ? sender.category : null,
    source_asn: network?.asn ?? null,
    source_as_name: network?.name || null,
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
    lines.push(
      JSON.stringify(
        toParsedmarcDoc(
          result.reports[r.report]!,
          r,
          result.senders[r.sender],
          networkOf(result, r.sourceIp),
        ),
      ),
    );
  }
  return lines.length ? lines.join('\n') + '\n' : '';
}

/**
 * A failure report with parsedmarc's field names (its parsed `FailureReport`, `parsedmarc/types.py`): one line
 * per unique report. Fields parsedmarc fills from DNS/GeoIP lookups are null. This tool never keeps a message body,
 * so `sample` holds the original's header lines only (`sample_headers_only` says whether the report itself sent
 * only headers).
 */
export interface ParsedmarcFailureDoc {
  feedback_type: string;
  user_agent: string | null;
  version: string | null;
  original_envelope_id: string | null;
  original_mail_from: string | null;
  original_rcpt_to: string | null;
  /** As the report wrote it. */
  arrival_date: string | null;
  /** `YYYY-MM-DD HH:MM:SS`, UTC. */
  arrival_date_utc: string | null;
  authentication_results: string | null;
  delivery_result: string | null;
  auth_failure: string[];
  /** From Identity-Alignment, as parsedmarc derives it (`none` gives an empty list). */
  authentication_mechanisms: string[];
  dkim_domain: string | null;
  dkim_selector: string | null;
  dkim_identity: string | null;
  spf_dns: string | null;
  identity_alignment: string | null;
  reporting_mta: string | null;
  incidents: number;
  reported_domain: string;
  sample_headers_only: boolean;
  source: {
    ip_address: string | null;
    country: null;
    reverse_dns: string | null;
    base_domain: null;
    name: null;
    type: null;
  };
  sample: string;
  parsed_sample: {
    subject: string | null;
    from: string | null;
    to: string | null;
    date: string | null;
    message_id: string | null;
    headers: Record<string, string>;
  };
}

const list = (s: string) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

export function toFailureDoc(r: FailureReport): ParsedmarcFailureDoc {
  const headers: Record<string, string> = {};
  for (const [k, v] of r.headers) headers[k] = k in headers ? `${headers[k]}\n${v}` : v;
  return {
    feedback_type: r.feedbackType,
    user_agent: orNull(r.userAgent),
    version: orNull(r.version),
    original_envelope_id: orNull(r.originalEnvelopeId),
    original_mail_from: orNull(r.originalMailFrom),
    original_rcpt_to: orNull(r.originalRcptTo),
    arrival_date: orNull(r.arrivalDateText),
    arrival_date_utc: humanTime(r.arrivalDate),
    authentication_results: orNull(r.authenticationResults),
    delivery_result: orNull(r.deliveryResult),
    auth_failure: list(r.authFailure),
    authentication_mechanisms: r.identityAlignment === 'none' ? [] : list(r.identityAlignment),
    dkim_domain: orNull(r.dkimDomain),
    dkim_selector: orNull(r.dkimSelector),
    dkim_identity: orNull(r.dkimIdentity),
    spf_dns: orNull(r.spfDns),
    identity_alignment: orNull(r.identityAlignment),
    reporting_mta: orNull(r.reportingMta),
    incidents: r.incidents,
    reported_domain: r.reportedDomain,
    sample_headers_only: r.isHeadersOnly,
    source: {
      ip_address: orNull(r.sourceIp),
      country: null,
      reverse_dns: orNull(r.sourceHost),
      base_domain: null,
      name: null,
      type: null,
    },
    sample: r.headers.map(([k, v]) => `${k}: ${v}`).join('\n'),
    parsed_sample: {
      subject: orNull(r.subject),
      from: orNull(r.from),
      to: orNull(r.to),
      date: orNull(r.date),
      message_id: orNull(r.messageId),
      headers,
    },
  };
}

/**
 * An SMTP TLS report with parsedmarc's field names (its parsed `SMTPTLSReport`): one line per unique report.
 * Optional members are left out when the report has no value, as parsedmarc does.
 */
export interface ParsedmarcTlsDoc {
  organization_name: string;
  /** ISO 8601 UTC. */
  begin_date: string | null;
  end_date: string | null;
  contact_info: string;
  report_id: string;
  policies: {
    policy_domain: string;
    policy_type: string;
    policy_strings?: string[];
    mx_host_patterns?: string[];
    successful_session_count: number;
    failed_session_count: number;
    failure_details?: {
      result_type: string;
      failed_session_count: number;
      sending_mta_ip?: string;
      receiving_ip?: string;
      receiving_mx_hostname?: string;
      receiving_mx_helo?: string;
      additional_info_uri?: string;
      failure_reason_code?: string;
    }[];
  }[];
}

type TlsDetailDoc = NonNullable<ParsedmarcTlsDoc['policies'][number]['failure_details']>[number];

/** Only the members that have a value, as parsedmarc writes them. */
const some = <K extends string, V>(key: K, value: V | '' | undefined, has: boolean) =>
  (has ? { [key]: value } : {}) as Partial<Record<K, V>>;

function toTlsDetailDoc(f: TlsReport['policies'][number]['failures'][number]): TlsDetailDoc {
  return {
    result_type: f.resultType,
    failed_session_count: f.failedSessions,
    ...some('sending_mta_ip', f.sendingMtaIp, !!f.sendingMtaIp),
    ...some('receiving_ip', f.receivingIp, !!f.receivingIp),
    ...some('receiving_mx_hostname', f.receivingMxHostname, !!f.receivingMxHostname),
    ...some('receiving_mx_helo', f.receivingMxHelo, !!f.receivingMxHelo),
    ...some('additional_info_uri', f.additionalInformation, !!f.additionalInformation),
    ...some('failure_reason_code', f.failureReasonCode, !!f.failureReasonCode),
  };
}

export function toTlsDoc(r: TlsReport): ParsedmarcTlsDoc {
  return {
    organization_name: r.organizationName,
    begin_date: isoTime(r.begin),
    end_date: isoTime(r.end),
    contact_info: r.contactInfo,
    report_id: r.reportId,
    policies: r.policies.map((p) => ({
      policy_domain: p.policyDomain,
      policy_type: p.policyType,
      ...some('policy_strings', p.policyStrings, p.policyStrings.length > 0),
      ...some('mx_host_patterns', p.mxHosts, p.mxHosts.length > 0),
      successful_session_count: p.successfulSessions,
      failed_session_count: p.failedSessions,
      ...some('failure_details', p.failures.map(toTlsDetailDoc), p.failures.length > 0),
    })),
  };
}

const lines = (docs: unknown[]) => (docs.length ? docs.map((d) => JSON.stringify(d)).join('\n') + '\n' : '');

/** Newline-delimited JSON, one line per unique failure report. */
export function failureNdjson(result: Pick<DmarcResult, 'failureReports'>): string {
  return lines(result.failureReports.filter((r) => r.duplicateOf === -1).map(toFailureDoc));
}

/** Newline-delimited JSON, one line per unique SMTP TLS report. */
export function tlsNdjson(result: Pick<DmarcResult, 'tlsReports'>): string {
  return lines(result.tlsReports.filter((r) => r.duplicateOf === -1).map(toTlsDoc));
}
