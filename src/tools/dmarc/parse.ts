import { decodeXml } from '../../lib/xml/decode.ts';
import { fastScanXml } from '../../lib/xml/fast-scan.ts';
import { readXml, type XmlHandler, type XmlSyntaxError } from '../../lib/xml/sax.ts';
import { walkXmlTree } from '../../lib/xml/tree.ts';
import type { AggregateReport, DkimAuth, DmarcIssue, DmarcRecord, OverrideReason, SpfAuth } from './types.ts';

/*
 * Tolerant about structure, strict about values. Elements are matched by local name (any namespace prefix, RFC 7489
 * or RFC 9990), in any order; unknown elements and extensions are skipped. A report is forged as easily as it is
 * sent, so every value is range-checked here, where it is read: counts, dates, pct, IP addresses, text lengths and
 * control characters (docs/dmarc.md lists each limit and what happens at it).
 */

/** The most messages one record may claim: one source IP for one day at ~11,000 a second, far past any real sender. */
export const MAX_RECORD_COUNT = 1_000_000_000;
/** Text kept of one element; longer values are cut here (a domain is at most 253). */
export const MAX_FIELD_LENGTH = 1024;
/** `<error>` elements kept per report, and reasons/DKIM/SPF results per record. */
export const MAX_LIST_ITEMS = 100;
/** The earliest plausible report date: DMARC itself dates from 2012, e-mail reporting of any kind from the 1990s. */
export const MIN_PLAUSIBLE_TIME = Date.UTC(1990, 0, 1) / 1000;
/** How far past now a report may end (clock skew, time zones). */
export const FUTURE_SLACK = 2 * 86_400;
/** A period longer than this is not a real report's: it is kept out of the per-day chart. */
export const MAX_PERIOD = 366 * 86_400;
/** What `Date` can hold: ±100,000,000 days around 1970, in seconds. */
const MAX_DATE_SECONDS = 8.64e12;

/** Element contexts, and from 100 on the leaf fields they hold: one switch per closing tag, no string compares. */
const enum N {
  Skip,
  Root,
  Feedback,
  Meta,
  Dates,
  Policy,
  Record,
  Row,
  Evaluated,
  Reason,
  Ids,
  Auth,
  AuthDkim,
  AuthSpf,
  Version = 100,
  OrgName,
  Email,
  ExtraContact,
  ReportId,
  Generator,
  Error,
  Begin,
  End,
  Domain,
  Adkim,
  Aspf,
  P,
  Sp,
  Pct,
  Fo,
  Np,
  Testing,
  Discovery,
  SourceIp,
  Count,
  Disposition,
  EvalDkim,
  EvalSpf,
  ReasonType,
  ReasonComment,
  HeaderFrom,
  EnvelopeFrom,
  EnvelopeTo,
  DkimDomain,
  DkimSelector,
  DkimResult,
  DkimHuman,
  SpfDomain,
  SpfScope,
  SpfResult,
  SpfHuman,
}

const CHILDREN: Map<string, N>[] = [];
const children = (ctx: N, o: Record<string, N>) => (CHILDREN[ctx] = new Map(Object.entries(o)));
children(N.Feedback, {
  report_metadata: N.Meta,
  policy_published: N.Policy,
  record: N.Record,
  version: N.Version,
});
children(N.Meta, {
  org_name: N.OrgName,
  email: N.Email,
  extra_contact_info: N.ExtraContact,
  report_id: N.ReportId,
  date_range: N.Dates,
  generator: N.Generator,
  error: N.Error,
});
children(N.Dates, { begin: N.Begin, end: N.End });
children(N.Policy, {
  domain: N.Domain,
  adkim: N.Adkim,
  aspf: N.Aspf,
  p: N.P,
  sp: N.Sp,
  pct: N.Pct,
  fo: N.Fo,
  np: N.Np,
  testing: N.Testing,
  discovery_method: N.Discovery,
});
children(N.Record, { row: N.Row, identifiers: N.Ids, identities: N.Ids, auth_results: N.Auth });
children(N.Row, { source_ip: N.SourceIp, count: N.Count, policy_evaluated: N.Evaluated });
children(N.Evaluated, { disposition: N.Disposition, dkim: N.EvalDkim, spf: N.EvalSpf, reason: N.Reason });
children(N.Reason, { type: N.ReasonType, comment: N.ReasonComment });
children(N.Ids, { header_from: N.HeaderFrom, envelope_from: N.EnvelopeFrom, envelope_to: N.EnvelopeTo });
children(N.Auth, { dkim: N.AuthDkim, spf: N.AuthSpf });
children(N.AuthDkim, {
  domain: N.DkimDomain,
  selector: N.DkimSelector,
  result: N.DkimResult,
  human_result: N.DkimHuman,
});
children(N.AuthSpf, {
  domain: N.SpfDomain,
  scope: N.SpfScope,
  result: N.SpfResult,
  human_result: N.SpfHuman,
});

