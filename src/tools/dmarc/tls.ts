import {
  FUTURE_SLACK,
  isIpAddress,
  MAX_FIELD_LENGTH,
  MAX_RECORD_COUNT,
  MIN_PLAUSIBLE_TIME,
} from './parse.ts';
import type { DmarcIssue, TlsFailureDetail, TlsPolicy, TlsReport } from './types.ts';

/*
 * SMTP TLS reports (RFC 8460): JSON, tolerant about shape where real reporters differ (a date range without a time
 * zone, `mx-host` as one string, counts written as strings), strict about values: counts are whole numbers up to
 * 10⁹, lists are capped, addresses and dates are checked, text is cleaned and cut. Nothing here throws on any input.
 */

/** Policies kept per report, and failure details per policy: real reports have a handful. */
export const MAX_TLS_ITEMS = 1000;

/** Member names only TLS reports use; any one in the first bytes makes the JSON worth reading as one. */
const TLS_KEYS = [
  '"organization-name"',
  '"date-range"',
  '"policy-domain"',
  '"total-successful-session-count"',
  '"failure-details"',
];

/** Cheap look at the first bytes (members come in any order, so several names are looked for). */
export function looksLikeTlsReport(bytes: Uint8Array): boolean {
  const head = new TextDecoder().decode(bytes.subarray(0, 4096));
  return TLS_KEYS.some((k) => head.includes(k));
}

const UNSAFE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const POLICY_TYPES = new Set(['sts', 'tlsa', 'no-policy-found']);

type Json = unknown;
const isObject = (v: Json): v is Record<string, Json> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

class Reader {
  issues: DmarcIssue[] = [];
  #said = new Map<string, number>();
  constructor(readonly file: string) {}
  warn(code: DmarcIssue['code'], key: string, message: string): void {
    const n = this.#said.get(key);
    this.#said.set(key, (n ?? 0) + 1);
    if (n === undefined) this.issues.push({ code, severity: 'warning', file: this.file, message });
  }
  text(v: Json, what: string): string {
    if (v === undefined || v === null) return '';
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
      this.warn('value-out-of-range', `type:${what}`, `"${what}" is not text; it was left out.`);
      return '';
    }
    let s = String(v)
      .replace(/[\t\r\n]+/g, ' ')
      .trim();
    if (UNSAFE.test(s)) {
      UNSAFE.lastIndex = 0;
      s = s.replace(UNSAFE, '\uFFFD');
      this.warn(
        'control-characters',
        `control:${what}`,
        `"${what}" holds control characters; they were replaced by �.`,
      );
    }
    if (s.length > MAX_FIELD_LENGTH) {
      s = s.slice(0, MAX_FIELD_LENGTH).trim();
      this.warn(
        'value-out-of-range',
        `long:${what}`,
        `"${what}" is longer than ${MAX_FIELD_LENGTH.toLocaleString('en-US')} characters; it was cut there.`,
      );
    }
    return s;
  }
  /** One string or a list of them (the RFC's own example writes `mx-host` as a string). */
  list(v: Json, what: string): string[] {
    if (v === undefined || v === null) return [];
    const items = Array.isArray(v) ? v : [v];
    if (items.length > MAX_TLS_ITEMS) {
      this.warn(
        'value-out-of-range',
        `many:${what}`,
        `"${what}" has more than ${MAX_TLS_ITEMS} entries; the rest were left out.`,
      );
    }
    return items
      .slice(0, MAX_TLS_ITEMS)
      .map((x) => this.text(x, what))
      .filter(Boolean);
  }
  count(v: Json, what: string): number {
    const n =
      typeof v === 'number' ? v : typeof v === 'string' && /^\s*\d{1,16}\s*$/.test(v) ? Number(v) : NaN;
    if (v === undefined || v === null) {
      this.warn('missing-element', `missing:${what}`, `"${what}" is missing; 0 was counted.`);
      return 0;
    }
    if (!Number.isInteger(n) || n < 0) {
      this.warn('count-invalid', `invalid:${what}`, `"${what}" is not a whole number ≥ 0; 0 was counted.`);
      return 0;
    }
    if (n > MAX_RECORD_COUNT) {
      this.warn(
        'count-implausible',
        `big:${what}`,
        `"${what}" is more than ${MAX_RECORD_COUNT.toLocaleString('en-US')}, beyond any real sender; 0 was counted.`,
      );
      return 0;
    }
    return n;
  }
  ip(v: Json, what: string): string {
    const s = this.text(v, what);
    if (!s) return '';
    const bare = s.replace(/^\[|\]$/g, '');
    if (isIpAddress(bare)) return bare;
    this.warn(
      'ip-invalid',
      `ip:${what}`,
      `"${what}" "${s.slice(0, 60)}" is not an IP address; it was left out.`,
    );
    return '';
  }
}

/**
 * An RFC 3339 date-time in seconds. Without a zone (Microsoft writes `2024-05-01T00:00:00`) it is UTC, which is
 * what such reports mean; a bare date is midnight UTC.
 */
