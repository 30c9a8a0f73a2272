import {
  anchorToConnectorSpaceDn,
  base64GuidInto,
  base64ToBytes,
  bytesToGuid,
  bytesToGuidForms,
  guidTextToBytes,
  hexDigitValue,
  hexToBytesStrict,
  isBase64Error,
  type Base64Error,
} from '../../lib/id/guid.ts';
import { decodeAnchorText } from '../../lib/id/anchor.ts';
import { parseByteList, parseCloudSid, parseCsvde, parseLdap, explainGuidText } from './forms.ts';
import { READING, type IdKind, type IdReading, type IdResult } from './types.ts';

/** The fast paths decode here: every form is built from it at once and the bytes are never kept. */
const SCRATCH = new Uint8Array(16);

/** Values longer than this are not IDs; refusing them keeps a stray paste from stalling the page. */
const MAX_LENGTH = 4096;

export function makeReading(as: string, bytes: Uint8Array): IdReading {
  const f = bytesToGuidForms(bytes);
  return {
    as,
    guid: f.guid,
    immutableId: f.immutableId,
    hex: f.hex,
    ldapFilter: f.ldapFilter,
    connectorSpaceDn: f.connectorSpaceDn,
    bigEndianGuid: f.bigEndianGuid,
    cloudSid: f.cloudSid,
  };
}

interface ResultParts {
  kind: IdKind;
  readings?: IdReading[];
  text?: string;
  encoding?: 'utf-8' | 'utf-16le';
  note?: string;
  error?: string;
}

/** Builds a result with its keys always in the documented order. */
function result(input: string, p: ResultParts): IdResult {
  const r: IdResult = { input, kind: p.kind, readings: p.readings ?? [] };
  if (p.text !== undefined) r.text = p.text;
  if (p.encoding !== undefined) r.encoding = p.encoding;
  if (p.note !== undefined) r.note = p.note;
  if (p.error !== undefined) r.error = p.error;
  return r;
}

function invalid(input: string, error: string): IdResult {
  return result(input, { kind: 'invalid', error });
}

function single(input: string, kind: IdKind, as: string, bytes: Uint8Array, note?: string): IdResult {
  const r: IdResult = { input, kind, readings: [makeReading(as, bytes)] };
  if (note !== undefined) r.note = note;
  return r;
}

const INVISIBLE = /[\u200b-\u200d\u2060\ufeff]/;
const INVISIBLE_ALL = /[\u200b-\u200d\u2060\ufeff]/g;

/** Trims what copy-paste brings along: whitespace, CR/LF, zero-width characters, one pair of quotes. */
export function cleanValue(raw: string): string {
  let v = raw.trim();
  if (INVISIBLE.test(v)) v = v.replace(INVISIBLE_ALL, '').trim();
  const q = v.charCodeAt(0);
  if (v.length >= 2 && (q === 34 || q === 39) && v.charCodeAt(v.length - 1) === q) v = v.slice(1, -1).trim();
  return v;
}

/** Reads one pasted value as every ID form it can be. Never throws. */
export function convertId(raw: string): IdResult {
  const v = cleanValue(raw);
  if (v === '') return invalid(v, 'empty value');
  if (v.length > MAX_LENGTH)
    return invalid(v.slice(0, 40) + '…', `${v.length} characters; too long for an ID`);
  return classify(v, 0);
}

export function convertIds(values: readonly string[]): IdResult[] {
  return values.map(convertId);
}

/**
 * Splits pasted text or stdin into values, one per line. Sixteen lines that are each a number 0–255 are one
 * value, `116, 229, …`: that is what `$guid.ToByteArray()` prints, one byte per line.
 */
