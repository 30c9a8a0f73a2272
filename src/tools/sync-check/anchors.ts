/**
 * Anchor keys for matching, through the shared ImmutableID core. The canonical form (24 characters of standard
 * base64 ending `==`, i.e. 16 bytes) is by far the most common; it is decoded here, into one reused buffer, to
 * the same lowercase GUID text decodeImmutableId gives for 16 non-text bytes. Everything else — URL-safe or
 * unpadded base64, GUID text, decimal bytes, text anchors, and 16 bytes that could be text — goes through
 * anchor.ts unchanged.
 */
import { anchorKey, decodeConsistencyGuid, decodeImmutableId } from '../../lib/id/anchor.ts';
import { parseGuidText } from '../../lib/id/guid.ts';

const B64_VALUE = new Int8Array(128).fill(-1);
for (let k = 0; k < 64; k++)
  B64_VALUE['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.charCodeAt(k)] = k;
const HEX_CODES = Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
/** Byte k of the GUID in .NET order is written at character GUID_AT[k] of the `D` text. */
const GUID_AT = [6, 4, 2, 0, 11, 9, 16, 14, 19, 21, 24, 26, 28, 30, 32, 34];
const BYTES = new Uint8Array(18);
const CODES: number[] = new Array<number>(36).fill(45);

/** 24 characters of standard base64 ending `==` → BYTES[0..15]; false for anything else. */
function decodeCanonical16(v: string): boolean {
  if (v.length !== 24 || v.charCodeAt(22) !== 61 || v.charCodeAt(23) !== 61) return false;
  for (let i = 0, o = 0; i < 24; i += 4) {
    const c0 = v.charCodeAt(i);
    const c1 = v.charCodeAt(i + 1);
    const c2 = i < 20 ? v.charCodeAt(i + 2) : 65;
    const c3 = i < 20 ? v.charCodeAt(i + 3) : 65;
    if ((c0 | c1 | c2 | c3) >= 128) return false;
    const a = B64_VALUE[c0]!;
    const b = B64_VALUE[c1]!;
    const c = B64_VALUE[c2]!;
    const d = B64_VALUE[c3]!;
    if ((a | b | c | d) < 0) return false;
    const n = (a << 18) | (b << 12) | (c << 6) | d;
    BYTES[o++] = n >> 16;
    BYTES[o++] = (n >> 8) & 255;
    BYTES[o++] = n & 255;
  }
  return true;
}

/** True when 16 bytes might be text (printable ASCII, or UTF-16LE ASCII): anchor.ts decides those. */
function mightBeText(b: Uint8Array): boolean {
  let printable = true;
  let utf16 = true;
  for (let i = 0; i < 16; i++) {
    const x = b[i]!;
    if (x < 0x20 || x > 0x7e) printable = false;
    if (i % 2 === 1 && x !== 0) utf16 = false;
  }
  return printable || utf16;
}

/** BYTES[0..15] in .NET order → lowercase `D` text, as guid.ts's bytesToGuid writes it. */
function guidOfBytes(): string {
  for (let k = 0; k < 16; k++) {
    const x = BYTES[k]!;
    const at = GUID_AT[k]!;
    CODES[at] = HEX_CODES[x >> 4]!;
    CODES[at + 1] = HEX_CODES[x & 15]!;
  }
  return String.fromCharCode.apply(null, CODES);
}

function fastGuid(v: string): string | undefined {
  if (!decodeCanonical16(v) || mightBeText(BYTES)) return undefined;
  const guid = guidOfBytes();
  const b = BYTES;
  WORDS[0] = (b[3]! << 24) | (b[2]! << 16) | (b[1]! << 8) | b[0]!;
  WORDS[1] = (b[5]! << 24) | (b[4]! << 16) | (b[7]! << 8) | b[6]!;
  WORDS[2] = (b[8]! << 24) | (b[9]! << 16) | (b[10]! << 8) | b[11]!;
  WORDS[3] = (b[12]! << 24) | (b[13]! << 16) | (b[14]! << 8) | b[15]!;
  wordsOf = guid;
  return guid;
}

/**
 * The 128 bits of the last GUID text checked or built here, as four 32-bit words in text order, so the reader
 * can file a user's keys without parsing the text again (see guid-column.ts).
 */
const WORDS = new Int32Array(4);
let wordsOf: string | null = null;
const HEX_VALUE = new Int8Array(128).fill(-1);
for (let k = 0; k < 16; k++) HEX_VALUE['0123456789abcdef'.charCodeAt(k)] = k;

/** Four words of `key` when it is lowercase `D` GUID text, else undefined. The array is reused. */
export function guidWords(key: string): Int32Array | undefined {
  return key === wordsOf || isLowerD(key) ? WORDS : undefined;
}

/** Matching key of an onPremisesImmutableId / ImmutableId: GUID text, `text:…`, or null when empty. */
export function immutableIdKey(value: string): string | null {
  const v = value.trim();
  if (!v) return null;
  return fastGuid(v) ?? anchorKey(decodeImmutableId(v)) ?? null;
}

/** mS-DS-ConsistencyGuid as GUID text, or null when it holds no GUID value (empty, text, type name). */
export function consistencyGuidOf(value: string): string | null {
  if (isLowerD(value)) return value;
  const v = value.trim();
  if (!v) return null;
  const fast = fastGuid(v);
  if (fast) return fast;
  const a = decodeConsistencyGuid(v);
  return a.kind === 'guid' ? a.guid : null;
}

/** Lowercase `D` text as Get-ADUser writes it: returned as is; its words are kept for guidWords. */
function isLowerD(v: string): boolean {
  if (
    v.length !== 36 ||
    v.charCodeAt(8) !== 45 ||
    v.charCodeAt(13) !== 45 ||
    v.charCodeAt(18) !== 45 ||
    v.charCodeAt(23) !== 45
  )
    return false;
  // WORDS is about to change: until it holds all of v, it belongs to no text.
  wordsOf = null;
  let w = 0;
  let word = 0;
  let digits = 0;
  for (let i = 0; i < 36; i++) {
    if (i === 8 || i === 13 || i === 18 || i === 23) continue;
    const c = v.charCodeAt(i);
    const x = c < 128 ? HEX_VALUE[c]! : -1;
    if (x < 0) return false;
    word = (word << 4) | x;
    if (++digits === 8) {
      WORDS[w++] = word;
      word = 0;
      digits = 0;
    }
  }
  wordsOf = v;
  return true;
}

/** objectGUID as exported (`D` text; base64 or decimal bytes from other tools) → GUID text, or null. */
export function objectGuidOf(value: string): string | null {
  if (isLowerD(value)) return value;
  const v = value.trim();
  if (!v) return null;
  return parseGuidText(v) ?? consistencyGuidOf(v);
}
