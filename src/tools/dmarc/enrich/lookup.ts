import { readIpTable, type IpTableData } from './table.ts';

/** Who holds an address: its network (autonomous system) and that network's country. */
export interface Network {
  asn: number;
  /** The holder's name; empty for the small networks whose names the table leaves out (see docs/dmarc.md). */
  name: string;
  /** ISO 3166-1 alpha-2 code of the country where the network holds most of its addresses; empty when unknown. */
  country: string;
}

/** "AS8075 Microsoft Corporation", or "AS64500" when the table carries no name. */
export function networkLabel(n: Network): string {
  return n.name ? `AS${n.asn} ${n.name}` : `AS${n.asn}`;
}

/** a.b.c.d → its 32-bit value; -1 when it is not a dotted IPv4 address. */
export function parseIpv4(ip: string): number {
  let value = 0;
  let part = -1;
  let dots = 0;
  let digits = 0;
  for (let i = 0; i < ip.length; i++) {
    const c = ip.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (++digits > 3) return -1;
      part = (part < 0 ? 0 : part * 10) + (c - 48);
      if (part > 255) return -1;
    } else if (c === 46) {
      if (part < 0 || ++dots > 3) return -1;
      value = value * 256 + part;
      part = -1;
      digits = 0;
    } else return -1;
  }
  if (part < 0 || dots !== 3) return -1;
  return value * 256 + part;
}

/**
 * IPv6 text → its top 64 bits as [high 32, next 32], or an IPv4-mapped address (::ffff:a.b.c.d) as its IPv4 value;
 * undefined when it is not an address.
 */
export function parseIpv6(ip: string): { hi: number; lo: number } | { v4: number } | undefined {
  if (ip.length > 45 || !ip.includes(':')) return undefined;
  const dbl = ip.indexOf('::');
  if (dbl !== -1 && ip.indexOf('::', dbl + 1) !== -1) return undefined;
  const groups = (s: string): number[] | undefined => {
    if (s === '') return [];
    const out: number[] = [];
    const parts = s.split(':');
    for (let i = 0; i < parts.length; i++) {
      const g = parts[i]!;
      if (i === parts.length - 1 && g.includes('.')) {
        const v4 = parseIpv4(g);
        if (v4 < 0) return undefined;
        out.push(v4 >>> 16, v4 & 0xffff);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(g)) out.push(parseInt(g, 16));
      else return undefined;
    }
    return out;
  };
  const head = groups(dbl === -1 ? ip : ip.slice(0, dbl));
  const tail = dbl === -1 ? [] : groups(ip.slice(dbl + 2));
  if (!head || !tail) return undefined;
  const fill = 8 - head.length - tail.length;
  if (dbl === -1 ? fill !== 0 : fill < 1) return undefined;
  const g = [...head, ...new Array<number>(fill).fill(0), ...tail];
  if (g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff)
    return { v4: ((g[6]! << 16) | g[7]!) >>> 0 };
  return { hi: ((g[0]! << 16) | g[1]!) >>> 0, lo: ((g[2]! << 16) | g[3]!) >>> 0 };
}

/** The last index whose start is ≤ value (the table's first start is 0, so there always is one). */
function searchV4(starts: Uint32Array, value: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (starts[mid]! <= value) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function searchV6(his: Uint32Array, los: Uint32Array, hiValue: number, loValue: number): number {
  let lo = 0;
  let hi = his.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    const h = his[mid]!;
    if (h < hiValue || (h === hiValue && los[mid]! <= loValue)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

export class IpTable {
  readonly date: string;
  readonly #t: IpTableData;
  readonly #names = new Map<number, Network>();
  readonly #decoder = new TextDecoder();

  constructor(data: IpTableData) {
    this.#t = data;
    this.date = data.date;
  }

  /** From the table's uncompressed bytes; throws IpTableError when they are not a whole, sound table. */
  static read(bytes: Uint8Array): IpTable {
    return new IpTable(readIpTable(bytes));
  }

  get networkCount(): number {
    return this.#t.asns.length;
  }

  #network(index: number): Network | undefined {
    if (index === 0) return undefined;
    let n = this.#names.get(index);
    if (!n) {
      const t = this.#t;
      const i = index - 1;
      const name = this.#decoder.decode(t.names.subarray(i === 0 ? 0 : t.nameEnds[i - 1]!, t.nameEnds[i]!));
      const home = t.homes[i]!;
      n = { asn: t.asns[i]!, name, country: home ? t.countries[home - 1]! : '' };
      this.#names.set(index, n);
    }
    return n;
  }

  /** The network holding `ip` (IPv4 or IPv6 text); undefined for private, reserved or unannounced addresses. */
  lookup(ip: string): Network | undefined {
    const t = this.#t;
    let v4 = parseIpv4(ip);
    const text = v4 < 0 ? ip.trim() : ip;
    if (text !== ip) v4 = parseIpv4(text);
    if (v4 >= 0) return this.#network(t.v4Networks[searchV4(t.v4Starts, v4)]!);
    const v6 = parseIpv6(text);
    if (!v6) return undefined;
    if ('v4' in v6) return this.#network(t.v4Networks[searchV4(t.v4Starts, v6.v4)]!);
    if (t.v6Hi.length === 0) return undefined;
    return this.#network(t.v6Networks[searchV6(t.v6Hi, t.v6Lo, v6.hi, v6.lo)]!);
  }
}
