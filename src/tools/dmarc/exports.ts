import { recordsToCsv, toCsv, type CsvCell } from '../../lib/csv/write.ts';
import { failureNdjson, humanTime, isoTime, tlsNdjson, toNdjson } from './ndjson.ts';
import type { DmarcOverview, DmarcResult, FileStatus } from './types.ts';
import { networkOf, senderNetworks, type CountryRow } from './enrich/group.ts';

/** The documented JSON of `hybrid-toolbox dmarc --json` (and the page's JSON download). Field names are stable. */
export interface DmarcJson {
  /** `ok`, `partial` (some file rejected) or `unusable` (no report could be read: no figures), with a sentence. */
  verdict: { status: 'ok' | 'partial' | 'unusable'; message: string };
  files: { path: string; status: FileStatus; reason: string; warnings: string[]; reports: number }[];
  totals: {
    reports: number;
    duplicates: number;
    records: number;
    messages: number;
    dmarcPass: number;
    dkimAlignedPass: number;
    spfAlignedPass: number;
    disposition: { none: number; quarantine: number; reject: number; pass: number; unknown: number };
    /** Unique failure reports (RFC 6591) and SMTP TLS reports (RFC 8460), and the TLS sessions they count. */
    failureReports: number;
    tlsReports: number;
    tlsSuccessfulSessions: number;
    tlsFailedSessions: number;
  };
  reports: {
    source: string;
    orgName: string;
    reportId: string;
    policyDomain: string;
    begin: string | null;
    end: string | null;
    records: number;
    messages: number;
    dmarcPass: number;
  }[];
  senders: {
    name: string;
    ips: string[];
    messages: number;
    dmarcPass: number;
    /** The networks holding its IPs (most IPs first), when the IP table was loaded. */
    networks?: { asn: number; name: string; country: string; ips: number }[];
  }[];
  /** The IP table used for `networks` and `countries`; `problem` says why there are none. Absent without records. */
  ipTable?: { date: string; ips: number; ipsKnown: number; problem?: string };
  /** Messages by the country of the network holding the source IP ('' for none), most first. */
  countries?: CountryRow[];
  /** Unique failure reports; text fields are '' when the report has none. */
  failureReports: {
    path: string;
    feedbackType: string;
    /** ISO 8601 UTC; null when absent or implausible. */
    arrivalDate: string | null;
    sourceIp: string;
    reportedDomain: string;
    authFailure: string;
    deliveryResult: string;
    originalMailFrom: string;
    originalRcptTo: string;
    subject: string;
  }[];
  /** Unique SMTP TLS reports. */
  tlsReports: {
    path: string;
    organizationName: string;
    reportId: string;
    begin: string | null;
    end: string | null;
    policies: {
      policyType: string;
      policyDomain: string;
      successfulSessions: number;
      failedSessions: number;
      failures: {
        resultType: string;
        sendingMtaIp: string;
        receivingMxHostname: string;
        failedSessions: number;
      }[];
    }[];
  }[];
}

