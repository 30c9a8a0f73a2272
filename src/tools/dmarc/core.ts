import { isAbortError, throwIfAborted, type NamedBytes, type RunOptions } from '../../lib/issue.ts';
import {
  extractEntry,
  unpack,
  type MailInfo,
  type UnpackItem,
  type UnpackLimits,
} from '../../lib/files/unpack.ts';
import { sniffBinary, unusableInput, type BinaryKind } from '../../lib/files/sniff.ts';
import { decodeXml } from '../../lib/xml/decode.ts';
import {
  buildDispositions,
  buildDomains,
  buildReadiness,
  buildReporters,
  buildSenders,
  buildTotals,
  dedupe,
  perDay,
  reportKey,
  senderRows,
} from './aggregate.ts';
import { figuresOf, joinFigures, type RunFigures } from './figures.ts';
import type { SenderClassifier } from './senders.ts';
import { failureKey, parseHeaderLines, readFailureReport, type FailureDraft } from './failure.ts';
import { parseAggregateBytes, type XmlReader } from './parse.ts';
import { looksLikeTlsReport, readTlsReport } from './tls.ts';
import type {
  AggregateReport,
  DmarcIssue,
  DmarcOverview,
  DmarcRecord,
  DmarcResult,
  FailureReport,
  FileStatus,
  FileVerdict,
  OtherTotals,
  RunVerdict,
  TlsReport,
} from './types.ts';

/**
 * Generous for DMARC (the largest real reports are tens of MB; a year of one domain's report mails in one mbox is
 * tens of thousands), tight enough that a bomb stops early. One document of 128 MiB is also far below what a
 * JavaScript string can hold (~512 MiB), so no input can crash the decoding.
 */
export const DMARC_LIMITS: Partial<UnpackLimits> = {
  maxEntries: 100_000,
  maxEntryBytes: 128 * 2 ** 20,
  maxTotalBytes: 512 * 2 ** 20,
};

export interface DmarcOptions extends RunOptions {
  limits?: Partial<UnpackLimits>;
  /** The XML reader on the hot path; 'fxp' exists for the benchmark. */
  reader?: XmlReader;
  /** Seconds since the epoch that count as now for the future-date check (tests); the clock by default. */
  now?: number;
  /** Messages all reports together may claim; `Number.MAX_SAFE_INTEGER`, lower only to test the rule. */
  maxTotalMessages?: number;
}

/** The tool reads three kinds of report, each as sent or packed: the messages name all of them. */
const EXPECTED =
  'a DMARC report (aggregate XML, SMTP TLS JSON or a failure report mail; as sent, zipped, gzipped or in a mailbox file)';

const ADVICE: Partial<Record<BinaryKind, string>> = {
  ole: 'An Outlook message (.msg) cannot be read here: save the report attachment itself (.zip, .gz or .xml), or the mail as .eml, and drop that.',
  xlsx: 'Drop the reports themselves (.xml, .zip, .gz or saved mails), not a workbook made from them.',
};

/** An input whose bytes are read when its turn comes, so that thousands of dropped files are not all in memory. */
export interface LazyFile {
  name: string;
  read: () => Promise<Uint8Array> | Uint8Array;
}

type DocumentKind = 'xml' | 'json' | 'empty' | 'other';

/** What a leaf holds, from its first bytes (a BOM and whitespace skipped, UTF-16 recognised). */
function sniffDocument(bytes: Uint8Array): DocumentKind {
  if (bytes.length === 0) return 'empty';
  let i = 0;
  let step = 1;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) i = 3;
  else if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    i = bytes[0] === 0xff ? 2 : 3;
    step = 2;
  } else if (bytes[0] === 0x3c && bytes[1] === 0) step = 2;
  else if (bytes[0] === 0 && bytes[1] === 0x3c) {
    i = 1;
    step = 2;
  }
  for (; i < bytes.length && i < 4096; i += step) {
    const c = bytes[i]!;
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) continue;
    if (c === 0x3c) return 'xml';
    if (c === 0x7b || c === 0x5b) return 'json';
    return 'other';
  }
  return i >= bytes.length ? 'empty' : 'other';
}

