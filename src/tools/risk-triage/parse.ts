/**
 * Reads exported Graph JSON, whatever wrote it: a page saved from Graph Explorer, `Invoke-MgGraphRequest` output,
 * an array of pages, or `Get-MgRiskyUser | ConvertTo-Json` with PascalCase names, `/Date(…)/` dates and nested
 * objects flattened to type names by a too-shallow `-Depth`. Each object's kind is recognised by its properties.
 */
import { decodeText } from '../../lib/csv/decode.ts';
import { throwIfAborted, type NamedBytes, type RunOptions } from '../../lib/issue.ts';
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

/** Case-insensitive view of an object: Graph writes camelCase, the PowerShell SDK PascalCase (`IPAddress`). */
class Props {
  readonly #map = new Map<string, unknown>();
  constructor(readonly raw: Json) {
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
  str(key: string): string {
    const v = this.get(key);
    return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
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

/** Per-file tallies of recoverable problems, reported once per file rather than once per object. */
interface FileNotes {
  badDates: Set<string>;
  badAdditionalInfo: number;
  shallow: Set<string>;
}

/** ISO 8601 in UTC, from Graph's ISO (up to 7 fractional digits), a zone-less ISO (UTC) or PowerShell 5.1's `/Date(ms)/`. */
export function normaliseDate(value: unknown): string | null | undefined {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value !== 'string') return undefined;
  const ms = /^\/Date\((-?\d+)([+-]\d{4})?\)\/$/.exec(value.trim());
  if (ms) return new Date(Number(ms[1])).toISOString();
  const iso = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2})?)(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/i.exec(
    value.trim(),
  );
  if (!iso) return undefined;
  const fraction = iso[3] ? iso[3].slice(0, 4) : '';
  const zone = iso[4]
    ? iso[4].toUpperCase() === 'Z'
      ? 'Z'
      : iso[4].replace(/^([+-]\d{2})(\d{2})$/, '$1:$2')
    : 'Z';
  const t = Date.parse(`${iso[1]}T${iso[2]}${fraction}${zone}`);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

function date(p: Props, key: string, notes: FileNotes): string | null {
  const v = normaliseDate(p.get(key));
  if (v === undefined) {
    notes.badDates.add(key);
    return null;
  }
  return v;
}

function location(p: Props, notes: FileNotes): GeoLocation | null {
  const raw = p.get('location');
  if (raw === null || raw === undefined) return null;
  if (typeof raw === 'string') {
    if (PS_TYPE_NAME.test(raw)) notes.shallow.add('location');
    return null;
  }
  if (typeof raw !== 'object' || Array.isArray(raw)) return null;
  const l = new Props(raw as Json);
  const geoRaw = l.get('geoCoordinates');
  let latitude: number | null = null;
  let longitude: number | null = null;
  if (geoRaw && typeof geoRaw === 'object') {
    const g = new Props(geoRaw as Json);
    latitude = g.num('latitude');
    longitude = g.num('longitude');
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
  const text = typeof raw === 'string' ? raw : null;
  if (text !== null) {
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
    entries.push({ key: p.str('key'), value: p.get('value') ?? null });
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
    riskLevel: p.str('riskLevel') || 'none',
    riskState: p.str('riskState') || 'none',
    riskDetail: p.str('riskDetail') || 'none',
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
    riskEventType: p.str('riskEventType'),
    riskLevel: p.str('riskLevel') || 'none',
    riskState: p.str('riskState') || 'none',
    riskDetail: p.str('riskDetail') || 'none',
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
    riskLevelDuringSignIn: p.str('riskLevelDuringSignIn') || 'none',
    riskLevelAggregated: p.str('riskLevelAggregated') || 'none',
    riskState: p.str('riskState') || 'none',
    riskDetail: p.str('riskDetail') || 'none',
    riskEventTypes: Array.isArray(types) ? types.filter((t): t is string => typeof t === 'string') : [],
    errorCode: status && typeof status === 'object' ? new Props(status as Json).num('errorCode') : null,
  };
}

function roleNames(p: Props): string[] | null {
  for (const key of ['transitiveMemberOf', 'memberOf']) {
    const list = p.get(key);
    if (!Array.isArray(list)) continue;
    return list
      .filter((m): m is Json => !!m && typeof m === 'object')
      .map((m) => new Props(m))
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

/** JSON.parse's complaint, with a line number worked out from V8's "position N". */
function jsonProblem(text: string, e: unknown): { message: string; line?: number } {
  const msg = e instanceof Error ? e.message : String(e);
  const pos = /position (\d+)/.exec(msg);
  const line = pos ? text.slice(0, Number(pos[1])).split('\n').length : undefined;
  return { message: msg, line };
}

interface Page {
  context: string;
  hasNext: boolean;
}

/** Unwraps pages and arrays down to the objects, remembering each page's context and nextLink. */
function collect(value: unknown, out: Json[], pages: Page[]): void {
  if (Array.isArray(value)) {
    for (const v of value) collect(v, out, pages);
    return;
  }
  if (!value || typeof value !== 'object') return;
  const p = new Props(value as Json);
  const list = p.get('value');
  if (
    Array.isArray(list) &&
    (p.has('@odata.context') || p.has('@odata.nextLink') || Object.keys(value).length <= 3)
  ) {
    pages.push({ context: p.str('@odata.context'), hasNext: !!p.str('@odata.nextLink') });
    for (const v of list) collect(v, out, pages);
    return;
  }
  out.push(value as Json);
}

function newerOf<T>(a: T, b: T, stamp: (x: T) => string | null): T {
  return (stamp(b) ?? '') > (stamp(a) ?? '') ? b : a;
}

/** Parses every file; bad files become issues and the rest is still used. */
export function parseRiskFiles(files: readonly NamedBytes[], opts: RunOptions = {}): ParsedRiskData {
  const issues: RiskIssue[] = [];
  const summaries: FileSummary[] = [];
  const riskyUsers = new Map<string, RiskyUser>();
  const detections = new Map<string, RiskDetection>();
  const signIns = new Map<string, RiskySignIn>();
  const users = new Map<string, DirectoryUser>();
  const roles: Record<string, string[]> = {};
  const pagesByContext = new Map<string, { pages: number; withNext: number; files: string[] }>();
  let duplicates = 0;

  files.forEach((f, index) => {
    throwIfAborted(opts.signal);
    opts.onProgress?.(index, files.length);
    const { text } = decodeText(f.bytes, f.name);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      const problem = jsonProblem(text, e);
      issues.push({
        code: 'bad-json',
        severity: 'error',
        file: f.name,
        line: problem.line,
        message: `This file is not valid JSON (${problem.message}). Risk triage reads Graph JSON: a saved Graph Explorer response or PowerShell output piped to ConvertTo-Json.`,
        hint: 'Get-MgRiskyUser -All | ConvertTo-Json -Depth 10 | Out-File risky-users.json -Encoding utf8',
      });
      summaries.push({ file: f.name, counts: {}, unknown: 0 });
      return;
    }
    const objects: Json[] = [];
    const pages: Page[] = [];
    collect(value, objects, pages);
    for (const page of pages) {
      const key = page.context || f.name;
      const entry = pagesByContext.get(key) ?? { pages: 0, withNext: 0, files: [] };
      entry.pages++;
      if (page.hasNext) entry.withNext++;
      entry.files.push(f.name);
      pagesByContext.set(key, entry);
    }
    const notes: FileNotes = { badDates: new Set(), badAdditionalInfo: 0, shallow: new Set() };
    const summary: FileSummary = { file: f.name, counts: {}, unknown: 0 };
    for (const raw of objects) {
      const kind = recogniseKind(raw);
      if (!kind) {
        summary.unknown++;
        continue;
      }
      summary.counts[kind] = (summary.counts[kind] ?? 0) + 1;
      const p = new Props(raw);
      if (kind === 'riskyUser') {
        const u = toRiskyUser(p, notes);
        const old = riskyUsers.get(u.id);
        if (old) duplicates++;
        riskyUsers.set(u.id, old ? newerOf(old, u, (x) => x.riskLastUpdatedDateTime) : u);
      } else if (kind === 'riskDetection') {
        const d = toDetection(p, notes);
        const old = detections.get(d.id);
        if (old) duplicates++;
        detections.set(d.id, old ? newerOf(old, d, (x) => x.lastUpdatedDateTime) : d);
      } else if (kind === 'signIn') {
        const s = toSignIn(p, notes);
        if (signIns.has(s.id)) duplicates++;
        signIns.set(s.id, s);
      } else if (kind === 'user') {
        const u = toUser(p);
        const old = users.get(u.id);
        users.set(u.id, old ? { ...old, ...u, roles: u.roles ?? old.roles } : u);
      } else {
        const name = p.str('displayName') || p.str('roleTemplateId') || 'directory role';
        const members = p.get('members');
        if (Array.isArray(members)) {
          for (const m of members) {
            if (!m || typeof m !== 'object') continue;
            const id = new Props(m as Json).str('id');
            if (!id) continue;
            const list = (roles[id] ??= []);
            if (!list.includes(name)) list.push(name);
          }
        }
      }
    }
    summaries.push(summary);
    if (!objects.length || summary.unknown === objects.length) {
      issues.push({
        code: 'not-graph',
        severity: 'error',
        file: f.name,
        message: objects.length
          ? `None of the ${objects.length} objects in this file is a risky user, risk detection, sign-in or user, so it was skipped.`
          : 'This file holds no objects (an empty list or page).',
        hint: [
          'Connect-MgGraph -Scopes IdentityRiskyUser.Read.All,IdentityRiskEvent.Read.All',
          'Get-MgRiskyUser -All | ConvertTo-Json -Depth 10 | Out-File risky-users.json -Encoding utf8',
          'Get-MgRiskDetection -All | ConvertTo-Json -Depth 10 | Out-File risk-detections.json -Encoding utf8',
        ].join('\n'),
      });
    } else if (summary.unknown) {
      issues.push({
        code: 'unknown-objects',
        severity: 'info',
        file: f.name,
        message: `${summary.unknown} of ${objects.length} objects were not recognised and were skipped.`,
      });
    }
    if (notes.badAdditionalInfo) {
      issues.push({
        code: 'bad-additional-info',
        severity: 'warning',
        file: f.name,
        path: 'additionalInfo',
        message: `${notes.badAdditionalInfo} detection(s) have an additionalInfo that is not the expected JSON list of Key/Value pairs; it is kept as text and the user agent is unknown.`,
      });
    }
    if (notes.badDates.size) {
      issues.push({
        code: 'bad-date',
        severity: 'warning',
        file: f.name,
        path: [...notes.badDates].join(', '),
        message: `Some dates could not be read (expected ISO 8601 such as 2026-11-20T08:15:31Z, or /Date(ms)/); they are left empty.`,
      });
    }
    if (notes.shallow.size) {
      issues.push({
        code: 'shallow-export',
        severity: 'warning',
        file: f.name,
        path: [...notes.shallow].join(', '),
        message:
          'Nested values were written as .NET type names (ConvertTo-Json stops at depth 2 by default), so locations are incomplete.',
        hint: 'Get-MgRiskDetection -All | ConvertTo-Json -Depth 10 | Out-File risk-detections.json -Encoding utf8',
      });
    }
  });
  opts.onProgress?.(files.length, files.length);

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
    if (u.roles) roles[u.id] = [...new Set([...(roles[u.id] ?? []), ...u.roles])];

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
