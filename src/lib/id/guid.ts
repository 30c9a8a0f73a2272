/**
 * The byte layouts behind every ID form. A .NET/AD GUID stores its first three groups little-endian
 * (`Guid.ToByteArray()`, AD's objectGUID octets); RFC 4122 order is big-endian throughout.
 * ImmutableID = base64 of the 16 bytes in .NET order.
 */
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** .NET byte order index for each hex pair of the `D` text, read left to right. */
const DOTNET_ORDER = [3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15];

const LOWER_CODES = Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
const UPPER_CODES = Array.from('0123456789ABCDEF', (c) => c.charCodeAt(0));
const B64_CODES = Array.from('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', (c) =>
  c.charCodeAt(0),
);

/**
 * Text forms are written as ASCII bytes into one reused buffer and decoded in one call: far cheaper than
 * concatenating pairs, which matters when a bulk paste converts a million IDs.
 */
const MAX_TEXT = 512;
const BUF = new Uint8Array(MAX_TEXT);
const ASCII = new TextDecoder();
// One view per length, made once: a packed array, so the lookup stays fast.
const VIEWS: (Uint8Array | null)[] = new Array<Uint8Array | null>(MAX_TEXT + 1).fill(null);

function bufText(length: number): string {
  let view = VIEWS[length];
  if (!view) {
    view = BUF.subarray(0, length);
    VIEWS[length] = view;
  }
  return ASCII.decode(view);
}

function writeHex(at: number, bytes: Uint8Array, codes: readonly number[]): void {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    BUF[at + i * 2] = codes[b >> 4]!;
    BUF[at + i * 2 + 1] = codes[b & 15]!;
  }
}

export function bytesToHex(bytes: Uint8Array): string {
  if (bytes.length * 2 > MAX_TEXT) {
    let s = '';
    for (let i = 0; i < bytes.length; i++) s += HEX[bytes[i]!];
    return s;
  }
  writeHex(0, bytes, LOWER_CODES);
  return bufText(bytes.length * 2);
}

/** Value of a hex digit's char code, or -1. */
const HEX_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) {
  HEX_VALUE['0123456789abcdef'.charCodeAt(i)] = i;
  HEX_VALUE['0123456789ABCDEF'.charCodeAt(i)] = i;
}

export function hexDigitValue(code: number): number {
  return code < 128 ? HEX_VALUE[code]! : -1;
}

/** Pairs of hex digits, in order, to bytes; `undefined` when a digit is not hex or the count is odd. */
export function hexToBytesStrict(hex: string, start = 0, end = hex.length): Uint8Array | undefined {
  if ((end - start) % 2 !== 0) return undefined;
  const out = new Uint8Array((end - start) >> 1);
  for (let i = 0, p = start; i < out.length; i++, p += 2) {
    const hi = hexDigitValue(hex.charCodeAt(p));
    const lo = hexDigitValue(hex.charCodeAt(p + 1));
    if (hi < 0 || lo < 0) return undefined;
    out[i] = (hi << 4) | lo;
  }
  return out;
}

export function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16);
  return out;
}

/** Position of each of the 16 bytes' hex pair in `D` text, for a given byte order. */
const PAIR_AT = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];

function writeGuid(at: number, bytes: Uint8Array, order: readonly number[]): void {
  BUF[at + 8] = BUF[at + 13] = BUF[at + 18] = BUF[at + 23] = 45;
  for (let i = 0; i < 16; i++) {
    const b = bytes[order[i]!]!;
    const p = at + PAIR_AT[i]!;
    BUF[p] = LOWER_CODES[b >> 4]!;
    BUF[p + 1] = LOWER_CODES[b & 15]!;
  }
}

function guidText(bytes: Uint8Array, order: readonly number[]): string {
  writeGuid(0, bytes, order);
  return bufText(36);
}

const RFC_ORDER = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];

/** 16 bytes in .NET order → lowercase `D` GUID text. */
export function bytesToGuid(bytes: Uint8Array): string {
  return guidText(bytes, DOTNET_ORDER);
}

