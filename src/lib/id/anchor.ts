import { base64ToBytes, bytesToGuid, isBase64Error, parseGuidText } from './guid.ts';

/**
 * What a sourceAnchor value stands for. Entra Connect writes ImmutableID as base64 of the anchor's bytes:
 * 16 bytes are a GUID (objectGUID or mS-DS-ConsistencyGuid); anything else, or bytes that read as text,
 * is a text anchor such as an employeeID (Entra Connect's ConvertToBase64 writes UTF-16LE, others UTF-8).
 */
export type Anchor =
  | { kind: 'guid'; guid: string }
  | { kind: 'text'; text: string; bytes: Uint8Array }
  | { kind: 'invalid'; reason: string };

export interface AnchorText {
  text: string;
  /** How the bytes were text: UTF-16LE is what Entra Connect's ConvertToBase64 writes, UTF-8 what most scripts do. */
  encoding: 'utf-8' | 'utf-16le';
}

const UTF8 = new TextDecoder('utf-8');
const PRINTABLE = /^[\p{L}\p{N}\p{P}\p{S}\p{M} ]+$/u;

/**
 * The text an anchor's bytes spell, when every character is printable: UTF-16LE in the Latin-1 range (every
 * odd byte zero) or UTF-8. Control characters, invalid UTF-8 and empty input are not text.
 */
export function decodeAnchorText(bytes: Uint8Array): AnchorText | undefined {
  const n = bytes.length;
  if (n === 0) return undefined;
  if (n % 2 === 0) {
    let isUtf16 = true;
    for (let i = 0; i < n; i += 2) {
      const b = bytes[i]!;
      if (bytes[i + 1] !== 0 || b < 0x20 || (b >= 0x7f && b < 0xa0)) {
        isUtf16 = false;
        break;
      }
    }
    if (isUtf16) {
      let text = '';
      for (let i = 0; i < n; i += 2) text += String.fromCharCode(bytes[i]!);
      return { text, encoding: 'utf-16le' };
    }
  }
  let isAscii = true;
  for (let i = 0; i < n; i++) {
    const b = bytes[i]!;
    // C0 controls and DEL are never part of an anchor's text; this rejects most binary values at once.
    if (b < 0x20 || b === 0x7f) return undefined;
    if (b > 0x7f) isAscii = false;
  }
  if (isAscii)
    return { text: n <= 1024 ? String.fromCharCode(...bytes) : UTF8.decode(bytes), encoding: 'utf-8' };
  if (!isWellFormedUtf8(bytes)) return undefined;
  const text = UTF8.decode(bytes);
  if (text.includes('\ufffd') || !PRINTABLE.test(text)) return undefined;
  return { text, encoding: 'utf-8' };
}

/** Structure only (lead and continuation bytes, no overlongs or surrogates): rejects most binary cheaply. */
function isWellFormedUtf8(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i]!;
    const extra =
      b < 0x80
        ? 0
        : b >= 0xc2 && b <= 0xdf
          ? 1
          : b >= 0xe0 && b <= 0xef
            ? 2
            : b >= 0xf0 && b <= 0xf4
              ? 3
              : -1;
    if (extra < 0 || i + extra >= bytes.length) return false;
    for (let k = 1; k <= extra; k++) if ((bytes[i + k]! & 0xc0) !== 0x80) return false;
    if (extra === 2) {
      const b1 = bytes[i + 1]!;
      if ((b === 0xe0 && b1 < 0xa0) || (b === 0xed && b1 > 0x9f)) return false;
    } else if (extra === 3) {
      const b1 = bytes[i + 1]!;
      if ((b === 0xf0 && b1 < 0x90) || (b === 0xf4 && b1 > 0x8f)) return false;
    }
    i += extra + 1;
  }
  return true;
}

function printableText(bytes: Uint8Array): string | undefined {
  return decodeAnchorText(bytes)?.text;
}

/** Bytes of an anchor → GUID when it is 16 non-text bytes, else a text anchor. */
export function anchorFromBytes(bytes: Uint8Array): Anchor {
  const text = printableText(bytes);
  if (bytes.length === 16 && text === undefined) return { kind: 'guid', guid: bytesToGuid(bytes) };
  if (text !== undefined) return { kind: 'text', text, bytes };
  if (bytes.length === 16) return { kind: 'guid', guid: bytesToGuid(bytes) };
  return { kind: 'text', text: Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' '), bytes };
}

/** An ImmutableID / onPremisesImmutableId as stored in Entra. */
export function decodeImmutableId(value: string): Anchor {
  const v = value.trim();
  if (!v) return { kind: 'invalid', reason: 'empty' };
  const bytes = base64ToBytes(v);
  if (isBase64Error(bytes)) return { kind: 'text', text: v, bytes: new TextEncoder().encode(v) };
  return anchorFromBytes(bytes);
}

/**
 * mS-DS-ConsistencyGuid as it reaches a CSV: base64 (Export-Csv of a byte[] via a calculated property),
 * GUID text, or decimal bytes `{116, 229, …}` / `116 229 …`. A bare `System.Byte[]` is unusable and invalid here.
 */
export function decodeConsistencyGuid(value: string): Anchor {
  const v = value.trim();
  if (!v) return { kind: 'invalid', reason: 'empty' };
  const guid = parseGuidText(v);
  if (guid) return { kind: 'guid', guid };
  if (/^\{?\s*\d{1,3}(\s*[,;\s]\s*\d{1,3}){15}\s*\}?$/.test(v)) {
    const nums = v.match(/\d{1,3}/g)!.map(Number);
    if (nums.every((n) => n < 256)) return anchorFromBytes(Uint8Array.from(nums));
  }
  if (/^System\.Byte\[\]$/.test(v))
    return { kind: 'invalid', reason: 'type name System.Byte[] instead of the value' };
  return decodeImmutableId(v);
}

/** A comparable key: GUIDs lowercase `D`, text anchors prefixed so they never equal a GUID. */
export function anchorKey(a: Anchor): string | undefined {
  if (a.kind === 'guid') return a.guid;
  if (a.kind === 'text') return `text:${a.text}`;
  return undefined;
}
