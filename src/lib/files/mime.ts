/**
 * Just enough RFC 5322/2045/2046 to take attachments out of saved mails (.eml) and mbox files: headers, nested
 * multiparts, base64 and quoted-printable, file names (RFC 2231 and encoded words). Works on bytes, so 8-bit and
 * binary parts survive untouched.
 */
import { decodeLatin1 } from '../text/latin1.ts';

export interface MimeHeaders {
  /** Lower-cased names; repeated headers keep every value. */
  get(name: string): string | undefined;
  all: [string, string][];
}

export interface MimeLeaf {
  /** Lower-cased `type/subtype`; `text/plain` when absent (RFC 2045 §5.2). */
  contentType: string;
  params: Record<string, string>;
  filename?: string;
  /** Decoded content. */
  body: Uint8Array;
  /** Dotted position among the parts, `1.2`; empty for a single-part mail. */
  index: string;
}

export interface ParsedMail {
  headers: MimeHeaders;
  contentType: string;
  params: Record<string, string>;
  /** Every leaf part in order (an embedded `message/rfc822` is a leaf: the caller decides whether to open it). */
  leaves: MimeLeaf[];
  /** Every content type seen, multiparts included. */
  types: string[];
}

/** No real header block comes near this; a part without a blank line this early has no headers at all. */
const MAX_HEADER_BYTES = 256 * 1024;

/**
 * The byte offset where the body starts, after the blank line. Without a blank line in the first 256 KiB the part
 * is all body: a header block is never turned into one string the size of the part.
 */
function bodyStart(bytes: Uint8Array, from: number): { headerEnd: number; body: number } {
  for (let i = bytes.indexOf(0x0a, from); i !== -1; i = bytes.indexOf(0x0a, i + 1)) {
    if (i > MAX_HEADER_BYTES) break;
    if (bytes[i + 1] === 0x0a) return { headerEnd: i, body: i + 2 };
    if (bytes[i + 1] === 0x0d && bytes[i + 2] === 0x0a) return { headerEnd: i, body: i + 3 };
  }
  if (bytes.length > MAX_HEADER_BYTES) return { headerEnd: 0, body: 0 };
  return { headerEnd: bytes.length, body: bytes.length };
}

function parseHeaderBlock(text: string): MimeHeaders {
  const all: [string, string][] = [];
  for (const line of text.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    all.push([line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()]);
  }
  return {
    all,
    get: (name) => all.find(([n]) => n === name)?.[1],
  };
}

const TEXT = new TextDecoder('utf-8');

/** `=?charset?B|Q?…?=` encoded words in header values (RFC 2047). */
export function decodeEncodedWords(value: string): string {
  return value.replace(
    /=\?([^?]+)\?([bqBQ])\?([^?]*)\?=\s*/g,
    (whole, charset: string, enc: string, data: string) => {
      let bytes: Uint8Array;
      if (enc.toLowerCase() === 'b') bytes = decodeBase64(new TextEncoder().encode(data));
      else bytes = decodeQuotedPrintable(new TextEncoder().encode(data.replace(/_/g, ' ')));
      try {
        return new TextDecoder(charset.replace(/\*.*$/, '')).decode(bytes);
      } catch {
        return whole;
      }
    },
  );
}

/** `type/subtype; a=b; c="d"` with RFC 2231 `name*=charset''pct-encoded` and continuations `name*0=`. */
export function parseParams(value: string): { type: string; params: Record<string, string> } {
  const [head = '', ...rest] = splitParams(value);
  const params: Record<string, string> = {};
  const pieces: Record<string, string[]> = {};
  for (const part of rest) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const key = part.slice(0, eq).trim().toLowerCase();
    let val = part.slice(eq + 1).trim();
    if (val.startsWith('"') && val.endsWith('"') && val.length >= 2)
      val = val.slice(1, -1).replace(/\\(.)/g, '$1');
    const continued = /^(.+?)\*(\d+)\*?$/.exec(key);
    if (continued) (pieces[continued[1]!] ??= [])[Number(continued[2])] = val;
    else if (key.endsWith('*')) params[key.slice(0, -1)] = decode2231(val);
    else params[key] = val;
  }
  for (const [key, list] of Object.entries(pieces)) params[key] ??= decode2231(list.join(''));
  return { type: head.trim().toLowerCase(), params };
}

