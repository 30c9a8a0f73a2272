#!/usr/bin/env node
/**
 * Builds the DMARC tool's offline IP table from the dated CSVs of two npm packages (devDependencies):
 * `@ip-location-db/asn` (network owner: RouteViews, the five RIRs via NRO, DB-IP's IP to ASN Lite; CC BY 4.0) and
 * `@ip-location-db/geo-whois-asn-country` (country; CC0).
 *
 * The output is one gzip-compressed binary (format in src/tools/dmarc/enrich/table.ts): per address family a sorted
 * list of range starts (IPv4 as 32 bits, IPv6 as its top 64 bits) with, for each range, an index into the
 * de-duplicated networks and a country code given only where it differs from the network's usual country. Column
 * bytes are stored as planes (all first bytes, then all second bytes, …), which gzip packs far better.
 *
 * Names are kept for the networks with the most ranges, within a byte budget, so that the whole table
 * stays under 1.5 MB gzip; the others are given by number only ("AS64500").
 *
 * Used by vite.config.ts (an asset of the hosted build), scripts/build-cli.mjs (dist-cli/) and the tests, through
 * `ipTableBytes()`, which caches its output under node_modules/.cache. Run alone: `node scripts/build-ip-tables.mjs
 * [out.bin]` writes the table and prints its figures.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ASN_DIR = join(ROOT, 'node_modules/@ip-location-db/asn');
const CC_DIR = join(ROOT, 'node_modules/@ip-location-db/geo-whois-asn-country');
const FORMAT = 1;
/** Bytes of network names (before compression) the table may carry. */
const NAME_BUDGET = 260_000;

/** The packages' versions end in the data's date and hour: 2.3.2026061719 → 20260617. */
function dataDate() {
  const dates = [ASN_DIR, CC_DIR].map((d) => {
    const v = JSON.parse(readFileSync(join(d, 'package.json'), 'utf8')).version;
    const m = /\.(\d{8})\d{2}$/.exec(v);
    if (!m) throw new Error(`Cannot read a date from ${d} version ${v}`);
    return Number(m[1]);
  });
  return Math.min(...dates);
}

function versions() {
  return [ASN_DIR, CC_DIR]
    .map((d) => JSON.parse(readFileSync(join(d, 'package.json'), 'utf8')).version)
    .join('+');
}

/** Rows of a `-num.csv` file: [start, end, ...values]; quoted fields may hold commas and doubled quotes. */
function* csvRows(text) {
  const n = text.length;
  let i = 0;
  while (i < n) {
    const row = [];
    for (;;) {
      let field = '';
      if (text[i] === '"') {
        i++;
        for (;;) {
          const j = text.indexOf('"', i);
          if (j === -1) throw new Error('Unterminated quote in the IP CSV');
          field += text.slice(i, j);
          i = j + 1;
          if (text[i] === '"') {
            field += '"';
            i++;
          } else break;
        }
      } else {
        let j = i;
        while (j < n && text[j] !== ',' && text[j] !== '\n' && text[j] !== '\r') j++;
        field = text.slice(i, j);
        i = j;
      }
      row.push(field);
      if (text[i] === ',') {
        i++;
        continue;
      }
      break;
    }
    while (text[i] === '\r' || text[i] === '\n') i++;
    yield row;
  }
}

/**
 * Inclusive ranges → [start, value] steps covering the whole space from 0 (value '' = nothing known). IPv6 is cut to
 * its top 64 bits: a range smaller than a /64 that shares its /64 with an earlier one is dropped.
 */
function steps(file, isV6, valueOf) {
  // IPv6 to /48, the smallest block routed between networks, kept as the top 64 bits.
  const shift = isV6 ? 80n : 0n;
  const back = isV6 ? 16n : 0n;
  const out = [];
  let prevEnd = -1n;
  const push = (s, v) => {
    const last = out[out.length - 1];
    if (last && last[1] === v) return;
    if (last && last[0] === s) {
      last[1] = v;
      return;
    }
    out.push([s, v]);
  };
  for (const row of csvRows(readFileSync(file, 'utf8'))) {
    let s = (BigInt(row[0]) >> shift) << back;
    const e = (((BigInt(row[1]) >> shift) + 1n) << back) - 1n;
    if (e <= prevEnd) continue;
    if (s <= prevEnd) s = prevEnd + 1n;
    if (s > prevEnd + 1n) push(prevEnd + 1n, '');
    push(s, valueOf(row));
    prevEnd = e;
  }
  const max = isV6 ? (1n << 64n) - 1n : 0xffffffffn;
  if (prevEnd < max) push(prevEnd + 1n, '');
  return out;
}