/** A record as read, before its words are judged: the final object plus what only the judging needs. */
interface RawRecord {
  rec: DmarcRecord;
  count?: string;
  hasEvaluated: boolean;
  hasSourceIp: boolean;
  hasHeaderFrom: boolean;
}

interface RawReport {
  rootName: string;
  namespace: string;
  version?: string;
  meta: Partial<
    Record<'org_name' | 'email' | 'extra_contact_info' | 'report_id' | 'generator' | 'begin' | 'end', string>
  >;
  hasMeta: boolean;
  hasDates: boolean;
  errors: string[];
  policy: Partial<
    Record<
      'domain' | 'adkim' | 'aspf' | 'p' | 'sp' | 'pct' | 'fo' | 'np' | 'testing' | 'discovery_method',
      string
    >
  >;
  hasPolicy: boolean;
  records: RawRecord[];
}

/** C0/C1 controls and the bidirectional overrides that can make one name look like another on screen. */
const UNSAFE_CHARS =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const LINE_BREAKS = /[\t\r\n]+/g;

/** The same tests as the patterns above, as one pass over char codes: this runs for every value of every record. */
function hasUnsafe(v: string): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 0x20) {
      if (c !== 0x09 && c !== 0x0a && c !== 0x0d) return true;
    } else if (c >= 0x7f && (c <= 0x9f || (c >= 0x200e && c <= 0x2069 && isDirectionMark(c)))) return true;
  }
  return false;
}

/**
 * Printable ASCII with nothing to trim, cut or replace: what almost every value is. One pass and no call, where
 * the full clean-up takes several; it gives the same string for these.
 */
function isPlainValue(v: string): boolean {
  const n = v.length;
  if (n === 0) return true;
  if (n > MAX_FIELD_LENGTH || v.charCodeAt(0) === 0x20 || v.charCodeAt(n - 1) === 0x20) return false;
  for (let i = 0; i < n; i++) {
    const c = v.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

const isDirectionMark = (c: number) =>
  c === 0x200e || c === 0x200f || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);

function hasBreak(v: string): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c === 0x09 || c === 0x0a || c === 0x0d) return true;
  }
  return false;
}

/*
 * A value of 13 characters or more cut from a document is a view into the whole document's text (V8), so one
 * kept IP address or domain would keep its report's text alive. Values are copied out instead, each distinct one
 * once: the records of thousands of reports share them (and the hash a Map computes on each), and garbage
 * collection moves far less. The table is emptied when it fills, so it stays small whatever the input.
 */
const OWN_MIN_LENGTH = 13;
const OWN_MAX_ENTRIES = 1 << 16;
const owned = new Map<string, string>();

function own(v: string): string {
  if (v.length < OWN_MIN_LENGTH) return v;
  let kept = owned.get(v);
  if (kept === undefined) {
    kept = (' ' + v).slice(1);
    if (owned.size >= OWN_MAX_ENTRIES) owned.clear();
    owned.set(kept, kept);
  }
  return kept;
}

