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

function printableText(bytes: Uint8Array): string | undefined {
  if (bytes.length === 0) return undefined;
  // UTF-16LE ASCII-range text: every odd byte zero.
  if (bytes.length % 2 === 0 && bytes.length >= 2) {
    let isUtf16 = true;
    for (let i = 1; i < bytes.length; i += 2) if (bytes[i] !== 0) isUtf16 = false;
    if (isUtf16) {
      const t = new TextDecoder('utf-16le').decode(bytes);
      if (/^[\x20-\x7e]+$/.test(t)) return t;
    }
  }
  try {
    const t = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    if (/^[\p{L}\p{N}\p{P}\p{S} ]+$/u.test(t)) return t;
  } catch {
    /* not text */
  }
  return undefined;
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
  if (/^System\.Byte\[\]$/.test(v)) return { kind: 'invalid', reason: 'type name System.Byte[] instead of the value' };
  return decodeImmutableId(v);
}

/** A comparable key: GUIDs lowercase `D`, text anchors prefixed so they never equal a GUID. */
export function anchorKey(a: Anchor): string | undefined {
  if (a.kind === 'guid') return a.guid;
  if (a.kind === 'text') return `text:${a.text}`;
  return undefined;
}
