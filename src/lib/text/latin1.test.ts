import { describe, expect, it } from 'vitest';
import { decodeLatin1 } from './latin1.ts';
import { decodeWindows1252 } from './windows-1252.ts';

describe('decodeLatin1', () => {
  it('gives every byte the character of the same number, 0x80–0x9F included', () => {
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
    const text = decodeLatin1(bytes);
    expect(text.length).toBe(256);
    expect(Array.from(text, (c) => c.charCodeAt(0))).toEqual(Array.from(bytes));
  });

  it('reads texts longer than one slice of 8192 whole', () => {
    const bytes = new Uint8Array(20_000).fill(0x41);
    bytes[19_999] = 0xe9;
    expect(decodeLatin1(bytes)).toBe(`${'A'.repeat(19_999)}é`);
  });
});

describe('decodeWindows1252', () => {
  it('maps 0x80–0x9F by the Windows table and the rest as ISO-8859-1', () => {
    expect(decodeWindows1252(new Uint8Array([0x80, 0x91, 0x92, 0xe9, 0x41]))).toBe('€‘’éA');
  });
});
