/**
 * Small readers for values as Windows exporters write them: booleans, multi-valued attributes, proxy addresses,
 * distinguished names with escaped commas. Hot paths avoid regular expressions: they run once per cell.
 */
import { isTypeName } from '../../lib/csv/columns.ts';

/** `True`/`False` from Export-Csv (never localised), JSON booleans, `1`/`0`; undefined when blank or unknown. */
export function readBoolean(value: unknown): boolean | null {
  // Export-Csv's own spelling first: this runs for several columns of every user.
  if (value === 'True') return true;
  if (value === 'False') return false;
  if (value === '') return null;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value !== 'string') return null;
  const v = value.trim().toLowerCase();
  if (v === 'true' || v === '1' || v === 'yes' || v === 'wahr') return true;
  if (v === 'false' || v === '0' || v === 'no' || v === 'falsch') return false;
  return null;
}

/**
 * Type names as Export-Csv writes them for objects it cannot flatten. Besides the forms `isTypeName` knows,
 * generic lists render as ``System.Collections.Generic.List`1[System.String]`` (MSOnline's ProxyAddresses).
 */
const GENERIC_TYPE_NAME = /^(System|Microsoft)\.[\w.`]+\[[\w.`,\s[\]=]*\]$/;
export function isTypeNameValue(value: string): boolean {
  const v = value.trim();
  if (v.length < 8 || (v.charCodeAt(0) !== 83 && v.charCodeAt(0) !== 77)) return false; // S, M
  return isTypeName(v) || GENERIC_TYPE_NAME.test(v);
}

/**
 * A multi-valued attribute flattened into one cell: joined with `;`, `|` or newlines, rendered `{a, b}` by
 * PowerShell's formatter, or a JSON array. Empty parts are dropped.
 */
export function splitMulti(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string' && v.trim() !== '');
  if (typeof value !== 'string') return [];
  let v = value.trim();
  if (v === '') return [];
  if (v.charCodeAt(0) === 123 /* { */ && v.charCodeAt(v.length - 1) === 125 /* } */) {
    v = v.slice(1, -1).trim();
    if (v === '') return [];
    return v
      .split(/,\s*|;|\r?\n/)
      .map((s) => s.trim())
      .filter(Boolean);
  }
  if (v.charCodeAt(0) === 91 /* [ */) {
    try {
      const parsed: unknown = JSON.parse(v);
      if (Array.isArray(parsed)) return splitMulti(parsed);
    } catch {
      /* not JSON: fall through */
    }
  }
  const sep = v.indexOf(';') !== -1 ? ';' : v.indexOf('|') !== -1 ? '|' : v.indexOf('\n') !== -1 ? '\n' : '';
  if (!sep) {
    // `smtp:a@x,smtp:b@x`: split on commas only where a new prefix starts.
    if (v.indexOf(',') !== -1 && /,\s*[a-z0-9]+:/i.test(v))
      return v.split(/,\s*(?=[a-z0-9]+:)/i).map((s) => s.trim());
    return [v];
  }
  let first = '';
  let second = '';
  let out: string[] | undefined;
  for (let start = 0; start <= v.length;) {
    const k = v.indexOf(sep, start);
    const end = k === -1 ? v.length : k;
    if (end > start) {
      const p = v.slice(start, end).trim();
      if (p && !first) first = p;
      else if (p && !second) second = p;
      else if (p) (out ??= [first, second]).push(p);
    }
    start = end + 1;
  }
  // Each user keeps its list to the end. Most lists hold one or two addresses: literal arrays of exactly that
  // size, which V8 soon allocates where long-lived objects go; a pushed-to array keeps room for 16, so a longer
  // list is copied exactly.
  if (out) return out.slice();
  return second ? [first, second] : first ? [first] : [];
}

/**
 * `value.trim().toLowerCase()`, returning `value` itself when that would change nothing (ASCII, lower case, no
 * surrounding space): the common case for addresses and ids, and then no copy is made.
 */
export function lowerTrim(value: string): string {
  return NOT_PLAIN_LOWER.test(value) ? value.trim().toLowerCase() : value;
}

/** Space and control characters, A–Z, anything beyond ASCII: what trim or toLowerCase might change. */
const NOT_PLAIN_LOWER = /[\0-\x20A-Z\x80-\uffff]/;

export interface SmtpProxy {
  /** Lowercase address without the prefix. */
  address: string;
  isPrimary: boolean;
}

/**
 * The lowercase address of an `SMTP:`/`smtp:` proxy, or '' for any other type. Allocation-light: it runs for
 * every proxy of every user.
 */
export function smtpAddress(raw: string): string {
  if (raw.length < 6 || raw.charCodeAt(4) !== 58) return '';
  if (
    (raw.charCodeAt(0) | 32) !== 115 ||
    (raw.charCodeAt(1) | 32) !== 109 ||
    (raw.charCodeAt(2) | 32) !== 116 ||
    (raw.charCodeAt(3) | 32) !== 112
  )
    return '';
  return lowerTrim(raw.slice(5));
}

/** True for `SMTP:` (upper case: the primary address). */
export function isPrimarySmtp(raw: string): boolean {
  return (
    raw.charCodeAt(0) === 83 &&
    raw.charCodeAt(1) === 77 &&
    raw.charCodeAt(2) === 84 &&
    raw.charCodeAt(3) === 80 &&
    raw.charCodeAt(4) === 58
  );
}

