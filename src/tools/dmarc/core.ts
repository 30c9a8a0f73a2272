import { throwIfAborted, type NamedBytes, type RunOptions } from '../../lib/issue.ts';
import {
  extractEntry,
  unpack,
  type MailInfo,
  type UnpackItem,
  type UnpackLimits,
} from '../../lib/files/unpack.ts';
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
} from './aggregate.ts';
import { parseAggregateBytes, type XmlReader } from './parse.ts';
import type {
  AggregateReport,
  DmarcIssue,
  DmarcRecord,
  DmarcResult,
  FileStatus,
  FileVerdict,
} from './types.ts';

/** Generous for DMARC (the largest real reports are tens of MB), tight enough that a bomb stops early. */
export const DMARC_LIMITS: Partial<UnpackLimits> = {
  maxEntryBytes: 128 * 2 ** 20,
  maxTotalBytes: 512 * 2 ** 20,
};

export interface DmarcOptions extends RunOptions {
  limits?: Partial<UnpackLimits>;
  /** The XML reader on the hot path; 'fxp' exists for the benchmark. */
  reader?: XmlReader;
}

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

/** SMTP TLS reports (RFC 8460) are JSON with these members. */
function isTlsReport(bytes: Uint8Array): boolean {
  const head = new TextDecoder().decode(bytes.subarray(0, 4096));
  return (
    head.includes('"organization-name"') && (head.includes('"policies"') || head.includes('"date-range"'))
  );
}

