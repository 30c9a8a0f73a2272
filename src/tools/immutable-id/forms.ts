import { cloudSidPartsToBytes, hexDigitValue, hexToBytesStrict } from '../../lib/id/guid.ts';

/** The less common ID forms: each parser returns the 16 bytes or exactly why it cannot. */
export type Parsed = { bytes: Uint8Array } | { error: string };

export type ByteList = { bytes: Uint8Array; isDecimal: boolean } | { error: string };

function plural(n: number, one: string, many = one + 's'): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Why GUID text (wrappers already removed, `at` characters into the value) is not 8-4-4-4-12 hex digits. */
export function explainGuidText(body: string, at: number): string {
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i);
    if (c !== 45 && hexDigitValue(c) < 0) return `'${body[i]}' is not a hex digit (character ${at + i + 1})`;
  }
  const groups = body.split('-').map((g) => g.length);
  const digits = groups.reduce((a, b) => a + b, 0);
  const shape = groups.join('-');
  if (digits !== 32) {
    return (
      `${plural(digits, 'hex digit')}; a GUID has 32, grouped 8-4-4-4-12` +
      (groups.length > 1 ? ` (this one ${shape})` : '')
    );
  }
  return `hex digits grouped ${shape}; a GUID is grouped 8-4-4-4-12`;
}

const WRAPPERS: Record<string, string> = { '{': '}', '[': ']', '(': ')' };
const LIST_SEPARATORS = /[\s,;]+/;
const OCTET_SEPARATORS = /[\s:-]+/;
const TOKEN_SHAPE = /^(0x)?[0-9a-f]{1,3}$/i;

/**
 * A list of bytes: PowerShell's `{116, 229, …}` or one number per line (decimal), ADSI Edit's `74 E5 D2 …`,
 * BitConverter's `74-E5-…`, `0x74, 0xE5` (hex). `undefined` when the value is not list-shaped at all; when
 * `isWrapped` (it began with a bracket) it is a list or an error.
 */
export function parseByteList(v: string, isWrapped: boolean): ByteList | undefined {
  let body = v.startsWith('@(') ? v.slice(1) : v;
  const open = body[0] ?? '';
  const close = WRAPPERS[open];
  let hasWrapper = false;
  if (close) {
    if (!body.endsWith(close))
      return isWrapped ? { error: `'${open}' without a closing '${close}'` } : undefined;
    body = body.slice(1, -1).trim();
    hasWrapper = true;
  }
  // Commas, semicolons or line breaks mean a list of numbers; spaces, dashes and colons separate hex octets.
  const isListLike = /[,;\n]/.test(body);
  const tokens = body.split(isListLike ? LIST_SEPARATORS : OCTET_SEPARATORS).filter((t) => t !== '');
  if (!hasWrapper) {
    if (tokens.length < 2) return undefined;
    let shaped = 0;
    for (const t of tokens) if (TOKEN_SHAPE.test(t)) shaped++;
    if (shaped * 4 < tokens.length * 3) return undefined;
  }
  if (tokens.length === 0) return { error: 'an empty list; a GUID is 16 bytes' };
  const hasHex = tokens.some((t) => /[a-fx]/i.test(t));
  const isDecimal = !hasHex && (hasWrapper || isListLike || tokens.some((t) => t.length !== 2));
  const bytes: number[] = [];
  for (const t of tokens) {
    if (isDecimal) {
      if (!/^\d{1,3}$/.test(t) || Number(t) > 255) return { error: `'${t}' is not a byte (0–255)` };
      bytes.push(Number(t));
    } else {
      const digits = /^0x/i.test(t) ? t.slice(2) : t;
      const isOctet = digits.length === 2 || (digits.length === 1 && digits !== t);
      const value = isOctet ? hexToBytesStrict(digits.padStart(2, '0')) : undefined;
      if (!value) return { error: `'${t}' is not a two-digit hex octet` };
      bytes.push(value[0]!);
    }
  }
  if (bytes.length !== 16) {
    return { error: `${plural(bytes.length, isDecimal ? 'number' : 'octet')}; a GUID is 16 bytes` };
  }
  return { bytes: Uint8Array.from(bytes), isDecimal };
}

