/**
 * The offline IP table (built by scripts/build-ip-tables.mjs from @ip-location-db's dated CSVs), read from its
 * uncompressed bytes. Little-endian; u32 columns are stored as byte planes (all low bytes, then the next…), some as
 * differences from the value before:
 *
 * ```
 * header   'HTIP', format, date (YYYYMMDD), networks, countries, v4 ranges, v6 ranges, name bytes   (8 × u32)
 * countries   2 ASCII letters each
 * networks    AS numbers (u32), home country (u8: 0 none, k = country k-1), name ends (u32, differences), names
 * v4          range starts (u32, differences), network (u32: 0 none, k = network k-1)
 * v6          starts' top 32 bits (differences), next 32 bits, network
 * ```
 *
 * A range runs from its start to the next one's; the first starts at 0. Every count and offset is checked against
 * the bytes before anything is allocated or read, so a truncated or altered table is refused with `IpTableError`
 * and never read past its end.
 */

export class IpTableError extends Error {
  constructor(message: string) {
    super(`The IP table cannot be read: ${message}`);
    this.name = 'IpTableError';
  }
}

const MAGIC = 'HTIP';
const FORMAT = 1;
const HEADER = 32;
/** Far above the real table (≈ 91,000 networks, 470,000 IPv4 ranges): a count past this is damage, not data. */
const MAX_COUNT = 1 << 24;

export interface IpTableData {
  /** YYYY-MM-DD: the day the source data was published. */
  date: string;
  countries: string[];
  asns: Uint32Array;
  /** Country index + 1 per network, 0 when none. */
  homes: Uint8Array;
  nameEnds: Uint32Array;
  names: Uint8Array;
  v4Starts: Uint32Array;
  v4Networks: Uint32Array;
  v6Hi: Uint32Array;
  v6Lo: Uint32Array;
  v6Networks: Uint32Array;
}

function fromPlanes(bytes: Uint8Array, at: number, n: number, isDelta: boolean): Uint32Array {
  const out = new Uint32Array(n);
  let prev = 0;
  for (let i = 0; i < n; i++) {
    const v =
      (bytes[at + i]! |
        (bytes[at + n + i]! << 8) |
        (bytes[at + 2 * n + i]! << 16) |
        (bytes[at + 3 * n + i]! << 24)) >>>
      0;
    prev = isDelta ? (prev + v) >>> 0 : v;
    out[i] = prev;
  }
  return out;
}

export function readIpTable(bytes: Uint8Array): IpTableData {
  if (bytes.length < HEADER)
    throw new IpTableError(`${bytes.length} bytes, shorter than its ${HEADER}-byte header.`);
  const magic = String.fromCharCode(bytes[0]!, bytes[1]!, bytes[2]!, bytes[3]!);
  if (magic !== MAGIC) throw new IpTableError('it does not start with HTIP (not an IP table).');
  const view = new DataView(bytes.buffer, bytes.byteOffset, HEADER);
  const u32 = (i: number) => view.getUint32(4 + 4 * i, true);
  const format = u32(0);
  if (format !== FORMAT) throw new IpTableError(`format ${format}, this version reads format ${FORMAT}.`);
  const date = u32(1);
  const [nNet, nCc, n4, n6, nameBytes] = [u32(2), u32(3), u32(4), u32(5), u32(6)];
  const dateText = String(date).replace(/^(\d{4})(\d{2})(\d{2})$/, '$1-$2-$3');
  if (!/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/.test(dateText))
    throw new IpTableError(`its date ${date} is not a day.`);
  for (const [what, n] of [
    ['networks', nNet],
    ['IPv4 ranges', n4],
    ['IPv6 ranges', n6],
    ['name bytes', nameBytes],
  ] as const)
    if (n > MAX_COUNT) throw new IpTableError(`${n} ${what}, more than ${MAX_COUNT} (damaged header).`);
  if (nCc > 255) throw new IpTableError(`${nCc} countries, more than a byte can index.`);
  if (n4 === 0) throw new IpTableError('it has no IPv4 ranges.');
  const need = HEADER + 2 * nCc + 9 * nNet + nameBytes + 8 * n4 + 12 * n6;
  if (bytes.length !== need)
    throw new IpTableError(
      `its header describes ${need} bytes, but it has ${bytes.length} (${bytes.length < need ? 'truncated' : 'extra bytes at the end'}).`,
    );

  let at = HEADER;
  const countries: string[] = [];
  for (let i = 0; i < nCc; i++, at += 2) {
    const cc = String.fromCharCode(bytes[at]!, bytes[at + 1]!);
    if (!/^[A-Z]{2}$/.test(cc)) throw new IpTableError(`country ${i + 1} is not two capital letters.`);
    countries.push(cc);
  }
  const asns = fromPlanes(bytes, at, nNet, false);
  at += 4 * nNet;
  const homes = bytes.slice(at, at + nNet);
  at += nNet;
  for (let i = 0; i < nNet; i++)
    if (homes[i]! > nCc) throw new IpTableError(`network ${i + 1} names country ${homes[i]}, of ${nCc}.`);
  const nameEnds = fromPlanes(bytes, at, nNet, true);
  at += 4 * nNet;
  for (let i = 0, prev = 0; i < nNet; prev = nameEnds[i]!, i++)
    if (nameEnds[i]! < prev || nameEnds[i]! > nameBytes)
      throw new IpTableError(`network ${i + 1}'s name ends outside the names.`);
  const names = bytes.slice(at, at + nameBytes);
  at += nameBytes;

  const networksAt = (n: number, family: string): Uint32Array => {
    const out = fromPlanes(bytes, at, n, false);
    at += 4 * n;
    for (let i = 0; i < n; i++)
      if (out[i]! > nNet)
        throw new IpTableError(`${family} range ${i + 1} names network ${out[i]}, of ${nNet}.`);
    return out;
  };
  const v4Starts = fromPlanes(bytes, at, n4, true);
  at += 4 * n4;
  if (v4Starts[0] !== 0) throw new IpTableError('the first IPv4 range does not start at 0.0.0.0.');
  for (let i = 1; i < n4; i++)
    if (v4Starts[i]! <= v4Starts[i - 1]!) throw new IpTableError(`IPv4 range ${i + 1} is out of order.`);
  const v4Networks = networksAt(n4, 'IPv4');
  const v6Hi = fromPlanes(bytes, at, n6, true);
  at += 4 * n6;
  const v6Lo = fromPlanes(bytes, at, n6, false);
  at += 4 * n6;
  if (n6 > 0 && (v6Hi[0] !== 0 || v6Lo[0] !== 0))
    throw new IpTableError('the first IPv6 range does not start at ::.');
  for (let i = 1; i < n6; i++)
    if (v6Hi[i]! < v6Hi[i - 1]! || (v6Hi[i] === v6Hi[i - 1] && v6Lo[i]! <= v6Lo[i - 1]!))
      throw new IpTableError(`IPv6 range ${i + 1} is out of order.`);
  const v6Networks = networksAt(n6, 'IPv6');
  return {
    date: dateText,
    countries,
    asns,
    homes,
    nameEnds,
    names,
    v4Starts,
    v4Networks,
    v6Hi,
    v6Lo,
    v6Networks,
  };
}

/** gzip → bytes with the platform's DecompressionStream (browsers, workers and Node alike). */
export async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>])
    .stream()
    .pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
