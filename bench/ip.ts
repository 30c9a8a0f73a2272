import { gunzipSync } from 'node:zlib';
import { ipTableBytes } from '../scripts/build-ip-tables.mjs';
import { enrichResult } from '../src/tools/dmarc/enrich/group.ts';
import { IpTable, parseIpv4 } from '../src/tools/dmarc/enrich/lookup.ts';
import { gunzip } from '../src/tools/dmarc/enrich/table.ts';
import { analyse } from '../src/tools/dmarc/core.ts';
import { generateReports } from '../src/tools/dmarc/generate.ts';
import { median, withRatios, type BenchSection } from './lib.ts';

const N = 100_000;

/** A fixed pseudo-random stream, so every run looks up the same addresses. */
function addresses(seed: number): { v4: string[]; v6: string[] } {
  let s = seed >>> 0;
  const next = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0);
  const v4: string[] = [];
  const v6: string[] = [];
  for (let i = 0; i < N; i++) {
    const a = next();
    v4.push(`${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`);
    const b = next();
    v6.push(
      `2${((b >>> 20) & 0xfff).toString(16).padStart(3, '0')}:${(b & 0xffff).toString(16)}:${(next() & 0xffff).toString(16)}::1`,
    );
  }
  return { v4, v6 };
}

/** The DMARC tool's offline IP table: loading it, and the lookups its enrichment makes. */
export async function bench(): Promise<BenchSection[]> {
  const gz = ipTableBytes();
  const raw = gunzipSync(gz);
  const table = IpTable.read(raw);
  const { v4, v6 } = addresses(7);
  let sink = 0;
  const parseOnly = await median(() => {
    for (const ip of v4) sink += parseIpv4(ip);
  });
  const lookV4 = await median(() => {
    for (const ip of v4) sink += table.lookup(ip)?.asn ?? 0;
  });
  const lookV6 = await median(() => {
    for (const ip of v6) sink += table.lookup(ip)?.asn ?? 0;
  });
  const load = await median(async () => IpTable.read(await gunzip(gz)));
  const read = await median(() => IpTable.read(raw));
  // A realistic drop: the generator's reports, enriched once (fresh result each time: enrichment changes it).
  const { files } = generateReports({ reports: 500, seed: 3 });
  const results = await Promise.all(Array.from({ length: 6 }, () => analyse(files)));
  const enrich = await median(() => enrichResult(results.pop()!, table), 4);
  const records = (await analyse(files)).records.length;
  if (sink === 0.5) console.log(sink);
  return [
    {
      title: 'DMARC: offline IP table (networks and countries)',
      baseline: `parsing ${N.toLocaleString('en-US')} random IPv4 addresses without looking them up`,
      rows: withRatios(
        [
          { name: `parse ${N.toLocaleString('en-US')} IPv4 (baseline)`, ms: parseOnly },
          {
            name: `${N.toLocaleString('en-US')} IPv4 lookups (parse + binary search)`,
            ms: lookV4,
            rate: { value: N / lookV4 / 1000, unit: 'M lookups/s' },
          },
          {
            name: `${N.toLocaleString('en-US')} IPv6 lookups`,
            ms: lookV6,
            rate: { value: N / lookV6 / 1000, unit: 'M lookups/s' },
          },
          {
            name: 'load the table (gunzip with DecompressionStream + read and check)',
            ms: load,
            note: `${(gz.length / 1e6).toFixed(2)} MB gzip, ${(raw.length / 1e6).toFixed(1)} MB unpacked, ${table.networkCount.toLocaleString('en-US')} networks`,
          },
          { name: 'read and check the unpacked table', ms: read },
          { name: `enrich a result (500 reports, ${records.toLocaleString('en-US')} records)`, ms: enrich },
        ],
        parseOnly,
      ),
      verdict: `${lookV4 < 200 && lookV6 < 200 ? 'OK' : 'SLOW'}: ${N.toLocaleString('en-US')} lookups in ${lookV4.toFixed(0)} ms (IPv4) and ${lookV6.toFixed(0)} ms (IPv6); goal < 200 ms. Table ${(gz.length / 1e6).toFixed(2)} MB gzip; goal ≤ 1.5 MB.`,
    },
  ];
}
