import { SenderClassifier, type SenderIdentity } from './senders.ts';
import type {
  AggregateReport,
  DayPoint,
  DispositionBucket,
  DispositionRow,
  DmarcRecord,
  DomainRow,
  FileVerdict,
  Readiness,
  ReporterRow,
  SenderKind,
  SenderRow,
  Totals,
} from './types.ts';

const DAY = 86_400;

/** The identity of a report: the same org_name, report_id, policy domain and begin is the same report. */
export function reportKey(r: AggregateReport): string {
  return `${r.orgName}\u0000${r.reportId}\u0000${r.policy.domain}\u0000${r.begin ?? ''}`;
}

/**
 * Marks duplicates (`duplicateOf`) and returns the indices of the reports to count. Of several copies the one with
 * the most records is kept (a resent report may be more complete); then the one read with fewer warnings; then
 * the first by source path — so the choice does not depend on the order files were dropped in.
 */
export function dedupe(reports: AggregateReport[], warnings: readonly number[] = []): number[] {
  const better = (a: number, b: number): boolean => {
    const ra = reports[a]!;
    const rb = reports[b]!;
    if (ra.recordCount !== rb.recordCount) return ra.recordCount > rb.recordCount;
    const wa = warnings[a] ?? 0;
    const wb = warnings[b] ?? 0;
    if (wa !== wb) return wa < wb;
    return ra.source < rb.source;
  };
  const kept = new Map<string, number>();
  for (let i = 0; i < reports.length; i++) {
    const key = reportKey(reports[i]!);
    const prev = kept.get(key);
    if (prev === undefined || better(i, prev)) kept.set(key, i);
  }
  const keep = new Set(kept.values());
  for (let i = 0; i < reports.length; i++) {
    reports[i]!.duplicateOf = keep.has(i) ? -1 : kept.get(reportKey(reports[i]!))!;
  }
  return [...keep].sort((a, b) => a - b);
}

export function dispositionBucket(word: string): DispositionBucket {
  return word === 'none' || word === 'quarantine' || word === 'reject' || word === 'pass' ? word : 'unknown';
}

/** UTC day of a time in seconds. */
export function dayOf(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 10);
}

/**
 * Each report's messages spread over the UTC days its period covers, in proportion to the overlap; a report with no
 * length (begin = end) counts on its day. Reports with implausible dates (`isDateOutOfRange`) are left out, so one
 * forged 1979 or 2090 date cannot stretch the chart over decades.
 */
export function perDay(reports: AggregateReport[], unique: number[]): DayPoint[] {
  const days = new Map<string, DayPoint>();
  // Thousands of reports fall on a few hundred days: each day's name is made once.
  const names = new Map<number, string>();
  const dayName = (seconds: number) => {
    const d = Math.floor(seconds / DAY);
    let name = names.get(d);
    if (name === undefined) names.set(d, (name = dayOf(d * DAY)));
    return name;
  };
  const add = (day: string, messages: number, pass: number) => {
    const p = days.get(day) ?? days.set(day, { day, messages: 0, dmarcPass: 0 }).get(day)!;
    p.messages += messages;
    p.dmarcPass += pass;
  };
  for (const i of unique) {
    const r = reports[i]!;
    if (r.begin === null || r.messages === 0 || r.isDateOutOfRange) continue;
    const end = r.end ?? r.begin;
    const length = end - r.begin;
    if (length <= 0 || length > 3660 * DAY) {
      add(dayName(r.begin), r.messages, r.dmarcPass);
      continue;
    }
    for (let start = Math.floor(r.begin / DAY) * DAY; start < end; start += DAY) {
      const share = (Math.min(end, start + DAY) - Math.max(r.begin, start)) / length;
      if (share > 0) add(dayName(start), r.messages * share, r.dmarcPass * share);
    }
  }
  return [...days.values()].sort((a, b) => a.day.localeCompare(b.day));
}

const OVERRIDES = new Set(['forwarded', 'mailing_list', 'local_policy', 'trusted_forwarder']);

/** A sender's running figures; the sets become the row's sorted lists. */
export interface SenderAcc extends SenderRow {
  ipSet: Set<string>;
  reporterSet: Set<string>;
  fromSet: Set<string>;
}

