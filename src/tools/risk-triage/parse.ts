/**
 * Reads exported Graph JSON, whatever wrote it: a page saved from Graph Explorer, `Invoke-MgGraphRequest` output,
 * an array of pages, or `Get-MgRiskyUser | ConvertTo-Json` with PascalCase names, `/Date(…)/` dates and nested
 * objects flattened to type names by a too-shallow `-Depth`. Each object's kind is recognised by its properties.
 */
import { decodeText } from '../../lib/csv/decode.ts';
import { unusableInput } from '../../lib/files/sniff.ts';
import { isAbortError, throwIfAborted, type NamedBytes, type RunOptions } from '../../lib/issue.ts';
import type {
  AdditionalInfoEntry,
  DirectoryUser,
  FileSummary,
  GeoLocation,
  ObjectKind,
  ParsedRiskData,
  RiskDetection,
  RiskIssue,
  RiskySignIn,
  RiskyUser,
} from './types.ts';

type Json = Record<string, unknown>;

/**
 * Caps on what one file may hold, documented in docs/risk-triage.md. Graph objects nest about six deep and
 * `ConvertTo-Json -Depth` stops at 100; no Graph string this tool shows is near 1,024 characters.
 */
export const LIMITS = {
  /** Bigger files are refused before decoding: a JS string holds at most ~512 M characters. */
  fileBytes: 256 * 2 ** 20,
  depth: 100,
  text: 1024,
  additionalInfo: 64 * 1024,
  /** Dates before 1990 or more than two days ahead are kept but flagged. */
  earliest: Date.UTC(1990, 0, 1),
  aheadMs: 2 * 86_400_000,
} as const;

/** Case-insensitive view of an object: Graph writes camelCase, the PowerShell SDK PascalCase (`IPAddress`). */
class Props {
  readonly #map = new Map<string, unknown>();
  constructor(
    readonly raw: Json,
    readonly notes?: FileNotes,
  ) {
    for (const [k, v] of Object.entries(raw)) {
      const key = k.toLowerCase();
      if (!this.#map.has(key)) this.#map.set(key, v);
    }
  }
  has(key: string): boolean {
    return this.#map.has(key.toLowerCase());
  }
  get(key: string): unknown {
    return this.#map.get(key.toLowerCase());
  }
  /** Text of a string, number or boolean; cut at LIMITS.text characters (noted once per field). */
  str(key: string): string {
    const v = this.get(key);
    const s = typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
    if (s.length <= LIMITS.text) return s;
    if (this.notes) tally(this.notes.longValues, key, s);
    return s.slice(0, LIMITS.text - 1) + '…';
  }
  bool(key: string): boolean | null {
    const v = this.get(key);
    if (typeof v === 'boolean') return v;
    if (typeof v === 'string' && /^(true|false)$/i.test(v)) return v.toLowerCase() === 'true';
    return null;
  }
  num(key: string): number | null {
    const v = this.get(key);
    if (typeof v === 'number' && Number.isFinite(v)) return v;
    if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
    return null;
  }
}

const PS_TYPE_NAME = /^Microsoft\.Graph\.(PowerShell\.)?Models?\./;

interface Example {
  count: number;
  example: string;
}

/** Per-file tallies of recoverable problems, reported once per file rather than once per object. */
interface FileNotes {
  /** Epoch ms that "in the future" is measured from. */
  now: number;
  badDates: Set<string>;
  implausibleDates: Map<string, Example>;
  badAdditionalInfo: number;
  shallow: Set<string>;
  /** Values that are not what the field holds (an enum member, a coordinate); replaced. */
  badValues: Map<string, Example>;
  /** Enum members Graph does not document (yet); kept as sent. */
  unknownValues: Map<string, Example>;
  longValues: Map<string, Example>;
  /** Why the object being read cannot be used, set while reading it. */
  reject?: string;
}

function newNotes(now: number): FileNotes {
  return {
    now,
    badDates: new Set(),
    implausibleDates: new Map(),
    badAdditionalInfo: 0,
    shallow: new Set(),
    badValues: new Map(),
    unknownValues: new Map(),
    longValues: new Map(),
  };
}

function tally(map: Map<string, Example>, key: string, value: unknown): void {
  const e = map.get(key);
  if (e) e.count++;
  else map.set(key, { count: 1, example: shorten(value) });
}

function shorten(value: unknown): string {
  let s: string;
  try {
    s = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  } catch {
    s = String(value);
  }
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}

/** What a Date can hold: ±8.64e15 ms around 1970 (about ±275,760 years). */
const DATE_LIMIT_MS = 8.64e15;

type DateRead = string | null | 'unreadable' | 'unrepresentable';

function readDate(value: unknown): DateRead {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value !== 'string' || value.length > LIMITS.text) return 'unreadable';
  const text = value.trim();
  const ms = /^\/Date\((-?\d+)([+-]\d{4})?\)\/$/.exec(text);
  if (ms) {
    const n = Number(ms[1]);
    return Number.isSafeInteger(n) && Math.abs(n) <= DATE_LIMIT_MS
      ? new Date(n).toISOString()
      : 'unrepresentable';
  }
  const iso = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2})?)(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/i.exec(text);
  if (!iso) return 'unreadable';
  const fraction = iso[3] ? iso[3].slice(0, 4) : '';
  const zone = iso[4]
    ? iso[4].toUpperCase() === 'Z'
      ? 'Z'
      : iso[4].replace(/^([+-]\d{2})(\d{2})$/, '$1:$2')
    : 'Z';
  // Four-digit years are always within what a Date holds; a month 13 or an hour 25 is simply unreadable.
  const t = Date.parse(`${iso[1]}T${iso[2]}${fraction}${zone}`);
  return Number.isNaN(t) ? 'unreadable' : new Date(t).toISOString();
}

