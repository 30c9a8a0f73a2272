import type { Issue } from '../../lib/issue.ts';
import type { UnpackCode } from '../../lib/files/unpack.ts';
import type { XmlDecodeCode } from '../../lib/xml/decode.ts';
import type { NetworkSummary } from './enrich/group.ts';

/** The closed set of problems this tool reports; tests and the CLI rely on these codes. */
export type DmarcIssueCode =
  | UnpackCode
  | XmlDecodeCode
  | 'empty-file'
  | 'binary-file'
  | 'read-failed'
  | 'xml-malformed'
  | 'not-aggregate-report'
  | 'failure-report'
  | 'tls-report'
  | 'mail-without-report'
  | 'missing-element'
  | 'bad-date'
  | 'date-impossible'
  | 'date-out-of-range'
  | 'count-decimal'
  | 'count-invalid'
  | 'count-implausible'
  | 'total-overflow'
  | 'ip-invalid'
  | 'policy-invalid'
  | 'value-out-of-range'
  | 'control-characters'
  | 'unknown-result'
  | 'no-records'
  | 'duplicate-report'
  | 'json-malformed'
  | 'feedback-not-failure'
  | 'tls-total-mismatch';

export type DmarcIssue = Issue<DmarcIssueCode>;

/**
 * `rejected`: the file (or member) could not be used, and exactly one issue of severity `error` says why;
 * `warning`: read, with warnings and no error; `skipped`: recognised as something other than a report this tool
 * reads (an ARF abuse report, a failure notice without its machine-readable part, another XML document), not a
 * fault; `ok`: read cleanly (an aggregate, failure or SMTP TLS report).
 */
export type FileStatus = 'ok' | 'warning' | 'rejected' | 'skipped';

/** One verdict per input file and per archive/mail member that is a document. */
export interface FileVerdict {
  /** As given; archive and mail members joined with ` > `. */
  path: string;
  /** The input file it came from (to find the bytes again for the raw XML). */
  input: string;
  status: FileStatus;
  /** Why it was rejected or skipped; empty when ok. */
  reason: string;
  warnings: string[];
  /** Aggregate reports read from it (0 or 1). */
  reports: number;
  issues: DmarcIssue[];
}

/**
 * One failure report (RFC 6591, ARF `Feedback-Type: auth-failure`): one message that failed authentication. Fields
 * are the report's own, never guessed from the human-readable text; '' when absent.
 */
export interface FailureReport {
  /** Where it was read from: the verdict path (the mail). */
  source: string;
  input: string;
  feedbackType: string;
  userAgent: string;
  version: string;
  /** Arrival-Date (or the Received-Date some reporters write), seconds since the epoch; null when absent or implausible. */
  arrivalDate: number | null;
  /** The date as written. */
  arrivalDateText: string;
  /** The address alone; '' when absent or not an IP address. */
  sourceIp: string;
  /** A host name written beside the address: `Source-IP: 192.0.2.1 (mx.example.net)`. */
  sourceHost: string;
  reportedDomain: string;
  /** `dkim`, `spf`, `dmarc`… (repeated fields joined with `, `). */
  authFailure: string;
  deliveryResult: string;
  originalMailFrom: string;
  originalRcptTo: string;
  originalEnvelopeId: string;
  identityAlignment: string;
  dkimDomain: string;
  dkimSelector: string;
  dkimIdentity: string;
  spfDns: string;
  authenticationResults: string;
  reportingMta: string;
  /** Incidents: how many messages this report stands for (1 when absent). */
  incidents: number;
  /** From the original message (or its headers). */
  subject: string;
  from: string;
  to: string;
  date: string;
  messageId: string;
  /** The original message's header lines as reported (names lower-cased, values cleaned and capped). */
  headers: [string, string][];
  /** The report carried only the original's headers (`text/rfc822-headers`), not the whole message. */
  isHeadersOnly: boolean;
  /** Index of the report this one duplicates (then it is not counted), or -1. */
  duplicateOf: number;
}

export interface TlsFailureDetail {
  resultType: string;
  sendingMtaIp: string;
  receivingMxHostname: string;
  receivingMxHelo: string;
  receivingIp: string;
  failedSessions: number;
  additionalInformation: string;
  failureReasonCode: string;
}

