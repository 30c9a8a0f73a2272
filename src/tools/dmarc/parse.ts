import { decodeXml } from '../../lib/xml/decode.ts';
import { readXml, type XmlHandler, type XmlSyntaxError } from '../../lib/xml/sax.ts';
import { walkXmlTree } from '../../lib/xml/tree.ts';
import type { AggregateReport, DkimAuth, DmarcIssue, DmarcRecord, OverrideReason, SpfAuth } from './types.ts';

/*
 * Tolerant about structure, strict about counts. Elements are matched by local name (any namespace prefix, RFC 7489
 * or RFC 9990), in any order; unknown elements and extensions are skipped. Counts must be whole numbers.
 */

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

/** SAX events → raw strings, no judgement yet. */
class ReportBuilder implements XmlHandler {
  readonly raw: RawReport = {
    rootName: '',
    namespace: '',
    meta: {},
    hasMeta: false,
    hasDates: false,
    errors: [],
    policy: {},
    hasPolicy: false,
    records: [],
  };
  #stack: N[] = [N.Root];
  #text = '';
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
        this.#record?.rec.reasons.push(this.#reason);
        break;
      case N.AuthDkim:
        this.#dkim = { domain: '', selector: '', result: '', humanResult: '' };
        this.#record?.rec.dkimAuth.push(this.#dkim);
        break;
      case N.AuthSpf:
        this.#spf = { domain: '', scope: '', result: '', humanResult: '' };
        this.#record?.rec.spfAuth.push(this.#spf);
        break;
    }
    this.#stack.push(ctx);
    this.#text = '';
  }

  text(text: string): void {
    // Only leaves keep text; the whitespace between elements is most of what arrives here.
    if (this.#stack[this.#stack.length - 1]! >= N.Version) this.#text += text;
  }

  close(): void {
    const field = this.#stack.pop()!;
    if (field >= N.Version) this.#assign(field, this.#text.trim());
    this.#text = '';
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
        raw.errors.push(v);
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

export type XmlReader = 'sax' | 'fxp';

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

/** Seconds since the epoch; reporters add spaces, and a few write decimals. */
function readTime(value: string | undefined): number | null {
  const v = (value ?? '').trim();
  if (/^\d+$/.test(v)) return Number(v);
  if (/^\d+\.\d*$/.test(v)) return Math.floor(Number(v));
  return null;
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

function finishRecord(raw: RawRecord, tally: Tally, file: string): DmarcRecord {
  const rec = raw.rec;
  const countText = raw.count ?? '';
  if (/^\d+$/.test(countText)) rec.count = Number(countText);
  else if (/^\d+\.0*$/.test(countText)) {
    rec.count = Number(countText.slice(0, countText.indexOf('.')));
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
export function parseAggregateXml(
  text: string,
  file: string,
  input: string,
  reader: XmlReader = 'sax',
): ParseOutcome {
  const builder = new ReportBuilder();
  const error: XmlSyntaxError | undefined =
    reader === 'sax' ? readXml(text, builder) : walkXmlTree(text, builder);
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
  const begin = readTime(raw.meta.begin);
  const end = readTime(raw.meta.end);
  if (!raw.hasDates) missing('report_metadata/date_range', '<date_range>');
  else if (begin === null || end === null) {
    issues.push({
      code: 'bad-date',
      severity: 'warning',
      file,
      path: 'report_metadata/date_range',
      message: `The date range ("${raw.meta.begin ?? ''}" – "${raw.meta.end ?? ''}") is not in seconds since 1970; the report is left out of the per-day chart.`,
    });
  }
  const tally = new Tally();
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
      p: word(p.p),
      sp: word(p.sp),
      pct: (p.pct ?? '').trim(),
      fo: (p.fo ?? '').trim(),
      np: word(p.np),
      testing: word(p.testing),
      discoveryMethod: word(p.discovery_method),
    },
    recordCount: records.length,
    messages,
    dmarcPass,
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
): ParseOutcome {
  const decoded = decodeXml(bytes, file);
  const outcome = parseAggregateXml(decoded.text, file, input, reader);
  outcome.issues.unshift(...decoded.issues);
  return outcome;
}
