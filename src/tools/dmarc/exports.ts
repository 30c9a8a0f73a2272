import { recordsToCsv, toCsv, type CsvCell } from '../../lib/csv/write.ts';
import { humanTime, isoTime, toNdjson } from './ndjson.ts';
import type { DmarcResult, FileStatus } from './types.ts';

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
  senders: { name: string; ips: string[]; messages: number; dmarcPass: number }[];
}

export function toJson(result: DmarcResult): DmarcJson {
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
    })),
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
  ];
  const rows = result.records.map((r): CsvCell[] => {
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
    ];
  });
  return toCsv(headers, rows, opts);
}

export type ExportFormat =
  'json' | 'ndjson' | 'senders' | 'failing' | 'domains' | 'reporters' | 'dispositions' | 'files' | 'records';

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
  }
}