/** ARF (RFC 5965/6591) failure reports, structurally; some senders skip the ARF part and only say so in the subject. */
function isFailureReportMail(info: MailInfo): boolean {
  return (
    info.types.includes('message/feedback-report') ||
    (info.contentType === 'multipart/report' && info.params['report-type'] === 'feedback-report') ||
    info.headerNames.includes('feedback-type')
  );
}

/** The first field of an ARF feedback report (RFC 5965 §3.1), at the very start of the part. */
function startsWithFeedbackType(bytes: Uint8Array): boolean {
  let i = 0;
  while (i < bytes.length && i < 64 && (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d)) i++;
  return /^feedback-type[ \t]*:/i.test(String.fromCharCode(...bytes.subarray(i, i + 16)));
}

const FAILURE_SUBJECT = /\b(dmarc\s+)?(failure|forensic)\s+report\b/i;

function describeIssue(i: DmarcIssue): string {
  const at = i.line
    ? `line ${i.line}${i.column ? `, column ${i.column}` : ''}: `
    : i.path && i.severity === 'error'
      ? `<${i.path}>: `
      : '';
  return at + i.message;
}

function verdictFrom(
  path: string,
  input: string,
  given: DmarcIssue[],
  reports: number,
  outcome?: FileStatus,
): FileVerdict {
  // One error per rejected verdict, so that "errors" and "rejected files" are one count everywhere.
  let errors = 0;
  const issues = given.map((i) =>
    i.severity === 'error' && errors++ > 0 ? { ...i, severity: 'warning' as const } : i,
  );
  const main =
    issues.find((i) => i.severity === 'error') ??
    (outcome === 'skipped' ? issues.find((i) => i.severity === 'info') : undefined);
  const warnings = issues.filter((i) => i.severity === 'warning').map(describeIssue);
  const status: FileStatus = outcome ?? (main ? 'rejected' : warnings.length ? 'warning' : 'ok');
  return {
    path,
    input,
    status,
    reason: main && status !== 'ok' && status !== 'warning' ? describeIssue(main) : '',
    warnings,
    reports,
    issues,
  };
}

/** Everything read from the files, before de-duplication and roll-up: plain data (it crosses threads). */
export interface Collector {
  files: FileVerdict[];
  reports: AggregateReport[];
  recordsByReport: DmarcRecord[][];
  /** Index of each report's verdict, to add a duplicate warning later. */
  verdictOfReport: number[];
  failureReports: FailureReport[];
  verdictOfFailure: number[];
  tlsReports: TlsReport[];
  verdictOfTls: number[];
}

export const emptyCollector = (): Collector => ({
  files: [],
  reports: [],
  recordsByReport: [],
  verdictOfReport: [],
  failureReports: [],
  verdictOfFailure: [],
  tlsReports: [],
  verdictOfTls: [],
});

interface MailState {
  info: MailInfo;
  isSkipped: boolean;
  hasVerdict: boolean;
  /** A failure report mail being gathered: its own (`isDraftOwner`) or the one it is a part of. */
  draft?: FailureDraft;
  isDraftOwner?: boolean;
}

const isUnused = (bytes: Uint8Array) =>
  bytes.length < 64 && new TextDecoder().decode(bytes).trim().toLowerCase() === 'unused';

/** A mail body (text, not a named attachment) holds a report inline only if it says so early on. */
function isInlineReport(bytes: Uint8Array, contentType: string): boolean {
  if (contentType !== 'text/plain' && contentType !== 'text/xml') return false;
  const head = new TextDecoder().decode(bytes.subarray(0, 8192));
  return /<([\w.-]+:)?feedback[\s>]/i.test(head);
}