export interface TlsPolicy {
  /** `sts`, `tlsa` or `no-policy-found` (another word is kept as written, with a warning). */
  policyType: string;
  policyDomain: string;
  policyStrings: string[];
  /** `mx-host` (RFC 8460, a string or a list; `mx-host-pattern` in its erratum). */
  mxHosts: string[];
  successfulSessions: number;
  /** As the report states it, even when the details add up to something else (a warning says so). */
  failedSessions: number;
  failures: TlsFailureDetail[];
}

/** One SMTP TLS report (RFC 8460). */
export interface TlsReport {
  source: string;
  input: string;
  organizationName: string;
  contactInfo: string;
  reportId: string;
  /** Seconds since the epoch; a date range without a time zone (Microsoft) is read as UTC. Null when unreadable. */
  begin: number | null;
  end: number | null;
  policies: TlsPolicy[];
  successfulSessions: number;
  failedSessions: number;
  duplicateOf: number;
}

export interface DkimAuth {
  domain: string;
  selector: string;
  result: string;
  humanResult: string;
}

export interface SpfAuth {
  domain: string;
  scope: string;
  result: string;
  humanResult: string;
}

export interface OverrideReason {
  type: string;
  comment: string;
}

/** One `<record>`; words are trimmed and lower-cased, unknown words kept as they are. */
export interface DmarcRecord {
  /** Index into `DmarcResult.reports`. */
  report: number;
  /** Index into `DmarcResult.senders`; -1 until aggregated. */
  sender: number;
  sourceIp: string;
  /** Messages; 0 when the count was not a whole number or more than one record can hold (see `isCountInvalid`). */
  count: number;
  isCountInvalid: boolean;
  disposition: string;
  /** policy_evaluated: DKIM-aligned result. */
  dkim: string;
  /** policy_evaluated: SPF-aligned result. */
  spf: string;
  isDmarcPass: boolean;
  reasons: OverrideReason[];
  headerFrom: string;
  envelopeFrom: string;
  envelopeTo: string;
  dkimAuth: DkimAuth[];
  spfAuth: SpfAuth[];
}

export interface PublishedPolicy {
  domain: string;
  adkim: string;
  aspf: string;
  p: string;
  sp: string;
  pct: string;
  fo: string;
  /** RFC 9990. */
  np: string;
  testing: string;
  discoveryMethod: string;
}

export interface AggregateReport {
  /** Where it was read from: the verdict path. */
  source: string;
  input: string;
  /** `<version>`, empty when absent. */
  version: string;
  /** Namespace URI of `<feedback>`, empty when none. */
  namespace: string;
  orgName: string;
  email: string;
  extraContactInfo: string;
  reportId: string;
  /** Seconds since the epoch, UTC; null when missing or unreadable. */
  begin: number | null;
  end: number | null;
  generator: string;
  errors: string[];
  policy: PublishedPolicy;
  /** Records, messages and DMARC passes in this report. */
  recordCount: number;
  messages: number;
  dmarcPass: number;
  /**
   * Dated before 1990, in the future, ending before it begins, or covering more than a year: its messages count,
   * but it is kept out of the per-day chart and of the period covered (`Totals.begin`/`end`, reporters').
   */
  isDateOutOfRange: boolean;
  /** Index of the report this one duplicates (then it is not counted), or -1. */
  duplicateOf: number;
}

export type DispositionBucket = 'none' | 'quarantine' | 'reject' | 'pass' | 'unknown';

export interface Totals {
  files: number;
  filesByStatus: Record<FileStatus, number>;
  /** Unique reports counted. */
  reports: number;
  /** Copies of already counted reports, dropped. */
  duplicates: number;
  records: number;
  messages: number;
  dmarcPass: number;
  dkimAlignedPass: number;
  spfAlignedPass: number;
  disposition: Record<DispositionBucket, number>;
  reporters: number;
  domains: number;
  /** Earliest begin and latest end of plausibly dated reports, seconds; null without any. */
  begin: number | null;
  end: number | null;
  /**
   * The one count of problems every view shows: issues of severity error (one per rejected file, so equal to
   * `filesByStatus.rejected`) and warning, over all files.
   */
  issues: { errors: number; warnings: number };
}