/** ARF (RFC 5965/6591) failure reports, structurally; some senders skip the ARF part and only say so in the subject. */
function isFailureReportMail(info: MailInfo): boolean {
  return (
    info.types.includes('message/feedback-report') ||
    (info.contentType === 'multipart/report' && info.params['report-type'] === 'feedback-report') ||
    info.headerNames.includes('feedback-type')
  );
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
  issues: DmarcIssue[],
  reports: number,
  outcome?: FileStatus,
): FileVerdict {
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

interface Collector {
  files: FileVerdict[];
  reports: AggregateReport[];
  recordsByReport: DmarcRecord[][];
  /** Index of each report's verdict, to add a duplicate warning later. */
  verdictOfReport: number[];
}

interface MailState {
  info: MailInfo;
  isSkipped: boolean;
  hasVerdict: boolean;
}

function processInput(name: string, bytes: Uint8Array, opts: DmarcOptions, c: Collector): void {
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
  for (const item of unpack(
    { name, bytes },
    { ...DMARC_LIMITS, ...opts.limits },
    opts.signal,
  ) as Iterable<UnpackItem>) {
    switch (item.kind) {
      case 'mail': {
        const isSkipped = item.mails.some((m) => mails.get(m)?.isSkipped);
        mails.set(item.info.path, {
          info: item.info,
          isSkipped: isSkipped || isFailureReportMail(item.info),
          hasVerdict: false,
        });
        if (!isSkipped && isFailureReportMail(item.info)) {
          note(item.mails);
          skip(
            item.info.path,
            'failure-report',
            'A DMARC failure (forensic, ARF) report, not an aggregate report: skipped.',
          );
        }
        break;
      }
      case 'mail-end': {
        const state = mails.get(item.path)!;
        if (state.isSkipped || state.hasVerdict) break;
        const { subject, types } = state.info;
        if (FAILURE_SUBJECT.test(subject))
          skip(
            item.path,
            'failure-report',
            'A DMARC failure (forensic) report, not an aggregate report: skipped.',
          );
        else if (types.some((t) => t.startsWith('application/tlsrpt')))
          skip(item.path, 'tls-report', 'An SMTP TLS report (RFC 8460), not a DMARC report: skipped.');
        else skip(item.path, 'mail-without-report', 'The mail has no DMARC aggregate report attached.');
        break;
      }
      case 'failed':
        if (item.mails.some((m) => mails.get(m)?.isSkipped)) break;
        note(item.mails);
        c.files.push(verdictFrom(item.path, name, [item.issue], 0));
        break;
      case 'entry': {
        if (item.mails.some((m) => mails.get(m)?.isSkipped)) break;
        const kind = sniffDocument(item.bytes);
        if (item.part?.isBody && kind !== 'xml') break;
        note(item.mails);
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
          if (isTlsReport(item.bytes))
            skip(
              item.path,
              'tls-report',
              'An SMTP TLS report (RFC 8460, JSON), not a DMARC report: skipped.',
            );
          else
            skip(
              item.path,
              'not-aggregate-report',
              'JSON, not a DMARC aggregate report (those are XML): skipped.',
            );
        } else if (kind === 'other') {
          const what = item.part
            ? `a ${item.part.contentType} attachment`
            : 'neither XML, zip, gzip nor a mail';
          skip(item.path, 'not-aggregate-report', `Not a DMARC aggregate report: ${what}.`);
        } else {
          const parsed = parseAggregateBytes(item.bytes, item.path, name, opts.reader);
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

/** From collected reports to everything the views show. */
export function summarise(c: Collector): DmarcResult {
  const unique = dedupe(
    c.reports,
    c.verdictOfReport.map((v) => c.files[v]!.warnings.length),
  );
  for (let i = 0; i < c.reports.length; i++) {
    const r = c.reports[i]!;
    if (r.duplicateOf === -1) continue;
    const kept = c.reports[r.duplicateOf]!;
    const v = c.files[c.verdictOfReport[i]!]!;
    const issue: DmarcIssue = {
      code: 'duplicate-report',
      severity: 'warning',
      file: v.path,
      message: `Duplicate of ${kept.source} (same reporter, report ID, domain and begin); counted once.`,
    };
    c.files[c.verdictOfReport[i]!] = verdictFrom(v.path, v.input, [...v.issues, issue], v.reports);
  }
  const records: DmarcRecord[] = [];
  for (const i of unique) {
    for (const r of c.recordsByReport[i]!) {
      r.report = i;
      records.push(r);
    }
  }
  const senders = buildSenders(c.reports, records);
  return {
    files: c.files,
    reports: c.reports,
    records,
    totals: buildTotals(c.files, c.reports, unique, records),
    days: perDay(c.reports, unique),
    senders,
    domains: buildDomains(c.reports, records),
    reporters: buildReporters(c.reports, unique),
    dispositions: buildDispositions(records),
    readiness: buildReadiness(c.reports, unique, records, senders),
    issues: c.files.flatMap((f) => f.issues),
  };
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
  const c: Collector = { files: [], reports: [], recordsByReport: [], verdictOfReport: [] };
  let lastYield = Date.now();
  for (let i = 0; i < files.length; i++) {
    throwIfAborted(opts.signal);
    const f = files[i]!;
    processInput(f.name, await f.read(), opts, c);
    opts.onProgress?.(i + 1, files.length);
    // Let a worker see a cancel message now and then even when every read is synchronous.
    if (Date.now() - lastYield > 100) {
      await yieldToEventLoop();
      lastYield = Date.now();
    }
  }
  return summarise(c);
}

export function analyse(files: NamedBytes[], opts: DmarcOptions = {}): Promise<DmarcResult> {
  return analyseFiles(
    files.map((f) => ({ name: f.name, read: () => f.bytes })),
    opts,
  );
}

/** What the page is sent: everything but the records (fetched per sender) and the flat issue list (in `files`). */
export type DmarcSummary = Omit<DmarcResult, 'records' | 'issues'> & { recordCount: number };

export function toSummary(result: DmarcResult): DmarcSummary {
  const { records, issues: _issues, ...rest } = result;
  return { ...rest, recordCount: records.length };
}

/** The raw XML of one report, read again from its input file (nothing is kept in memory for this). */
export function rawXml(file: NamedBytes, source: string, limits?: Partial<UnpackLimits>): string | undefined {
  const bytes = extractEntry(file, source, { ...DMARC_LIMITS, ...limits });
  return bytes ? decodeXml(bytes).text : undefined;
}