function processInput(name: string, bytes: Uint8Array, opts: DmarcOptions, c: Collector): void {
  const unusable = unusableInput(name, bytes, { expected: EXPECTED, accepts: ['zip', 'gzip'] });
  if (unusable) {
    // The generic advice is about CSV exports; for reports, say where the report is.
    const advice = unusable.code === 'binary-file' ? ADVICE[sniffBinary(bytes) ?? 'binary'] : undefined;
    const end = unusable.message.indexOf(`, not ${EXPECTED}.`);
    if (advice && end > 0) unusable.message = `${unusable.message.slice(0, end)}, not ${EXPECTED}. ${advice}`;
    c.files.push(verdictFrom(name, name, [unusable], 0));
    return;
  }
  const reportsBefore = c.reports.length;
  const mails = new Map<string, MailState>();
  const note = (mailPaths: string[]) => {
    for (const m of mailPaths) {
      const state = mails.get(m);
      if (state) state.hasVerdict = true;
    }
  };
  const skip = (path: string, code: DmarcIssue['code'], message: string) => {
    c.files.push(verdictFrom(path, name, [{ code, severity: 'info', file: path, message }], 0, 'skipped'));
  };
  // The file itself, not a member found inside it: what it holds is what the user meant to give.
  const isTop = (path: string, mailPaths: string[]) => path === name && mailPaths.length === 0;
  const wrongFile = (path: string, message: string) =>
    c.files.push(
      verdictFrom(path, name, [{ code: 'not-aggregate-report', severity: 'error', file: path, message }], 0),
    );
  const finishFailure = (draft: FailureDraft) => {
    if (!draft.feedback) {
      // Some reporters send only prose; nothing is read from prose, so it is not counted.
      skip(
        draft.path,
        'failure-report',
        'A DMARC failure (forensic) report mail without its machine-readable part (message/feedback-report): not counted, skipped.',
      );
      return;
    }
    const out = readFailureReport(draft, { now: opts.now });
    if (out.kind === 'other') {
      skip(
        draft.path,
        'feedback-not-failure',
        `An ARF feedback report of type "${out.feedbackType.slice(0, 40)}", not a DMARC failure report: skipped.`,
      );
      return;
    }
    c.verdictOfFailure.push(c.files.length);
    c.failureReports.push(out.report);
    c.files.push(verdictFrom(draft.path, name, out.issues, 0));
  };
  for (const item of unpack(
    { name, bytes },
    { ...DMARC_LIMITS, ...opts.limits },
    opts.signal,
  ) as Iterable<UnpackItem>) {
    switch (item.kind) {
      case 'mail': {
        // `item.mails` ends with the mail itself.
        const parent = mails.get(item.mails[item.mails.length - 2] ?? '');
        if (parent?.draft) {
          // A part of a failure report opened as a mail: the feedback fields or the original message.
          const draft = parent.draft;
          if (parent.isDraftOwner) {
            const isFeedback = item.info.headerNames.includes('feedback-type');
            if (isFeedback) draft.feedback ??= item.info.headers;
            else draft.original ??= item.info.headers;
          }
          mails.set(item.info.path, { info: item.info, isSkipped: true, hasVerdict: true, draft });
          break;
        }
        const isSkipped = item.mails.some((m) => mails.get(m)?.isSkipped);
        const isFailure = !isSkipped && isFailureReportMail(item.info);
        mails.set(item.info.path, {
          info: item.info,
          isSkipped: isSkipped || isFailure,
          hasVerdict: false,
          draft: isFailure
            ? {
                path: item.info.path,
                input: name,
                isHeadersOnly:
                  item.info.types.includes('text/rfc822-headers') &&
                  !item.info.types.includes('message/rfc822'),
              }
            : undefined,
          isDraftOwner: isFailure,
        });
        if (isFailure) note(item.mails);
        break;
      }
      case 'mail-end': {
        const state = mails.get(item.path)!;
        if (state.isDraftOwner) {
          finishFailure(state.draft!);
          break;
        }
        if (state.isSkipped || state.hasVerdict) break;
        const { subject, types } = state.info;
        if (FAILURE_SUBJECT.test(subject))
          // Prose only: nothing is read from prose, so it is not counted.
          skip(
            item.path,
            'failure-report',
            'A DMARC failure (forensic) report mail without its machine-readable part (message/feedback-report): not counted, skipped.',
          );
        else if (types.some((t) => t.startsWith('application/tlsrpt')))
          skip(item.path, 'tls-report', 'An SMTP TLS report (RFC 8460), not a DMARC report: skipped.');
        else skip(item.path, 'mail-without-report', 'The mail has no DMARC aggregate report attached.');
        break;
      }
      case 'failed': {
        if (item.mails.some((m) => mails.get(m)?.isSkipped)) break;
        note(item.mails);
        let issue = item.issue;
        // A limit on the whole file after some of it was read: say exactly what counts and what does not.
        const n = c.reports.length - reportsBefore;
        if (issue.code === 'limit-entries' || (item.path === name && n > 0)) {
          issue = {
            ...issue,
            message: `${n.toLocaleString('en-US')} report${n === 1 ? ' was' : 's were'} read from it. ${issue.message}`,
          };
        }
        c.files.push(verdictFrom(item.path, name, [issue], 0));
        break;
      }
      case 'entry': {
        if (item.part && item.mails.length) {
          const state = mails.get(item.mails[item.mails.length - 1]!);
          if (state?.draft) {
            const type = item.part.contentType;
            if (state.isDraftOwner && type === 'message/feedback-report')
              state.draft.feedback ??= parseHeaderLines(item.bytes);
            else if (state.isDraftOwner && type === 'text/rfc822-headers')
              state.draft.original ??= parseHeaderLines(item.bytes);
            break;
          }
          // Outlook can turn the message/feedback-report part into a plain attachment (ATT00001.dat): its fields
          // still say what it is. A text body is not such a part: nothing is read from a mail's text.
          if (state && !item.part.isBody && startsWithFeedbackType(item.bytes)) {
            if (!item.mails.some((m) => mails.get(m)?.isSkipped)) {
              state.draft = { path: state.info.path, input: name, isHeadersOnly: false };
              state.draft.feedback = parseHeaderLines(item.bytes);
              state.isDraftOwner = state.isSkipped = true;
              note(item.mails);
            }
            break;
          }
        }
        if (item.mails.some((m) => mails.get(m)?.isSkipped)) break;
        const kind = sniffDocument(item.bytes);
        // Bodies, HTML, images and signatures around the attachment are the mail's own: not a report part, no
        // verdict. Only a plain-text body that holds the report inline is read.
        if (item.part?.isNote && !(kind === 'xml' && isInlineReport(item.bytes, item.part.contentType)))
          break;
        // Nor is any other part that is neither XML, JSON nor an archive (a PDF, Outlook's ATT00001.txt): if the
        // mail holds no report at all, the mail's own verdict says so.
        if (item.part && kind === 'other' && !item.containers.some((k) => k === 'gzip' || k === 'zip')) break;
        note(item.mails);
        const top = isTop(item.path, item.mails);
        if (kind === 'empty') {
          c.files.push(
            verdictFrom(
              item.path,
              name,
              [
                ...item.issues,
                { code: 'empty-file', severity: 'error', file: item.path, message: 'The file is empty.' },
              ],
              0,
            ),
          );
        } else if (kind === 'json') {
          const tls = looksLikeTlsReport(item.bytes)
            ? readTlsReport(item.bytes, item.path, name, { now: opts.now })
            : undefined;
          if (tls?.isTls) {
            if (tls.report) {
              c.verdictOfTls.push(c.files.length);
              c.tlsReports.push(tls.report);
            }
            c.files.push(verdictFrom(item.path, name, [...item.issues, ...tls.issues], 0));
          } else if (top)
            wrongFile(
              item.path,
              'This is JSON, but not an SMTP TLS report (RFC 8460: organization-name, date-range, policies); DMARC aggregate reports are XML.',
            );
          else
            skip(
              item.path,
              'not-aggregate-report',
              'JSON, but not an SMTP TLS report (DMARC aggregate reports are XML): skipped.',
            );
        } else if (kind === 'other') {
          if (top)
            wrongFile(
              item.path,
              `This is text that is neither XML, JSON, zip, gzip nor a saved mail, not ${EXPECTED}.`,
            );
          else
            skip(
              item.path,
              'not-aggregate-report',
              item.part
                ? // Yahoo and AOL have sent report attachments holding only the word "unused".
                  `The attachment holds no report (it is not XML${isUnused(item.bytes) ? ': only the word "unused", a known glitch of the reporter' : ''}).`
                : 'Not a DMARC aggregate report: neither XML, zip, gzip nor a mail.',
            );
        } else {
          const parsed = parseAggregateBytes(item.bytes, item.path, name, opts.reader, { now: opts.now });
          if (parsed.outcome === 'skipped' && top) {
            // Another XML document given as a report: the wrong file, not one to pass over.
            const info = parsed.issues.find((i) => i.code === 'not-aggregate-report');
            if (info) {
              info.severity = 'error';
              info.path = undefined;
            }
            c.files.push(verdictFrom(item.path, name, [...item.issues, ...parsed.issues], 0));
            break;
          }
          const issues = [...item.issues, ...parsed.issues];
          if (parsed.report) {
            c.verdictOfReport.push(c.files.length);
            c.reports.push(parsed.report);
            c.recordsByReport.push(parsed.records);
          }
          c.files.push(
            verdictFrom(
              item.path,
              name,
              issues,
              parsed.report ? 1 : 0,
              parsed.outcome === 'skipped' ? 'skipped' : undefined,
            ),
          );
        }
        break;
      }
    }
  }
}