export function splitValues(text: string): string[] {
  const lines = text
    .split(/\r\n|\r|\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  if (lines.length === 16 && lines.every((l) => /^\d{1,3}$/.test(l) && Number(l) < 256))
    return [lines.join(', ')];
  return lines;
}

const CLOUD_ANCHOR = /^(User|Group|Device|Contact)_/i;
const LDIF = /^([A-Za-z][\w-]*(?:;[\w-]+)*)::[ \t]*(.*)$/s;
const LABELLED =
  /^(objectGUID|objectId|immutableId|onPremisesImmutableId|sourceAnchor|ms-DS-ConsistencyGuid|cloudAnchor|deviceId)\s*[:=]\s*(.+)$/is;
const GUID_ATTRIBUTE = /^(objectGUID|ms-DS-ConsistencyGuid)(;binary)?$/i;

function classify(v: string, depth: number): IdResult {
  const n = v.length;
  // The two common pastes first, without any regex: a `D` GUID and a padded or unpadded ImmutableID.
  if (n === 36 && guidTextToBytes(v, 0, SCRATCH)) return single(v, 'guid', READING.guidD, SCRATCH);
  if (n === 22 || n === 24) {
    const r = tryImmutableId(v);
    if (r) return r;
  }

  const c0 = v.charCodeAt(0);
  if (c0 === 123 /* { */) return hasListSeparator(v) ? fromByteList(v, true) : fromGuidText(v, 'guid');
  if (c0 === 40 /* ( */) {
    if (v.includes('=') || v.includes('\\')) return fromLdap(v);
    return hasListSeparator(v) ? fromByteList(v, true) : fromGuidText(v, 'guid');
  }
  if (c0 === 91 /* [ */ || c0 === 64 /* @ */) return fromByteList(v, true);
  if (c0 === 92 /* \ */) return fromLdap(v);
  if (startsWithIgnoringCase(v, 'urn:uuid:')) return fromGuidText(v, 'guid');
  if (startsWithIgnoringCase(v, "x'")) return fromCsvde(v);
  if (startsWithIgnoringCase(v, 'cn=')) return fromConnectorDn(v, depth);
  if (startsWithIgnoringCase(v, 's-1-')) return fromSid(v);
  // Cheap character checks first: most values have no '_', ':' or '=' and skip these regexes.
  if (v.indexOf('_') > 3 && CLOUD_ANCHOR.test(v)) return fromCloudAnchor(v);
  const hasColon = v.includes(':');
  const ldif = hasColon ? LDIF.exec(v) : null;
  if (ldif) return fromLdif(v, ldif[1]!, ldif[2]!.trim());
  if (v.includes('\\')) return fromLdap(v);
  const labelled = hasColon || v.includes('=') ? LABELLED.exec(v) : null;
  if (labelled && depth < 2) return { ...classify(cleanValue(labelled[2]!), depth + 1), input: v };

  if (isGuidShaped(v)) return fromGuidText(v, 'guid');
  const octets = n === 47 ? parseOctetLine(v) : undefined;
  if (octets) return single(v, 'octets', READING.octets, octets);
  const list = parseByteList(v, false);
  if (list) return listResult(v, list);
  if (v.includes('\n')) return invalid(v, `${v.split('\n').length} lines, but one value was expected`);

  if (isAllHex(v)) {
    if (n === 32) return ambiguousHex(v);
    if (n >= 28 && n <= 36) return invalid(v, `${n} hex digits; a GUID has 32`);
  }
  return fromBase64(v);
}

function startsWithIgnoringCase(v: string, lowerPrefix: string): boolean {
  if (v.length < lowerPrefix.length) return false;
  for (let i = 0; i < lowerPrefix.length; i++) {
    const want = lowerPrefix.charCodeAt(i);
    const c = v.charCodeAt(i);
    // An ASCII letter's two cases differ only in bit 0x20.
    if (c !== want && !(want >= 97 && want <= 122 && (c | 0x20) === want)) return false;
  }
  return true;
}

function hasListSeparator(v: string): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c === 44 || c <= 32) return true;
  }
  return false;
}