/**
 * ISO 8601 in UTC, from Graph's ISO (up to 7 fractional digits), a zone-less ISO (UTC) or PowerShell 5.1's
 * `/Date(ms)/`; undefined when the value is not a date or not one a Date can hold. Never throws.
 */
export function normaliseDate(value: unknown): string | null | undefined {
  const d = readDate(value);
  return d === 'unreadable' || d === 'unrepresentable' ? undefined : d;
}

/** Whether an ISO date lies in the window where real Identity Protection data can: 1990 to two days ahead. */
export function isPlausibleDate(iso: string, now: number): boolean {
  const t = Date.parse(iso);
  return t >= LIMITS.earliest && t <= now + LIMITS.aheadMs;
}

function date(p: Props, key: string, notes: FileNotes): string | null {
  const raw = p.get(key);
  const v = readDate(raw);
  if (v === 'unrepresentable') {
    notes.reject ??= `${key} "${shorten(raw)}" is outside the dates a computer clock can hold (±275,760 years)`;
    return null;
  }
  if (v === 'unreadable') {
    notes.badDates.add(key);
    return null;
  }
  if (v !== null && !isPlausibleDate(v, notes.now)) tally(notes.implausibleDates, key, raw);
  return v;
}

/** Graph's documented members; `unknownFutureValue` stands for members a client has not opted into. */
const RISK_LEVELS = ['low', 'medium', 'high', 'hidden', 'none', 'unknownFutureValue'];
const RISK_STATES = [
  'none',
  'confirmedSafe',
  'remediated',
  'dismissed',
  'atRisk',
  'confirmedCompromised',
  'unknownFutureValue',
];
/** What an enum member looks like on the wire: a camelCase name. */
const ENUM_NAME = /^[A-Za-z][A-Za-z0-9]{0,63}$/;

/**
 * An enum property: a documented member (any case), an undocumented but well-formed name kept as sent (Graph
 * adds members), or, for anything else (a number, free text, markup), `unknownFutureValue` with a warning.
 */
function enumValue(p: Props, key: string, notes: FileNotes, known?: readonly string[]): string {
  const v = p.get(key);
  if (v === null || v === undefined || v === '') return 'none';
  if (typeof v === 'string') {
    if (known) {
      const lower = v.toLowerCase();
      const member = known.find((k) => k.toLowerCase() === lower);
      if (member) return member;
    }
    if (ENUM_NAME.test(v)) {
      if (known) tally(notes.unknownValues, key, v);
      return v;
    }
  }
  tally(notes.badValues, key, v);
  return 'unknownFutureValue';
}

/** A detection type: a well-formed name as sent, anything else `unknownFutureValue`. */
function kindValue(p: Props, notes: FileNotes): string {
  const v = p.get('riskEventType');
  if (v === null || v === undefined || v === '') return '';
  if (typeof v === 'string' && ENUM_NAME.test(v)) return v;
  tally(notes.badValues, 'riskEventType', v);
  return 'unknownFutureValue';
}

function coordinate(p: Props, key: string, limit: number, notes: FileNotes): number | null {
  const n = p.num(key);
  if (n === null || Math.abs(n) <= limit) return n;
  tally(notes.badValues, `location.geoCoordinates.${key}`, n);
  return null;
}