/**
 * What tells two copies of one report apart: every record's figures. Computed only for reports that have copies.
 */
function contentKey(records: DmarcRecord[], r: AggregateReport): string {
  const rows = records.map(
    (x) => `${x.sourceIp}|${x.count}|${x.disposition}|${x.dkim}|${x.spf}|${x.headerFrom}|${x.envelopeFrom}`,
  );
  return `${r.end ?? ''}\u0000${r.policy.p}\u0000${rows.sort().join('\n')}`;
}

const figures = (r: AggregateReport) =>
  `${r.recordCount.toLocaleString('en-US')} record${r.recordCount === 1 ? '' : 's'}, ${r.messages.toLocaleString('en-US')} message${r.messages === 1 ? '' : 's'} (${r.dmarcPass.toLocaleString('en-US')} passing DMARC)`;

/**
 * Totals can never leave the safe integers: if all the reports read together claim more messages than that, the
 * reports with the most are rejected, largest first, until the rest fits (which ones does not depend on the order).
 */
function capTotal(c: Collector, max: number): void {
  let sum = 0;
  for (const r of c.reports) sum += r.messages;
  if (sum <= max) return;
  const order = c.reports
    .map((_, i) => i)
    .sort(
      (a, b) =>
        c.reports[b]!.messages - c.reports[a]!.messages ||
        (c.reports[a]!.source < c.reports[b]!.source ? -1 : 1),
    );
  const drop = new Set<number>();
  for (const i of order) {
    if (sum <= max) break;
    sum -= c.reports[i]!.messages;
    drop.add(i);
  }
  const keep = (_: unknown, i: number) => !drop.has(i);
  for (const i of drop) {
    const v = c.files[c.verdictOfReport[i]!]!;
    const issue: DmarcIssue = {
      code: 'total-overflow',
      severity: 'error',
      file: v.path,
      message: `The report claims ${c.reports[i]!.messages.toLocaleString('en-US')} messages: with the other reports that is more than ${max.toLocaleString('en-US')}, beyond exact counting. It was not counted.`,
    };
    c.files[c.verdictOfReport[i]!] = verdictFrom(v.path, v.input, [issue, ...v.issues], 0);
  }
  c.reports = c.reports.filter(keep);
  c.recordsByReport = c.recordsByReport.filter(keep);
  c.verdictOfReport = c.verdictOfReport.filter(keep);
}