/** Both step lists over one set of starts: [start, asnKey, country]. */
function mergeSteps(a, b) {
  const out = [];
  let i = 0;
  let j = 0;
  let va = '';
  let vb = '';
  while (i < a.length || j < b.length) {
    const sa = i < a.length ? a[i][0] : undefined;
    const sb = j < b.length ? b[j][0] : undefined;
    const s = sb === undefined || (sa !== undefined && sa <= sb) ? sa : sb;
    if (sa === s) va = a[i++][1];
    if (sb === s) vb = b[j++][1];
    const last = out[out.length - 1];
    if (last && last[1] === va && last[2] === vb) continue;
    out.push([s, va, vb]);
  }
  return out;
}

/** u32 values → bytes as four planes (all low bytes first); `delta` stores each value minus the one before. */
function planes(values, delta) {
  const n = values.length;
  const out = new Uint8Array(n * 4);
  let prev = 0;
  for (let i = 0; i < n; i++) {
    const v = delta ? (values[i] - prev) >>> 0 : values[i] >>> 0;
    prev = values[i];
    out[i] = v & 0xff;
    out[n + i] = (v >>> 8) & 0xff;
    out[2 * n + i] = (v >>> 16) & 0xff;
    out[3 * n + i] = v >>> 24;
  }
  return out;
}

