import { beforeAll, describe, expect, it } from 'vitest';
import { ipTableBytes } from '../../../../scripts/build-ip-tables.mjs';
import { IpTable, networkLabel, parseIpv4, parseIpv6 } from './lookup.ts';
import { gunzip, IpTableError, readIpTable } from './table.ts';

let raw: Uint8Array;
let table: IpTable;

beforeAll(async () => {
  // The table the build ships, from the installed packages.
  raw = await gunzip(ipTableBytes());
  table = IpTable.read(raw);
});

describe('the shipped IP table', () => {
  it('carries its date', () => {
    expect(table.date).toMatch(/^20\d\d-\d\d-\d\d$/);
  });

  it.each([
    ['40.92.0.1', 8075, 'Microsoft Corporation', 'US'],
    ['40.93.255.254', 8075, 'Microsoft Corporation', 'US'],
    ['209.85.128.1', 15169, 'Google LLC', 'US'],
    ['209.85.220.41', 15169, 'Google LLC', 'US'],
    ['2a01:111::1', 8075, 'Microsoft Corporation', 'US'],
    ['2a01:111:f400:7e1a::1', 8075, 'Microsoft Corporation', 'US'],
    ['2607:f8b0:4864:20::42f', 15169, 'Google LLC', 'US'],
    ['::ffff:209.85.128.1', 15169, 'Google LLC', 'US'],
  ])('%s → AS%i %s', (ip, asn, name, country) => {
    expect(table.lookup(ip)).toEqual({ asn, name, country });
  });

  it.each([
    '10.1.2.3',
    '192.168.0.1',
    '172.16.5.4',
    '127.0.0.1',
    '0.0.0.0',
    '255.255.255.255',
    'fd00::1',
    '::1',
    'fe80::1',
  ])('knows no network for the private or reserved %s', (ip) => {
    expect(table.lookup(ip)).toBeUndefined();
  });

  it.each([
    '',
    'unknown',
    '1.2.3',
    '1.2.3.4.5',
    '256.1.1.1',
    '1.2.3.04444',
    '2a01::111::1',
    'gggg::1',
    '1:2:3:4:5:6:7:8:9',
  ])('refuses %j as an address', (ip) => {
    expect(table.lookup(ip)).toBeUndefined();
  });

  it('labels a network by number and name', () => {
    expect(networkLabel(table.lookup('40.92.0.1')!)).toBe('AS8075 Microsoft Corporation');
    expect(networkLabel({ asn: 64500, name: '', country: '' })).toBe('AS64500');
  });
});

describe('address parsing', () => {
  it('reads IPv4 as a 32-bit value', () => {
    expect(parseIpv4('40.92.0.0')).toBe(0x285c0000);
    expect(parseIpv4('255.255.255.255')).toBe(0xffffffff);
    expect(parseIpv4('1.2.3')).toBe(-1);
    expect(parseIpv4('1..2.3')).toBe(-1);
  });

  it('reads IPv6 to its top 64 bits, and IPv4-mapped addresses as IPv4', () => {
    expect(parseIpv6('2a01:111::1')).toEqual({ hi: 0x2a010111, lo: 0 });
    expect(parseIpv6('2001:db8:1:2:3:4:5:6')).toEqual({ hi: 0x20010db8, lo: 0x00010002 });
    expect(parseIpv6('::ffff:10.0.0.1')).toEqual({ v4: 0x0a000001 });
    expect(parseIpv6('1:2:3:4:5:6:7')).toBeUndefined();
  });
});

describe('a damaged table', () => {
  const expectRefused = (bytes: Uint8Array, message: RegExp) => {
    let thrown: unknown;
    try {
      readIpTable(bytes);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(IpTableError);
    expect((thrown as Error).message).toMatch(message);
  };

  it('is refused when truncated, at any length', () => {
    for (const n of [0, 3, 31, 32, 100, raw.length >> 1, raw.length - 1])
      expectRefused(raw.subarray(0, n), n < 32 ? /shorter than its 32-byte header|HTIP/ : /truncated/);
  });

  it('is refused with extra bytes, another magic or format, or a huge count', () => {
    const longer = new Uint8Array(raw.length + 4);
    longer.set(raw);
    expectRefused(longer, /extra bytes/);
    const other = raw.slice();
    other[0] = 0x50;
    expectRefused(other, /not an IP table/);
    const format = raw.slice();
    format[4] = 9;
    expectRefused(format, /format 9/);
    const huge = raw.slice();
    new DataView(huge.buffer).setUint32(20, 0xffffffff, true);
    expectRefused(huge, /more than/);
  });

  it('is refused when its ranges are out of order or name a network it does not have', () => {
    const view = new DataView(raw.buffer, raw.byteOffset);
    const [nNet, nCc, n4, , nameBytes] = [3, 4, 5, 6, 7].map((i) => view.getUint32(4 * i, true));
    const v4At = 32 + 2 * nCc! + 9 * nNet! + nameBytes!;
    // The second range's difference from the first made 0: two ranges with one start.
    const disorder = raw.slice();
    for (let p = 0; p < 4; p++) disorder[v4At + p * n4! + 1] = 0;
    expectRefused(disorder, /IPv4 range 2 is out of order/);
    // The first IPv4 range's network, top byte plane set: an index far past the list.
    const network = raw.slice();
    network[v4At + 4 * n4! + 3 * n4!] = 0xff;
    expectRefused(network, /IPv4 range 1 names network/);
  });
});