/** Adds one record to its sender's figures in `byKey` (first seen, first in the map). */
export function addToSender(
  byKey: Map<string, SenderAcc>,
  who: SenderIdentity,
  r: DmarcRecord,
  reporter: string,
): SenderAcc {
  let s = byKey.get(who.key);
  if (!s) {
    s = {
      id: -1,
      name: who.name,
      kind: who.kind,
      evidence: who.evidence,
      category: who.category,
      ips: [],
      messages: 0,
      dmarcPass: 0,
      dmarcFail: 0,
      dkimAligned: 0,
      spfAligned: 0,
      overrides: {},
      reporters: [],
      headerFroms: [],
      records: 0,
      ipSet: new Set(),
      reporterSet: new Set(),
      fromSet: new Set(),
    };
    byKey.set(who.key, s);
  }
  s.records++;
  s.messages += r.count;
  if (r.isDmarcPass) s.dmarcPass += r.count;
  else s.dmarcFail += r.count;
  if (r.dkim === 'pass') s.dkimAligned += r.count;
  if (r.spf === 'pass') s.spfAligned += r.count;
  for (const reason of r.reasons)
    if (reason.type) s.overrides[reason.type] = (s.overrides[reason.type] ?? 0) + r.count;
  s.ipSet.add(r.sourceIp);
  s.reporterSet.add(reporter);
  s.fromSet.add(r.headerFrom);
  return s;
}

/**
 * Adds the senders of later records (`from`) to `into`: the same figures as adding their records one by one after
 * those of `into`. A sender new to `into` keeps what it was first seen as.
 */
export function mergeSenders(into: Map<string, SenderAcc>, from: ReadonlyMap<string, SenderAcc>): void {
  for (const [key, b] of from) {
    const a = into.get(key);
    if (!a) {
      into.set(key, b);
      continue;
    }
    a.records += b.records;
    a.messages += b.messages;
    a.dmarcPass += b.dmarcPass;
    a.dmarcFail += b.dmarcFail;
    a.dkimAligned += b.dkimAligned;
    a.spfAligned += b.spfAligned;
    for (const [type, n] of Object.entries(b.overrides)) a.overrides[type] = (a.overrides[type] ?? 0) + n;
    for (const x of b.ipSet) a.ipSet.add(x);
    for (const x of b.reporterSet) a.reporterSet.add(x);
    for (const x of b.fromSet) a.fromSet.add(x);
  }
}

/** The rows, most messages first (ties by name, then first seen), each accumulator given its row's id. */
export function senderRows(accs: Iterable<SenderAcc>): SenderRow[] {
  const list = [...accs].sort((a, b) => b.messages - a.messages || a.name.localeCompare(b.name));
  return list.map((s, id) => {
    s.id = id;
    const { ipSet, reporterSet, fromSet, ...row } = s;
    return {
      ...row,
      id,
      ips: sortIps(ipSet),
      reporters: [...reporterSet].sort(),
      headerFroms: [...fromSet].sort(),
    };
  });
}

export function buildSenders(
  reports: AggregateReport[],
  records: DmarcRecord[],
  classifier: Pick<SenderClassifier, 'identify'> = new SenderClassifier(),
): SenderRow[] {
  const byKey = new Map<string, SenderAcc>();
  const accOf: SenderAcc[] = new Array<SenderAcc>(records.length);
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    accOf[i] = addToSender(byKey, classifier.identify(r), r, reports[r.report]!.orgName);
  }
  const rows = senderRows(byKey.values());
  for (let i = 0; i < records.length; i++) records[i]!.sender = accOf[i]!.id;
  return rows;
}

/** IPv4 in numeric order, then everything else (IPv6, junk) as text. */
function sortIps(ips: Iterable<string>): string[] {
  const keyed = [...ips].map((ip) => {
    const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
    return { ip, n: m ? ((+m[1]! << 24) >>> 0) + (+m[2]! << 16) + (+m[3]! << 8) + +m[4]! : Infinity };
  });
  keyed.sort((a, b) => a.n - b.n || (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : 0));
  return keyed.map((k) => k.ip);
}