/** SAX events → raw strings (cleaned and capped, not yet judged). */
class ReportBuilder implements XmlHandler {
  // Every field present from the start, in one order: objects of one shape keep the hot path monomorphic.
  readonly raw: RawReport = {
    rootName: '',
    namespace: '',
    version: undefined,
    meta: {
      org_name: undefined,
      email: undefined,
      extra_contact_info: undefined,
      report_id: undefined,
      generator: undefined,
      begin: undefined,
      end: undefined,
    },
    hasMeta: false,
    hasDates: false,
    errors: [],
    policy: {
      domain: undefined,
      adkim: undefined,
      aspf: undefined,
      p: undefined,
      sp: undefined,
      pct: undefined,
      fo: undefined,
      np: undefined,
      testing: undefined,
      discovery_method: undefined,
    },
    hasPolicy: false,
    records: [],
  };
  #stack: N[] = [N.Root];
  #text = '';
  #names: string[] = [];
  readonly tally: Tally;
  readonly file: string;
  constructor(tally: Tally, file: string) {
    this.tally = tally;
    this.file = file;
  }
  #record: RawRecord | undefined;
  #reason: OverrideReason | undefined;
  #dkim: DkimAuth | undefined;
  #spf: SpfAuth | undefined;

  open(name: string, attributes: Record<string, string>): void {
    const parent = this.#stack[this.#stack.length - 1]!;
    let ctx: N;
    if (parent === N.Root) {
      this.raw.rootName ||= name;
      ctx = name.toLowerCase() === 'feedback' && this.raw.rootName === name ? N.Feedback : N.Skip;
      if (ctx === N.Feedback) this.raw.namespace = attributes.xmlns ?? '';
    } else if (parent === N.Skip || parent >= N.Version) {
      ctx = N.Skip;
    } else {
      const table = CHILDREN[parent]!;
      ctx = table.get(name) ?? table.get(name.toLowerCase()) ?? N.Skip;
    }
    switch (ctx) {
      case N.Record:
        this.#record = {
          rec: {
            report: -1,
            sender: -1,
            sourceIp: '',
            count: 0,
            isCountInvalid: false,
            disposition: '',
            dkim: '',
            spf: '',
            isDmarcPass: false,
            reasons: [],
            headerFrom: '',
            envelopeFrom: '',
            envelopeTo: '',
            dkimAuth: [],
            spfAuth: [],
          },
          count: undefined,
          hasEvaluated: false,
          hasSourceIp: false,
          hasHeaderFrom: false,
        };
        this.raw.records.push(this.#record);
        break;
      case N.Meta:
        this.raw.hasMeta = true;
        break;
      case N.Dates:
        this.raw.hasDates = true;
        break;
      case N.Policy:
        this.raw.hasPolicy = true;
        break;
      case N.Evaluated:
        if (this.#record) this.#record.hasEvaluated = true;
        break;
      case N.Reason:
        this.#reason = { type: '', comment: '' };
        if (this.#fits(this.#record?.rec.reasons, name)) this.#record!.rec.reasons.push(this.#reason);
        break;
      case N.AuthDkim:
        this.#dkim = { domain: '', selector: '', result: '', humanResult: '' };
        if (this.#fits(this.#record?.rec.dkimAuth, name)) this.#record!.rec.dkimAuth.push(this.#dkim);
        break;
      case N.AuthSpf:
        this.#spf = { domain: '', scope: '', result: '', humanResult: '' };
        if (this.#fits(this.#record?.rec.spfAuth, name)) this.#record!.rec.spfAuth.push(this.#spf);
        break;
    }
    this.#stack.push(ctx);
    this.#names.push(name);
    this.#text = '';
  }

  /** Whether one more item fits the list; past the cap it is read but not kept, once said. */
  #fits(list: unknown[] | undefined, name: string): boolean {
    if (!list) return false;
    if (list.length < MAX_LIST_ITEMS) return true;
    this.tally.add(`list:${name}`, () => ({
      code: 'value-out-of-range',
      severity: 'warning',
      file: this.file,
      path: `record/${name}`,
      message: `A record has more than ${MAX_LIST_ITEMS} <${name}> elements; only the first ${MAX_LIST_ITEMS} were kept.`,
    }));
    return false;
  }

  text(text: string): void {
    // Only leaves keep text; the whitespace between elements is most of what arrives here. A leaf is never
    // collected past its cap, however long the document makes it.
    if (this.#stack[this.#stack.length - 1]! >= N.Version && this.#text.length <= MAX_FIELD_LENGTH * 4)
      this.#text += text;
  }

  close(): void {
    const field = this.#stack.pop()!;
    const name = this.#names.pop()!;
    if (field >= N.Version) {
      const t = this.#text;
      this.#assign(field, own(isPlainValue(t) ? t : this.#clean(t.trim(), name)));
    }
    this.#text = '';
  }

  /** Control characters out, line breaks to spaces, length capped: what is shown and exported is safe text. */
  #clean(v: string, name: string): string {
    if (v.length > MAX_FIELD_LENGTH) {
      this.tally.add(`long:${name}`, () => ({
        code: 'value-out-of-range',
        severity: 'warning',
        file: this.file,
        path: name,
        message: `<${name}> is longer than ${MAX_FIELD_LENGTH.toLocaleString('en-US')} characters; it was cut there.`,
      }));
      v = v.slice(0, MAX_FIELD_LENGTH).trim();
    }
    if (hasUnsafe(v)) {
      this.tally.add(`control:${name}`, () => ({
        code: 'control-characters',
        severity: 'warning',
        file: this.file,
        path: name,
        message: `<${name}> holds control or text-direction characters; each was replaced by \ufffd.`,
      }));
      v = v.replace(UNSAFE_CHARS, '\ufffd');
    }
    return hasBreak(v) ? v.replace(LINE_BREAKS, ' ') : v;
  }

  #assign(field: N, v: string): void {
    const raw = this.raw;
    const r = this.#record;
    const rec = r?.rec;
    switch (field) {
      case N.Version:
        raw.version = v;
        return;
      case N.OrgName:
        raw.meta.org_name = v;
        return;
      case N.Email:
        raw.meta.email = v;
        return;
      case N.ExtraContact:
        raw.meta.extra_contact_info = v;
        return;
      case N.ReportId:
        raw.meta.report_id = v;
        return;
      case N.Generator:
        raw.meta.generator = v;
        return;
      case N.Error:
        if (raw.errors.length < MAX_LIST_ITEMS) raw.errors.push(v);
        return;
      case N.Begin:
        raw.meta.begin = v;
        return;
      case N.End:
        raw.meta.end = v;
        return;
      case N.Domain:
        raw.policy.domain = v;
        return;
      case N.Adkim:
        raw.policy.adkim = v;
        return;
      case N.Aspf:
        raw.policy.aspf = v;
        return;
      case N.P:
        raw.policy.p = v;
        return;
      case N.Sp:
        raw.policy.sp = v;
        return;
      case N.Pct:
        raw.policy.pct = v;
        return;
      case N.Fo:
        raw.policy.fo = v;
        return;
      case N.Np:
        raw.policy.np = v;
        return;
      case N.Testing:
        raw.policy.testing = v;
        return;
      case N.Discovery:
        raw.policy.discovery_method = v;
        return;
    }
    if (!r || !rec) return;
    switch (field) {
      case N.SourceIp:
        rec.sourceIp = v;
        r.hasSourceIp = true;
        return;
      case N.Count:
        r.count = v;
        return;
      case N.Disposition:
        rec.disposition = v;
        return;
      case N.EvalDkim:
        rec.dkim = v;
        return;
      case N.EvalSpf:
        rec.spf = v;
        return;
      case N.ReasonType:
        if (this.#reason) this.#reason.type = v;
        return;
      case N.ReasonComment:
        if (this.#reason) this.#reason.comment = v;
        return;
      case N.HeaderFrom:
        rec.headerFrom = v;
        r.hasHeaderFrom = true;
        return;
      case N.EnvelopeFrom:
        rec.envelopeFrom = v;
        return;
      case N.EnvelopeTo:
        rec.envelopeTo = v;
        return;
      case N.DkimDomain:
        if (this.#dkim) this.#dkim.domain = v;
        return;
      case N.DkimSelector:
        if (this.#dkim) this.#dkim.selector = v;
        return;
      case N.DkimResult:
        if (this.#dkim) this.#dkim.result = v;
        return;
      case N.DkimHuman:
        if (this.#dkim) this.#dkim.humanResult = v;
        return;
      case N.SpfDomain:
        if (this.#spf) this.#spf.domain = v;
        return;
      case N.SpfScope:
        if (this.#spf) this.#spf.scope = v;
        return;
      case N.SpfResult:
        if (this.#spf) this.#spf.result = v;
        return;
      case N.SpfHuman:
        if (this.#spf) this.#spf.humanResult = v;
        return;
    }
  }
}

/**
 * 'sax': the fast scanner for plain well-formed XML, saxes for every document it leaves (the verdict and error
 * messages are saxes'); 'saxes': saxes alone; 'fxp': fast-xml-parser. All three give the same result.
 */
export type XmlReader = 'sax' | 'saxes' | 'fxp';

export interface ParseOutcome {
  /** Present when the XML is a well-formed aggregate report. */
  report?: AggregateReport;
  records: DmarcRecord[];
  /** 'rejected': unreadable; 'skipped': XML, but not an aggregate report. */
  outcome: 'report' | 'rejected' | 'skipped';
  issues: DmarcIssue[];
}

/** Trimmed and lower-cased; most words already are, so check before building new strings. */
function word(s: string | undefined): string {
  if (!s) return '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 65 && c <= 90) || c <= 32) return s.trim().toLowerCase();
  }
  return s;
}

/**
 * Seconds since the epoch; reporters add spaces, and a few write decimals. `impossible` when the number is beyond
 * what a date can hold (13+ digits, a 40-digit forgery): the caller rejects the report rather than let it throw.
 */
function readTime(value: string | undefined): number | null | 'impossible' {
  const v = (value ?? '').trim();
  if (!/^[+-]?\d+(\.\d*)?$/.test(v)) return null;
  const n = Math.floor(Number(v));
  return Number.isFinite(n) && Math.abs(n) <= MAX_DATE_SECONDS ? n : 'impossible';
}

/** Four groups of one to three digits, each at most 255: by hand, since a match object per record adds up. */
function isIPv4(s: string): boolean {
  let groups = 0;
  let digits = 0;
  let value = 0;
  for (let i = 0; i <= s.length; i++) {
    // A dot after the end closes the last group.
    const c = i < s.length ? s.charCodeAt(i) : 0x2e;
    if (c >= 0x30 && c <= 0x39) {
      if (++digits > 3) return false;
      value = value * 10 + c - 0x30;
    } else if (c === 0x2e) {
      if (digits === 0 || value > 255) return false;
      groups++;
      digits = value = 0;
    } else return false;
  }
  return groups === 4;
}

/** IPv4 dotted quad, or IPv6 in any RFC 4291 text form (with `::`, and with an IPv4 tail). */
export function isIpAddress(s: string): boolean {
  if (isIPv4(s)) return true;
  if (s.length > 45 || !/^[0-9a-fA-F:.]+$/.test(s) || !s.includes(':')) return false;
  let head = s;
  if (s.includes('.')) {
    const colon = s.lastIndexOf(':');
    if (!isIPv4(s.slice(colon + 1))) return false;
    head = `${s.slice(0, colon + 1)}0:0`;
  }
  const halves = head.split('::');
  if (halves.length > 2) return false;
  const groups = halves.flatMap((h) => (h === '' ? [] : h.split(':')));
  if (!groups.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return false;
  return halves.length === 2 ? groups.length < 8 : groups.length === 8;
}

export const POLICY_STRICTNESS: Readonly<Record<string, number>> = { none: 0, quarantine: 1, reject: 2 };

/** pct as a whole number 0–100 in text (`100.0` read as `100`); '' when absent, undefined when not a percentage. */
function readPct(value: string | undefined): string | undefined {
  const v = (value ?? '').trim();
  if (v === '') return '';
  if (!/^\d{1,3}(\.0*)?$/.test(v)) return undefined;
  const n = Math.floor(Number(v));
  return n <= 100 ? String(n) : undefined;
}

/** Tallies per-record problems so that 2,000 records with the same slip give one line, not 2,000. */
class Tally {
  #map = new Map<string, { issue: DmarcIssue; n: number }>();
  add(key: string, make: () => DmarcIssue): void {
    const hit = this.#map.get(key);
    if (hit) hit.n++;
    else this.#map.set(key, { issue: make(), n: 1 });
  }
  issues(): DmarcIssue[] {
    return [...this.#map.values()].map(({ issue, n }) => ({
      ...issue,
      message: n === 1 ? issue.message : `${n.toLocaleString('en-US')} records: ${issue.message}`,
    }));
  }
}

/** One or more ASCII digits, and nothing else. */
function allDigits(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

function finishRecord(raw: RawRecord, tally: Tally, file: string): DmarcRecord {
  const rec = raw.rec;
  const countText = raw.count ?? '';
  const isDigits = allDigits(countText);
  const isDecimal = !isDigits && /^\d+\.0*$/.test(countText);
  const whole = isDigits || isDecimal ? Number(countText) : NaN;
  if (whole > MAX_RECORD_COUNT) {
    rec.isCountInvalid = true;
    const shown =
      countText.length > 24 ? `${countText.slice(0, 20)}… (${countText.length} digits)` : countText;
    tally.add('count-implausible', () => ({
      code: 'count-implausible',
      severity: 'warning',
      file,
      path: 'record/row/count',
      message: `<count> "${shown}" is more than ${MAX_RECORD_COUNT.toLocaleString('en-US')}, more than one record can hold; the record was counted as 0 messages and flagged.`,
    }));
  } else if (isDigits) rec.count = whole;
  else if (isDecimal) {
    rec.count = whole;
    tally.add(`count-decimal`, () => ({
      code: 'count-decimal',
      severity: 'warning',
      file,
      path: 'record/row/count',
      message: `<count> is written as a decimal ("${countText}"); it was read as ${rec.count}.`,
    }));
  } else {
    rec.isCountInvalid = true;
    tally.add(`count-invalid:${countText}`, () => ({
      code: 'count-invalid',
      severity: 'warning',
      file,
      path: 'record/row/count',
      message:
        raw.count === undefined
          ? 'The record has no <count>; it was counted as 0 messages and flagged.'
          : `<count> "${countText}" is not a whole number; the record was counted as 0 messages and flagged.`,
    }));
  }
  const dkim = (rec.dkim = word(rec.dkim));
  const spf = (rec.spf = word(rec.spf));
  const disposition = (rec.disposition = word(rec.disposition));
  rec.isDmarcPass = dkim === 'pass' || spf === 'pass';
  if (!raw.hasEvaluated) {
    tally.add('missing:policy_evaluated', () => ({
      code: 'missing-element',
      severity: 'warning',
      file,
      path: 'record/row/policy_evaluated',
      message: 'The record has no <policy_evaluated>; its messages count as not passing DMARC.',
    }));
  } else {
    if (dkim !== 'pass' && dkim !== 'fail') unknownWord(tally, file, 'dkim', dkim);
    if (spf !== 'pass' && spf !== 'fail') unknownWord(tally, file, 'spf', spf);
    if (
      disposition !== 'none' &&
      disposition !== 'quarantine' &&
      disposition !== 'reject' &&
      disposition !== 'pass'
    ) {
      tally.add(`unknown:disposition:${disposition}`, () => ({
        code: 'unknown-result',
        severity: 'warning',
        file,
        path: 'record/row/policy_evaluated/disposition',
        message: `<disposition> is "${disposition}" instead of none, quarantine or reject; it is shown as "unknown".`,
      }));
    }
  }
  if (!raw.hasSourceIp || !rec.sourceIp) {
    tally.add('missing:source_ip', () => ({
      code: 'missing-element',
      severity: 'warning',
      file,
      path: 'record/row/source_ip',
      message: 'The record has no <source_ip>.',
    }));
  } else if (!isIpAddress(rec.sourceIp)) {
    tally.add('ip-invalid', () => ({
      code: 'ip-invalid',
      severity: 'warning',
      file,
      path: 'record/row/source_ip',
      message: `<source_ip> "${rec.sourceIp.slice(0, 60)}" is not an IPv4 or IPv6 address; its messages are counted, under an unknown sender.`,
    }));
  }
  if (!raw.hasHeaderFrom) {
    tally.add('missing:header_from', () => ({
      code: 'missing-element',
      severity: 'warning',
      file,
      path: 'record/identifiers/header_from',
      message: 'The record has no <header_from>.',
    }));
  }
  rec.headerFrom = word(rec.headerFrom);
  rec.envelopeFrom = word(rec.envelopeFrom);
  rec.envelopeTo = word(rec.envelopeTo);
  for (const a of rec.dkimAuth) {
    a.result = word(a.result);
    a.domain = word(a.domain);
  }
  for (const a of rec.spfAuth) {
    a.result = word(a.result);
    a.domain = word(a.domain);
    a.scope = word(a.scope);
  }
  if (rec.reasons.length) {
    for (const x of rec.reasons) x.type = word(x.type);
    rec.reasons = rec.reasons.filter((x) => x.type || x.comment);
  }
  return rec;
}

function unknownWord(tally: Tally, file: string, what: 'dkim' | 'spf', value: string): void {
  tally.add(`unknown:${what}:${value}`, () => ({
    code: 'unknown-result',
    severity: 'warning',
    file,
    path: `record/row/policy_evaluated/${what}`,
    message: `policy_evaluated <${what}> is "${value}" instead of pass or fail; it is shown as its own bucket and never counted as a pass.`,
  }));
}

/**
 * Reads one XML document as a DMARC aggregate report. One bad record never sinks its report: problems become
 * warnings beside the result; only unreadable XML rejects the document.
 */
export interface ParseOptions {
  /** Seconds since the epoch that count as now, for the future-date check; the clock by default. */
  now?: number;
}

export function parseAggregateXml(
  text: string,
  file: string,
  input: string,
  reader: XmlReader = 'sax',
  opts: ParseOptions = {},
): ParseOutcome {
  let tally = new Tally();
  let builder = new ReportBuilder(tally, file);
  let error: XmlSyntaxError | undefined;
  if (reader === 'fxp') error = walkXmlTree(text, builder);
  else if (reader === 'saxes' || !fastScanXml(text, builder)) {
    // The scanner gave up part-way: saxes reads the document again into a fresh builder.
    if (reader === 'sax') {
      tally = new Tally();
      builder = new ReportBuilder(tally, file);
    }
    error = readXml(text, builder);
  }
  const issues: DmarcIssue[] = [];
  const raw = builder.raw;
  if (error) {
    issues.push({
      code: 'xml-malformed',
      severity: 'error',
      file,
      line: error.line || undefined,
      column: error.column || undefined,
      message: `The XML is not well-formed: ${error.message.replace(/\.$/, '')}.`,
    });
    return { outcome: 'rejected', records: [], issues };
  }
  if (raw.rootName.toLowerCase() !== 'feedback') {
    issues.push({
      code: 'not-aggregate-report',
      severity: raw.rootName ? 'info' : 'error',
      file,
      path: raw.rootName,
      message: raw.rootName
        ? `The XML's root element is <${raw.rootName}>, not <feedback>: it is not a DMARC aggregate report.`
        : 'The file holds no XML element.',
    });
    return { outcome: raw.rootName ? 'skipped' : 'rejected', records: [], issues };
  }
  const missing = (path: string, what: string) =>
    issues.push({
      code: 'missing-element',
      severity: 'warning',
      file,
      path,
      message: `The report has no ${what}.`,
    });
  if (!raw.hasMeta) missing('feedback/report_metadata', '<report_metadata>');
  else {
    if (raw.meta.org_name === undefined) missing('report_metadata/org_name', '<org_name>');
    if (!raw.meta.report_id) missing('report_metadata/report_id', '<report_id>');
  }
  if (!raw.hasPolicy) missing('feedback/policy_published', '<policy_published>');
  else if (!raw.policy.domain) missing('policy_published/domain', 'policy <domain>');
  const readBegin = readTime(raw.meta.begin);
  const readEnd = readTime(raw.meta.end);
  if (readBegin === 'impossible' || readEnd === 'impossible') {
    const which = readBegin === 'impossible' ? 'begin' : 'end';
    const value = raw.meta[which] ?? '';
    issues.push({
      code: 'date-impossible',
      severity: 'error',
      file,
      path: `report_metadata/date_range/${which}`,
      message: `<${which}> "${value.length > 24 ? `${value.slice(0, 20)}… (${value.length} characters)` : value}" is not a date: as seconds since 1970 it lies beyond what a date can hold (the years −271,821 to 275,760). The report was not counted.`,
    });
    return { outcome: 'rejected', records: [], issues };
  }
  const begin = readBegin;
  const end = readEnd;
  let isDateOutOfRange = false;
  if (!raw.hasDates) missing('report_metadata/date_range', '<date_range>');
  else if (begin === null || end === null) {
    issues.push({
      code: 'bad-date',
      severity: 'warning',
      file,
      path: 'report_metadata/date_range',
      message: `The date range ("${raw.meta.begin ?? ''}" – "${raw.meta.end ?? ''}") is not in seconds since 1970; the report is left out of the per-day chart.`,
    });
  } else {
    const now = opts.now ?? Date.now() / 1000;
    const iso = (t: number) => new Date(t * 1000).toISOString().slice(0, 10);
    const outside = [begin, end].find((t) => t < MIN_PLAUSIBLE_TIME || t > now + FUTURE_SLACK);
    const problem =
      outside !== undefined
        ? `${iso(outside)} is ${outside < MIN_PLAUSIBLE_TIME ? 'before 1990' : 'in the future'}`
        : end < begin
          ? `it ends (${iso(end)}) before it begins (${iso(begin)})`
          : end - begin > MAX_PERIOD
            ? `it covers ${Math.round((end - begin) / 86_400).toLocaleString('en-US')} days`
            : '';
    if (problem) {
      isDateOutOfRange = true;
      issues.push({
        code: 'date-out-of-range',
        severity: 'warning',
        file,
        path: 'report_metadata/date_range',
        message: `The date range is not plausible: ${problem}. Its messages are counted, but the report is kept out of the per-day chart and the period covered.`,
      });
    }
  }
  const records = raw.records.map((r) => finishRecord(r, tally, file));
  issues.push(...tally.issues());
  if (records.length === 0) {
    issues.push({
      code: 'no-records',
      severity: 'info',
      file,
      message: 'The report has no records (nothing was received in its period).',
    });
  }
  let messages = 0;
  let dmarcPass = 0;
  for (const r of records) {
    messages += r.count;
    if (r.isDmarcPass) dmarcPass += r.count;
  }
  const p = raw.policy;
  const pct = readPct(p.pct);
  if (pct === undefined) {
    issues.push({
      code: 'policy-invalid',
      severity: 'warning',
      file,
      path: 'policy_published/pct',
      message: `<pct> "${p.pct}" is not a whole number from 0 to 100; it is left empty.`,
    });
  }
  const policy = word(p.p);
  if (policy && !(policy in POLICY_STRICTNESS)) {
    issues.push({
      code: 'policy-invalid',
      severity: 'warning',
      file,
      path: 'policy_published/p',
      message: `<p> "${policy}" is not none, quarantine or reject; it is not used for the readiness hint.`,
    });
  }
  const report: AggregateReport = {
    source: file,
    input,
    version: raw.version ?? '',
    namespace: raw.namespace,
    orgName: (raw.meta.org_name ?? '').trim(),
    email: (raw.meta.email ?? '').trim(),
    extraContactInfo: (raw.meta.extra_contact_info ?? '').trim(),
    reportId: (raw.meta.report_id ?? '').trim(),
    begin,
    end,
    generator: raw.meta.generator ?? '',
    errors: raw.errors,
    policy: {
      domain: word(p.domain),
      adkim: word(p.adkim),
      aspf: word(p.aspf),
      p: policy,
      sp: word(p.sp),
      pct: pct ?? '',
      fo: (p.fo ?? '').trim(),
      np: word(p.np),
      testing: word(p.testing),
      discoveryMethod: word(p.discovery_method),
    },
    recordCount: records.length,
    messages,
    dmarcPass,
    isDateOutOfRange,
    duplicateOf: -1,
  };
  return { outcome: 'report', report, records, issues };
}

/** Bytes → report: the encoding as the XML declares it (with the Windows-1252 fallback), then `parseAggregateXml`. */
export function parseAggregateBytes(
  bytes: Uint8Array,
  file: string,
  input: string,
  reader: XmlReader = 'sax',
  opts: ParseOptions = {},
): ParseOutcome {
  const decoded = decodeXml(bytes, file);
  const outcome = parseAggregateXml(decoded.text, file, input, reader, opts);
  outcome.issues.unshift(...decoded.issues);
  return outcome;
}