/** The other two kinds of report, counted beside the aggregate figures (unique reports only). */
export interface OtherTotals {
  failureReports: number;
  tlsReports: number;
  tlsSuccessfulSessions: number;
  tlsFailedSessions: number;
}

export interface DayPoint {
  /** YYYY-MM-DD (UTC). */
  day: string;
  /** Messages spread over the days a report covers, in proportion; fractional. */
  messages: number;
  dmarcPass: number;
}

export type SenderKind = 'service' | 'authenticated' | 'unknown';

export interface SenderRow {
  id: number;
  name: string;
  kind: SenderKind;
  /** How it was recognised: `IP range (Microsoft, 2022-07-28)`, `DKIM d=sendgrid.net`… */
  evidence: string;
  category: string;
  ips: string[];
  messages: number;
  dmarcPass: number;
  dmarcFail: number;
  dkimAligned: number;
  spfAligned: number;
  /** Messages with an override reason, by reason type. */
  overrides: Record<string, number>;
  reporters: string[];
  headerFroms: string[];
  records: number;
}

export interface DomainRow {
  /** header_from. */
  domain: string;
  /** The policy domain of the reports it appeared in. */
  policyDomain: string;
  isSubdomain: boolean;
  /** p= (or sp= for subdomains) as most recently published. */
  policy: string;
  messages: number;
  dmarcPass: number;
  dkimAligned: number;
  spfAligned: number;
  quarantine: number;
  reject: number;
  senders: number;
}

export interface ReporterRow {
  orgName: string;
  email: string;
  reports: number;
  messages: number;
  dmarcPass: number;
  domains: number;
  begin: number | null;
  end: number | null;
}

export interface DispositionRow {
  disposition: string;
  messages: number;
  records: number;
  dmarcPass: number;
}

export interface Readiness {
  /** The strictest p= currently published among the policy domains. */
  currentPolicy: string;
  /** The weakest p= currently published; differs from `currentPolicy` when domains publish different policies. */
  weakestPolicy: string;
  messages: number;
  failing: number;
  /** The four parts of `failing`. Excused by the receiver (forwarded, mailing_list, local_policy, trusted_forwarder). */
  failingOverridden: number;
  /** Not excused, from recognised services: fix their SPF/DKIM alignment. */
  failingKnown: number;
  /** Not excused, from servers that authenticated as some domain: your own servers or a service not listed. */
  failingAuthenticated: number;
  /** Not excused, and nothing vouches for it: likely spoofing (or forwarding that broke DKIM). */
  failingUnknown: number;
  verdict: 'ready' | 'almost' | 'not-ready' | 'no-data';
  /** Every policy domain already publishes p=quarantine or p=reject: `advice` says what that policy does now. */
  isEnforcing: boolean;
  advice: string;
}

/**
 * The run in one word: `ok` every file was used or skipped; `partial` some file was rejected, the figures are from
 * the others; `unusable` no file held a usable report of any kind, so there are no figures at all.
 */
export interface RunVerdict {
  status: 'ok' | 'partial' | 'unusable';
  /** A sentence for the top of the page and the CLI; empty when `ok`. */
  message: string;
}

export interface DmarcResult {
  verdict: RunVerdict;
  files: FileVerdict[];
  /** Every report read, duplicates included (`duplicateOf` ≥ 0). */
  reports: AggregateReport[];
  /** Records of unique reports only. */
  records: DmarcRecord[];
  totals: Totals & OtherTotals;
  /** Every failure report read, duplicates included (`duplicateOf` ≥ 0). */
  failureReports: FailureReport[];
  /** Every SMTP TLS report read, duplicates included. */
  tlsReports: TlsReport[];
  days: DayPoint[];
  senders: SenderRow[];
  domains: DomainRow[];
  reporters: ReporterRow[];
  dispositions: DispositionRow[];
  readiness: Readiness;
  issues: DmarcIssue[];
  /** The source IPs' networks and countries (enrich/), when an IP table was loaded. */
  network?: NetworkSummary;
}

/**
 * A result without its per-record detail (the records, and the views built only from them): what the CLI's text
 * and JSON summaries print, and what two threads can build from figures each adds up on its own.
 */
export type DmarcOverview = Omit<DmarcResult, 'records' | 'domains' | 'dispositions'>;