export function buildDomains(reports: AggregateReport[], records: DmarcRecord[]): DomainRow[] {
  type Acc = DomainRow & { senderSet: Set<number>; policyAt: number };
  const byPolicy = new Map<string, Map<string, Acc>>();
  const all: Acc[] = [];
  for (const r of records) {
    const report = reports[r.report]!;
    const policyDomain = report.policy.domain;
    const domain = r.headerFrom || '(none)';
    let rows = byPolicy.get(policyDomain);
    if (!rows) byPolicy.set(policyDomain, (rows = new Map()));
    let row = rows.get(domain);
    if (!row) {
      row = {
        domain,
        policyDomain,
        isSubdomain: domain !== policyDomain && domain.endsWith(`.${policyDomain}`),
        policy: '',
        messages: 0,
        dmarcPass: 0,
        dkimAligned: 0,
        spfAligned: 0,
        quarantine: 0,
        reject: 0,
        senders: 0,
        senderSet: new Set(),
        policyAt: -Infinity,
      };
      rows.set(domain, row);
      all.push(row);
    }
    const at = report.begin ?? 0;
    if (at >= row.policyAt) {
      row.policyAt = at;
      row.policy = (row.isSubdomain && report.policy.sp) || report.policy.p;
    }
    row.messages += r.count;
    if (r.isDmarcPass) row.dmarcPass += r.count;
    if (r.dkim === 'pass') row.dkimAligned += r.count;
    if (r.spf === 'pass') row.spfAligned += r.count;
    if (r.disposition === 'quarantine') row.quarantine += r.count;
    else if (r.disposition === 'reject') row.reject += r.count;
    row.senderSet.add(r.sender);
  }
  return all
    .map(({ senderSet, policyAt: _policyAt, ...row }) => ({ ...row, senders: senderSet.size }))
    .sort((a, b) => b.messages - a.messages || a.domain.localeCompare(b.domain));
}

export function buildReporters(reports: AggregateReport[], unique: number[]): ReporterRow[] {
  const rows = new Map<string, ReporterRow & { domainSet: Set<string> }>();
  for (const i of unique) {
    const r = reports[i]!;
    const name = r.orgName || '(no org_name)';
    let row = rows.get(name);
    if (!row) {
      row = {
        orgName: name,
        email: r.email,
        reports: 0,
        messages: 0,
        dmarcPass: 0,
        domains: 0,
        begin: null,
        end: null,
        domainSet: new Set(),
      };
      rows.set(name, row);
    }
    row.reports++;
    row.messages += r.messages;
    row.dmarcPass += r.dmarcPass;
    row.domainSet.add(r.policy.domain);
    if (r.isDateOutOfRange) continue;
    if (r.begin !== null && (row.begin === null || r.begin < row.begin)) row.begin = r.begin;
    if (r.end !== null && (row.end === null || r.end > row.end)) row.end = r.end;
  }
  return [...rows.values()]
    .map(({ domainSet, ...row }) => ({ ...row, domains: domainSet.size }))
    .sort((a, b) => b.messages - a.messages || a.orgName.localeCompare(b.orgName));
}

export function buildDispositions(records: DmarcRecord[]): DispositionRow[] {
  const rows = new Map<string, DispositionRow>();
  for (const r of records) {
    const key = r.disposition || '(empty)';
    const row =
      rows.get(key) ?? rows.set(key, { disposition: key, messages: 0, records: 0, dmarcPass: 0 }).get(key)!;
    row.records++;
    row.messages += r.count;
    if (r.isDmarcPass) row.dmarcPass += r.count;
  }
  return [...rows.values()].sort((a, b) => b.messages - a.messages);
}

/** What the counted records add up to. */
export interface RecordSums {
  records: number;
  messages: number;
  dmarcPass: number;
  dkimAlignedPass: number;
  spfAlignedPass: number;
  disposition: Totals['disposition'];
}

export const emptySums = (): RecordSums => ({
  records: 0,
  messages: 0,
  dmarcPass: 0,
  dkimAlignedPass: 0,
  spfAlignedPass: 0,
  disposition: { none: 0, quarantine: 0, reject: 0, pass: 0, unknown: 0 },
});

export function addToSums(t: RecordSums, r: DmarcRecord): void {
  t.records++;
  t.messages += r.count;
  if (r.isDmarcPass) t.dmarcPass += r.count;
  if (r.dkim === 'pass') t.dkimAlignedPass += r.count;
  if (r.spf === 'pass') t.spfAlignedPass += r.count;
  t.disposition[dispositionBucket(r.disposition)] += r.count;
}

export function mergeSums(into: RecordSums, from: RecordSums): void {
  into.records += from.records;
  into.messages += from.messages;
  into.dmarcPass += from.dmarcPass;
  into.dkimAlignedPass += from.dkimAlignedPass;
  into.spfAlignedPass += from.spfAlignedPass;
  for (const k of Object.keys(into.disposition) as (keyof RecordSums['disposition'])[])
    into.disposition[k] += from.disposition[k];
}