/** 16 bytes read in RFC 4122 (big-endian) order → `D` text: what a tool that ignores .NET order shows. */
export function bytesToGuidBigEndian(bytes: Uint8Array): string {
  return guidText(bytes, RFC_ORDER);
}

/** 32 hex digits of a GUID's text (any case, no separators) → 16 bytes in .NET order. */
export function guidHexToBytes(hex32: string): Uint8Array {
  const out = new Uint8Array(16);
  for (let i = 0; i < 16; i++) out[DOTNET_ORDER[i]!] = parseInt(hex32.substr(i * 2, 2), 16);
  return out;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_INDEX = new Int16Array(128).fill(-1);
for (let i = 0; i < 64; i++) B64_INDEX[B64.charCodeAt(i)] = i;

export function bytesToBase64(bytes: Uint8Array): string {
  const length = Math.ceil(bytes.length / 3) * 4;
  if (length > MAX_TEXT) {
    let s = '';
    let i = 0;
    for (; i + 2 < bytes.length; i += 3) {
      const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
      s += B64[n >> 18]! + B64[(n >> 12) & 63]! + B64[(n >> 6) & 63]! + B64[n & 63]!;
    }
    const rest = bytes.length - i;
    if (rest === 1) s += B64[bytes[i]! >> 2]! + B64[(bytes[i]! & 3) << 4]! + '==';
    else if (rest === 2) {
      const n = (bytes[i]! << 8) | bytes[i + 1]!;
      s += B64[n >> 10]! + B64[(n >> 4) & 63]! + B64[(n << 2) & 63]! + '=';
    }
    return s;
  }
  writeBase64(0, bytes);
  return bufText(length);
}

function writeBase64(at: number, bytes: Uint8Array): void {
  let o = at;
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    BUF[o++] = B64_CODES[n >> 18]!;
    BUF[o++] = B64_CODES[(n >> 12) & 63]!;
    BUF[o++] = B64_CODES[(n >> 6) & 63]!;
    BUF[o++] = B64_CODES[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest > 0) {
    const n = (bytes[i]! << 16) | (rest === 2 ? bytes[i + 1]! << 8 : 0);
    BUF[o++] = B64_CODES[n >> 18]!;
    BUF[o++] = B64_CODES[(n >> 12) & 63]!;
    BUF[o++] = rest === 2 ? B64_CODES[(n >> 6) & 63]! : 61;
    BUF[o] = 61;
  }
}

export type Base64Error =
  | { reason: 'illegal-char'; char: string; index: number }
  | { reason: 'bad-padding' }
  | { reason: 'bad-length'; length: number };

/**
 * Decodes standard or URL-safe base64, padded or not. Returns the bytes or why it is not base64; the caller
 * turns that into words ("illegal base64 character '*'", "bad padding").
 */
export function base64ToBytes(input: string): Uint8Array | Base64Error {
  let s = input;
  let pad = 0;
  while (s.endsWith('=')) {
    s = s.slice(0, -1);
    pad++;
  }
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ok = (c < 128 && B64_INDEX[c]! >= 0) || c === 45 /* - */ || c === 95; /* _ */
    if (!ok) return { reason: 'illegal-char', char: s[i]!, index: i };
  }
  if (s.length % 4 === 1) return { reason: 'bad-length', length: input.length };
  if (pad > 0 && (s.length + pad) % 4 !== 0) return { reason: 'bad-padding' };
  if (pad > 2) return { reason: 'bad-padding' };
  const out = new Uint8Array(Math.floor((s.length * 3) / 4));
  let o = 0;
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const v = c === 45 ? 62 : c === 95 ? 63 : B64_INDEX[c]!;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}

/** Sextet of a base64 character in either alphabet (`+/` or `-_`), or -1. */
const B64_ANY = new Int8Array(128).fill(-1);
for (let i = 0; i < 64; i++) B64_ANY[B64.charCodeAt(i)] = i;
B64_ANY[45] = 62;
B64_ANY[95] = 63;

