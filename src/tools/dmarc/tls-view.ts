import { TLS_RESULT_TYPES } from './tls.ts';
import type { TlsReport } from './types.ts';

/** Sessions per policy domain and MX host over the unique TLS reports. */
export interface TlsPolicyRow {
  policyDomain: string;
  /** The MX the sessions went to: the failure details' receiving-mx-hostname, else the policy's mx-host patterns. */
  mx: string;
  policyTypes: string[];
  reports: number;
  successful: number;
  failed: number;
  first: number | null;
  last: number | null;
}

/** Sessions of one policy domain on one day (reports dated by their start, UTC). */
export interface TlsDayRow {
  day: string;
  policyDomain: string;
  successful: number;
  failed: number;
}

export interface TlsResultRow {
  resultType: string;
  sessions: number;
  details: number;
  policyDomains: string[];
  mxHosts: string[];
  reasonCodes: string[];
  meaning: string;
  fix: string;
}

const add = (a: number, b: number) => (a + b <= Number.MAX_SAFE_INTEGER ? a + b : a);

/**
 * Per policy domain and MX. A policy's successful sessions are not split by MX in RFC 8460, so they go to the
 * policy's own MX patterns (or "all MX hosts"); its failures go to the MX each failure detail names.
 */
export function tlsPolicyRows(reports: readonly TlsReport[]): TlsPolicyRow[] {
  const rows = new Map<string, TlsPolicyRow & { types: Set<string>; seen: Set<number> }>();
  const row = (domain: string, mx: string) => {
    const key = `${domain}\u0000${mx}`;
    let r = rows.get(key);
    if (!r) {
      r = {
        policyDomain: domain,
        mx,
        policyTypes: [],
        reports: 0,
        successful: 0,
        failed: 0,
        first: null,
        last: null,
        types: new Set(),
        seen: new Set(),
      };
      rows.set(key, r);
    }
    return r;
  };
  reports.forEach((rep, i) => {
    if (rep.duplicateOf !== -1) return;
    for (const p of rep.policies) {
      const own = p.mxHosts.join(', ') || 'all MX hosts';
      const touched = [row(p.policyDomain, own)];
      touched[0]!.successful = add(touched[0]!.successful, p.successfulSessions);
      const detailed = p.failures.reduce((s, f) => s + f.failedSessions, 0);
      for (const f of p.failures) {
        const r = row(p.policyDomain, f.receivingMxHostname || own);
        r.failed = add(r.failed, f.failedSessions);
        touched.push(r);
      }
      // Failures the details do not account for (the summary says more) stay with the policy's own row.
      if (p.failedSessions > detailed)
        touched[0]!.failed = add(touched[0]!.failed, p.failedSessions - detailed);
      for (const r of touched) {
        r.types.add(p.policyType);
        if (!r.seen.has(i)) {
          r.seen.add(i);
          r.reports++;
        }
        if (rep.begin !== null && (r.first === null || rep.begin < r.first)) r.first = rep.begin;
        if (rep.end !== null && (r.last === null || rep.end > r.last)) r.last = rep.end;
      }
    }
  });
  return [...rows.values()]
    .map(({ types, seen: _seen, ...r }) => ({ ...r, policyTypes: [...types].sort() }))
    .sort(
      (a, b) =>
        (a.policyDomain < b.policyDomain ? -1 : a.policyDomain > b.policyDomain ? 1 : 0) ||
        b.failed - a.failed ||
        (a.mx < b.mx ? -1 : 1),
    );
}

/** Per policy domain and day, for the success rate over time. */
export function tlsDayRows(reports: readonly TlsReport[]): TlsDayRow[] {
  const rows = new Map<string, TlsDayRow>();
  for (const rep of reports) {
    if (rep.duplicateOf !== -1 || rep.begin === null) continue;
    const day = new Date(rep.begin * 1000).toISOString().slice(0, 10);
    for (const p of rep.policies) {
      const key = `${day}\u0000${p.policyDomain}`;
      const r = rows.get(key) ?? { day, policyDomain: p.policyDomain, successful: 0, failed: 0 };
      r.successful = add(r.successful, p.successfulSessions);
      r.failed = add(r.failed, p.failedSessions);
      rows.set(key, r);
    }
  }
  return [...rows.values()].sort((a, b) =>
    a.day < b.day ? -1 : a.day > b.day ? 1 : a.policyDomain < b.policyDomain ? -1 : 1,
  );
}

const UNKNOWN = {
  meaning: 'A result type RFC 8460 does not define; the reporter’s failure-reason-code may say more.',
  fix: 'Look up the reporter’s documentation for this result type.',
};

/** Failures ranked by result type, most sessions first, with what each one means and what to fix. */
export function tlsResultRows(reports: readonly TlsReport[]): TlsResultRow[] {
  const rows = new Map<
    string,
    TlsResultRow & { domains: Set<string>; mxs: Set<string>; codes: Set<string> }
  >();
  for (const rep of reports) {
    if (rep.duplicateOf !== -1) continue;
    for (const p of rep.policies) {
      for (const f of p.failures) {
        const type = f.resultType || '(none given)';
        let r = rows.get(type);
        if (!r) {
          const info = TLS_RESULT_TYPES[type] ?? UNKNOWN;
          r = {
            resultType: type,
            sessions: 0,
            details: 0,
            policyDomains: [],
            mxHosts: [],
            reasonCodes: [],
            ...info,
            domains: new Set(),
            mxs: new Set(),
            codes: new Set(),
          };
          rows.set(type, r);
        }
        r.sessions = add(r.sessions, f.failedSessions);
        r.details++;
        r.domains.add(p.policyDomain);
        if (f.receivingMxHostname) r.mxs.add(f.receivingMxHostname);
        if (f.failureReasonCode) r.codes.add(f.failureReasonCode);
      }
    }
  }
  return [...rows.values()]
    .map(({ domains, mxs, codes, ...r }) => ({
      ...r,
      policyDomains: [...domains].sort(),
      mxHosts: [...mxs].sort(),
      reasonCodes: [...codes].sort(),
    }))
    .sort((a, b) => b.sessions - a.sessions || (a.resultType < b.resultType ? -1 : 1));
}
