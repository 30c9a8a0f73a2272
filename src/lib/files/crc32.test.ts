import { describe, expect, it } from 'vitest';
import { crc32 } from './unpack.ts';

/** The textbook bit-at-a-time CRC-32, to check the table-driven one against. */
function reference(bytes: Uint8Array, crc = 0): number {
  let c = ~crc;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return ~c >>> 0;
}

describe('crc32', () => {
  it('matches the known check value', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  it('matches the bitwise definition at every length around the 8-byte steps, from any start', () => {
    let seed = 7;
    const bytes = new Uint8Array(100).map(() => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24);
    for (let n = 0; n <= bytes.length; n++) {
      const part = bytes.subarray(3, 3 + n > bytes.length ? bytes.length : 3 + n);
      expect(crc32(part), `length ${part.length}`).toBe(reference(part));
      expect(crc32(part, 0xdeadbeef)).toBe(reference(part, 0xdeadbeef));
    }
    // Continued over two pieces, as a stream would.
    expect(crc32(bytes.subarray(40), crc32(bytes.subarray(0, 40)))).toBe(reference(bytes));
  });
});