export function buildIpTable() {
  const names = new Map();
  const asnOf = (row) => {
    const asn = Number(row[2]);
    if (!Number.isInteger(asn) || asn <= 0 || asn > 0xffffffff) return '';
    if (!names.has(asn)) names.set(asn, row[3] ?? '');
    return String(asn);
  };
  const ccOf = (row) => (/^[A-Z]{2}$/.test(row[2] ?? '') ? row[2] : '');
  const families = [
    ['asn-ipv4-num.csv', 'geo-whois-asn-country-ipv4-num.csv', false],
    ['asn-ipv6-num.csv', 'geo-whois-asn-country-ipv6-num.csv', true],
  ].map(([asnFile, ccFile, isV6]) =>
    mergeSteps(steps(join(ASN_DIR, asnFile), isV6, asnOf), steps(join(CC_DIR, ccFile), isV6, ccOf)),
  );

  // Networks ordered by how many ranges name them (small indexes compress best); each one's usual country, weighed
  // by address space.
  const uses = new Map();
  const ccCount = new Map();
  families.forEach((f, fi) => {
    for (let k = 0; k < f.length; k++) {
      const [s, asn, cc] = f[k];
      if (asn === '') continue;
      uses.set(asn, (uses.get(asn) ?? 0) + 1);
      const next = k + 1 < f.length ? f[k + 1][0] : fi === 0 ? 1n << 32n : 1n << 64n;
      // Address space in /24s of IPv4 or /48s of IPv6 (the usual smallest announced blocks).
      const size = fi === 0 ? Number((next - s) >> 8n) : Number((next - s) >> 16n);
      if (cc) {
        let m = ccCount.get(asn);
        if (!m) ccCount.set(asn, (m = new Map()));
        m.set(cc, (m.get(cc) ?? 0) + Math.max(size, 1));
      }
    }
  });
  const asns = [...uses.keys()].sort((a, b) => uses.get(b) - uses.get(a) || Number(a) - Number(b));
  const asnIndex = new Map(asns.map((a, i) => [a, i + 1]));
  const countries = [...new Set(families.flatMap((f) => f.map((x) => x[2])).filter(Boolean))].sort();
  const ccIndex = new Map(countries.map((c, i) => [c, i]));
  const home = asns.map((a) => {
    const m = ccCount.get(a);
    if (!m) return '';
    return [...m.entries()].sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]))[0][0];
  });

  // Names within the budget, the networks with the most ranges first: they name 62 of 64 well-known mail, hosting
  // and access networks in a test list, against 42 when ranked by address space (SendGrid, Proofpoint, Mimecast…).
  const named = new Set();
  let nameBytes = 0;
  for (const a of asns) {
    const len = Buffer.byteLength(names.get(Number(a)));
    if (nameBytes + len > NAME_BUDGET) continue;
    nameBytes += len;
    named.add(a);
  }
  const nameParts = asns.map((a) => (named.has(a) ? Buffer.from(names.get(Number(a))) : Buffer.alloc(0)));
  const nameEnds = [];
  let end = 0;
  for (const p of nameParts) nameEnds.push((end += p.length));

  // Only where the network changes: a country per range would double the table (see the docs).
  const networkSteps = families.map((f) => f.filter((x, k) => k === 0 || x[1] !== f[k - 1][1]));
  const column = (f, isV6) => {
    const n = f.length;
    const hi = new Array(n);
    const lo = new Array(n);
    const asn = new Array(n);
    for (let k = 0; k < n; k++) {
      const [s, a] = f[k];
      hi[k] = isV6 ? Number(s >> 32n) : Number(s);
      lo[k] = isV6 ? Number(s & 0xffffffffn) : 0;
      asn[k] = a === '' ? 0 : asnIndex.get(a);
    }
    return [planes(hi, true), ...(isV6 ? [planes(lo, false)] : []), planes(asn, false)];
  };

  const header = new DataView(new ArrayBuffer(32));
  'HTIP'.split('').forEach((ch, i) => header.setUint8(i, ch.charCodeAt(0)));
  header.setUint32(4, FORMAT, true);
  header.setUint32(8, dataDate(), true);
  header.setUint32(12, asns.length, true);
  header.setUint32(16, countries.length, true);
  header.setUint32(20, networkSteps[0].length, true);
  header.setUint32(24, networkSteps[1].length, true);
  header.setUint32(28, end, true);
  const parts = {
    header: new Uint8Array(header.buffer),
    countries: Buffer.from(countries.join(''), 'latin1'),
    asns: planes(asns.map(Number), false),
    home: Uint8Array.from(home, (c) => (c ? ccIndex.get(c) + 1 : 0)),
    nameEnds: planes(nameEnds, true),
    names: Buffer.concat(nameParts),
  };
  const c4 = column(networkSteps[0], false);
  const c6 = column(networkSteps[1], true);
  c4.forEach((c, i) => (parts[`v4.${i}`] = c));
  c6.forEach((c, i) => (parts[`v6.${i}`] = c));
  if (process.env.HT_IP_SECTIONS)
    for (const [k, v] of Object.entries(parts)) console.log(k, v.length, gzipSync(v, { level: 9 }).length);
  const raw = Buffer.concat(Object.values(parts));
  return {
    bytes: new Uint8Array(gzipSync(raw, { level: 9 })),
    stats: {
      date: dataDate(),
      networks: asns.length,
      named: named.size,
      countries: countries.length,
      v4Ranges: networkSteps[0].length,
      v6Ranges: networkSteps[1].length,
      rawBytes: raw.length,
    },
  };
}

/** The table's bytes, built once per pair of package versions and kept under node_modules/.cache. */
export function ipTableBytes() {
  const key = createHash('sha256')
    .update(`${FORMAT}:${NAME_BUDGET}:${versions()}:`)
    .update(readFileSync(fileURLToPath(import.meta.url)))
    .digest('hex')
    .slice(0, 16);
  const cache = join(ROOT, 'node_modules/.cache/hybrid-toolbox', `ip-table-${key}.bin`);
  if (existsSync(cache)) return new Uint8Array(readFileSync(cache));
  const { bytes } = buildIpTable();
  mkdirSync(dirname(cache), { recursive: true });
  writeFileSync(cache, bytes);
  return bytes;
}

/** The asset's name in a build: content-hashed, so caches never serve an old table under a new page. */
export function ipTableFileName(bytes) {
  return `ip-table-${createHash('sha256').update(bytes).digest('hex').slice(0, 10)}.bin`;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const t = performance.now();
  const { bytes, stats } = buildIpTable();
  const out = process.argv[2];
  if (out) writeFileSync(out, bytes);
  console.log(
    JSON.stringify(
      { ...stats, gzipBytes: bytes.length, ms: Math.round(performance.now() - t), out },
      null,
      2,
    ),
  );
}
