import { buildDomains, buildSenders } from '../aggregate.ts';
import { UNKNOWN_SENDER, type SenderIdentity } from '../senders.ts';
import type { AggregateReport, DmarcOverview, DmarcRecord, DmarcResult, SenderRow } from '../types.ts';
import { networkLabel, type IpTable, type Network } from './lookup.ts';

export interface CountryRow {
  /** ISO 3166-1 alpha-2; empty for addresses no network holds (private, reserved, unannounced). */
  country: string;
  messages: number;
  dmarcPass: number;
  ips: number;
  networks: number;
}

/** What the page and the CLI say about the enrichment. */
export interface NetworkSummary {
  /** YYYY-MM-DD of the table's data. */
  date: string;
  /** Distinct source IPs, and how many of them a network holds. */
  ips: number;
  ipsKnown: number;
  /** By messages, most first. */
  countries: CountryRow[];
  /** Why there is no enrichment (no table in this build, or it could not be loaded); absent when there is. */
  problem?: string;
}

export const IP_TABLE_SOURCE =
  'ip-location-db (RouteViews, NRO and DB-IP data, CC BY 4.0; country: geo-whois-asn-country, CC0)';

const networksOf = new WeakMap<object, Map<string, Network | null>>();

/** The network holding `ip` in an enriched result; undefined when none does or the result was not enriched. */
export function networkOf(result: object, ip: string): Network | undefined {
  return networksOf.get(result)?.get(ip) ?? undefined;
}

/** The distinct networks of a sender's IPs, most IPs first. */
export function senderNetworks(result: DmarcOverview, sender: SenderRow): (Network & { ips: number })[] {
  const counts = new Map<Network, number>();
  for (const ip of sender.ips) {
    const n = networkOf(result, ip);
    if (n) counts.set(n, (counts.get(n) ?? 0) + 1);
  }
  return [...counts].map(([n, ips]) => ({ ...n, ips })).sort((a, b) => b.ips - a.ips || a.asn - b.asn);
}

/** Messages and DMARC passes per source IP, first seen first: what the networks and countries are counted from. */
export type IpFigures = Map<string, { messages: number; dmarcPass: number }>;

export function addToIps(ips: IpFigures, r: DmarcRecord): void {
  let f = ips.get(r.sourceIp);
  if (!f) ips.set(r.sourceIp, (f = { messages: 0, dmarcPass: 0 }));
  f.messages += r.count;
  if (r.isDmarcPass) f.dmarcPass += r.count;
}

export function mergeIps(into: IpFigures, from: IpFigures): void {
  for (const [ip, b] of from) {
    const a = into.get(ip);
    if (!a) into.set(ip, b);
    else {
      a.messages += b.messages;
      a.dmarcPass += b.dmarcPass;
    }
  }
}

/** The network of each IP (looked up once) and the figures per country. */
function lookUp(
  ips: IpFigures,
  table: IpTable,
): { networks: Map<string, Network | null>; summary: NetworkSummary } {
  const networks = new Map<string, Network | null>();
  const byCountry = new Map<string, CountryRow & { ipSet: Set<string>; netSet: Set<number> }>();
  let ipsKnown = 0;
  for (const [ip, f] of ips) {
    const n = table.lookup(ip) ?? null;
    networks.set(ip, n);
    if (n) ipsKnown++;
    const cc = n?.country ?? '';
    let row = byCountry.get(cc);
    if (!row) {
      row = {
        country: cc,
        messages: 0,
        dmarcPass: 0,
        ips: 0,
        networks: 0,
        ipSet: new Set(),
        netSet: new Set(),
      };
      byCountry.set(cc, row);
    }
    row.messages += f.messages;
    row.dmarcPass += f.dmarcPass;
    row.ipSet.add(ip);
    if (n) row.netSet.add(n.asn);
  }
  const summary: NetworkSummary = {
    date: table.date,
    ips: networks.size,
    ipsKnown,
    countries: [...byCountry.values()]
      .map(({ ipSet, netSet, ...row }) => ({ ...row, ips: ipSet.size, networks: netSet.size }))
      .sort((a, b) => b.messages - a.messages || a.country.localeCompare(b.country)),
  };
  return { networks, summary };
}

