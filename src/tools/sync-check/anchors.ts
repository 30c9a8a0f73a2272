/**
 * Anchor keys for matching, through the shared ImmutableID core. The canonical form (24 characters of standard
 * base64 ending `==`, i.e. 16 bytes) is by far the most common; it is decoded with guid.ts directly, which is
 * what decodeImmutableId does for 16 non-text bytes. Everything else — URL-safe or unpadded base64, GUID text,
 * decimal bytes, text anchors, and 16 bytes that could be text — goes through anchor.ts unchanged.
 */
import { anchorKey, decodeConsistencyGuid, decodeImmutableId } from '../../lib/id/anchor.ts';
import { base64ToBytes, bytesToGuid, parseGuidText } from '../../lib/id/guid.ts';

function isB64(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 47;
}

function isCanonical16(v: string): boolean {
  if (v.length !== 24 || v.charCodeAt(22) !== 61 || v.charCodeAt(23) !== 61) return false;
  for (let i = 0; i < 22; i++) if (!isB64(v.charCodeAt(i))) return false;
  return true;
}

/** True when 16 bytes might be text (printable ASCII, or UTF-16LE ASCII): anchor.ts decides those. */
function mightBeText(b: Uint8Array): boolean {
  let printable = true;
  let utf16 = true;
  for (let i = 0; i < b.length; i++) {
    const x = b[i]!;
    if (x < 0x20 || x > 0x7e) printable = false;
    if (i % 2 === 1 && x !== 0) utf16 = false;
  }
  return printable || utf16;
}

function fastGuid(v: string): string | undefined {
  if (!isCanonical16(v)) return undefined;
  const bytes = base64ToBytes(v) as Uint8Array;
  return mightBeText(bytes) ? undefined : bytesToGuid(bytes);
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

/** Lowercase `D` text as Get-ADUser writes it: returned as is, with no parsing. */
function isLowerD(v: string): boolean {
  if (v.length !== 36) return false;
  for (let i = 0; i < 36; i++) {
    const c = v.charCodeAt(i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (c !== 45) return false;
    } else if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

/** objectGUID as exported (`D` text; base64 or decimal bytes from other tools) → GUID text, or null. */
export function objectGuidOf(value: string): string | null {
  if (isLowerD(value)) return value;
  const v = value.trim();
  if (!v) return null;
  return parseGuidText(v) ?? consistencyGuidOf(v);
}