export function toJson(result: DmarcOverview): DmarcJson {
  const t = result.totals;
  return {
    verdict: { ...result.verdict },
    files: result.files.map((f) => ({
      path: f.path,
      status: f.status,
      reason: f.reason,
      warnings: f.warnings,
      reports: f.reports,
    })),
    totals: {
      reports: t.reports,
      duplicates: t.duplicates,
      records: t.records,
      messages: t.messages,
      dmarcPass: t.dmarcPass,
      dkimAlignedPass: t.dkimAlignedPass,
      spfAlignedPass: t.spfAlignedPass,
      disposition: { ...t.disposition },
      failureReports: t.failureReports,
      tlsReports: t.tlsReports,
      tlsSuccessfulSessions: t.tlsSuccessfulSessions,
      tlsFailedSessions: t.tlsFailedSessions,
    },
    reports: result.reports
      .filter((r) => r.duplicateOf === -1)
      .map((r) => ({
        source: r.source,
        orgName: r.orgName,
        reportId: r.reportId,
        policyDomain: r.policy.domain,
        begin: isoTime(r.begin),
        end: isoTime(r.end),
        records: r.recordCount,
        messages: r.messages,
        dmarcPass: r.dmarcPass,
      })),
    senders: result.senders.map((s) => ({
      name: s.name,
      ips: s.ips,
      messages: s.messages,
      dmarcPass: s.dmarcPass,
      ...(result.network && !result.network.problem ? { networks: senderNetworks(result, s) } : {}),
    })),
    failureReports: result.failureReports
      .filter((r) => r.duplicateOf === -1)
      .map((r) => ({
        path: r.source,
        feedbackType: r.feedbackType,
        arrivalDate: isoTime(r.arrivalDate),
        sourceIp: r.sourceIp,
        reportedDomain: r.reportedDomain,
        authFailure: r.authFailure,
        deliveryResult: r.deliveryResult,
        originalMailFrom: r.originalMailFrom,
        originalRcptTo: r.originalRcptTo,
        subject: r.subject,
      })),
    tlsReports: result.tlsReports
      .filter((r) => r.duplicateOf === -1)
      .map((r) => ({
        path: r.source,
        organizationName: r.organizationName,
        reportId: r.reportId,
        begin: isoTime(r.begin),
        end: isoTime(r.end),
        policies: r.policies.map((p) => ({
          policyType: p.policyType,
          policyDomain: p.policyDomain,
          successfulSessions: p.successfulSessions,
          failedSessions: p.failedSessions,
          failures: p.failures.map((f) => ({
            resultType: f.resultType,
            sendingMtaIp: f.sendingMtaIp,
            receivingMxHostname: f.receivingMxHostname,
            failedSessions: f.failedSessions,
          })),
        })),
      })),
    ...(result.network
      ? {
          ipTable: {
            date: result.network.date,
            ips: result.network.ips,
            ipsKnown: result.network.ipsKnown,
            ...(result.network.problem ? { problem: result.network.problem } : {}),
          },
          countries: result.network.countries,
        }
      : {}),
  };
}

const CSV = { bom: true } as const;
const rate = (part: number, whole: number) => (whole ? Math.round((1000 * part) / whole) / 10 : 0);
const date = (s: number | null) => (s === null ? '' : isoTime(s)!.slice(0, 10));

export function sendersCsv(result: DmarcResult): string {
  return toCsv(
    [
      'Sender',
      'Kind',
      'Category',
      'Evidence',
      'Messages',
      'DMARC pass',
      'DMARC fail',
      'Pass %',
      'DKIM aligned',
      'SPF aligned',
      'Overrides',
      'IPs',
      'Reporters',
      'Header From',
    ],
    result.senders.map((s) => [
      s.name,
      s.kind,
      s.category,
      s.evidence,
      s.messages,
      s.dmarcPass,
      s.dmarcFail,
      rate(s.dmarcPass, s.messages),
      s.dkimAligned,
      s.spfAligned,
      Object.entries(s.overrides)
        .map(([k, v]) => `${k}: ${v}`)
        .join('; '),
      s.ips.join(' '),
      s.reporters.join('; '),
      s.headerFroms.join(' '),
    ]),
    CSV,
  );
}

export function failingCsv(result: DmarcResult): string {
  const rows = result.senders.filter((s) => s.dmarcFail > 0).sort((a, b) => b.dmarcFail - a.dmarcFail);
  return toCsv(
    ['Sender', 'Kind', 'Failing messages', 'Messages', 'Fail %', 'Evidence', 'IPs'],
    rows.map((s) => [
      s.name,
      s.kind,
      s.dmarcFail,
      s.messages,
      rate(s.dmarcFail, s.messages),
      s.evidence,
      s.ips.join(' '),
    ]),
    CSV,
  );
}