function sextet(code: number): number {
  return code < 128 ? B64_ANY[code]! : -1;
}

/**
 * The common case, quickly: exactly 22 base64 characters (either alphabet), optionally followed by `==`, as
 * 16 bytes written to `out`. False for anything else; callers then take `base64ToBytes` for the reason.
 */
export function base64GuidInto(v: string, out: Uint8Array): boolean {
  const n = v.length;
  if (n === 24) {
    if (v.charCodeAt(22) !== 61 || v.charCodeAt(23) !== 61) return false;
  } else if (n !== 22) return false;
  let o = 0;
  for (let i = 0; i < 20; i += 4) {
    const a = sextet(v.charCodeAt(i));
    const b = sextet(v.charCodeAt(i + 1));
    const c = sextet(v.charCodeAt(i + 2));
    const d = sextet(v.charCodeAt(i + 3));
    if ((a | b | c | d) < 0) return false;
    const x = (a << 18) | (b << 12) | (c << 6) | d;
    out[o++] = x >> 16;
    out[o++] = (x >> 8) & 255;
    out[o++] = x & 255;
  }
  const a = sextet(v.charCodeAt(20));
  const b = sextet(v.charCodeAt(21));
  if ((a | b) < 0) return false;
  out[15] = (a << 2) | (b >> 4);
  return true;
}

export function isBase64Error(v: Uint8Array | Base64Error): v is Base64Error {
  return !(v instanceof Uint8Array);
}

const GUID_TEXT =
  /^(?:urn:uuid:)?[{(]?([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})[})]?$/i;

/** Any .NET text format of a GUID (`D`, `B`, `P`, `urn:uuid:`; `N` is ambiguous and handled by callers). */
export function parseGuidText(text: string): string | undefined {
  const m = GUID_TEXT.exec(text.trim());
  if (!m) return undefined;
  const open = text.trim().replace(/^urn:uuid:/i, '')[0];
  const close = text.trim().slice(-1);
  if ((open === '{') !== (close === '}') || (open === '(') !== (close === ')')) return undefined;
  return `${m[1]}-${m[2]}-${m[3]}-${m[4]}-${m[5]}`.toLowerCase();
}

/**
 * The 36 characters of a `D` GUID starting at `start` (8-4-4-4-12, any case) → 16 bytes in .NET order, written
 * to `out` when given; `undefined` when anything is off (callers explain why).
 */
export function guidTextToBytes(text: string, start = 0, out = new Uint8Array(16)): Uint8Array | undefined {
  if (
    text.length < start + 36 ||
    text.charCodeAt(start + 8) !== 45 ||
    text.charCodeAt(start + 13) !== 45 ||
    text.charCodeAt(start + 18) !== 45 ||
    text.charCodeAt(start + 23) !== 45
  )
    return undefined;
  let p = start;
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) p++;
    const hi = hexDigitValue(text.charCodeAt(p));
    const lo = hexDigitValue(text.charCodeAt(p + 1));
    if (hi < 0 || lo < 0) return undefined;
    out[DOTNET_ORDER[i]!] = (hi << 4) | lo;
    p += 2;
  }
  return out;
}

export function guidToBytes(guid: string): Uint8Array {
  return guidHexToBytes(guid.replace(/-/g, ''));
}

export function guidToImmutableId(guid: string): string {
  return bytesToBase64(guidToBytes(guid));
}

function writeLdapEscaped(at: number, bytes: Uint8Array): void {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    BUF[at + i * 3] = 92;
    BUF[at + i * 3 + 1] = UPPER_CODES[b >> 4]!;
    BUF[at + i * 3 + 2] = UPPER_CODES[b & 15]!;
  }
}

/** Bytes as an LDAP filter value (RFC 4515): every byte escaped, `\24\2D…`, uppercase as ldp and AD docs show. */
export function bytesToLdapEscaped(bytes: Uint8Array): string {
  if (bytes.length * 3 > MAX_TEXT) return Array.from(bytes, (b) => '\\' + HEX[b]!.toUpperCase()).join('');
  writeLdapEscaped(0, bytes);
  return bufText(bytes.length * 3);
}

