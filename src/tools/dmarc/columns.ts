import type { Column } from '../../lib/ui/table-view.ts';
import type { DispositionRow, DmarcRecord, DomainRow, FileVerdict, ReporterRow, SenderRow } from './types.ts';
import type { ReportRef } from './core.ts';
import type { FailureGroup, FailureRow } from './failure-view.ts';
import type { TlsDayRow, TlsPolicyRow, TlsResultRow } from './tls-view.ts';

/** Column sets of the tool's tables; values are what the CSV gets, `format` only changes what is shown. */

/** One decimal; never shows 100 % while some fail, nor 0 % while some pass. */
export function percent(part: number, whole: number): number | null {
  if (!whole) return null;
  const p = Math.round((1000 * part) / whole) / 10;
  if (p === 100 && part < whole) return 99.9;
  if (p === 0 && part > 0) return 0.1;
  return p;
}
const showPercent = (v: unknown) => (v === null || v === undefined ? '–' : `${v} %`);
/** A share in one-decimal percent: the number in the CSV, "12.5 %" (or "–" when there is no whole) on screen. */
const percentColumn = <T>(id: string, header: string, share: (row: T) => number | null): Column<T> => ({
  id,
  header,
  value: share,
  numeric: true,
  format: showPercent,
});
export const day = (seconds: number | null): string =>
  seconds === null ? '' : new Date(seconds * 1000).toISOString().slice(0, 10);

const KIND: Record<SenderRow['kind'], string> = {
  service: 'Known service',
  authenticated: 'Authenticated',
  unknown: 'Unknown',
};

export const senderColumns: Column<SenderRow>[] = [
  { id: 'name', header: 'Sender', value: (s) => s.name, width: '16rem' },
  { id: 'kind', header: 'Kind', value: (s) => KIND[s.kind] },
  { id: 'messages', header: 'Messages', value: (s) => s.messages, numeric: true },
  percentColumn('pass', 'DMARC pass', (s) => percent(s.dmarcPass, s.messages)),
  { id: 'fail', header: 'Failing', value: (s) => s.dmarcFail, numeric: true },
  percentColumn('dkim', 'DKIM aligned', (s) => percent(s.dkimAligned, s.messages)),
  percentColumn('spf', 'SPF aligned', (s) => percent(s.spfAligned, s.messages)),
  { id: 'ips', header: 'IPs', value: (s) => s.ips.length, numeric: true },
  { id: 'reporters', header: 'Reporters', value: (s) => s.reporters.length, numeric: true },
  {
    id: 'overrides',
    header: 'Overrides',
    value: (s) =>
      Object.entries(s.overrides)
        .map(([k, v]) => `${k} ${v}`)
        .join(', '),
  },
  { id: 'evidence', header: 'Recognised by', value: (s) => s.evidence, hidden: true },
  { id: 'category', header: 'Category', value: (s) => s.category, hidden: true },
];

export const failingColumns: Column<SenderRow>[] = [
  { id: 'name', header: 'Sender', value: (s) => s.name, width: '16rem' },
  { id: 'kind', header: 'Kind', value: (s) => KIND[s.kind] },
  { id: 'fail', header: 'Failing messages', value: (s) => s.dmarcFail, numeric: true },
  percentColumn('rate', 'Of its mail', (s) => percent(s.dmarcFail, s.messages)),
  {
    id: 'overrides',
    header: 'Excused (overrides)',
    value: (s) => Object.values(s.overrides).reduce((a, b) => a + b, 0),
    numeric: true,
  },
  { id: 'ips', header: 'IPs', value: (s) => s.ips.length, numeric: true },
  { id: 'evidence', header: 'Recognised by', value: (s) => s.evidence },
];

export const domainColumns: Column<DomainRow>[] = [
  { id: 'domain', header: 'Header From', value: (d) => d.domain, width: '16rem' },
  { id: 'policyDomain', header: 'Policy domain', value: (d) => d.policyDomain },
  { id: 'sub', header: 'Subdomain', value: (d) => (d.isSubdomain ? 'yes' : '') },
  { id: 'policy', header: 'Policy', value: (d) => d.policy },
  { id: 'messages', header: 'Messages', value: (d) => d.messages, numeric: true },
  percentColumn('pass', 'DMARC pass', (d) => percent(d.dmarcPass, d.messages)),
  percentColumn('dkim', 'DKIM aligned', (d) => percent(d.dkimAligned, d.messages)),
  percentColumn('spf', 'SPF aligned', (d) => percent(d.spfAligned, d.messages)),
  { id: 'quarantine', header: 'Quarantined', value: (d) => d.quarantine, numeric: true },
  { id: 'reject', header: 'Rejected', value: (d) => d.reject, numeric: true },
  { id: 'senders', header: 'Senders', value: (d) => d.senders, numeric: true },
];