/** ADSI Edit's `74 E5 D2 …` or BitConverter's `74-E5-D2-…`: 16 octets and one separator, read directly. */
function parseOctetLine(v: string): Uint8Array | undefined {
  const sep = v.charCodeAt(2);
  if (sep !== 32 && sep !== 45 && sep !== 58) return undefined;
  for (let i = 0; i < 16; i++) {
    const hi = hexDigitValue(v.charCodeAt(i * 3));
    const lo = hexDigitValue(v.charCodeAt(i * 3 + 1));
    if (hi < 0 || lo < 0 || (i < 15 && v.charCodeAt(i * 3 + 2) !== sep)) return undefined;
    SCRATCH[i] = (hi << 4) | lo;
  }
  return SCRATCH;
}

function isAllHex(v: string): boolean {
  for (let i = 0; i < v.length; i++) if (hexDigitValue(v.charCodeAt(i)) < 0) return false;
  return true;
}

/** Dashes in the places of a GUID's, mostly hex digits: a GUID, perhaps mistyped, not base64url. */
function isGuidShaped(v: string): boolean {
  if (v.length < 30 || v.length > 42) return false;
  let dashes = 0;
  let other = 0;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c === 45) dashes++;
    else if (c <= 32) return false;
    else if (hexDigitValue(c) < 0) other++;
  }
  return dashes >= 3 && dashes <= 5 && other <= 3;
}

function fromGuidText(v: string, kind: 'guid' | 'cloud-anchor', offset = 0, note?: string): IdResult {
  let body = v.slice(offset);
  let as: string = READING.guidD;
  let at = offset;
  if (startsWithIgnoringCase(body, 'urn:uuid:')) {
    body = body.slice(9);
    at += 9;
    as = READING.guidUrn;
  }
  const open = body[0];
  const close = body[body.length - 1];
  if (open === '{' || open === '(') {
    const want = open === '{' ? '}' : ')';
    if (close !== want) return invalid(v, `'${open}' without a closing '${want}'`);
    body = body.slice(1, -1);
    at += 1;
    if (as === READING.guidD) as = open === '{' ? READING.guidB : READING.guidP;
  } else if (close === '}' || close === ')') {
    return invalid(v, `'${close}' without an opening '${close === '}' ? '{' : '('}'`);
  }
  const bytes = body.length === 36 ? guidTextToBytes(body, 0, SCRATCH) : undefined;
  if (bytes && kind === 'cloud-anchor') {
    // Entra Connect names a cloud-mastered object in its connector space after the cloud anchor's own text.
    const reading = {
      ...makeReading(READING.objectId, bytes),
      connectorSpaceDn: anchorToConnectorSpaceDn(v),
    };
    return result(v, { kind, readings: [reading], note });
  }
  if (bytes) return single(v, kind, as, bytes, note);
  if (kind === 'guid' && body.length === 32 && isAllHex(body)) return ambiguousHex(v, body);
  return invalid(v, explainGuidText(body, at));
}

const TEXT_TO_DOTNET = [3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15];

const HEX_NOTE =
  'Bare hex digits are either a GUID written without dashes (N format) or the octet string AD stores; ' +
  'the two give different GUIDs, so both are shown.';
const HEX_NOTE_BINARY = `${HEX_NOTE} As base64 it would be 24 bytes that are not text, so it is not read as an ImmutableID.`;

/** 32 bare hex digits: a GUID's `N` text or an octet string. Both are common, so both are shown. */
function ambiguousHex(v: string, hex = v): IdResult {
  const octets = hexToBytesStrict(hex)!;
  // The N text lists the bytes in the order of the D text: the first three groups reversed into .NET order.
  const asGuid = new Uint8Array(16);
  for (let i = 0; i < 16; i++) asGuid[TEXT_TO_DOTNET[i]!] = octets[i]!;
  const asBase64 = base64ToBytes(hex);
  const text = isBase64Error(asBase64) ? undefined : decodeAnchorText(asBase64);
  const note = text ? `${HEX_NOTE} As base64 it would decode to the text '${text.text}'.` : HEX_NOTE_BINARY;
  return result(v, {
    kind: 'hex-ambiguous',
    readings: [makeReading(READING.guidN, asGuid), makeReading(READING.octets, octets)],
    note,
  });
}