export function buildTotals(
  files: FileVerdict[],
  reports: AggregateReport[],
  unique: number[],
  records: DmarcRecord[] | RecordSums,
): Totals {
  let sums = records as RecordSums;
  if (Array.isArray(records)) {
    sums = emptySums();
    for (const r of records) addToSums(sums, r);
  }
  const t: Totals = {
    files: files.length,
    filesByStatus: { ok: 0, warning: 0, rejected: 0, skipped: 0 },
    reports: unique.length,
    duplicates: reports.length - unique.length,
    records: sums.records,
    messages: sums.messages,
    dmarcPass: sums.dmarcPass,
    dkimAlignedPass: sums.dkimAlignedPass,
    spfAlignedPass: sums.spfAlignedPass,
    disposition: { ...sums.disposition },
    reporters: 0,
    domains: 0,
    begin: null,
    end: null,
    issues: { errors: 0, warnings: 0 },
  };
  for (const f of files) {
    t.filesByStatus[f.status]++;
    for (const i of f.issues) {
      if (i.severity === 'error') t.issues.errors++;
      else if (i.severity === 'warning') t.issues.warnings++;
    }
  }
  const reporters = new Set<string>();
  const domains = new Set<string>();
  for (const i of unique) {
    const r = reports[i]!;
    reporters.add(r.orgName);
    domains.add(r.policy.domain);
    if (r.isDateOutOfRange) continue;
    if (r.begin !== null && (t.begin === null || r.begin < t.begin)) t.begin = r.begin;
    if (r.end !== null && (t.end === null || r.end > t.end)) t.end = r.end;
  }
  t.reporters = reporters.size;
  t.domains = domains.size;
  return t;
}

const STRICTNESS: Record<string, number> = { none: 0, quarantine: 1, reject: 2 };

/**
 * Is it safe to move to p=quarantine/reject? Failing mail from recognised services (or servers authenticated for
 * another domain) is legitimate mail that enforcement would hurt: fix its alignment first. Failing mail nothing
 * vouches for is what enforcement is for.
 */
/** Failing mail by who sent it, as readiness weighs it. */
export interface FailingSums {
  messages: number;
  failing: number;
  failingKnown: number;
  failingAuthenticated: number;
  failingUnknown: number;
  failingOverridden: number;
  /** Legitimate failing mail the receivers say they quarantined or rejected. */
  legitBlocked: number;
}

export const emptyFailing = (): FailingSums => ({
  messages: 0,
  failing: 0,
  failingKnown: 0,
  failingAuthenticated: 0,
  failingUnknown: 0,
  failingOverridden: 0,
  legitBlocked: 0,
});

/** Adds a record sent by a sender of `kind`. */
export function addToFailing(f: FailingSums, r: DmarcRecord, kind: SenderKind): void {
  f.messages += r.count;
  if (r.isDmarcPass) return;
  f.failing += r.count;
  // The receiver already excused it (and would under p=reject too): neither a fix nor spoofing.
  if (r.reasons.some((x) => OVERRIDES.has(x.type))) f.failingOverridden += r.count;
  else if (kind === 'unknown') f.failingUnknown += r.count;
  else {
    if (kind === 'service') f.failingKnown += r.count;
    else f.failingAuthenticated += r.count;
    if (r.disposition === 'quarantine' || r.disposition === 'reject') f.legitBlocked += r.count;
  }
}

export function mergeFailing(into: FailingSums, from: FailingSums): void {
  for (const k of Object.keys(into) as (keyof FailingSums)[]) into[k] += from[k];
}