function runVerdict(files: FileVerdict[], reports: number): RunVerdict {
  const rejected = files.filter((f) => f.status === 'rejected').length;
  if (reports === 0) {
    return {
      status: 'unusable',
      message:
        files.length === 0
          ? 'No files were given.'
          : `None of the ${files.length.toLocaleString('en-US')} file(s) and member(s) given holds a readable aggregate, failure or SMTP TLS report${rejected ? ` (${rejected.toLocaleString('en-US')} rejected)` : ''}: there are no figures to show.`,
    };
  }
  if (rejected) {
    return {
      status: 'partial',
      message: `${rejected.toLocaleString('en-US')} file(s) or member(s) could not be read; the figures are from the other ${(files.length - rejected).toLocaleString('en-US')}.`,
    };
  }
  return { status: 'ok', message: '' };
}

/**
 * Copies of one failure or TLS report (the same mail in an mbox and as .eml) are counted once: the later copy gets
 * `duplicateOf` and a warning. Returns the unique ones' indexes.
 */
function dedupeOther<T extends { source: string; duplicateOf: number }>(
  c: Collector,
  reports: T[],
  verdicts: number[],
  keyOf: (r: T) => string | undefined,
): number[] {
  const seen = new Map<string, number>();
  const unique: number[] = [];
  for (let i = 0; i < reports.length; i++) {
    const r = reports[i]!;
    const key = keyOf(r);
    const kept = key === undefined ? undefined : seen.get(key);
    if (kept === undefined) {
      if (key !== undefined) seen.set(key, i);
      r.duplicateOf = -1;
      unique.push(i);
      continue;
    }
    r.duplicateOf = kept;
    const v = c.files[verdicts[i]!]!;
    const issue: DmarcIssue = {
      code: 'duplicate-report',
      severity: 'warning',
      file: v.path,
      message: `Duplicate of ${reports[kept]!.source}; counted once.`,
    };
    c.files[verdicts[i]!] = verdictFrom(v.path, v.input, [...v.issues, issue], v.reports);
  }
  return unique;
}

