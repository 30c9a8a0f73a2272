import { existsSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import type { RunFigures } from '../figures.ts';
import type { DmarcOverview, DmarcResult } from '../types.ts';
import { enrichOverview, enrichResult } from './group.ts';
import { IpTable } from './lookup.ts';

type Loaded = { table: IpTable; problem?: undefined } | { table?: undefined; problem: string };

/**
 * The IP table for the CLI: dist-cli/ip-table.bin beside the bundle (scripts/build-cli.mjs copies it there); run
 * from the sources, the one scripts/build-ip-tables.mjs builds from the installed packages. Read and unpacked off
 * the main thread, so it loads while the reports are parsed. Never rejects: a missing table is a reason.
 */
export async function cliIpTable(): Promise<Loaded> {
  try {
    // dist-cli/chunks/dmarc-….mjs → dist-cli/ip-table.bin.
    const shipped = new URL('../ip-table.bin', import.meta.url);
    let gz: Uint8Array;
    if (shipped.protocol === 'file:' && existsSync(shipped))
      gz = readFileSync(shipped); // 1.5 MB: one call, where an async read takes turns with the parse
    else {
      const script = new URL('../../../../scripts/build-ip-tables.mjs', import.meta.url).href;
      const mod = (await import(/* @vite-ignore */ script).catch(() => undefined)) as
        { ipTableBytes: () => Uint8Array } | undefined;
      if (!mod)
        throw new Error(`${decodeURIComponent(shipped.pathname)} is missing (npm run build:cli writes it).`);
      gz = mod.ipTableBytes();
    }
    // One call on libuv's threadpool: an output buffer of the size the gzip trailer gives (ISIZE), where zlib's
    // default 16 KB chunks would each wait for the main thread, busy parsing, to hand over the next one.
    const size =
      gz.length >= 18 ? new DataView(gz.buffer, gz.byteOffset + gz.length - 4, 4).getUint32(0, true) : 0;
    const chunkSize = Math.min(Math.max(size + 1, 16 * 1024), 256 * 1024 * 1024);
    return { table: IpTable.read(await promisify(gunzip)(gz, { chunkSize })) };
  } catch (e) {
    return { problem: `Networks and countries are not added: ${(e as Error).message}` };
  }
}

/**
 * Adds networks and countries to a CLI result (none when it has no records), or the reason there are none. An
 * overview built from figures brings the figures the enrichment needs (`figuresOf`).
 */
export async function enrichCli(
  result: DmarcResult | DmarcOverview,
  loading: Promise<Loaded>,
  figures?: Pick<RunFigures, 'ips' | 'unknown'>,
): Promise<void> {
  if (result.totals.records === 0) return;
  const loaded = await loading;
  if (!loaded.table)
    result.network = { date: '', ips: 0, ipsKnown: 0, countries: [], problem: loaded.problem };
  else if (figures) enrichOverview(result, loaded.table, figures.ips, figures.unknown);
  else enrichResult(result as DmarcResult, loaded.table);
}