export function buildReadiness(
  reports: AggregateReport[],
  unique: number[],
  records: DmarcRecord[] | FailingSums,
  senders: SenderRow[],
): Readiness {
  let sums = records as FailingSums;
  if (Array.isArray(records)) {
    sums = emptyFailing();
    for (const r of records) addToFailing(sums, r, senders[r.sender]?.kind ?? 'unknown');
  }
  // What each policy domain publishes now: the policy of its latest report (an older p=none does not count once
  // the domain moved on).
  const latest = new Map<string, { at: number; p: string; pct: string }>();
  for (const i of unique) {
    const r = reports[i]!;
    if (!(r.policy.p in STRICTNESS)) continue;
    const at = r.end ?? r.begin ?? -Infinity;
    const seen = latest.get(r.policy.domain);
    if (!seen || at >= seen.at) latest.set(r.policy.domain, { at, p: r.policy.p, pct: r.policy.pct });
  }
  let currentPolicy = '';
  // The weakest policy published now, and the smallest pct= published with an enforcing one.
  let weakest = '';
  let enforcedPct = 100;
  for (const { p, pct } of latest.values()) {
    if (currentPolicy === '' || STRICTNESS[p]! > STRICTNESS[currentPolicy]!) currentPolicy = p;
    if (weakest === '' || STRICTNESS[p]! < STRICTNESS[weakest]!) weakest = p;
    if (p !== 'none' && /^\d+$/.test(pct) && Number(pct) < enforcedPct) enforcedPct = Number(pct);
  }
  const { legitBlocked, ...figures } = sums;
  const { messages, failingKnown, failingAuthenticated, failingUnknown, failingOverridden } = figures;
  const legitFailing = failingKnown + failingAuthenticated;
  const share = messages ? legitFailing / messages : 0;
  const pct = (n: number) => `${((100 * n) / Math.max(messages, 1)).toFixed(1)}%`;
  const top = senders
    .filter((s) => s.kind !== 'unknown' && s.dmarcFail > 0)
    .sort((a, b) => b.dmarcFail - a.dmarcFail)
    .slice(0, 3)
    .map((s) => s.name);
  let verdict: Readiness['verdict'];
  let advice: string;
  if (messages === 0) {
    verdict = 'no-data';
    advice = 'No messages in the reports yet.';
  } else if (share <= 0.005) {
    verdict = 'ready';
    advice =
      failingUnknown > 0
        ? `Legitimate senders pass. The ${pct(failingUnknown)} that fails comes from sources nothing vouches for — likely spoofing, which p=quarantine or p=reject would stop.`
        : 'Every recognised sender passes and nothing unknown fails: enforcement (p=quarantine, then p=reject) should be safe.';
  } else {
    verdict = share <= 0.02 ? 'almost' : 'not-ready';
    advice = `${pct(legitFailing)} of all mail fails DMARC although it comes from recognised services or authenticated servers${top.length ? ` (${top.join(', ')})` : ''}: align their SPF (envelope domain) or DKIM (d=) with your From domain before enforcing.${failingUnknown ? ` The other ${pct(failingUnknown)} failing comes from unknown sources, likely spoofing.` : ''}`;
  }
  // Every domain already enforces: what the data means is what the policy does now, not whether to move to it.
  const isEnforcing = weakest === 'quarantine' || weakest === 'reject';
  if (messages > 0 && isEnforcing) {
    const policy = `p=${weakest === currentPolicy ? currentPolicy : `${weakest}/${currentPolicy}`}${enforcedPct < 100 ? ` (pct=${enforcedPct}: applied to that share of failing mail)` : ''}`;
    const action =
      weakest !== currentPolicy
        ? 'quarantined or rejected'
        : currentPolicy === 'reject'
          ? 'rejected'
          : 'quarantined';
    if (legitFailing > 0)
      advice = `Already enforcing ${policy}: ${pct(legitFailing)} of all mail comes from recognised services or authenticated servers${top.length ? ` (${top.join(', ')})` : ''} and fails DMARC, so receivers may have ${action} legitimate mail${legitBlocked ? ` — they report ${legitBlocked.toLocaleString('en-US')} message(s) quarantined or rejected` : ''}. Align their SPF (envelope domain) or DKIM (d=) with your From domain.${failingUnknown ? ` The other ${pct(failingUnknown)} failing comes from unknown sources, likely spoofing, which the policy stops.` : ''}`;
    else
      advice =
        failingUnknown > 0
          ? `Already enforcing ${policy}, and legitimate senders pass: the ${pct(failingUnknown)} that fails comes from sources nothing vouches for — likely spoofing, ${action} as intended.`
          : `Already enforcing ${policy}, and every recognised sender passes: nothing legitimate is being ${action}.`;
  }
  // Some domains enforce, others do not: the advice above is about the ones still at p=none.
  if (messages > 0 && !isEnforcing && currentPolicy !== weakest && currentPolicy !== 'none') {
    advice += ` Some of your domains already publish p=${currentPolicy}; this is about those still at p=${weakest} (see Domains).`;
  }
  if (failingOverridden > 0 && messages > 0) {
    advice += ` ${pct(failingOverridden)} failed but the receiver excused it (forwarded, mailing list, local policy).`;
  }
  return {
    currentPolicy,
    weakestPolicy: weakest,
    ...figures,
    verdict,
    isEnforcing,
    advice,
  };
}