const tlsKey = (r: TlsReport) =>
  r.reportId ? `${r.organizationName}\u0000${r.reportId}\u0000${r.begin ?? ''}` : undefined;

function otherTotals(c: Collector): OtherTotals {
  const failures = dedupeOther(c, c.failureReports, c.verdictOfFailure, failureKey);
  const tls = dedupeOther(c, c.tlsReports, c.verdictOfTls, tlsKey);
  // Each report is at most 1,000 policies of at most 10⁹ sessions; past the safe integers the rest is not added.
  let ok = 0;
  let failed = 0;
  for (const i of tls) {
    const r = c.tlsReports[i]!;
    if (
      ok + r.successfulSessions > Number.MAX_SAFE_INTEGER ||
      failed + r.failedSessions > Number.MAX_SAFE_INTEGER
    )
      continue;
    ok += r.successfulSessions;
    failed += r.failedSessions;
  }
  return {
    failureReports: failures.length,
    tlsReports: tls.length,
    tlsSuccessfulSessions: ok,
    tlsFailedSessions: failed,
  };
}

/**
 * The report-level half of summarising: totals past exact counting rejected, copies marked (each with its
 * warning), failure and TLS reports counted. Returns the aggregate reports to count.
 */
function countReports(
  c: Collector,
  maxTotalMessages: number,
  recordsOf: (report: number) => DmarcRecord[] = (i) => c.recordsByReport[i]!,
): { unique: number[]; other: OtherTotals } {
  capTotal(c, maxTotalMessages);
  const other = otherTotals(c);
  const unique = dedupeReports(c);
  const keys = new Map<number, string>();
  const keyOf = (i: number) => keys.get(i) ?? keys.set(i, contentKey(recordsOf(i), c.reports[i]!)).get(i)!;
  for (let i = 0; i < c.reports.length; i++) {
    const r = c.reports[i]!;
    if (r.duplicateOf === -1) continue;
    const kept = c.reports[r.duplicateOf]!;
    const v = c.files[c.verdictOfReport[i]!]!;
    const isSame = keyOf(i) === keyOf(r.duplicateOf);
    const issue: DmarcIssue = {
      code: 'duplicate-report',
      severity: 'warning',
      file: v.path,
      message: isSame
        ? `Duplicate of ${kept.source} (same reporter, report ID, domain and begin); counted once.`
        : `Same reporter, report ID, domain and begin as ${kept.source}, but different contents: this copy has ${figures(r)}, the kept copy ${figures(kept)}. Only the kept copy is counted (${kept.recordCount !== r.recordCount ? 'it has more records' : 'it was read with fewer warnings or comes first by path'}).`,
    };
    c.files[c.verdictOfReport[i]!] = verdictFrom(v.path, v.input, [...v.issues, issue], v.reports);
  }
  return { unique, other };
}

const dedupeReports = (c: Collector) =>
  dedupe(
    c.reports,
    c.verdictOfReport.map((v) => c.files[v]!.warnings.length),
  );

/** What a result says about its reports, apart from their records. */
function reportViews(c: Collector, unique: number[], other: OtherTotals) {
  return {
    verdict: runVerdict(c.files, unique.length + other.failureReports + other.tlsReports),
    files: c.files,
    reports: c.reports,
    failureReports: c.failureReports,
    tlsReports: c.tlsReports,
    days: perDay(c.reports, unique),
    reporters: buildReporters(c.reports, unique),
    issues: c.files.flatMap((f) => f.issues),
  };
}

