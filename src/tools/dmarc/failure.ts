import { decodeEncodedWords } from '../../lib/files/mime.ts';
import { decodeLatin1 } from '../../lib/text/latin1.ts';
import {
  FUTURE_SLACK,
  isIpAddress,
  MAX_FIELD_LENGTH,
  MAX_RECORD_COUNT,
  MIN_PLAUSIBLE_TIME,
} from './parse.ts';
import { parseTlsDate } from './tls.ts';
import type { DmarcIssue, FailureReport } from './types.ts';

/*
 * Failure reports (RFC 6591 on ARF, RFC 5965). The core hands over what it found in one report mail: the
 * `message/feedback-report` part's fields and the original message's headers (from `message/rfc822` or
 * `text/rfc822-headers`). Only those machine-readable fields are used: the human-readable text beside them says
 * the same things in prose that differs per reporter, and is never parsed. Every value is checked where it is read
 * (addresses, dates, counts, lengths, control characters), and nothing here throws on any input.
 */

/** Header lines as the mail parser gives them: lower-cased name, unfolded value. */
export type HeaderList = [string, string][];

/** Lines kept of one header block: a real block has tens, a forged one could have millions. */
export const MAX_HEADER_LINES = 500;

/** What one report mail held, gathered while its parts go by. */
export interface FailureDraft {
  path: string;
  input: string;
  feedback?: HeaderList;
  original?: HeaderList;
  isHeadersOnly: boolean;
}

export type FailureOutcome =
  | { kind: 'failure'; report: FailureReport; issues: DmarcIssue[] }
  /** An ARF report of another type (`abuse`, `fraud`, `virus`…): not a DMARC failure report. */
  | { kind: 'other'; feedbackType: string; issues: DmarcIssue[] };

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** `Name: value` lines (folded lines joined) of a header block given as bytes, up to its first blank line. */
export function parseHeaderLines(bytes: Uint8Array): HeaderList {
  const text = decodeLatin1(bytes.subarray(0, 256 * 1024));
  const out: HeaderList = [];
  let name = '';
  let value = '';
  const flush = () => {
    if (name && out.length < MAX_HEADER_LINES) out.push([name, value.trim()]);
    name = '';
  };
  for (const line of text.split(/\r?\n/)) {
    if (line === '' && (name || out.length)) break;
    if (line === '') continue;
    if (line[0] === ' ' || line[0] === '\t') {
      if (name) value += ' ' + line.trim();
      continue;
    }
    flush();
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const n = line.slice(0, colon).trim().toLowerCase();
    if (!/^[!-9;-~]+$/.test(n)) continue;
    name = n;
    value = line.slice(colon + 1);
  }
  flush();
  return out;
}

const UNSAFE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Header values arrive as Latin-1 characters; most 8-bit headers are really UTF-8. */
function fromLatin1(v: string): string {
  if (!/[\u0080-\u00ff]/.test(v) || /[^\u0000-\u00ff]/.test(v)) return v;
  const bytes = new Uint8Array(v.length);
  for (let i = 0; i < v.length; i++) bytes[i] = v.charCodeAt(i);
  try {
    return UTF8.decode(bytes);
  } catch {
    return v;
  }
}