function listResult(v: string, list: NonNullable<ReturnType<typeof parseByteList>>): IdResult {
  if ('error' in list) return invalid(v, list.error);
  return list.isDecimal
    ? single(v, 'byte-array', READING.byteArray, list.bytes)
    : single(v, 'octets', READING.octets, list.bytes);
}

function fromByteList(v: string, isWrapped: boolean): IdResult {
  const list = parseByteList(v, isWrapped);
  if (list) return listResult(v, list);
  return invalid(v, 'expected a GUID in braces or a byte array such as {116, 229, …}');
}

function fromLdap(v: string): IdResult {
  const r = parseLdap(v);
  return 'error' in r ? invalid(v, r.error) : single(v, 'ldap', READING.ldap, r.bytes);
}

function fromCsvde(v: string): IdResult {
  const r = parseCsvde(v);
  return 'error' in r ? invalid(v, r.error) : single(v, 'csvde', READING.csvde, r.bytes);
}

function fromSid(v: string): IdResult {
  const r = parseCloudSid(v);
  if ('error' in r) return invalid(v, r.error);
  return single(
    v,
    'cloud-sid',
    READING.objectId,
    r.bytes,
    'A cloud SID belongs to an Entra user or group; its GUID is the Entra object id, not an AD objectGUID.',
  );
}

function fromCloudAnchor(v: string): IdResult {
  const prefix = v.slice(0, v.indexOf('_'));
  return fromGuidText(
    v,
    'cloud-anchor',
    prefix.length + 1,
    `${prefix}_… is Entra Connect's cloud anchor for an object created in Entra: the GUID is its Entra object id, ` +
      'not an AD objectGUID, so there is no AD object or ImmutableID to look up.',
  );
}

function fromLdif(v: string, attribute: string, value: string): IdResult {
  if (value === '') return invalid(v, `LDIF ${attribute}:: has no value`);
  if (GUID_ATTRIBUTE.test(attribute)) {
    // objectGUID and mS-DS-ConsistencyGuid are binary by definition: 16 bytes are a GUID even if they spell text.
    const bytes = base64ToBytes(value);
    if (isBase64Error(bytes)) return invalid(v, base64ErrorText(bytes, value));
    if (bytes.length !== 16) return invalid(v, `${attribute} decodes to ${bytes.length} bytes; a GUID is 16`);
    return single(v, 'ldif', READING.ldif, bytes);
  }
  const r = fromBase64(value, true);
  if (r.kind === 'immutable-id')
    return { ...r, input: v, kind: 'ldif', readings: relabel(r.readings, READING.ldif) };
  return { ...r, input: v };
}

function fromConnectorDn(v: string, depth: number): IdResult {
  const m = /^CN=\{([^{}]*)\}$/i.exec(v);
  if (!m) return invalid(v, 'a connector-space DN is CN={…} with hex digits between the braces');
  const hex = m[1]!.trim();
  for (let i = 0; i < hex.length; i++) {
    if (hexDigitValue(hex.charCodeAt(i)) < 0) return invalid(v, `'${hex[i]}' is not a hex digit in the DN`);
  }
  if (hex.length === 0 || hex.length % 2 !== 0) {
    return invalid(v, `${hex.length} hex digits in the DN; it holds two per character of the anchor`);
  }
  const bytes = hexToBytesStrict(hex)!;
  let inner = '';
  for (const b of bytes) {
    if (b < 0x20 || b > 0x7e) {
      return invalid(
        v,
        "the DN's hex does not spell ASCII text; it should be the hex of the ImmutableID's characters",
      );
    }
    inner += String.fromCharCode(b);
  }
  if (depth >= 2) return invalid(v, 'a connector-space DN inside another');
  const r = classify(inner, depth + 1);
  const note = `The DN holds the anchor '${inner}'.`;
  if (r.kind === 'invalid') return invalid(v, `the DN holds '${inner}': ${r.error}`);
  if (r.readings.length === 0) return { ...r, input: v, note: r.note ? `${note} ${r.note}` : note };
  const readings = r.kind === 'cloud-anchor' ? r.readings : relabel(r.readings, READING.connectorSpaceDn);
  return result(v, { kind: 'connector-space-dn', readings, note: r.note ? `${note} ${r.note}` : note });
}