function location(p: Props, notes: FileNotes): GeoLocation | null {
  const raw = p.get('location');
  if (raw === null || raw === undefined) return null;
  if (typeof raw === 'string') {
    if (PS_TYPE_NAME.test(raw)) notes.shallow.add('location');
    return null;
  }
  if (typeof raw !== 'object' || Array.isArray(raw)) return null;
  const l = new Props(raw as Json, notes);
  const geoRaw = l.get('geoCoordinates');
  let latitude: number | null = null;
  let longitude: number | null = null;
  if (geoRaw && typeof geoRaw === 'object' && !Array.isArray(geoRaw)) {
    const g = new Props(geoRaw as Json, notes);
    latitude = coordinate(g, 'latitude', 90, notes);
    longitude = coordinate(g, 'longitude', 180, notes);
  } else if (typeof geoRaw === 'string' && PS_TYPE_NAME.test(geoRaw))
    notes.shallow.add('location.geoCoordinates');
  const loc = {
    city: l.str('city') || null,
    state: l.str('state') || null,
    countryOrRegion: l.str('countryOrRegion') || null,
    latitude,
    longitude,
  };
  return loc.city || loc.state || loc.countryOrRegion || latitude !== null ? loc : null;
}

/** `additionalInfo` is a JSON string of `[{"Key":…,"Value":…}]`; anything else is kept raw. */
export function parseAdditionalInfo(raw: unknown): {
  entries: AdditionalInfoEntry[] | null;
  raw: string | null;
  isBad: boolean;
} {
  if (raw === null || raw === undefined || raw === '') return { entries: null, raw: null, isBad: false };
  let value: unknown = raw;
  let text = typeof raw === 'string' ? raw : null;
  if (text !== null) {
    if (text.length > LIMITS.additionalInfo || nestingBeyond(text, LIMITS.depth) !== -1) {
      text = text.length > LIMITS.additionalInfo ? text.slice(0, LIMITS.additionalInfo - 1) + '…' : text;
      return { entries: null, raw: text, isBad: true };
    }
    try {
      value = JSON.parse(text);
    } catch {
      return { entries: null, raw: text, isBad: true };
    }
  }
  const list = Array.isArray(value) ? value : value && typeof value === 'object' ? [value] : null;
  if (!list) return { entries: null, raw: text ?? JSON.stringify(raw), isBad: true };
  const entries: AdditionalInfoEntry[] = [];
  for (const item of list) {
    if (!item || typeof item !== 'object')
      return { entries: null, raw: text ?? JSON.stringify(raw), isBad: true };
    const p = new Props(item as Json);
    if (!p.has('key')) return { entries: null, raw: text ?? JSON.stringify(raw), isBad: true };
    const v = p.get('value') ?? null;
    entries.push({ key: p.str('key'), value: typeof v === 'string' ? p.str('value') : v });
  }
  return { entries, raw: text, isBad: false };
}