export function domainsCsv(result: DmarcResult): string {
  return recordsToCsv(
    [
      { key: 'domain', header: 'Header From' },
      { key: 'policyDomain', header: 'Policy domain' },
      { key: 'isSubdomain', header: 'Subdomain' },
      { key: 'policy', header: 'Policy' },
      { key: 'messages', header: 'Messages' },
      { key: 'dmarcPass', header: 'DMARC pass' },
      { key: 'dkimAligned', header: 'DKIM aligned' },
      { key: 'spfAligned', header: 'SPF aligned' },
      { key: 'quarantine', header: 'Quarantined' },
      { key: 'reject', header: 'Rejected' },
      { key: 'senders', header: 'Senders' },
    ],
    result.domains,
    CSV,
  );
}

export function reportersCsv(result: DmarcResult): string {
  return toCsv(
    ['Reporter', 'Email', 'Reports', 'Messages', 'DMARC pass', 'Pass %', 'Domains', 'First day', 'Last day'],
    result.reporters.map((r) => [
      r.orgName,
      r.email,
      r.reports,
      r.messages,
      r.dmarcPass,
      rate(r.dmarcPass, r.messages),
      r.domains,
      date(r.begin),
      date(r.end),
    ]),
    CSV,
  );
}

export function dispositionsCsv(result: DmarcResult): string {
  return toCsv(
    ['Disposition', 'Messages', 'Records', 'DMARC pass'],
    result.dispositions.map((d) => [d.disposition, d.messages, d.records, d.dmarcPass]),
    CSV,
  );
}

export function filesCsv(result: DmarcResult): string {
  return toCsv(
    ['Path', 'Status', 'Reason', 'Warnings', 'Reports'],
    result.files.map((f) => [f.path, f.status, f.reason, f.warnings.join(' | '), f.reports]),
    CSV,
  );
}

/** One row per record with parsedmarc's CSV column names (its `parsed_aggregate_reports_to_csv_rows`). */
export function recordsCsv(result: DmarcResult, opts: { bom?: boolean } = CSV): string {
  const headers = [
    'xml_schema',
    'org_name',
    'org_email',
    'org_extra_contact_info',
    'report_id',
    'begin_date',
    'end_date',
    'errors',
    'domain',
    'adkim',
    'aspf',
    'p',
    'sp',
    'pct',
    'fo',
    'source_ip_address',
    'source_name',
    'source_type',
    'count',
    'spf_aligned',
    'dkim_aligned',
    'dmarc_aligned',
    'disposition',
    'policy_override_reasons',
    'policy_override_comments',
    'envelope_from',
    'header_from',
    'envelope_to',
    'dkim_domains',
    'dkim_selectors',
    'dkim_results',
    'spf_domains',
    'spf_scopes',
    'spf_results',
    'source_country',
    'source_asn',
    'source_as_name',
  ];
  const rows = result.records.map((r): CsvCell[] => {
    const n = networkOf(result, r.sourceIp);
    const rep = result.reports[r.report]!;
    const s = result.senders[r.sender];
    const p = rep.policy;
    return [
      rep.version || 'draft',
      rep.orgName,
      rep.email,
      rep.extraContactInfo,
      rep.reportId,
      humanTime(rep.begin),
      humanTime(rep.end),
      rep.errors.join('|'),
      p.domain,
      p.adkim,
      p.aspf,
      p.p,
      p.sp,
      p.pct,
      p.fo,
      r.sourceIp,
      s?.kind === 'service' ? s.name : '',
      s?.kind === 'service' ? s.category : '',
      r.count,
      r.spf === 'pass' ? 'True' : 'False',
      r.dkim === 'pass' ? 'True' : 'False',
      r.isDmarcPass ? 'True' : 'False',
      r.disposition,
      r.reasons.map((x) => x.type).join(','),
      r.reasons.map((x) => x.comment).join(','),
      r.envelopeFrom,
      r.headerFrom,
      r.envelopeTo,
      r.dkimAuth.map((a) => a.domain).join(','),
      r.dkimAuth.map((a) => a.selector).join(','),
      r.dkimAuth.map((a) => a.result).join(','),
      r.spfAuth.map((a) => a.domain).join(','),
      r.spfAuth.map((a) => a.scope).join(','),
      r.spfAuth.map((a) => a.result).join(','),
      n?.country ?? '',
      n?.asn ?? '',
      n?.name ?? '',
    ];
  });
  return toCsv(headers, rows, opts);
}