function relabel(readings: IdReading[], as: string): IdReading[] {
  return readings.map((r) => ({ ...r, as }));
}

/** Only a clean 16-byte, non-text decode; anything else goes the long way for a precise answer. */
function tryImmutableId(v: string): IdResult | undefined {
  let isUrl = false;
  let isStd = false;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c === 45 || c === 95) isUrl = true;
    else if (c === 43 || c === 47) isStd = true;
  }
  if ((isUrl && isStd) || !base64GuidInto(v, SCRATCH) || decodeAnchorText(SCRATCH)) return undefined;
  return immutableIdResult(v, SCRATCH, isUrl);
}

function immutableIdResult(v: string, bytes: Uint8Array, isUrl: boolean): IdResult {
  const as = isUrl
    ? READING.base64Url
    : v.charCodeAt(v.length - 1) === 61
      ? READING.base64
      : READING.base64Unpadded;
  const reading = makeReading(as, bytes);
  const r: IdResult = { input: v, kind: 'immutable-id', readings: [reading] };
  if (!isCanonical(v, reading.immutableId)) {
    r.note = `The last character carries bits beyond the 16 bytes; the canonical ImmutableID is ${reading.immutableId}.`;
  }
  return r;
}

/**
 * Whether `v` is `canonical` up to padding and alphabet. 22 characters carry 132 bits for 16 bytes: only the
 * 22nd can hold stray bits, so only it can differ.
 */
function isCanonical(v: string, canonical: string): boolean {
  let c = v.charCodeAt(21);
  if (c === 45) c = 43;
  else if (c === 95) c = 47;
  return c === canonical.charCodeAt(21);
}

/**
 * Whether a value that is not a clean GUID's base64 was still meant as base64, so a precise error helps more
 * than calling it a string anchor. Entra Connect forbids `+ / =` in string anchors; a value about an
 * ImmutableID's length in mixed case with digits is a damaged ImmutableID far more often than a name.
 */
function isMeantAsBase64(v: string, illegal: number): boolean {
  if (illegal > 2) return false;
  if (v.endsWith('=') || v.includes('+') || v.includes('/')) return true;
  if (v.length < 20 || v.length > 28) return false;
  return /[A-Z]/.test(v) && /[a-z]/.test(v) && /\d/.test(v);
}

function countNonBase64(v: string): number {
  let n = 0;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    const isB64 =
      (c >= 65 && c <= 90) ||
      (c >= 97 && c <= 122) ||
      (c >= 48 && c <= 57) ||
      c === 43 ||
      c === 47 ||
      c === 45 ||
      c === 95 ||
      c === 61;
    if (!isB64) n++;
  }
  return n;
}

function base64ErrorText(e: Base64Error, v: string): string {
  if (e.reason === 'illegal-char') return `illegal base64 character '${e.char}' (character ${e.index + 1})`;
  const data = v.replace(/=+$/, '').length;
  if (e.reason === 'bad-padding') {
    return `bad padding: ${v.length - data} '=' after ${data} characters (base64 is padded to a multiple of 4; an ImmutableID is 22 characters and '==')`;
  }
  return `${data} base64 characters: a length of 4n+1 is never valid base64 (an ImmutableID is 22 characters and '==')`;
}