/**
 * Adds the networks of the source IPs to a result: each distinct IP is looked up once; the "Unknown" sender is
 * split by the network holding its addresses ("AS8075 Microsoft Corporation"; addresses no network holds stay
 * "Unknown"), and messages are counted per country. Identities, counts and verdicts are otherwise unchanged.
 */
export function enrichResult(result: DmarcResult, table: IpTable): NetworkSummary {
  const ips: IpFigures = new Map();
  for (const r of result.records) addToIps(ips, r);
  const { networks, summary } = lookUp(ips, table);
  networksOf.set(result, networks);
  const u = unknownSender(result.senders);
  if (u !== -1) {
    const records = result.records;
    const subset: DmarcRecord[] = [];
    // Which records were Unknown, by position: the split renumbers their `sender`.
    const wasUnknown = new Uint8Array(records.length);
    for (let i = 0; i < records.length; i++) {
      if (records[i]!.sender !== u) continue;
      wasUnknown[i] = 1;
      subset.push(records[i]!);
    }
    const { senders, oldTo, newTo } = splitUnknown(
      result.reports,
      result.senders,
      u,
      subset,
      networks,
      table.date,
    );
    for (let i = 0; i < records.length; i++) {
      const r = records[i]!;
      r.sender = wasUnknown[i] ? newTo[r.sender]! : oldTo[r.sender]!;
    }
    result.senders = senders;
    result.domains = buildDomains(result.reports, result.records);
  }
  result.network = summary;
  return summary;
}

/**
 * The same enrichment for an overview built from figures rather than records (the CLI's two threads): `ips` are
 * the figures of every counted record, `unknown` the records of the Unknown sender (their `report` an index into
 * `overview.reports`).
 */
export function enrichOverview(
  overview: DmarcOverview,
  table: IpTable,
  ips: IpFigures,
  unknown: DmarcRecord[],
): void {
  const { networks, summary } = lookUp(ips, table);
  networksOf.set(overview, networks);
  const u = unknownSender(overview.senders);
  if (u !== -1)
    overview.senders = splitUnknown(
      overview.reports,
      overview.senders,
      u,
      unknown,
      networks,
      table.date,
    ).senders;
  overview.network = summary;
}

const unknownSender = (senders: SenderRow[]) =>
  senders.findIndex((s) => s.kind === 'unknown' && s.name === UNKNOWN_SENDER.name);

/**
 * The senders with Unknown (`u`) replaced by one sender per network of its records' addresses; `oldTo` and `newTo`
 * map the old ids and the ids `subset`'s records were given to the new ones.
 */
function splitUnknown(
  reports: AggregateReport[],
  before: SenderRow[],
  u: number,
  subset: DmarcRecord[],
  networks: Map<string, Network | null>,
  date: string,
): { senders: SenderRow[]; oldTo: Int32Array; newTo: Int32Array } {
  const identities = new Map<number, SenderIdentity>();
  const identify = (r: DmarcRecord): SenderIdentity => {
    const n = networks.get(r.sourceIp);
    if (!n) return UNKNOWN_SENDER;
    let who = identities.get(n.asn);
    if (!who) {
      const label = networkLabel(n);
      who = {
        key: `network:${n.asn}`,
        name: label,
        kind: 'unknown',
        category: UNKNOWN_SENDER.category,
        evidence: `${UNKNOWN_SENDER.evidence}; the addresses belong to ${label}${n.country ? ` (${n.country})` : ''} in the IP table of ${date}`,
      };
      identities.set(n.asn, who);
    }
    return who;
  };
  // The subset's records get indexes into `parts` here; the caller gives every record its final index.
  const parts = buildSenders(reports, subset, { identify });
  const rows = [
    ...before.filter((_, i) => i !== u).map((s) => ({ s, from: 'old' as const, at: s.id })),
    ...parts.map((s, at) => ({ s, from: 'new' as const, at })),
  ].sort((a, b) => b.s.messages - a.s.messages || a.s.name.localeCompare(b.s.name));
  const oldTo = new Int32Array(before.length).fill(-1);
  const newTo = new Int32Array(parts.length);
  rows.forEach((x, id) => {
    if (x.from === 'old') oldTo[x.at] = id;
    else newTo[x.at] = id;
  });
  return { senders: rows.map((x, id) => ({ ...x.s, id })), oldTo, newTo };
}