export function parseTlsDate(v: string): number | null {
  const m =
    /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(
      v.trim(),
    );
  if (!m) return null;
  const [, y, mo, d, h = '0', mi = '0', s = '0', zone] = m;
  const t = Date.UTC(+y!, +mo! - 1, +d!, +h, +mi, +s);
  const check = new Date(t);
  if (check.getUTCDate() !== +d! || check.getUTCMonth() !== +mo! - 1 || +h > 23 || +mi > 59 || +s > 60)
    return null;
  let offset = 0;
  if (zone && zone.toUpperCase() !== 'Z') {
    const z = /^([+-])(\d{2}):?(\d{2})$/.exec(zone)!;
    offset = (z[1] === '-' ? -1 : 1) * (+z[2]! * 60 + +z[3]!) * 60;
  }
  return Math.floor(t / 1000) - offset;
}

/** `isTls` false: valid JSON that is not a TLS report after all (no policies, organisation or report id). */
export type TlsOutcome = { report?: TlsReport; issues: DmarcIssue[]; isTls: boolean };

const error = (file: string, code: DmarcIssue['code'], message: string): TlsOutcome => ({
  issues: [{ code, severity: 'error', file, message }],
  isTls: true,
});

/** One TLS report from its JSON bytes; an error issue (and no report) when it is not usable. */
export function readTlsReport(
  bytes: Uint8Array,
  path: string,
  input: string,
  opts: { now?: number } = {},
): TlsOutcome {
  let json: Json;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    return error(
      path,
      'json-malformed',
      `The SMTP TLS report is not valid JSON (${e instanceof Error ? e.message.slice(0, 200) : 'unreadable'}).`,
    );
  }
  if (!isObject(json) || !('policies' in json || 'organization-name' in json || 'report-id' in json))
    return { issues: [], isTls: false };
  const r = new Reader(path);
  const policiesJson = json.policies;
  if (!Array.isArray(policiesJson))
    return error(path, 'missing-element', 'The SMTP TLS report has no "policies" list.');
  const range = isObject(json['date-range']) ? json['date-range'] : {};
  const now = opts.now ?? Math.floor(Date.now() / 1000);
  const date = (v: Json, what: string): number | null => {
    const s = r.text(v, what);
    if (!s) {
      r.warn('missing-element', `missing:${what}`, `"${what}" is missing.`);
      return null;
    }
    const t = parseTlsDate(s);
    if (t === null) {
      r.warn('bad-date', `date:${what}`, `"${what}" "${s.slice(0, 60)}" is not a date; it was left out.`);
      return null;
    }
    if (t < MIN_PLAUSIBLE_TIME || t > now + FUTURE_SLACK) {
      r.warn(
        'date-out-of-range',
        `date:${what}`,
        `"${what}" ${s} is before 1990 or in the future; it was left out.`,
      );
      return null;
    }
    return t;
  };
  let begin = date(range['start-datetime'], 'start-datetime');
  let end = date(range['end-datetime'], 'end-datetime');
  if (begin !== null && end !== null && end < begin) {
    r.warn('date-impossible', 'order', 'The date range ends before it begins; it was left out.');
    begin = end = null;
  }
  if (policiesJson.length > MAX_TLS_ITEMS) {
    r.warn(
      'value-out-of-range',
      'many:policies',
      `The report has more than ${MAX_TLS_ITEMS} policies; the rest were left out.`,
    );
  }
  const policies: TlsPolicy[] = [];
  for (const p of policiesJson.slice(0, MAX_TLS_ITEMS)) {
    if (!isObject(p)) {
      r.warn('value-out-of-range', 'policy-shape', 'A policy entry is not an object; it was left out.');
      continue;
    }
    const pol = isObject(p.policy) ? p.policy : {};
    const summary = isObject(p.summary) ? p.summary : {};
    const policyType = r.text(pol['policy-type'], 'policy-type').toLowerCase();
    if (!POLICY_TYPES.has(policyType)) {
      r.warn(
        'unknown-result',
        `type:${policyType}`,
        `policy-type "${policyType.slice(0, 60)}" is none of sts, tlsa, no-policy-found; kept as written.`,
      );
    }
    const detailsJson = Array.isArray(p['failure-details']) ? p['failure-details'] : [];
    if (detailsJson.length > MAX_TLS_ITEMS) {
      r.warn(
        'value-out-of-range',
        'many:details',
        `A policy has more than ${MAX_TLS_ITEMS} failure details; the rest were left out.`,
      );
    }
    const failures: TlsFailureDetail[] = [];
    for (const d of detailsJson.slice(0, MAX_TLS_ITEMS)) {
      if (!isObject(d)) continue;
      failures.push({
        resultType: r.text(d['result-type'], 'result-type').toLowerCase(),
        sendingMtaIp: r.ip(d['sending-mta-ip'], 'sending-mta-ip'),
        receivingMxHostname: r.text(d['receiving-mx-hostname'], 'receiving-mx-hostname').toLowerCase(),
        receivingMxHelo: r.text(d['receiving-mx-helo'], 'receiving-mx-helo'),
        receivingIp: r.ip(d['receiving-ip'], 'receiving-ip'),
        failedSessions: r.count(d['failed-session-count'], 'failed-session-count'),
        additionalInformation: r.text(
          d['additional-information'] ?? d['additional-info-uri'],
          'additional-information',
        ),
        failureReasonCode: r.text(d['failure-reason-code'], 'failure-reason-code'),
      });
    }
    const policyDomain = r.text(pol['policy-domain'], 'policy-domain').toLowerCase();
    const failedSessions = r.count(summary['total-failure-session-count'], 'total-failure-session-count');
    // At most 1000 details of at most 10⁹ each: the sum stays a safe integer.
    const detailSum = failures.reduce((s, f) => s + f.failedSessions, 0);
    if (failures.length && detailSum !== failedSessions) {
      r.warn(
        'tls-total-mismatch',
        `sum:${policyDomain}:${policies.length}`,
        `Policy ${policyDomain || '(no domain)'}: the failure details add up to ${detailSum.toLocaleString('en-US')} sessions, the summary says ${failedSessions.toLocaleString('en-US')}; the summary's figure is counted.`,
      );
    }
    policies.push({
      policyType,
      policyDomain,
      policyStrings: r.list(pol['policy-string'], 'policy-string'),
      mxHosts: r.list(pol['mx-host'] ?? pol['mx-host-pattern'], 'mx-host'),
      successfulSessions: r.count(
        summary['total-successful-session-count'],
        'total-successful-session-count',
      ),
      failedSessions,
      failures,
    });
  }
  if (!policies.length) r.warn('no-records', 'no-policies', 'The report lists no policies.');
  const organizationName = r.text(json['organization-name'], 'organization-name');
  const reportId = r.text(json['report-id'], 'report-id');
  if (!organizationName) r.warn('missing-element', 'missing:org', '"organization-name" is missing.');
  if (!reportId) r.warn('missing-element', 'missing:id', '"report-id" is missing.');
  const report: TlsReport = {
    source: path,
    input,
    organizationName,
    contactInfo: r.list(json['contact-info'], 'contact-info').join(', '),
    reportId,
    begin,
    end,
    policies,
    // ≤ 1000 policies of ≤ 10⁹: safe integers.
    successfulSessions: policies.reduce((s, p) => s + p.successfulSessions, 0),
    failedSessions: policies.reduce((s, p) => s + p.failedSessions, 0),
    duplicateOf: -1,
  };
  return { report, issues: r.issues, isTls: true };
}