/** parsedmarc's failure-report CSV columns (`parsed_failure_reports_to_csv`); lookup columns stay empty. */
export const FAILURE_CSV_FIELDS = [
  'feedback_type',
  'user_agent',
  'version',
  'original_envelope_id',
  'original_mail_from',
  'original_rcpt_to',
  'arrival_date',
  'arrival_date_utc',
  'subject',
  'message_id',
  'authentication_results',
  'dkim_domain',
  'source_ip_address',
  'source_country',
  'source_reverse_dns',
  'source_base_domain',
  'source_name',
  'source_type',
  'source_asn',
  'source_as_name',
  'source_as_domain',
  'delivery_result',
  'auth_failure',
  'reported_domain',
  'authentication_mechanisms',
  'sample_headers_only',
] as const;

export function failureCsv(
  result: Pick<DmarcResult, 'failureReports'>,
  opts: { bom?: boolean } = CSV,
): string {
  const rows = result.failureReports
    .filter((r) => r.duplicateOf === -1)
    .map((r): CsvCell[] => [
      r.feedbackType,
      r.userAgent,
      r.version,
      r.originalEnvelopeId,
      r.originalMailFrom,
      r.originalRcptTo,
      r.arrivalDateText,
      humanTime(r.arrivalDate),
      r.subject,
      r.messageId,
      r.authenticationResults,
      r.dkimDomain,
      r.sourceIp,
      '',
      r.sourceHost,
      '',
      '',
      '',
      '',
      '',
      '',
      r.deliveryResult,
      r.authFailure.replace(/,\s*/g, ','),
      r.reportedDomain,
      r.identityAlignment === 'none' ? '' : r.identityAlignment.replace(/,\s*/g, ','),
      r.isHeadersOnly ? 'True' : 'False',
    ]);
  return toCsv(FAILURE_CSV_FIELDS, rows, opts);
}

/** parsedmarc's SMTP TLS CSV columns (`parsed_smtp_tls_reports_to_csv`). */
export const TLS_CSV_FIELDS = [
  'organization_name',
  'begin_date',
  'end_date',
  'report_id',
  'result_type',
  'successful_session_count',
  'failed_session_count',
  'policy_domain',
  'policy_type',
  'policy_strings',
  'mx_host_patterns',
  'sending_mta_ip',
  'receiving_ip',
  'receiving_mx_hostname',
  'receiving_mx_helo',
  'additional_info_uri',
  'failure_reason_code',
] as const;

/** As parsedmarc writes it: one row per policy with its totals, then one row per failure detail. */
export function tlsCsv(result: Pick<DmarcResult, 'tlsReports'>, opts: { bom?: boolean } = CSV): string {
  const rows: CsvCell[][] = [];
  for (const r of result.tlsReports) {
    if (r.duplicateOf !== -1) continue;
    const head = [r.organizationName, isoTime(r.begin), isoTime(r.end), r.reportId];
    for (const p of r.policies) {
      const policy = [p.policyDomain, p.policyType, p.policyStrings.join('|'), p.mxHosts.join('|')];
      rows.push([...head, '', p.successfulSessions, p.failedSessions, ...policy, '', '', '', '', '', '']);
      for (const f of p.failures) {
        rows.push([
          ...head,
          f.resultType,
          '',
          f.failedSessions,
          ...policy,
          f.sendingMtaIp,
          f.receivingIp,
          f.receivingMxHostname,
          f.receivingMxHelo,
          f.additionalInformation,
          f.failureReasonCode,
        ]);
      }
    }
  }
  return toCsv(TLS_CSV_FIELDS, rows, opts);
}

