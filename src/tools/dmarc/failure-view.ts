import type { FailureReport, SenderRow } from './types.ts';

/** One unique failure report as the view lists it, with the aggregate-report sender its source IP belongs to. */
export interface FailureRow {
  /** Index into `failureReports`. */
  index: number;
  report: FailureReport;
  /** The sender (from the aggregate reports) whose IPs include the source IP, or undefined. */
  sender: { id: number; name: string } | undefined;
}

/** A group of failure reports: by source IP or by subject. */
export interface FailureGroup {
  key: string;
  reports: number;
  /** Incidents (messages) they stand for. */
  incidents: number;
  domains: string[];
  authFailures: string[];
  /** The other side of the grouping: subjects for a source, source IPs for a subject. */
  others: string[];
  first: number | null;
  last: number | null;
  sender: FailureRow['sender'];
}

export function failureRows(
  reports: readonly FailureReport[],
  senders: readonly Pick<SenderRow, 'id' | 'name' | 'ips'>[],
): FailureRow[] {
  const byIp = new Map<string, { id: number; name: string }>();
  for (const s of senders)
    for (const ip of s.ips) if (!byIp.has(ip)) byIp.set(ip, { id: s.id, name: s.name });
  const rows: FailureRow[] = [];
  reports.forEach((report, index) => {
    if (report.duplicateOf === -1) rows.push({ index, report, sender: byIp.get(report.sourceIp) });
  });
  return rows;
}

export interface FailureFilter {
  /** Words that must all appear in one of the report's fields (case-insensitive). */
  text: string;
  domain: string;
  authFailure: string;
}

export function filterFailures(rows: readonly FailureRow[], f: FailureFilter): FailureRow[] {
  const words = f.text.toLowerCase().split(/\s+/).filter(Boolean);
  return rows.filter(({ report: r }) => {
    if (f.domain && r.reportedDomain !== f.domain) return false;
    if (f.authFailure && !r.authFailure.split(/,\s*/).includes(f.authFailure)) return false;
    if (!words.length) return true;
    const hay = [
      r.sourceIp,
      r.sourceHost,
      r.reportedDomain,
      r.subject,
      r.from,
      r.originalMailFrom,
      r.originalRcptTo,
      r.messageId,
      r.userAgent,
      r.deliveryResult,
    ]
      .join('\n')
      .toLowerCase();
    return words.every((w) => hay.includes(w));
  });
}

const sorted = (s: Set<string>) => [...s].filter(Boolean).sort();

/** Groups by source IP or by subject, most reports first. */
export function groupFailures(rows: readonly FailureRow[], by: 'source' | 'subject'): FailureGroup[] {
  const groups = new Map<
    string,
    FailureGroup & { domainSet: Set<string>; authSet: Set<string>; otherSet: Set<string> }
  >();
  for (const row of rows) {
    const r = row.report;
    const key = by === 'source' ? r.sourceIp || '(no source IP)' : r.subject || '(no subject)';
    let g = groups.get(key);
    if (!g) {
      g = {
        key,
        reports: 0,
        incidents: 0,
        domains: [],
        authFailures: [],
        others: [],
        first: null,
        last: null,
        sender: row.sender,
        domainSet: new Set(),
        authSet: new Set(),
        otherSet: new Set(),
      };
      groups.set(key, g);
    }
    g.reports++;
    g.incidents += r.incidents;
    g.domainSet.add(r.reportedDomain);
    for (const a of r.authFailure.split(/,\s*/)) g.authSet.add(a);
    g.otherSet.add(by === 'source' ? r.subject : r.sourceIp);
    g.sender ??= row.sender;
    if (r.arrivalDate !== null) {
      if (g.first === null || r.arrivalDate < g.first) g.first = r.arrivalDate;
      if (g.last === null || r.arrivalDate > g.last) g.last = r.arrivalDate;
    }
  }
  return [...groups.values()]
    .map(({ domainSet, authSet, otherSet, ...g }) => ({
      ...g,
      domains: sorted(domainSet),
      authFailures: sorted(authSet),
      others: sorted(otherSet),
    }))
    .sort((a, b) => b.reports - a.reports || (a.key < b.key ? -1 : 1));
}