/** From collected reports to everything the views show. */
export function summarise(c: Collector, maxTotalMessages = Number.MAX_SAFE_INTEGER): DmarcResult {
  const { unique, other } = countReports(c, maxTotalMessages);
  const records: DmarcRecord[] = [];
  for (const i of unique) {
    for (const r of c.recordsByReport[i]!) {
      r.report = i;
      records.push(r);
    }
  }
  const senders = buildSenders(c.reports, records);
  return {
    ...reportViews(c, unique, other),
    records,
    totals: { ...buildTotals(c.files, c.reports, unique, records), ...other },
    senders,
    domains: buildDomains(c.reports, records),
    dispositions: buildDispositions(records),
    readiness: buildReadiness(c.reports, unique, records, senders),
  };
}

/**
 * The overview of collected reports from what each run of files added up to (`figuresOf`), in run order: the same
 * as summarising all their records, which neither thread keeps. `runs` are the runs' collectors without records.
 * Where two reports are copies of one, the runs holding them are read again (`reread`): the kept copy is compared
 * with the others record by record, and those runs are added up again without the copies dropped. Undefined when
 * the totals would pass exact counting (a forgery), or a file changed between two readings: that takes the records
 * of every report (`summarise`).
 */
export async function summariseRuns(
  runs: readonly Omit<Collector, 'recordsByReport'>[],
  figures: RunFigures[],
  reread: (run: number) => Promise<Collector>,
  classifier: Pick<SenderClassifier, 'identify' | 'forgetOrganisations'>,
  maxTotalMessages = Number.MAX_SAFE_INTEGER,
): Promise<{ overview: DmarcOverview; figures: RunFigures } | undefined> {
  const c = mergeCollectors(runs.map((r) => ({ ...r, recordsByReport: r.reports.map(() => []) })));
  let sum = 0;
  for (const r of c.reports) sum += r.messages;
  if (sum > maxTotalMessages) return undefined;
  const seen = new Map<string, number>();
  const copies = new Set<number>();
  c.reports.forEach((r, i) => {
    const key = reportKey(r);
    const first = seen.get(key);
    if (first === undefined) seen.set(key, i);
    else copies.add(first).add(i);
  });
  const records = new Map<number, DmarcRecord[]>();
  if (copies.size) {
    const counted = new Set(dedupeReports(c));
    for (let k = 0, offset = 0; k < runs.length; offset += runs[k]!.reports.length, k++) {
      const n = runs[k]!.reports.length;
      let holdsCopy = false;
      for (let i = offset; i < offset + n && !holdsCopy; i++) holdsCopy = copies.has(i);
      if (!holdsCopy) continue;
      const again = await reread(k);
      // A file changed since it was read: leave it to a reading of every record.
      if (again.reports.length !== n) return undefined;
      const at = offset;
      again.recordsByReport.forEach((list, i) => records.set(at + i, list));
      figures[k] = figuresOf(again, classifier, (i) => counted.has(at + i));
    }
  }
  const { unique, other } = countReports(c, maxTotalMessages, (i) => records.get(i) ?? []);
  const all = joinFigures(figures);
  const senders = senderRows(all.senders.values());
  const overview: DmarcOverview = {
    ...reportViews(c, unique, other),
    totals: { ...buildTotals(c.files, c.reports, unique, all.sums), ...other },
    senders,
    readiness: buildReadiness(c.reports, unique, all.failing, senders),
  };
  return { overview, figures: all };
}

/** Undoes what a file that failed half-way had added: its figures must not count without its verdict. */
function dropFrom(c: Collector, firstVerdict: number): void {
  const n = c.verdictOfReport.findIndex((v) => v >= firstVerdict);
  if (n !== -1) {
    c.reports.length = n;
    c.recordsByReport.length = n;
    c.verdictOfReport.length = n;
  }
  const f = c.verdictOfFailure.findIndex((v) => v >= firstVerdict);
  if (f !== -1) c.failureReports.length = c.verdictOfFailure.length = f;
  const t = c.verdictOfTls.findIndex((v) => v >= firstVerdict);
  if (t !== -1) c.tlsReports.length = c.verdictOfTls.length = t;
  c.files.splice(firstVerdict, c.files.length - firstVerdict - 1);
}

/** One turn of the event loop; a message rather than a timer, which browsers clamp and throttle in hidden pages. */
function yieldToEventLoop(): Promise<void> {
  if (typeof MessageChannel === 'undefined') return new Promise((resolve) => setTimeout(resolve, 0));
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(0);
  });
}