const LDAP_OPEN = Array.from('(objectGUID=', (ch) => ch.charCodeAt(0));

/** `(objectGUID=\24\2D…)` for 16 bytes. */
export function bytesToObjectGuidFilter(bytes: Uint8Array): string {
  writeObjectGuidFilter(0, bytes);
  return bufText(13 + bytes.length * 3);
}

function writeObjectGuidFilter(at: number, bytes: Uint8Array): void {
  for (let i = 0; i < 12; i++) BUF[at + i] = LDAP_OPEN[i]!;
  writeLdapEscaped(at + 12, bytes);
  BUF[at + 12 + bytes.length * 3] = 41;
}

const DN_OPEN = Array.from('CN={', (ch) => ch.charCodeAt(0));

/** `CN={` + uppercase hex of the ASCII codes already in BUF[from, from + n) + `}`: `2n + 5` bytes at `at`. */
function writeConnectorSpaceDn(at: number, from: number, n: number): void {
  for (let i = 0; i < 4; i++) BUF[at + i] = DN_OPEN[i]!;
  for (let i = 0; i < n; i++) {
    const b = BUF[from + i]!;
    BUF[at + 4 + i * 2] = UPPER_CODES[b >> 4]!;
    BUF[at + 5 + i * 2] = UPPER_CODES[b & 15]!;
  }
  BUF[at + 4 + n * 2] = 125;
}

/**
 * Entra Connect's connector-space DN for an Entra object: `CN={…}` around the uppercase hex of the anchor's
 * characters (the ImmutableID text, not its decoded bytes).
 */
export function anchorToConnectorSpaceDn(anchor: string): string {
  const n = anchor.length;
  let isAscii = n * 3 + 5 <= MAX_TEXT;
  for (let i = 0; i < n && isAscii; i++) {
    const c = anchor.charCodeAt(i);
    if (c >= 128) isAscii = false;
    else BUF[n * 2 + 5 + i] = c;
  }
  if (!isAscii) return 'CN={' + bytesToHex(new TextEncoder().encode(anchor)).toUpperCase() + '}';
  writeConnectorSpaceDn(0, n * 2 + 5, n);
  return bufText(n * 2 + 5);
}

function decimalLength(n: number): number {
  return n >= 1e9
    ? 10
    : n >= 1e8
      ? 9
      : n >= 1e7
        ? 8
        : n >= 1e6
          ? 7
          : n >= 1e5
            ? 6
            : n >= 1e4
              ? 5
              : n >= 1e3
                ? 4
                : n >= 100
                  ? 3
                  : n >= 10
                    ? 2
                    : 1;
}

/** '00'…'99' as char codes, two per number: halves the divisions when writing a SID. */
const DIGIT_PAIRS = new Uint8Array(200);
for (let i = 0; i < 100; i++) {
  DIGIT_PAIRS[i * 2] = 48 + Math.floor(i / 10);
  DIGIT_PAIRS[i * 2 + 1] = 48 + (i % 10);
}

/** Writes `n` (< 100000) right-aligned ending before `end`, at least `minDigits` wide; returns where it starts. */
function writeDigits(end: number, n: number, minDigits: number): number {
  let o = end;
  while (n >= 100) {
    const q = (n / 100) | 0;
    const r = (n - q * 100) * 2;
    BUF[--o] = DIGIT_PAIRS[r + 1]!;
    BUF[--o] = DIGIT_PAIRS[r]!;
    n = q;
  }
  if (n >= 10) {
    BUF[--o] = DIGIT_PAIRS[n * 2 + 1]!;
    BUF[--o] = DIGIT_PAIRS[n * 2]!;
  } else BUF[--o] = 48 + n;
  while (end - o < minDigits) BUF[--o] = 48;
  return o;
}