function odataType(p: Props): string {
  return p
    .str('@odata.type')
    .replace(/^#?microsoft\.graph\./i, '')
    .toLowerCase();
}

/** Recognises what a Graph object is by the properties only that kind has. */
export function recogniseKind(raw: Json): ObjectKind | undefined {
  const p = new Props(raw);
  const type = odataType(p);
  if (type === 'riskdetection') return 'riskDetection';
  if (type === 'riskyuser') return 'riskyUser';
  if (type === 'signin') return 'signIn';
  if (type === 'user') return 'user';
  if (type === 'directoryrole') return 'directoryRole';
  if (p.has('riskEventType') && (p.has('detectedDateTime') || p.has('activityDateTime')))
    return 'riskDetection';
  if (
    p.has('createdDateTime') &&
    (p.has('riskLevelDuringSignIn') || p.has('riskLevelAggregated') || p.has('riskEventTypes_v2'))
  )
    return 'signIn';
  if (
    p.has('riskLevel') &&
    p.has('riskState') &&
    !p.has('initiatedBy') &&
    (p.has('riskLastUpdatedDateTime') || p.has('isProcessing') || p.has('isDeleted'))
  )
    return 'riskyUser';
  if (p.has('roleTemplateId') && !p.has('userPrincipalName')) return 'directoryRole';
  if (
    p.has('userPrincipalName') &&
    [...Object.keys(raw)].some((k) => /^(onpremises|accountenabled)/i.test(k))
  )
    return 'user';
  return undefined;
}

function toRiskyUser(p: Props, notes: FileNotes): RiskyUser {
  return {
    id: p.str('id'),
    userPrincipalName: p.str('userPrincipalName'),
    userDisplayName: p.str('userDisplayName'),
    riskLevel: enumValue(p, 'riskLevel', notes, RISK_LEVELS),
    riskState: enumValue(p, 'riskState', notes, RISK_STATES),
    riskDetail: enumValue(p, 'riskDetail', notes),
    riskLastUpdatedDateTime: date(p, 'riskLastUpdatedDateTime', notes),
    isDeleted: p.bool('isDeleted'),
    isProcessing: p.bool('isProcessing'),
  };
}

function toDetection(p: Props, notes: FileNotes): RiskDetection {
  const info = parseAdditionalInfo(p.get('additionalInfo'));
  if (info.isBad) notes.badAdditionalInfo++;
  const ua = info.entries?.find((e) => e.key.toLowerCase() === 'useragent')?.value;
  return {
    id: p.str('id'),
    userId: p.str('userId'),
    userPrincipalName: p.str('userPrincipalName'),
    userDisplayName: p.str('userDisplayName'),
    riskEventType: kindValue(p, notes),
    riskLevel: enumValue(p, 'riskLevel', notes, RISK_LEVELS),
    riskState: enumValue(p, 'riskState', notes, RISK_STATES),
    riskDetail: enumValue(p, 'riskDetail', notes),
    detectionTimingType: p.str('detectionTimingType'),
    activity: p.str('activity'),
    source: p.str('source'),
    tokenIssuerType: p.str('tokenIssuerType'),
    ipAddress: p.str('ipAddress'),
    location: location(p, notes),
    activityDateTime: date(p, 'activityDateTime', notes),
    detectedDateTime: date(p, 'detectedDateTime', notes),
    lastUpdatedDateTime: date(p, 'lastUpdatedDateTime', notes),
    requestId: p.str('requestId'),
    correlationId: p.str('correlationId'),
    additionalInfo: info.entries,
    additionalInfoRaw: info.raw,
    userAgent: typeof ua === 'string' && ua ? ua : null,
  };
}

function toSignIn(p: Props, notes: FileNotes): RiskySignIn {
  const types = p.get('riskEventTypes_v2') ?? p.get('riskEventTypes');
  const status = p.get('status');
  return {
    id: p.str('id'),
    createdDateTime: date(p, 'createdDateTime', notes),
    userId: p.str('userId'),
    userPrincipalName: p.str('userPrincipalName'),
    userDisplayName: p.str('userDisplayName'),
    appDisplayName: p.str('appDisplayName'),
    clientAppUsed: p.str('clientAppUsed'),
    ipAddress: p.str('ipAddress'),
    location: location(p, notes),
    riskLevelDuringSignIn: enumValue(p, 'riskLevelDuringSignIn', notes, RISK_LEVELS),
    riskLevelAggregated: enumValue(p, 'riskLevelAggregated', notes, RISK_LEVELS),
    riskState: enumValue(p, 'riskState', notes, RISK_STATES),
    riskDetail: enumValue(p, 'riskDetail', notes),
    riskEventTypes: Array.isArray(types)
      ? types.filter((t): t is string => typeof t === 'string' && ENUM_NAME.test(t)).slice(0, 64)
      : [],
    errorCode: errorCode(status, notes),
  };
}

function errorCode(status: unknown, notes: FileNotes): number | null {
  if (!status || typeof status !== 'object' || Array.isArray(status)) return null;
  const n = new Props(status as Json).num('errorCode');
  if (n === null || Number.isSafeInteger(n)) return n;
  tally(notes.badValues, 'status.errorCode', n);
  return null;
}

function roleNames(p: Props): string[] | null {
  for (const key of ['transitiveMemberOf', 'memberOf']) {
    const list = p.get(key);
    if (!Array.isArray(list)) continue;
    return list
      .filter((m): m is Json => !!m && typeof m === 'object')
      .map((m) => new Props(m, p.notes))
      .filter((m) => odataType(m) === 'directoryrole' || m.has('roleTemplateId'))
      .map((m) => m.str('displayName') || m.str('roleTemplateId') || 'directory role');
  }
  return null;
}

function toUser(p: Props): DirectoryUser {
  return {
    id: p.str('id'),
    userPrincipalName: p.str('userPrincipalName'),
    displayName: p.str('displayName'),
    accountEnabled: p.bool('accountEnabled'),
    onPremisesSyncEnabled: p.bool('onPremisesSyncEnabled'),
    onPremisesSamAccountName: p.str('onPremisesSamAccountName') || null,
    onPremisesDomainName: p.str('onPremisesDomainName') || null,
    onPremisesDistinguishedName: p.str('onPremisesDistinguishedName') || null,
    roles: roleNames(p),
  };
}

/** 1-based line of a position, counted without splitting the text. */
function lineAt(text: string, pos: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < pos; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** JSON.parse's complaint, with a line number worked out from V8's "position N". */
function jsonProblem(text: string, e: unknown): { message: string; line?: number } {
  const msg = e instanceof Error ? e.message : String(e);
  const pos = /position (\d+)/.exec(msg);
  const line = pos ? lineAt(text, Number(pos[1])) : undefined;
  return { message: msg.length > 200 ? `${msg.slice(0, 197)}…` : msg, line };
}

/**
 * Where `[`/`{` nesting first goes deeper than `cap` outside strings, or -1: checked before JSON.parse and
 * without recursion, so a hostile file nested a million deep is refused instead of exhausting the stack.
 */
export function nestingBeyond(text: string, cap: number): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      // Skip the string, honouring backslash escapes.
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 92) i++;
        else if (d === 34) break;
      }
    } else if (c === 91 || c === 123) {
      if (++depth > cap) return i;
    } else if (c === 93 || c === 125) depth--;
  }
  return -1;
}