function fromBase64(v: string, isExplicit = false): IdResult {
  const bytes = base64ToBytes(v);
  if (isBase64Error(bytes)) {
    if (isExplicit || isMeantAsBase64(v, countNonBase64(v))) return invalid(v, base64ErrorText(bytes, v));
    return stringAnchor(v);
  }
  const hasUrl = v.includes('-') || v.includes('_');
  const hasStd = v.includes('+') || v.includes('/');
  const isMeant = isExplicit || isMeantAsBase64(v, 0);
  if (hasUrl && hasStd) {
    return isMeant
      ? invalid(v, "mixes base64url ('-', '_') and standard base64 ('+', '/') characters")
      : stringAnchor(v);
  }
  const text = decodeAnchorText(bytes);
  if (text) {
    const how =
      text.encoding === 'utf-16le'
        ? "UTF-16LE text, as Entra Connect's ConvertToBase64 writes it"
        : 'UTF-8 text';
    const asGuid =
      bytes.length === 16 ? ` Read as a GUID these 16 bytes would be ${bytesToGuid(bytes)}.` : '';
    return result(v, {
      kind: 'text-anchor',
      text: text.text,
      encoding: text.encoding,
      note: `Base64 of ${how}: a text anchor such as an employeeID, not a GUID.${asGuid}`,
    });
  }
  if (bytes.length === 16) return immutableIdResult(v, bytes, hasUrl);
  if (isMeant) return invalid(v, `decodes to ${bytes.length} bytes; an ImmutableID of a GUID decodes to 16`);
  return stringAnchor(
    v,
    `As base64 it would decode to ${bytes.length} bytes that are not text, so it is read as a plain string.`,
  );
}

/** A mail address or UPN, as set by hand for third-party federation. */
const MAIL =
  /^[^\s@"(),:;<>[\]\\]{1,64}@[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?(?:\.[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?)+$/u;
/** One token of letters and digits, optionally joined by `.`, `_` or `-`. */
const TOKEN = /^[\p{L}\p{N}](?:[\p{L}\p{N}._-]*[\p{L}\p{N}])?$/u;
const DIGIT = /\p{N}/u;
const SEPARATOR = /[._-]/;
const WHITESPACE = /\s/;
const PLAUSIBLE =
  'A plain string anchor is one token an identity system issued: an employeeID or other number such as E012345, ' +
  'a logon name with a separator such as john.smith, or a mail address set as the ImmutableID.';

/**
 * Why a value that is no GUID form cannot be a plain string anchor either, or undefined when it can. Plausible:
 * a mail address or UPN (up to 256 characters), or one token of at most 64 letters and digits (joined by `.`,
 * `_`, `-`) that has a digit or a separator. Free text, lone words and punctuation are "not an ID".
 */
export function implausibleAnchor(v: string): string | undefined {
  if (v.length <= 256 && MAIL.test(v)) return undefined;
  if (WHITESPACE.test(v)) return `free text with spaces, not an ID. ${PLAUSIBLE}`;
  if (v.length > 64) return `${v.length} characters in one token, more than an ID has. ${PLAUSIBLE}`;
  if (!TOKEN.test(v)) {
    const odd = [...v].find((c) => !/[\p{L}\p{N}._-]/u.test(c));
    return `${odd && odd.charCodeAt(0) >= 32 ? `'${odd}'` : 'a control character'} is in no ID form. ${PLAUSIBLE}`;
  }
  if (!DIGIT.test(v) && !SEPARATOR.test(v)) return `a word without digits, not an ID. ${PLAUSIBLE}`;
  return undefined;
}

function stringAnchor(v: string, extra?: string): IdResult {
  const why = implausibleAnchor(v);
  if (why) return invalid(v, why);
  return result(v, {
    kind: 'string-anchor',
    text: v,
    note:
      'Not a GUID or base64: a plain string anchor (a value set directly as the ImmutableID, or a ' +
      'sourceAnchor such as an employeeID).' +
      (extra ? ' ' + extra : ''),
  });
}