const SID_WORDS = new Float64Array(4);

/** Reads the four little-endian words into SID_WORDS and returns the SID's length. */
function measureCloudSid(bytes: Uint8Array): number {
  let length = 8;
  for (let w = 0; w < 4; w++) {
    const i = w * 4;
    const n = (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24)) >>> 0;
    SID_WORDS[w] = n;
    length += 1 + decimalLength(n);
  }
  return length;
}

const SID_PREFIX = Array.from('S-1-12-1', (ch) => ch.charCodeAt(0));

/** Writes the SID measured last, from `at` to `end`. */
function writeCloudSid(at: number, end: number): void {
  for (let i = 0; i < 8; i++) BUF[at + i] = SID_PREFIX[i]!;
  let o = end;
  for (let w = 3; w >= 0; w--) {
    // Split below 2^31 so the digit loop stays in small-integer arithmetic.
    const n = SID_WORDS[w]!;
    const hi = Math.floor(n / 100000);
    const lo = n - hi * 100000;
    o = hi > 0 ? writeDigits(writeDigits(o, lo, 5), hi, 1) : writeDigits(o, lo, 1);
    BUF[--o] = 45;
  }
}

/**
 * An Entra object id as a cloud SID: `S-1-12-1-` and the four 32-bit little-endian unsigned integers of its
 * .NET bytes (what Intune and Windows show for Entra users and groups).
 */
export function bytesToCloudSid(bytes: Uint8Array): string {
  const length = measureCloudSid(bytes);
  writeCloudSid(0, length);
  return bufText(length);
}

/** Every text form of one GUID's 16 bytes (.NET order). */
export interface GuidForms {
  guid: string;
  immutableId: string;
  hex: string;
  ldapFilter: string;
  connectorSpaceDn: string;
  bigEndianGuid: string;
  cloudSid: string;
}

// Where each form sits in the one string `bytesToGuidForms` decodes.
const F_ID = 36;
const F_HEX = F_ID + 24;
const F_LDAP = F_HEX + 32;
const F_DN = F_LDAP + 61;
const F_BE = F_DN + 53;
const F_SID = F_BE + 36;

/**
 * All forms at once, for bulk conversion: one ASCII string is decoded and each form is a slice of it, a
 * fraction of the cost of seven separate strings.
 */
export function bytesToGuidForms(bytes: Uint8Array): GuidForms {
  if (bytes.length !== 16) throw new RangeError(`a GUID is 16 bytes, not ${bytes.length}`);
  const length = F_SID + measureCloudSid(bytes);
  writeGuid(0, bytes, DOTNET_ORDER);
  writeBase64(F_ID, bytes);
  writeHex(F_HEX, bytes, LOWER_CODES);
  writeObjectGuidFilter(F_LDAP, bytes);
  writeConnectorSpaceDn(F_DN, F_ID, 24);
  writeGuid(F_BE, bytes, RFC_ORDER);
  writeCloudSid(F_SID, length);
  const s = bufText(length);
  return {
    guid: s.slice(0, F_ID),
    immutableId: s.slice(F_ID, F_HEX),
    hex: s.slice(F_HEX, F_LDAP),
    ldapFilter: s.slice(F_LDAP, F_DN),
    connectorSpaceDn: s.slice(F_DN, F_BE),
    bigEndianGuid: s.slice(F_BE, F_SID),
    cloudSid: s.slice(F_SID),
  };
}

/** Four 32-bit numbers of a cloud SID → the object id's 16 bytes in .NET order. */
export function cloudSidPartsToBytes(parts: readonly number[]): Uint8Array {
  const out = new Uint8Array(16);
  for (let i = 0; i < 4; i++) {
    const n = parts[i]!;
    out[i * 4] = n & 0xff;
    out[i * 4 + 1] = (n >>> 8) & 0xff;
    out[i * 4 + 2] = (n >>> 16) & 0xff;
    out[i * 4 + 3] = (n >>> 24) & 0xff;
  }
  return out;
}