/**
 * The tool's entry: every input file (and every member inside) gets a verdict, every aggregate report is read,
 * duplicates are counted once, and the rest rolls up per sender, domain, reporter, disposition and day.
 * One bad file never sinks the batch. Cancels between files (and between archive members) through `signal`.
 */
export async function analyseFiles(files: LazyFile[], opts: DmarcOptions = {}): Promise<DmarcResult> {
  return summarise(await collectFiles(files, opts), opts.maxTotalMessages);
}

/**
 * Collectors of consecutive runs of files, joined in order: the same as collecting all the files at once (the CLI
 * reads the two halves of a big folder on two threads).
 */
export function mergeCollectors(parts: readonly Collector[]): Collector {
  const c = emptyCollector();
  for (const p of parts) {
    const offset = c.files.length;
    for (const f of p.files) c.files.push(f);
    for (const r of p.reports) c.reports.push(r);
    for (const r of p.recordsByReport) c.recordsByReport.push(r);
    for (const v of p.verdictOfReport) c.verdictOfReport.push(v + offset);
    for (const r of p.failureReports ?? []) c.failureReports.push(r);
    for (const v of p.verdictOfFailure ?? []) c.verdictOfFailure.push(v + offset);
    for (const r of p.tlsReports ?? []) c.tlsReports.push(r);
    for (const v of p.verdictOfTls ?? []) c.verdictOfTls.push(v + offset);
  }
  return c;
}

/** Reads the files in order, each inside its own boundary, into a {@link Collector} for {@link summarise}. */
export async function collectFiles(files: LazyFile[], opts: DmarcOptions = {}): Promise<Collector> {
  const c = emptyCollector();
  let lastYield = Date.now();
  for (let i = 0; i < files.length; i++) {
    throwIfAborted(opts.signal);
    const f = files[i]!;
    const before = c.files.length;
    try {
      processInput(f.name, await f.read(), opts, c);
    } catch (e) {
      if (isAbortError(e)) throw e;
      // The file's boundary: whatever happened inside, the worst outcome is a verdict for this file.
      c.files.push(
        verdictFrom(
          f.name,
          f.name,
          [
            {
              code: 'read-failed',
              severity: 'error',
              file: f.name,
              message: `The file could not be read: ${e instanceof Error ? e.message : String(e)}.`,
            },
          ],
          0,
        ),
      );
      dropFrom(c, before);
    }
    opts.onProgress?.(i + 1, files.length);
    // Let a worker see a cancel message now and then even when every read is synchronous.
    if (Date.now() - lastYield > 100) {
      await yieldToEventLoop();
      lastYield = Date.now();
    }
  }
  return c;
}

export function analyse(files: NamedBytes[], opts: DmarcOptions = {}): Promise<DmarcResult> {
  return analyseFiles(
    files.map((f) => ({ name: f.name, read: () => f.bytes })),
    opts,
  );
}

/**
 * What the page is sent: everything but the records (fetched per sender), the reports (thousands of them, sent with
 * the records that name them) and the flat issue list (in `files`).
 */
export type DmarcSummary = Omit<DmarcResult, 'records' | 'issues' | 'reports'> & { recordCount: number };

export function toSummary(result: DmarcResult): DmarcSummary {
  const { records, issues: _issues, reports: _reports, ...rest } = result;
  return { ...rest, recordCount: records.length };
}

/** What a record's row (reporter, day, file) and its raw XML need of the report it came from. */
export type ReportRef = Pick<AggregateReport, 'source' | 'input' | 'orgName' | 'begin'>;

/** One sender's records, with the reports they came from (by `DmarcRecord.report`). */
export function senderRecords(
  result: DmarcResult,
  sender: number,
): { records: DmarcRecord[]; reports: Record<number, ReportRef> } {
  const records = result.records.filter((r) => r.sender === sender);
  const reports: Record<number, ReportRef> = {};
  for (const r of records) {
    if (reports[r.report]) continue;
    const { source, input, orgName, begin } = result.reports[r.report]!;
    reports[r.report] = { source, input, orgName, begin };
  }
  return { records, reports };
}

/** The raw XML of one report, read again from its input file (nothing is kept in memory for this). */
export function rawXml(file: NamedBytes, source: string, limits?: Partial<UnpackLimits>): string | undefined {
  const bytes = extractEntry(file, source, { ...DMARC_LIMITS, ...limits });
  return bytes ? decodeXml(bytes).text : undefined;
}