const n = (x: number) => x.toLocaleString('en-US');
const ymd = (s: number | null) => (s === null ? '–' : isoTime(s)!.slice(0, 10));

/** One line each for failure and TLS reports, for the CLI's text summary. */
export function otherKindsSummary(result: DmarcOverview): [string, string] {
  const t = result.totals;
  const failures = result.failureReports.filter((r) => r.duplicateOf === -1);
  let first: number | null = null;
  let last: number | null = null;
  for (const { arrivalDate: d } of failures) {
    if (d === null) continue;
    if (first === null || d < first) first = d;
    if (last === null || d > last) last = d;
  }
  const ips = new Set(failures.map((r) => r.sourceIp).filter(Boolean));
  const domains = new Set(failures.map((r) => r.reportedDomain).filter(Boolean));
  const tls = result.tlsReports.filter((r) => r.duplicateOf === -1);
  const orgs = new Set(tls.map((r) => r.organizationName));
  const policyDomains = new Set(tls.flatMap((r) => r.policies.map((p) => p.policyDomain)));
  const sessions = t.tlsSuccessfulSessions + t.tlsFailedSessions;
  return [
    `Failure reports: ${n(t.failureReports)}${t.failureReports ? ` from ${n(ips.size)} source IP(s) about ${n(domains.size)} domain(s), ${ymd(first)} – ${ymd(last)}` : ''}`,
    `SMTP TLS reports: ${n(t.tlsReports)}${t.tlsReports ? ` from ${n(orgs.size)} organisation(s) about ${n(policyDomains.size)} policy domain(s): ${n(t.tlsSuccessfulSessions)} session(s) succeeded, ${n(t.tlsFailedSessions)} failed${sessions ? ` (${((100 * t.tlsSuccessfulSessions) / sessions).toFixed(1)} % success)` : ''}` : ''}`,
  ];
}

/** The other two kinds of report, for `--kind failure|tls` with `--ndjson` or `--csv`. */
export type ReportKind = 'aggregate' | 'failure' | 'tls';

export function kindText(result: DmarcResult, format: 'ndjson' | 'csv', kind: ReportKind): string {
  if (kind === 'failure') return format === 'ndjson' ? failureNdjson(result) : failureCsv(result);
  if (kind === 'tls') return format === 'ndjson' ? tlsNdjson(result) : tlsCsv(result);
  return format === 'ndjson' ? toNdjson(result) : recordsCsv(result);
}

export type ExportFormat =
  | 'json'
  | 'ndjson'
  | 'senders'
  | 'failing'
  | 'domains'
  | 'reporters'
  | 'dispositions'
  | 'files'
  | 'records'
  | 'failure-ndjson'
  | 'failure-csv'
  | 'tls-ndjson'
  | 'tls-csv';

/** Every download by name, so that the page can have it built where the records are (the worker). */
export function exportText(result: DmarcResult, format: ExportFormat): string {
  switch (format) {
    case 'json':
      return JSON.stringify(toJson(result), null, 2);
    case 'ndjson':
      return toNdjson(result);
    case 'senders':
      return sendersCsv(result);
    case 'failing':
      return failingCsv(result);
    case 'domains':
      return domainsCsv(result);
    case 'reporters':
      return reportersCsv(result);
    case 'dispositions':
      return dispositionsCsv(result);
    case 'files':
      return filesCsv(result);
    case 'records':
      return recordsCsv(result);
    case 'failure-ndjson':
      return failureNdjson(result);
    case 'failure-csv':
      return failureCsv(result);
    case 'tls-ndjson':
      return tlsNdjson(result);
    case 'tls-csv':
      return tlsCsv(result);
  }
}
