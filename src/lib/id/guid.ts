/**
 * The byte layouts behind every ID form. A .NET/AD GUID stores its first three groups little-endian
 * (`Guid.ToByteArray()`, AD's objectGUID octets); RFC 4122 order is big-endian throughout.
 * ImmutableID = base64 of the 16 bytes in .NET order.
 */
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** .NET byte order index for each hex pair of the `D` text, read left to right. */
const DOTNET_ORDER = [3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15];

export function bytesToHex(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += HEX[bytes[i]!];
  return s;
}

export function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16);
  return out;
}

/** 16 bytes in .NET order → lowercase `D` GUID text. */
export function bytesToGuid(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < 16; i++) {
    s += HEX[bytes[DOTNET_ORDER[i]!]!];
    if (i === 3 || i === 5 || i === 7 || i === 9) s += '-';
  }
  return s;
}

/** 16 bytes read in RFC 4122 (big-endian) order → `D` text: what a tool that ignores .NET order shows. */
export function bytesToGuidBigEndian(bytes: Uint8Array): string {
  const h = bytesToHex(bytes);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
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
  let s = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    s += B64[n >> 18]! + B64[(n >> 12) & 63]! + B64[(n >> 6) & 63]! + B64[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    s += B64[n >> 18]! + B64[(n >> 12) & 63]! + '==';
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    s += B64[n >> 18]! + B64[(n >> 12) & 63]! + B64[(n >> 6) & 63]! + '=';
  }
  return s;
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

export function guidToBytes(guid: string): Uint8Array {
  return guidHexToBytes(guid.replace(/-/g, ''));
}

export function guidToImmutableId(guid: string): string {
  return bytesToBase64(guidToBytes(guid));
}
