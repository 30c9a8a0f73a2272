import { afterAll, expect, it } from 'vitest';
import { gzipSync, zipSync } from 'fflate';
import { crc32, unpack, useNativeCodecs } from '../lib/files/unpack.ts';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeCodecs, nodeIo } from './node-io.ts';

/*
 * The CLI opens archives with Node's zlib. Only its successes count, so every verdict must stay fflate's: the
 * archive suites run here once more with Node's codecs in place.
 */
const used = { inflate: 0, crc: 0 };
useNativeCodecs({
  inflateRaw: (data, max) => (used.inflate++, nodeCodecs.inflateRaw(data, max)),
  crc32: (bytes, crc) => (used.crc++, nodeCodecs.crc32(bytes, crc)),
});
await import('../lib/files/unpack.test.ts');
await import('../tools/dmarc/hostile.test.ts');

it("Node's CRC-32 is the same checksum, from any start", () => {
  const bytes = new TextEncoder().encode('<feedback>123456789</feedback>'.repeat(37));
  useNativeCodecs(undefined);
  const own = [crc32(bytes), crc32(bytes.subarray(5), 0x1234abcd), crc32(new Uint8Array(0))];
  useNativeCodecs(nodeCodecs);
  expect([crc32(bytes), crc32(bytes.subarray(5), 0x1234abcd), crc32(new Uint8Array(0))]).toEqual(own);
});

it('reads small gzip and zip members with Node, and gives them back unchanged', () => {
  const xml = new TextEncoder().encode('<feedback><org_name>x</org_name></feedback>\n'.repeat(50));
  const items = [
    ...unpack({ name: 'a.xml.gz', bytes: gzipSync(xml) }),
    ...unpack({ name: 'a.zip', bytes: zipSync({ 'a.xml': xml }) }),
  ];
  expect(items.map((i) => i.kind === 'entry' && [...i.bytes])).toEqual([[...xml], [...xml]]);
});

it('reads a whole file in one request, whatever its size, and names what stops it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ht-read-'));
  const sizes = [0, 1, 4095, 3 * 2 ** 20 + 7];
  for (const n of sizes) {
    const bytes = new Uint8Array(n).map((_, i) => (i * 7919) % 251);
    writeFileSync(join(dir, `f${n}`), bytes);
    const read = await nodeIo().readFile(join(dir, `f${n}`));
    expect(read.length).toBe(n);
    expect(Buffer.compare(Buffer.from(read), Buffer.from(bytes))).toBe(0);
  }
  await expect(nodeIo().readFile(join(dir, 'missing'))).rejects.toMatchObject({ code: 'ENOENT' });
  await expect(nodeIo().readFile(dir)).rejects.toMatchObject({ code: 'EISDIR' });
});

afterAll(() => {
  // The suites above went through Node's codecs, not around them.
  expect(used.inflate).toBeGreaterThan(10);
  expect(used.crc).toBeGreaterThan(10);
  useNativeCodecs(undefined);
});