export const reporterColumns: Column<ReporterRow>[] = [
  { id: 'org', header: 'Reporter', value: (r) => r.orgName, width: '16rem' },
  { id: 'email', header: 'Email', value: (r) => r.email, hidden: true },
  { id: 'reports', header: 'Reports', value: (r) => r.reports, numeric: true },
  { id: 'messages', header: 'Messages', value: (r) => r.messages, numeric: true },
  percentColumn('pass', 'DMARC pass', (r) => percent(r.dmarcPass, r.messages)),
  { id: 'domains', header: 'Domains', value: (r) => r.domains, numeric: true },
  { id: 'first', header: 'First day', value: (r) => day(r.begin) },
  { id: 'last', header: 'Last day', value: (r) => day(r.end) },
];

export const dispositionColumns: Column<DispositionRow>[] = [
  { id: 'disposition', header: 'Disposition', value: (d) => d.disposition },
  { id: 'messages', header: 'Messages', value: (d) => d.messages, numeric: true },
  { id: 'records', header: 'Records', value: (d) => d.records, numeric: true },
  percentColumn('pass', 'DMARC pass', (d) => percent(d.dmarcPass, d.messages)),
];

const STATUS: Record<FileVerdict['status'], string> = {
  ok: 'OK',
  warning: 'OK, with warnings',
  rejected: 'Rejected',
  skipped: 'Skipped',
};

export const fileColumns: Column<FileVerdict>[] = [
  { id: 'path', header: 'File', value: (f) => f.path, width: '24rem', mono: true },
  { id: 'status', header: 'Verdict', value: (f) => STATUS[f.status] },
  { id: 'reports', header: 'Reports', value: (f) => f.reports, numeric: true },
  { id: 'why', header: 'Why', value: (f) => f.reason || f.warnings.join(' · '), width: '28rem' },
];

const auth = (list: { domain: string; result: string }[]) =>
  list.map((a) => `${a.domain || '–'} ${a.result || '–'}`).join(', ');

/** `reports`: the reports the records came from, by `DmarcRecord.report` (sent with the records). */
export function recordColumns(reports: Readonly<Record<number, ReportRef>>): Column<DmarcRecord>[] {
  const rep = (r: DmarcRecord) => reports[r.report]!;
  return [
    { id: 'ip', header: 'Source IP', value: (r) => r.sourceIp, mono: true },
    {
      id: 'count',
      header: 'Messages',
      value: (r) => r.count,
      numeric: true,
      format: (v, r) => `${v}${r.isCountInvalid ? ' (invalid count)' : ''}`,
    },
    { id: 'dmarc', header: 'DMARC', value: (r) => (r.isDmarcPass ? 'pass' : 'fail') },
    { id: 'dkim', header: 'DKIM aligned', value: (r) => r.dkim || '(empty)' },
    { id: 'spf', header: 'SPF aligned', value: (r) => r.spf || '(empty)' },
    { id: 'disposition', header: 'Disposition', value: (r) => r.disposition || '(empty)' },
    { id: 'from', header: 'Header From', value: (r) => r.headerFrom },
    { id: 'envfrom', header: 'Envelope From', value: (r) => r.envelopeFrom, hidden: true },
    { id: 'dkimAuth', header: 'DKIM results', value: (r) => auth(r.dkimAuth) },
    { id: 'spfAuth', header: 'SPF results', value: (r) => auth(r.spfAuth) },
    {
      id: 'reasons',
      header: 'Override',
      value: (r) => r.reasons.map((x) => x.type + (x.comment ? ` (${x.comment})` : '')).join(', '),
    },
    { id: 'reporter', header: 'Reporter', value: (r) => rep(r).orgName },
    { id: 'day', header: 'Day', value: (r) => day(rep(r).begin) },
    { id: 'source', header: 'File', value: (r) => rep(r).source, hidden: true, mono: true },
  ];
}

/** `YYYY-MM-DD HH:MM` UTC; '' for null. */
export const minute = (seconds: number | null): string =>
  seconds === null ? '' : new Date(seconds * 1000).toISOString().slice(0, 16).replace('T', ' ');