const ASSERTION = /([A-Za-z][\w-]*)\s*=\s*([^()&|!]*)/g;

/**
 * `\74\E5…` (RFC 4515 escapes), `objectGUID=\74…` or a whole filter `(objectGUID=\74…)`; in a compound filter
 * the first assertion with escapes is used. Unescaped printable characters are bytes too, as RFC 4515 allows.
 */
export function parseLdap(v: string): Parsed {
  // C#, JSON and many scripts double every backslash inside string literals.
  const s = v.includes('\\\\') ? v.replace(/\\\\/g, '\\') : v;
  let value = s;
  if (s.includes('=')) {
    let depth = 0;
    for (const c of s) {
      if (c === '(') depth++;
      else if (c === ')' && --depth < 0) break;
    }
    if (depth !== 0) return { error: 'unbalanced parentheses in the LDAP filter' };
    ASSERTION.lastIndex = 0;
    let found: string | undefined;
    for (let m = ASSERTION.exec(s); m; m = ASSERTION.exec(s)) {
      if (m[2]!.includes('\\')) {
        found = m[2]!.trim();
        break;
      }
    }
    if (found === undefined)
      return { error: 'no attribute=\\XX… assertion with escaped bytes in the filter' };
    value = found;
  }
  const bytes: number[] = [];
  for (let i = 0; i < value.length;) {
    const c = value.charCodeAt(i);
    if (c === 92) {
      const hi = hexDigitValue(value.charCodeAt(i + 1));
      const lo = hexDigitValue(value.charCodeAt(i + 2));
      if (hi < 0 || lo < 0) {
        return { error: `bad escape '${value.slice(i, i + 3)}': '\\' must be followed by two hex digits` };
      }
      bytes.push((hi << 4) | lo);
      i += 3;
    } else if (c === 42) {
      return { error: "'*' is an LDAP wildcard, not part of a GUID value" };
    } else if (c <= 32 || c > 126) {
      return { error: `'${value[i]}' cannot stand unescaped in an LDAP value` };
    } else {
      bytes.push(c);
      i++;
    }
  }
  if (bytes.length !== 16)
    return { error: `${plural(bytes.length, 'byte')} in the LDAP value; a GUID is 16` };
  return { bytes: Uint8Array.from(bytes) };
}

/** csvde writes binary attributes as `X'<hex>'`, bytes in order. */
export function parseCsvde(v: string): Parsed {
  const m = /^X'([^']*)'$/i.exec(v);
  if (!m) return { error: "csvde writes binary as X'…' with a closing quote" };
  const hex = m[1]!;
  for (let i = 0; i < hex.length; i++) {
    if (hexDigitValue(hex.charCodeAt(i)) < 0) return { error: `'${hex[i]}' is not a hex digit in X'…'` };
  }
  if (hex.length !== 32) return { error: `${plural(hex.length, 'hex digit')} in X'…'; a GUID is 32` };
  return { bytes: hexToBytesStrict(hex)! };
}

/** `S-1-12-1-a-b-c-d`: the four 32-bit little-endian words of an Entra object id. */
export function parseCloudSid(v: string): Parsed {
  if (!/^S-1-12-1-/i.test(v)) {
    if (/^S-1-\d+(-\d+)+$/i.test(v)) {
      return {
        error: `a Windows SID, not a cloud SID (S-1-12-1-…): it names an AD account, not a GUID; find it with Get-ADUser -Identity ${v}`,
      };
    }
    return { error: 'not a SID: a cloud SID is S-1-12-1- and four numbers' };
  }
  const rest = v.slice(9);
  const parts = rest === '' ? [] : rest.split('-');
  if (parts.length !== 4)
    return { error: `${plural(parts.length, 'number')} after S-1-12-1-; a cloud SID has 4` };
  const words: number[] = [];
  for (const p of parts) {
    if (!/^\d{1,10}$/.test(p) || Number(p) > 0xffffffff)
      return { error: `'${p}' is not a 32-bit unsigned number` };
    words.push(Number(p));
  }
  return { bytes: cloudSidPartsToBytes(words) };
}