/** `SMTP:`/`smtp:` proxies only (X500, SIP, EUM… are not addresses Entra checks for uniqueness). */
export function smtpProxy(raw: string): SmtpProxy | undefined {
  const colon = raw.indexOf(':');
  if (colon !== 4) return undefined;
  const prefix = raw.slice(0, 4);
  if (prefix.toLowerCase() !== 'smtp') return undefined;
  return { address: raw.slice(5).trim().toLowerCase(), isPrimary: prefix === 'SMTP' };
}

/** Index of the first comma not escaped by an odd number of backslashes, from `from`; -1 if none. */
export function unescapedComma(dn: string, from = 0): number {
  let i = dn.indexOf(',', from);
  while (i !== -1) {
    let backslashes = 0;
    for (let j = i - 1; j >= 0 && dn.charCodeAt(j) === 92; j--) backslashes++;
    if (backslashes % 2 === 0) return i;
    i = dn.indexOf(',', i + 1);
  }
  return -1;
}

/** The container of an object: everything after its RDN (`CN=Doe\, John,OU=Sales,DC=x` → `OU=Sales,DC=x`). */
export function parentDn(dn: string): string {
  const i = unescapedComma(dn);
  return i === -1 ? '' : dn.slice(i + 1).trimStart();
}

/** Lowercase, with spaces around RDN separators removed, for suffix comparison. */
export function dnKey(dn: string): string {
  const lower = dn.trim().toLowerCase();
  if (lower.indexOf(', ') === -1 && lower.indexOf(' ,') === -1) return lower;
  const parts: string[] = [];
  let start = 0;
  for (let i = unescapedComma(lower); ; i = unescapedComma(lower, start)) {
    parts.push(lower.slice(start, i === -1 ? lower.length : i).trim());
    if (i === -1) break;
    start = i + 1;
  }
  return parts.join(',');
}

/** True when `key` (a dnKey) lies below `ancestorKey`: a suffix that starts right after an unescaped comma. */
export function isBelow(key: string, ancestorKey: string): boolean {
  const cut = key.length - ancestorKey.length - 1;
  if (cut < 1 || key.charCodeAt(cut) !== 44 || !key.endsWith(ancestorKey)) return false;
  let backslashes = 0;
  for (let j = cut - 1; j >= 0 && key.charCodeAt(j) === 92; j--) backslashes++;
  return backslashes % 2 === 0;
}

/**
 * isBelow on a DN as exported (any case), without building its dnKey: AD writes DNs without spaces after the
 * separators, so a case-insensitive suffix test decides; DNs with `, ` fall back to dnKey.
 */
export function isBelowDn(dn: string, ancestorKey: string): boolean {
  if (isBelowDnAsWritten(dn, ancestorKey)) return true;
  const key = dnKeyIfDifferent(dn);
  return key !== null && isBelow(key, ancestorKey);
}

/**
 * The suffix test of isBelowDn alone. `written`: the ancestor as the user typed it, when it is ASCII and
 * lower-cases to `ancestorKey`: a DN that ends with exactly that text needs no character-by-character look.
 */
export function isBelowDnAsWritten(dn: string, ancestorKey: string, written?: string): boolean {
  const cut = dn.length - ancestorKey.length - 1;
  if (cut < 1 || dn.charCodeAt(cut) !== 44) return false;
  let same = written !== undefined && dn.endsWith(written);
  if (!same) {
    same = true;
    for (let k = 0; k < ancestorKey.length; k++) {
      let c = dn.charCodeAt(cut + 1 + k);
      if (c >= 65 && c <= 90) c += 32;
      else if (c >= 128) c = dn[cut + 1 + k]!.toLowerCase().charCodeAt(0);
      if (c !== ancestorKey.charCodeAt(k)) {
        same = false;
        break;
      }
    }
  }
  if (!same) return false;
  let backslashes = 0;
  for (let j = cut - 1; j >= 0 && dn.charCodeAt(j) === 92; j--) backslashes++;
  return backslashes % 2 === 0;
}

/** dnKey(dn) when the suffix test could miss what it finds (spaces around separators, non-ASCII); else null. */
export function dnKeyIfDifferent(dn: string): string | null {
  if (dn.indexOf(', ') === -1 && dn.indexOf(' ,') === -1) return null;
  return mayDifferFromKey(dn) ? dnKey(dn) : null;
}

function isAsciiSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/**
 * False when dnKey(dn) is just dn in lower case, so the suffix test above has decided: an ASCII DN with no
 * whitespace at its ends or around an unescaped comma. `CN=Doe\, John,OU=…` is such a DN; only escaped
 * commas carry the space.
 */
function mayDifferFromKey(dn: string): boolean {
  const n = dn.length;
  if (n === 0 || isAsciiSpace(dn.charCodeAt(0)) || isAsciiSpace(dn.charCodeAt(n - 1))) return true;
  let backslashes = 0;
  for (let k = 0; k < n; k++) {
    const c = dn.charCodeAt(k);
    if (c >= 128) return true;
    if (c === 44 && backslashes % 2 === 0) {
      if (isAsciiSpace(dn.charCodeAt(k - 1)) || isAsciiSpace(dn.charCodeAt(k + 1))) return true;
    }
    backslashes = c === 92 ? backslashes + 1 : 0;
  }
  return false;
}

/** The part after `@`, lowercase; '' when there is none. */
export function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return at === -1
    ? ''
    : address
        .slice(at + 1)
        .trim()
        .toLowerCase();
}

export function localPartOf(address: string): string {
  const at = address.lastIndexOf('@');
  return at === -1 ? address : address.slice(0, at);
}