export const failureColumns: Column<FailureRow>[] = [
  { id: 'arrival', header: 'Arrived (UTC)', value: (r) => minute(r.report.arrivalDate), width: '9rem' },
  { id: 'ip', header: 'Source IP', value: (r) => r.report.sourceIp, mono: true },
  { id: 'host', header: 'Host', value: (r) => r.report.sourceHost, hidden: true },
  { id: 'sender', header: 'Sender (aggregate)', value: (r) => r.sender?.name ?? '' },
  { id: 'domain', header: 'Reported domain', value: (r) => r.report.reportedDomain },
  { id: 'auth', header: 'Failed', value: (r) => r.report.authFailure },
  { id: 'delivery', header: 'Delivery', value: (r) => r.report.deliveryResult },
  { id: 'subject', header: 'Subject', value: (r) => r.report.subject, width: '16rem' },
  { id: 'from', header: 'From', value: (r) => r.report.from, width: '14rem' },
  { id: 'mailfrom', header: 'Mail From', value: (r) => r.report.originalMailFrom, hidden: true },
  { id: 'rcpt', header: 'Rcpt To', value: (r) => r.report.originalRcptTo, hidden: true },
  { id: 'agent', header: 'Reporter', value: (r) => r.report.userAgent, hidden: true },
  { id: 'file', header: 'File', value: (r) => r.report.source, hidden: true, mono: true },
];

export function failureGroupColumns(by: 'source' | 'subject'): Column<FailureGroup>[] {
  return [
    {
      id: 'key',
      header: by === 'source' ? 'Source IP' : 'Subject',
      value: (g) => g.key,
      width: '16rem',
      mono: by === 'source',
    },
    ...(by === 'source'
      ? [{ id: 'sender', header: 'Sender (aggregate)', value: (g: FailureGroup) => g.sender?.name ?? '' }]
      : []),
    { id: 'reports', header: 'Reports', value: (g) => g.reports, numeric: true },
    { id: 'incidents', header: 'Messages', value: (g) => g.incidents, numeric: true, hidden: true },
    {
      id: 'others',
      header: by === 'source' ? 'Subjects' : 'Source IPs',
      value: (g) => g.others.join(', '),
      width: '18rem',
    },
    { id: 'domains', header: 'Reported domains', value: (g) => g.domains.join(', ') },
    { id: 'auth', header: 'Failed', value: (g) => g.authFailures.join(', ') },
    { id: 'first', header: 'First', value: (g) => minute(g.first) },
    { id: 'last', header: 'Last', value: (g) => minute(g.last) },
  ];
}

const rate = (ok: number, failed: number) => percent(ok, ok + failed);

export const tlsPolicyColumns: Column<TlsPolicyRow>[] = [
  { id: 'domain', header: 'Policy domain', value: (r) => r.policyDomain, width: '14rem' },
  { id: 'mx', header: 'MX', value: (r) => r.mx, width: '16rem', mono: true },
  { id: 'type', header: 'Policy', value: (r) => r.policyTypes.join(', ') },
  { id: 'reports', header: 'Reports', value: (r) => r.reports, numeric: true },
  { id: 'ok', header: 'Successful', value: (r) => r.successful, numeric: true },
  { id: 'failed', header: 'Failed', value: (r) => r.failed, numeric: true },
  percentColumn('rate', 'Success', (r) => rate(r.successful, r.failed)),
  { id: 'first', header: 'First day', value: (r) => day(r.first) },
  { id: 'last', header: 'Last day', value: (r) => day(r.last) },
];

export const tlsDayColumns: Column<TlsDayRow>[] = [
  { id: 'day', header: 'Day', value: (r) => r.day },
  { id: 'domain', header: 'Policy domain', value: (r) => r.policyDomain, width: '14rem' },
  { id: 'ok', header: 'Successful', value: (r) => r.successful, numeric: true },
  { id: 'failed', header: 'Failed', value: (r) => r.failed, numeric: true },
  percentColumn('rate', 'Success', (r) => rate(r.successful, r.failed)),
];

export const tlsResultColumns: Column<TlsResultRow>[] = [
  { id: 'type', header: 'Result type', value: (r) => r.resultType, mono: true },
  { id: 'sessions', header: 'Failed sessions', value: (r) => r.sessions, numeric: true },
  { id: 'meaning', header: 'What it means', value: (r) => r.meaning, width: '20rem' },
  { id: 'fix', header: 'What to fix', value: (r) => r.fix, width: '22rem' },
  { id: 'mx', header: 'MX hosts', value: (r) => r.mxHosts.join(', '), width: '14rem' },
  { id: 'domains', header: 'Policy domains', value: (r) => r.policyDomains.join(', '), hidden: true },
  { id: 'codes', header: 'Reason codes', value: (r) => r.reasonCodes.join(', '), hidden: true },
  { id: 'details', header: 'Details', value: (r) => r.details, numeric: true, hidden: true },
];