interface Page {
  context: string;
  hasNext: boolean;
}

/** Unwraps pages and arrays down to the objects, remembering each page's context and nextLink. Iterative. */
function collect(root: unknown, out: Json[], pages: Page[]): void {
  // A stack of lists still to walk, in order; depth is already capped, this only keeps the walk flat.
  const stack: { list: readonly unknown[]; at: number }[] = [{ list: [root], at: 0 }];
  while (stack.length) {
    const top = stack[stack.length - 1]!;
    if (top.at >= top.list.length) {
      stack.pop();
      continue;
    }
    const value = top.list[top.at++];
    if (Array.isArray(value)) {
      stack.push({ list: value, at: 0 });
      continue;
    }
    if (!value || typeof value !== 'object') continue;
    const p = new Props(value as Json);
    const list = p.get('value');
    if (
      Array.isArray(list) &&
      (p.has('@odata.context') || p.has('@odata.nextLink') || Object.keys(value).length <= 3)
    ) {
      pages.push({ context: p.str('@odata.context'), hasNext: !!p.str('@odata.nextLink') });
      stack.push({ list, at: 0 });
      continue;
    }
    out.push(value as Json);
  }
}

function newerOf<T>(a: T, b: T, stamp: (x: T) => string | null, now: number): T {
  // A stamp outside the plausible window never wins: a forged far-future copy cannot replace a real one.
  const s = (x: T) => {
    const v = stamp(x);
    return v && isPlausibleDate(v, now) ? v : '';
  };
  return s(b) > s(a) ? b : a;
}

const GOOD_EXPORT_HINT = [
  'Connect-MgGraph -Scopes IdentityRiskyUser.Read.All,IdentityRiskEvent.Read.All',
  'Get-MgRiskyUser -All | ConvertTo-Json -Depth 10 | Out-File risky-users.json -Encoding utf8',
  'Get-MgRiskDetection -All | ConvertTo-Json -Depth 10 | Out-File risk-detections.json -Encoding utf8',
].join('\n');

const EXPECTED = 'Microsoft Graph JSON with risky users or risk detections';

export interface ParseRiskOptions extends RunOptions {
  /** Epoch ms that "in the future" is measured from; defaults to now. */
  now?: number;
}

/** What one file gave, merged into the run only once the whole file was read. */
interface FileRead {
  riskyUsers: RiskyUser[];
  detections: RiskDetection[];
  signIns: RiskySignIn[];
  users: DirectoryUser[];
  roleMembers: [id: string, role: string][];
  pages: Page[];
  issues: RiskIssue[];
}

type Rejection = Pick<RiskIssue, 'code' | 'message'> & Partial<Pick<RiskIssue, 'line' | 'hint'>>;

/**
 * Reads one file inside its own boundary: returns what it holds, or why nothing in it can be used. Objects
 * with a value no Date can hold are skipped and counted; other odd values are replaced and noted once per field.
 */