class Cleaner {
  issues: DmarcIssue[] = [];
  #said = new Set<string>();
  constructor(readonly file: string) {}
  warn(code: DmarcIssue['code'], key: string, message: string): void {
    if (this.#said.has(key)) return;
    this.#said.add(key);
    this.issues.push({ code, severity: 'warning', file: this.file, message });
  }
  /** Decoded, control characters replaced, cut at MAX_FIELD_LENGTH; '' for undefined. */
  text(v: string | undefined, what: string, decodeWords = false): string {
    if (v === undefined) return '';
    let s = fromLatin1(v);
    if (decodeWords && s.includes('=?')) s = decodeEncodedWords(s);
    s = s.replace(/[\t\r\n]+/g, ' ').trim();
    if (UNSAFE.test(s)) {
      UNSAFE.lastIndex = 0;
      s = s.replace(UNSAFE, '\uFFFD');
      this.warn(
        'control-characters',
        `control:${what}`,
        `${what} holds control characters; they were replaced by �.`,
      );
    }
    if (s.length > MAX_FIELD_LENGTH) {
      s = s.slice(0, MAX_FIELD_LENGTH).trim();
      this.warn(
        'value-out-of-range',
        `long:${what}`,
        `${what} is longer than ${MAX_FIELD_LENGTH.toLocaleString('en-US')} characters; it was cut there.`,
      );
    }
    return s;
  }
}

const first = (h: HeaderList | undefined, ...names: string[]): string | undefined => {
  if (!h) return undefined;
  for (const n of names) {
    const hit = h.find(([k]) => k === n);
    if (hit) return hit[1];
  }
  return undefined;
};
const every = (h: HeaderList, name: string) => h.filter(([k]) => k === name).map(([, v]) => v);

/**
 * An RFC 5322 date (or ISO 8601), in seconds; null when it cannot be read. Weekday and comments are ignored; the
 * obsolete zone names (EST, GMT…) are what `Date.parse` reads.
 */
export function parseMailDate(text: string): number | null {
  const s = text
    .replace(/\([^)]*\)/g, ' ')
    .replace(/^\s*[A-Za-z]{3},/, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (!s || s.length > 100) return null;
  // ISO 8601, which some reporters write: without a zone it is UTC, not the reader's local time.
  if (/^\d{4}-\d{2}-\d{2}/.test(s)) return parseTlsDate(s);
  // RFC 5322 names the month; Date.parse alone would also take any word ("yesterday").
  if (!/\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b/i.test(s) || !/\d{2}/.test(s))
    return null;
  // Without a zone, Date.parse would read the local time of whoever runs this: UTC is the one fixed choice.
  const hasZone = /[+-]\d{4}\b|\b(UT|UTC|GMT|Z|[ECMP][SD]T)$/i.test(s);
  const ms = Date.parse(hasZone ? s : `${s} +0000`);
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : null;
}

/** `192.0.2.1`, `[192.0.2.1]`, `192.0.2.1 (mx.example.net)`, `IPv6:2001:db8::1`: the address and a host name. */
export function splitSourceIp(v: string): { ip: string; host: string } {
  const m = /^\s*\[?(?:ipv6:)?([0-9a-f:.]+)\]?\s*(?:\(\s*([^)]*?)\s*\))?/i.exec(v);
  if (!m) return { ip: '', host: '' };
  return { ip: m[1]!, host: m[2] ?? '' };
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** From what one report mail held to a failure report, or the reason it is not one. */
export function readFailureReport(draft: FailureDraft, opts: { now?: number } = {}): FailureOutcome {
  const c = new Cleaner(draft.path);
  const f = draft.feedback ?? [];
  // The type is one word; some reporters add a comment after it.
  const typeText = c.text(first(f, 'feedback-type'), 'Feedback-Type').toLowerCase();
  const feedbackType = /^[a-z0-9-]*/.exec(typeText)![0];
  if (feedbackType && feedbackType !== 'auth-failure') return { kind: 'other', feedbackType, issues: [] };
  if (!feedbackType) {
    c.warn(
      'missing-element',
      'no-type',
      'The feedback report has no Feedback-Type; it was read as a failure report (auth-failure).',
    );
  }

  const dateText = c.text(first(f, 'arrival-date', 'received-date'), 'Arrival-Date');
  let arrivalDate: number | null = null;
  if (dateText) {
    const t = parseMailDate(dateText);
    if (t === null) c.warn('bad-date', 'date', `Arrival-Date "${dateText}" is not a date; it was left out.`);
    else if (t < MIN_PLAUSIBLE_TIME || t > (opts.now ?? nowSeconds()) + FUTURE_SLACK)
      c.warn(
        'date-out-of-range',
        'date',
        `Arrival-Date "${dateText}" is before 1990 or in the future; it was left out.`,
      );
    else arrivalDate = t;
  }

  const ipText = c.text(first(f, 'source-ip'), 'Source-IP');
  let { ip, host } = splitSourceIp(ipText);
  if (ipText && !isIpAddress(ip)) {
    c.warn('ip-invalid', 'ip', `Source-IP "${ipText}" is not an IP address; it was left out.`);
    ip = '';
    host = '';
  }

  const incidentsText = c.text(first(f, 'incidents'), 'Incidents');
  let incidents = 1;
  if (incidentsText) {
    if (!/^\d{1,10}$/.test(incidentsText) || Number(incidentsText) > MAX_RECORD_COUNT) {
      c.warn(
        'count-invalid',
        'incidents',
        `Incidents "${incidentsText.slice(0, 40)}" is not a whole number up to ${MAX_RECORD_COUNT.toLocaleString('en-US')}; 1 was assumed.`,
      );
    } else incidents = Math.max(1, Number(incidentsText));
  }

  const o = draft.original;
  const headers: [string, string][] = (o ?? []).map(([k, v]) => [
    c.text(k, 'A header name of the original message'),
    c.text(v, `The original message's ${k} header`, true),
  ]);
  const orig = (name: string) => headers.find(([k]) => k === name)?.[1] ?? '';
  const join = (name: string, what: string) =>
    c.text(
      every(f, name)
        .map((v) => v.trim())
        .filter(Boolean)
        .join(', '),
      what,
    );
  const report: FailureReport = {
    source: draft.path,
    input: draft.input,
    feedbackType: feedbackType || 'auth-failure',
    userAgent: c.text(first(f, 'user-agent'), 'User-Agent'),
    version: c.text(first(f, 'version'), 'Version'),
    arrivalDate,
    arrivalDateText: dateText,
    sourceIp: ip,
    sourceHost: host,
    reportedDomain: c.text(first(f, 'reported-domain'), 'Reported-Domain').toLowerCase(),
    authFailure: join('auth-failure', 'Auth-Failure').toLowerCase(),
    deliveryResult: c.text(first(f, 'delivery-result'), 'Delivery-Result').toLowerCase(),
    originalMailFrom: c.text(first(f, 'original-mail-from'), 'Original-Mail-From'),
    originalRcptTo: join('original-rcpt-to', 'Original-Rcpt-To'),
    originalEnvelopeId: c.text(first(f, 'original-envelope-id'), 'Original-Envelope-Id'),
    identityAlignment: c.text(first(f, 'identity-alignment'), 'Identity-Alignment').toLowerCase(),
    dkimDomain: c.text(first(f, 'dkim-domain'), 'DKIM-Domain').toLowerCase(),
    dkimSelector: c.text(first(f, 'dkim-selector'), 'DKIM-Selector'),
    dkimIdentity: c.text(first(f, 'dkim-identity'), 'DKIM-Identity'),
    spfDns: join('spf-dns', 'SPF-DNS'),
    authenticationResults: join('authentication-results', 'Authentication-Results'),
    reportingMta: c.text(first(f, 'reporting-mta'), 'Reporting-MTA'),
    incidents,
    subject: orig('subject'),
    from: orig('from'),
    to: orig('to'),
    date: orig('date'),
    messageId: orig('message-id') || c.text(first(f, 'message-id'), 'Message-ID'),
    headers,
    isHeadersOnly: draft.isHeadersOnly,
    duplicateOf: -1,
  };
  return { kind: 'failure', report, issues: c.issues };
}

/** What tells two copies of one failure report apart from two reports: the same message, seen at the same time. */
export function failureKey(r: FailureReport): string | undefined {
  if (!r.messageId && r.arrivalDate === null) return undefined;
  return [r.reportedDomain, r.sourceIp, r.arrivalDate ?? '', r.messageId, r.authFailure, r.userAgent].join(
    '\u0000',
  );
}