function splitParams(value: string): string[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === '"' && value[i - 1] !== '\\') quoted = !quoted;
    if (c === ';' && !quoted) {
      out.push(current);
      current = '';
    } else current += c;
  }
  out.push(current);
  return out;
}

function decode2231(value: string): string {
  const m = /^([^']*)'[^']*'(.*)$/.exec(value);
  if (!m) return value;
  const bytes = new Uint8Array(
    [...m[2]!.matchAll(/%([0-9a-fA-F]{2})|([\s\S])/g)].map((x) =>
      x[1] ? parseInt(x[1], 16) : x[2]!.charCodeAt(0) & 0xff,
    ),
  );
  try {
    return new TextDecoder(m[1] || 'utf-8').decode(bytes);
  } catch {
    return TEXT.decode(bytes);
  }
}

const B64 = new Int16Array(256).fill(-1);
for (let i = 0; i < 64; i++)
  B64['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.charCodeAt(i)] = i;
B64['-'.charCodeAt(0)] = 62;
B64['_'.charCodeAt(0)] = 63;

/** Skips line breaks and any other byte outside the alphabet, as mail readers do; stops at padding. */
export function decodeBase64(input: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.floor((input.length * 3) / 4) + 3);
  let n = 0;
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < input.length; i++) {
    const c = input[i]!;
    if (c === 0x3d) break;
    const v = B64[c]!;
    if (v < 0) continue;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[n++] = (acc >> bits) & 0xff;
    }
  }
  return out.subarray(0, n);
}

export function decodeQuotedPrintable(input: Uint8Array): Uint8Array {
  const out = new Uint8Array(input.length);
  let n = 0;
  const hex = (c: number) =>
    c >= 48 && c <= 57 ? c - 48 : c >= 65 && c <= 70 ? c - 55 : c >= 97 && c <= 102 ? c - 87 : -1;
  for (let i = 0; i < input.length; i++) {
    const c = input[i]!;
    if (c !== 0x3d) {
      out[n++] = c;
      continue;
    }
    const a = input[i + 1] ?? -1;
    if (a === 0x0d && input[i + 2] === 0x0a) i += 2;
    else if (a === 0x0a) i += 1;
    else {
      const hi = hex(a);
      const lo = hex(input[i + 2] ?? -1);
      if (hi >= 0 && lo >= 0) {
        out[n++] = hi * 16 + lo;
        i += 2;
      } else out[n++] = c;
    }
  }
  return out.subarray(0, n);
}

function decodeBody(body: Uint8Array, encoding: string | undefined): Uint8Array {
  switch ((encoding ?? '').trim().toLowerCase()) {
    case 'base64':
      return decodeBase64(body);
    case 'quoted-printable':
      return decodeQuotedPrintable(body);
    default:
      return body;
  }
}

function indexOfBytes(hay: Uint8Array, needle: Uint8Array, from: number): number {
  const first = needle[0]!;
  for (
    let i = hay.indexOf(first, from);
    i !== -1 && i + needle.length <= hay.length;
    i = hay.indexOf(first, i + 1)
  ) {
    let j = 1;
    while (j < needle.length && hay[i + j] === needle[j]) j++;
    if (j === needle.length) return i;
  }
  return -1;
}

/** The parts between `--boundary` lines; the preamble and epilogue are dropped. */
function splitMultipart(body: Uint8Array, boundary: string): Uint8Array[] {
  const delim = new TextEncoder().encode('--' + boundary);
  const starts: number[] = [];
  for (let i = indexOfBytes(body, delim, 0); i !== -1; i = indexOfBytes(body, delim, i + delim.length)) {
    if (i === 0 || body[i - 1] === 0x0a) starts.push(i);
  }
  const parts: Uint8Array[] = [];
  for (let k = 0; k < starts.length; k++) {
    const at = starts[k]!;
    if (body[at + delim.length] === 0x2d && body[at + delim.length + 1] === 0x2d) break;
    const lineEnd = body.indexOf(0x0a, at);
    if (lineEnd === -1) break;
    let end = starts[k + 1] ?? body.length;
    // The line break before the next delimiter belongs to the delimiter.
    if (end > lineEnd + 1 && body[end - 1] === 0x0a) end--;
    if (end > lineEnd + 1 && body[end - 1] === 0x0d) end--;
    parts.push(body.subarray(lineEnd + 1, Math.max(lineEnd + 1, end)));
  }
  return parts;
}

export interface MailLimits {
  maxParts: number;
  maxNesting: number;
}

/** Parses one message. Never throws on odd input: a mail without structure is one text leaf. */
export function parseMail(
  bytes: Uint8Array,
  limits: MailLimits = { maxParts: 1000, maxNesting: 20 },
): ParsedMail {
  const leaves: MimeLeaf[] = [];
  const types: string[] = [];
  let top: { headers: MimeHeaders; type: string; params: Record<string, string> } | undefined;
  const visit = (part: Uint8Array, index: string, depth: number) => {
    const { headerEnd, body } = bodyStart(part, 0);
    const noHeaders = part[0] === 0x0a || (part[0] === 0x0d && part[1] === 0x0a);
    const headers = parseHeaderBlock(noHeaders ? '' : decodeLatin1(part.subarray(0, headerEnd)));
    const content = noHeaders ? part.subarray(part[0] === 0x0a ? 1 : 2) : part.subarray(body);
    const { type, params } = parseParams(headers.get('content-type') ?? 'text/plain');
    const contentType = type.includes('/') ? type : 'text/plain';
    top ??= { headers, type: contentType, params };
    types.push(contentType);
    if (contentType.startsWith('multipart/') && params.boundary && depth < limits.maxNesting) {
      const children = splitMultipart(content, params.boundary);
      children.forEach((child, i) => {
        if (leaves.length < limits.maxParts)
          visit(child, index ? `${index}.${i + 1}` : String(i + 1), depth + 1);
      });
      return;
    }
    const disposition = parseParams(headers.get('content-disposition') ?? '');
    const rawName = disposition.params.filename ?? params.name;
    leaves.push({
      contentType,
      params,
      filename: rawName ? decodeEncodedWords(rawName).replace(/[\\/]/g, '_') : undefined,
      body: decodeBody(content, headers.get('content-transfer-encoding')),
      index,
    });
  };
  visit(bytes, '', 0);
  return { headers: top!.headers, contentType: top!.type, params: top!.params, leaves, types };
}

const MAIL_HEADERS = new Set([
  'received',
  'from',
  'to',
  'subject',
  'date',
  'message-id',
  'mime-version',
  'content-type',
  'return-path',
  'delivered-to',
  'dkim-signature',
  'authentication-results',
  'x-original-to',
]);

/**
 * A saved mail starts with header lines (`Name: value`, folded lines indented) up to a blank line, and has at least
 * one header that only mail has; an mbox starts with a `From ` separator line.
 */
export function sniffMail(bytes: Uint8Array): 'mail' | 'mbox' | undefined {
  const head = decodeLatin1(bytes.subarray(0, 65536));
  if (/^From \S+.*\r?\n/.test(head)) {
    const next = head.indexOf('\n') + 1;
    return sniffMail(bytes.subarray(next)) ? 'mbox' : undefined;
  }
  const lines = head.split(/\r?\n/);
  let named = 0;
  let known = 0;
  for (const line of lines) {
    if (line === '') return named >= 2 && known >= 1 ? 'mail' : undefined;
    if (/^[ \t]/.test(line)) {
      if (named === 0) return undefined;
      continue;
    }
    const m = /^([!-9;-~]+):/.exec(line);
    if (!m) return undefined;
    named++;
    if (MAIL_HEADERS.has(m[1]!.toLowerCase())) known++;
  }
  return undefined;
}

/** Messages of an mbox, split at `From ` lines that start the file or follow a blank line. */
export function splitMbox(bytes: Uint8Array): Uint8Array[] {
  const starts: number[] = [];
  const from = new TextEncoder().encode('From ');
  for (let i = indexOfBytes(bytes, from, 0); i !== -1; i = indexOfBytes(bytes, from, i + 5)) {
    if (
      i === 0 ||
      (bytes[i - 1] === 0x0a && (bytes[i - 2] === 0x0a || (bytes[i - 2] === 0x0d && bytes[i - 3] === 0x0a)))
    ) {
      starts.push(i);
    }
  }
  return starts.map((s, k) => {
    const bodyFrom = bytes.indexOf(0x0a, s) + 1;
    let end = starts[k + 1] ?? bytes.length;
    // The blank line before the next `From ` is part of the separator.
    if (k + 1 < starts.length) {
      if (bytes[end - 1] === 0x0a) end--;
      if (bytes[end - 1] === 0x0d) end--;
    }
    return bytes.subarray(bodyFrom, Math.max(bodyFrom, end));
  });
}