function readFile(f: NamedBytes, summary: FileSummary, now: number): FileRead | Rejection {
  const unusable = unusableInput(f.name, f.bytes, { expected: EXPECTED, hint: GOOD_EXPORT_HINT });
  if (unusable) return { code: unusable.code, message: unusable.message, hint: GOOD_EXPORT_HINT };
  if (f.bytes.length > LIMITS.fileBytes) {
    return {
      code: 'too-large',
      message: `This file is ${Math.round(f.bytes.length / 2 ** 20).toLocaleString('en-US')} MiB; Risk triage reads files up to ${LIMITS.fileBytes / 2 ** 20} MiB. Export fewer days of detections per file (-Filter "detectedDateTime ge …").`,
      hint: GOOD_EXPORT_HINT,
    };
  }
  const { text } = decodeText(f.bytes, f.name);
  const deep = nestingBeyond(text, LIMITS.depth);
  if (deep !== -1) {
    return {
      code: 'too-deep',
      line: lineAt(text, deep),
      message: `This JSON nests more than ${LIMITS.depth} levels deep (line ${lineAt(text, deep)}); Graph exports nest about six, so this is not a Graph export and was not read.`,
      hint: GOOD_EXPORT_HINT,
    };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const problem = jsonProblem(text, e);
    // The Entra admin center's "Download" of risky users is a CSV: say so instead of quoting the JSON parser.
    const first = text.trimStart().slice(0, 1000).split(/\r?\n/, 1)[0] ?? '';
    if (!/^[[{]/.test(first) && /^"?[\w ]+"?([,;\t]"?[\w ().]+"?)+$/.test(first)) {
      return {
        code: 'bad-json',
        line: 1,
        message: `This is a CSV (header: ${shorten(first)}), like the Entra admin center's Download; Risk triage reads Graph JSON, which keeps ids, detections and dates exact.`,
        hint: GOOD_EXPORT_HINT,
      };
    }
    return {
      code: 'bad-json',
      line: problem.line,
      message: `This file is not valid JSON (${problem.message}). Risk triage reads Graph JSON: a saved Graph Explorer response or PowerShell output piped to ConvertTo-Json.`,
      hint: 'Get-MgRiskyUser -All | ConvertTo-Json -Depth 10 | Out-File risky-users.json -Encoding utf8',
    };
  }
  const objects: Json[] = [];
  const read: FileRead = {
    riskyUsers: [],
    detections: [],
    signIns: [],
    users: [],
    roleMembers: [],
    pages: [],
    issues: [],
  };
  collect(value, objects, read.pages);
  const notes = newNotes(now);
  let firstRejected = '';
  objects.forEach((raw, index) => {
    const kind = recogniseKind(raw);
    if (!kind) {
      summary.unknown++;
      return;
    }
    summary.counts[kind] = (summary.counts[kind] ?? 0) + 1;
    const p = new Props(raw, notes);
    notes.reject = undefined;
    if (kind === 'riskyUser') {
      const u = toRiskyUser(p, notes);
      if (!notes.reject) read.riskyUsers.push(u);
    } else if (kind === 'riskDetection') {
      const d = toDetection(p, notes);
      if (!notes.reject) read.detections.push(d);
    } else if (kind === 'signIn') {
      const s = toSignIn(p, notes);
      if (!notes.reject) read.signIns.push(s);
    } else if (kind === 'user') {
      read.users.push(toUser(p));
    } else {
      const name = p.str('displayName') || p.str('roleTemplateId') || 'directory role';
      const members = p.get('members');
      if (Array.isArray(members)) {
        for (const m of members) {
          if (!m || typeof m !== 'object') continue;
          const id = new Props(m as Json, notes).str('id');
          if (id) read.roleMembers.push([id, name]);
        }
      }
    }
    if (notes.reject) {
      summary.skipped++;
      firstRejected ||= `object ${index + 1}${p.str('id') ? ` (id ${p.str('id')})` : ''}: ${notes.reject}`;
    }
  });
  if (!objects.length || summary.unknown === objects.length) {
    return {
      code: 'not-graph',
      message: objects.length
        ? `None of the ${objects.length} objects in this file is a risky user, risk detection, sign-in or user, so it was skipped.`
        : 'This file holds no objects (an empty list or page).',
      hint: GOOD_EXPORT_HINT,
    };
  }
  const issues = read.issues;
  const note = (issue: Omit<RiskIssue, 'file'>) => issues.push({ ...issue, file: f.name });
  if (summary.skipped) {
    note({
      code: 'rejected-records',
      severity: 'warning',
      message: `${summary.skipped} object(s) skipped because a value cannot be held (first: ${firstRejected}); the rest of the file is used.`,
    });
  }
  if (summary.unknown) {
    note({
      code: 'unknown-objects',
      severity: 'info',
      message: `${summary.unknown} of ${objects.length} objects were not recognised and were skipped.`,
    });
  }
  if (notes.badAdditionalInfo) {
    note({
      code: 'bad-additional-info',
      severity: 'warning',
      path: 'additionalInfo',
      message: `${notes.badAdditionalInfo} detection(s) have an additionalInfo that is not the expected JSON list of Key/Value pairs; it is kept as text and the user agent is unknown.`,
    });
  }
  if (notes.badDates.size) {
    note({
      code: 'bad-date',
      severity: 'warning',
      path: [...notes.badDates].join(', '),
      message: `Some dates could not be read (expected ISO 8601 such as 2026-11-20T08:15:31Z, or /Date(ms)/); they are left empty.`,
    });
  }
  for (const [key, e] of notes.implausibleDates) {
    note({
      code: 'date-out-of-range',
      severity: 'warning',
      path: key,
      message: `${e.count} ${key} value(s) lie outside 1990 to two days from now (first: "${e.example}"); they are shown as written but never count as the newest copy or a recent detection.`,
    });
  }
  for (const [key, e] of notes.badValues) {
    note({
      code: 'bad-value',
      severity: 'warning',
      path: key,
      message: `${e.count} ${key} value(s) are not what Graph writes there (first: ${e.example}); they are treated as unknown (unknownFutureValue).`,
    });
  }
  for (const [key, e] of notes.unknownValues) {
    note({
      code: 'bad-value',
      severity: 'warning',
      path: key,
      message: `${e.count} ${key} value(s) are not among Graph's documented values (first: "${e.example}"); they are kept as sent and scored as another level.`,
    });
  }
  for (const [key, e] of notes.longValues) {
    note({
      code: 'long-value',
      severity: 'warning',
      path: key,
      message: `${e.count} ${key} value(s) are longer than ${LIMITS.text.toLocaleString('en-US')} characters (first: "${e.example}"); they were cut there.`,
    });
  }
  if (notes.shallow.size) {
    note({
      code: 'shallow-export',
      severity: 'warning',
      path: [...notes.shallow].join(', '),
      message:
        'Nested values were written as .NET type names (ConvertTo-Json stops at depth 2 by default), so locations are incomplete.',
      hint: 'Get-MgRiskDetection -All | ConvertTo-Json -Depth 10 | Out-File risk-detections.json -Encoding utf8',
    });
  }
  return read;
}

/**
 * Parses every file, each inside its own boundary: a file that cannot be used becomes an error issue naming it
 * and the reason (its summary says `rejected`), and the rest is still used. Adding a file changes nothing read
 * from the others except the documented de-duplication (the newest plausible copy of an object wins).
 */
export function parseRiskFiles(files: readonly NamedBytes[], opts: ParseRiskOptions = {}): ParsedRiskData {
  const now = opts.now ?? Date.now();
  const issues: RiskIssue[] = [];
  const summaries: FileSummary[] = [];
  const riskyUsers = new Map<string, RiskyUser>();
  const detections = new Map<string, RiskDetection>();
  const signIns = new Map<string, RiskySignIn>();
  const users = new Map<string, DirectoryUser>();
  // Keyed by ids from the files: no prototype, so an id of `__proto__` or `constructor` is just a key.
  const roles = Object.create(null) as Record<string, string[]>;
  const pagesByContext = new Map<string, { pages: number; withNext: number; files: string[] }>();
  let duplicates = 0;

  files.forEach((f, index) => {
    throwIfAborted(opts.signal);
    opts.onProgress?.(index, files.length);
    const summary: FileSummary = { file: f.name, counts: {}, unknown: 0, verdict: 'used', skipped: 0 };
    summaries.push(summary);
    let read: FileRead | Rejection;
    try {
      read = readFile(f, summary, now);
    } catch (e) {
      if (isAbortError(e)) throw e;
      read = {
        code: 'bug',
        message: `This file could not be read (${e instanceof Error ? e.message : String(e)}); the other files are used.`,
      };
    }
    if (!('riskyUsers' in read)) {
      summary.verdict = 'rejected';
      summary.reason = read.message;
      summary.counts = {};
      summary.skipped = 0;
      issues.push({ ...read, severity: 'error', file: f.name });
      return;
    }
    issues.push(...read.issues);
    for (const page of read.pages) {
      const key = page.context || f.name;
      const entry = pagesByContext.get(key) ?? { pages: 0, withNext: 0, files: [] };
      entry.pages++;
      if (page.hasNext) entry.withNext++;
      entry.files.push(f.name);
      pagesByContext.set(key, entry);
    }
    for (const u of read.riskyUsers) {
      const old = riskyUsers.get(u.id);
      if (old) duplicates++;
      riskyUsers.set(u.id, old ? newerOf(old, u, (x) => x.riskLastUpdatedDateTime, now) : u);
    }
    for (const d of read.detections) {
      const old = detections.get(d.id);
      if (old) duplicates++;
      detections.set(d.id, old ? newerOf(old, d, (x) => x.lastUpdatedDateTime, now) : d);
    }
    for (const s of read.signIns) {
      if (signIns.has(s.id)) duplicates++;
      else signIns.set(s.id, s);
    }
    for (const u of read.users) {
      const old = users.get(u.id);
      users.set(u.id, old ? { ...old, ...u, roles: u.roles ?? old.roles } : u);
    }
    for (const [id, name] of read.roleMembers) {
      const list = Object.hasOwn(roles, id) ? roles[id]! : (roles[id] = []);
      if (!list.includes(name)) list.push(name);
    }
  });
  opts.onProgress?.(files.length, files.length);

  // Users, sign-ins and roles only add to a triage: on their own there is nothing to triage, so say which
  // file is which instead of showing an empty queue.
  if (!riskyUsers.size && !detections.size) {
    for (const s of summaries) {
      if (s.verdict !== 'used') continue;
      const held = Object.entries(s.counts)
        .map(([k, n]) => `${n} ${KIND_WORDS[k as ObjectKind]}`)
        .join(', ');
      s.verdict = 'rejected';
      s.reason =
        s.counts.riskyUser || s.counts.riskDetection
          ? `Every risky user and risk detection in this file was skipped (${issues.find((i) => i.file === s.file && i.code === 'rejected-records')?.message ?? 'see the notes'}).`
          : `This file holds ${held || 'nothing usable'} but no risky users or risk detections: it adds sync status, roles or sign-ins to a triage and cannot be triaged on its own.`;
      issues.push({
        code: 'not-risk-data',
        severity: 'error',
        file: s.file,
        message: s.reason,
        hint: GOOD_EXPORT_HINT,
      });
    }
  }

  for (const [context, entry] of pagesByContext) {
    if (entry.withNext && entry.withNext === entry.pages) {
      issues.push({
        code: 'incomplete-pages',
        severity: 'warning',
        file: entry.files.join(', '),
        message: `Every page of ${/#([\w/]+)/.exec(context)?.[1] ?? 'this collection'} points to a further page (@odata.nextLink), so the last page is missing: counts may be low.`,
        hint: 'Invoke-MgGraphRequest -Uri "/v1.0/identityProtection/riskDetections" -OutputType Json — or Get-MgRiskDetection -All, which follows the pages itself.',
      });
    }
  }
  if (duplicates) {
    issues.push({
      code: 'duplicates',
      severity: 'info',
      message: `${duplicates} object(s) appeared in more than one file; the most recently updated copy of each was kept.`,
    });
  }
  for (const u of users.values())
    if (u.roles)
      roles[u.id] = [...new Set([...(Object.hasOwn(roles, u.id) ? roles[u.id]! : []), ...u.roles])];

  const allRisky = [...riskyUsers.values()];
  const allDetections = [...detections.values()];
  if ([...allRisky, ...allDetections].some((x) => x.riskLevel === 'hidden' || x.riskDetail === 'hidden')) {
    issues.push({
      code: 'hidden-risk',
      severity: 'info',
      message:
        '"hidden" risk values mean the tenant has no Microsoft Entra ID P2 for this data (or the reader lacks a role): ' +
        'the level is not known, it is not a level of its own. Triage treats it as "unknown".',
    });
  }
  return {
    riskyUsers: allRisky,
    detections: allDetections,
    signIns: [...signIns.values()],
    users: [...users.values()],
    roles,
    files: summaries,
    issues,
  };
}

const KIND_WORDS: Record<ObjectKind, string> = {
  riskyUser: 'risky user(s)',
  riskDetection: 'risk detection(s)',
  signIn: 'sign-in(s)',
  user: 'directory user(s)',
  directoryRole: 'directory role(s)',
};