/** What each result type (RFC 8460 §4.3) means for the receiving domain, and what to do about it. */
export const TLS_RESULT_TYPES: Record<string, { meaning: string; fix: string }> = {
  'starttls-not-supported': {
    meaning: 'The MX did not offer STARTTLS.',
    fix: 'Enable STARTTLS on every MX host (and on any filtering service in front of it).',
  },
  'certificate-host-mismatch': {
    meaning: 'The certificate does not name the MX host it was presented for.',
    fix: 'Put every MX host name in the certificate (subject alternative names), or point MX records at names it holds.',
  },
  'certificate-expired': {
    meaning: 'The MX presented an expired certificate.',
    fix: 'Renew the certificate and automate renewal; check every MX host, not just the first.',
  },
  'certificate-not-trusted': {
    meaning: 'The certificate does not chain to a trusted root (self-signed, or an intermediate missing).',
    fix: 'Use a certificate from a public CA and serve the full chain, intermediates included.',
  },
  'validation-failure': {
    meaning: 'The certificate or chain failed validation for another reason (see failure-reason-code).',
    fix: 'Check the chain with an SMTP TLS test; the failure-reason-code names the exact error.',
  },
  'tlsa-invalid': {
    meaning: 'A DANE TLSA record is invalid or cannot be used.',
    fix: 'Fix or republish the TLSA records (a rollover must publish the new key before the certificate changes).',
  },
  'dnssec-invalid': {
    meaning: 'The DNSSEC signatures needed for DANE did not validate.',
    fix: 'Repair the zone’s DNSSEC (expired signatures, a DS record that no longer matches).',
  },
  'dane-required': {
    meaning: 'The sender requires DANE and found no usable TLSA records.',
    fix: 'Publish TLSA records for the MX hosts, in a DNSSEC-signed zone.',
  },
  'sts-policy-fetch-error': {
    meaning: 'The MTA-STS policy could not be fetched from https://mta-sts.<domain>/.well-known/mta-sts.txt.',
    fix: 'Serve the policy file over HTTPS with a valid certificate and status 200 (the reason code often says 404 or 500).',
  },
  'sts-policy-invalid': {
    meaning: 'The MTA-STS policy file was fetched but could not be read.',
    fix: 'Fix the policy file’s syntax: version: STSv1, mode, one mx: line per MX pattern, max_age.',
  },
  'sts-webpki-invalid': {
    meaning: 'The certificate of the MTA-STS policy host (mta-sts.<domain>) is not valid.',
    fix: 'Give mta-sts.<domain> a valid public certificate that names it.',
  },
};
