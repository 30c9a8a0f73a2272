import { IP_RANGES, SECOND_LEVEL_SUFFIXES, SERVICES, type ServiceDef } from './senders-data.ts';
import type { DmarcRecord, SenderKind } from './types.ts';

/** IPv4 or IPv6 text → 128-bit number (IPv4 as ::ffff:a.b.c.d); undefined when it is not an address. */
export function ipToBigInt(ip: string): bigint | undefined {
  const text = ip.trim();
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (v4) {
    const parts = v4.slice(1).map(Number);
    if (parts.some((p) => p > 255)) return undefined;
    return (
      (0xffffn << 32n) | BigInt(((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!)
    );
  }
  if (!text.includes(':') || !/^[0-9a-fA-F:.]+$/.test(text)) return undefined;
  let head = text;
  let tail = '';
  const dbl = text.indexOf('::');
  if (dbl !== -1) {
    if (text.indexOf('::', dbl + 1) !== -1) return undefined;
    head = text.slice(0, dbl);
    tail = text.slice(dbl + 2);
  }
  const groups = (s: string): number[] | undefined => {
    if (s === '') return [];
    const out: number[] = [];
    for (const g of s.split(':')) {
      if (g.includes('.')) {
        const v = ipToBigInt(g);
        if (v === undefined) return undefined;
        const n = Number(v & 0xffffffffn);
        out.push(n >>> 16, n & 0xffff);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(g)) out.push(parseInt(g, 16));
      else return undefined;
    }
    return out;
  };
  const h = groups(head);
  const t = groups(tail);
  if (!h || !t) return undefined;
  const fill = 8 - h.length - t.length;
  if ((dbl === -1 && fill !== 0) || fill < 0) return undefined;
  let value = 0n;
  for (const g of [...h, ...new Array<number>(dbl === -1 ? 0 : fill).fill(0), ...t])
    value = (value << 16n) | BigInt(g);
  return value;
}

interface Cidr {
  base: bigint;
  mask: bigint;
  service: string;
  evidence: string;
}

function parseCidr(cidr: string, service: string, evidence: string): Cidr {
  const [addr = '', bitsText = ''] = cidr.split('/');
  const isV4 = !addr.includes(':');
  const bits = Number(bitsText) + (isV4 ? 96 : 0);
  const mask = bits === 0 ? 0n : ((1n << 128n) - 1n) ^ ((1n << BigInt(128 - bits)) - 1n);
  return { base: ipToBigInt(addr)! & mask, mask, service, evidence };
}

const CIDRS: Cidr[] = IP_RANGES.flatMap((t) =>
  t.ranges.map((r) => parseCidr(r, t.service, `IP ${r} (${t.source}, ${t.asOf})`)),
);

const SERVICE_BY_ID = new Map(SERVICES.map((s) => [s.id, s]));
const SERVICE_BY_DOMAIN = new Map<string, ServiceDef>(
  SERVICES.flatMap((s) => s.domains.map((d) => [d, s] as const)),
);

/** The service whose domain is `domain` or a parent of it. */
export function serviceForDomain(domain: string): ServiceDef | undefined {
  let d = domain.toLowerCase().replace(/\.$/, '');
  for (;;) {
    const hit = SERVICE_BY_DOMAIN.get(d);
    if (hit) return hit;
    const dot = d.indexOf('.');
    if (dot === -1) return undefined;
    d = d.slice(dot + 1);
  }
}

export function serviceForIp(ip: string): { service: ServiceDef; evidence: string } | undefined {
  const v = ipToBigInt(ip);
  if (v === undefined) return undefined;
  for (const c of CIDRS)
    if ((v & c.mask) === c.base) return { service: SERVICE_BY_ID.get(c.service)!, evidence: c.evidence };
  return undefined;
}

/** example.co.uk for mail.example.co.uk: enough to group by organisation. */
export function organisationalDomain(domain: string): string {
  const labels = domain.toLowerCase().replace(/\.$/, '').split('.');
  if (labels.length <= 2) return labels.join('.');
  const lastTwo = labels.slice(-2).join('.');
  return SECOND_LEVEL_SUFFIXES.has(lastTwo) ? labels.slice(-3).join('.') : lastTwo;
}

export interface SenderIdentity {
  key: string;
  name: string;
  kind: SenderKind;
  category: string;
  evidence: string;
}

const UNKNOWN: SenderIdentity = {
  key: 'unknown',
  name: 'Unknown',
  kind: 'unknown',
  category: 'Not recognised',
  evidence: 'No listed IP range, and neither DKIM nor SPF passed for any domain',
};
/** The one bucket of senders nothing identifies; enrich/ splits it by network when an IP table is loaded. */
export { UNKNOWN as UNKNOWN_SENDER };

/**
 * Who sent a record's messages: a listed IP range first (the strongest evidence), then a *passing* DKIM signature
 * or SPF check by a service's domain (a failing one proves nothing: anyone can claim it). Mail that passed for some
 * other domain is grouped by that domain's organisation; the rest is "Unknown".
 */
export class SenderClassifier {
  // Identities are cached per IP and per domain, so that classifying a record builds no strings.
  #byIp = new Map<string, SenderIdentity | null>();
  #byDkim = new Map<string, SenderIdentity | null>();
  #bySpf = new Map<string, SenderIdentity | null>();
  // By organisation, one map for own and one for other domains: no key string is built per record.
  #own = new Map<string, SenderIdentity>();
  #other = new Map<string, SenderIdentity>();
  #org = new Map<string, string>();

  #orgOf(domain: string): string {
    let org = this.#org.get(domain);
    if (org === undefined) {
      org = organisationalDomain(domain);
      this.#org.set(domain, org);
    }
    return org;
  }

  #byDomain(
    cache: Map<string, SenderIdentity | null>,
    domain: string,
    how: 'DKIM' | 'SPF',
  ): SenderIdentity | null {
    let hit = cache.get(domain);
    if (hit === undefined) {
      const s = serviceForDomain(domain);
      hit = s ? service(s, how === 'DKIM' ? `DKIM d=${domain} passed` : `SPF passed for ${domain}`) : null;
      cache.set(domain, hit);
    }
    return hit;
  }

  /**
   * Forgets the organisations' identities (kept apart from the caches of IPs and domains, which depend on nothing
   * but the address or domain): an organisation's identity says which record it was first seen in, so a run of
   * records classified on its own starts afresh.
   */
  forgetOrganisations(): void {
    this.#own.clear();
    this.#other.clear();
  }

  identify(r: DmarcRecord): SenderIdentity {
    let byIp = this.#byIp.get(r.sourceIp);
    if (byIp === undefined) {
      const hit = serviceForIp(r.sourceIp);
      byIp = hit ? service(hit.service, hit.evidence) : null;
      this.#byIp.set(r.sourceIp, byIp);
    }
    if (byIp) return byIp;
    for (const a of r.dkimAuth) {
      if (a.result !== 'pass' || !a.domain) continue;
      const s = this.#byDomain(this.#byDkim, a.domain, 'DKIM');
      if (s) return s;
    }
    for (const a of r.spfAuth) {
      if (a.result !== 'pass' || !a.domain) continue;
      const s = this.#byDomain(this.#bySpf, a.domain, 'SPF');
      if (s) return s;
    }
    const dkim = r.dkimAuth.find((a) => a.result === 'pass' && a.domain);
    const passed = dkim ?? r.spfAuth.find((a) => a.result === 'pass' && a.domain);
    if (!passed) return UNKNOWN;
    const org = this.#orgOf(passed.domain);
    const isOwn = r.headerFrom !== '' && org === this.#orgOf(r.headerFrom);
    const byOrg = isOwn ? this.#own : this.#other;
    let who = byOrg.get(org);
    if (!who) {
      who = {
        key: `${isOwn ? 'own' : 'auth'}:${org}`,
        name: `${isOwn ? 'Own' : 'Other'}: ${org}`,
        kind: 'authenticated',
        category: isOwn ? 'Authorised by your own SPF/DKIM' : 'Not in the service list',
        evidence: `${dkim ? 'DKIM' : 'SPF'} passed for ${passed.domain}`,
      };
      byOrg.set(org, who);
    }
    return who;
  }
}

function service(s: ServiceDef, evidence: string): SenderIdentity {
  return { key: `service:${s.id}`, name: s.name, kind: 'service', category: s.category, evidence };
}
