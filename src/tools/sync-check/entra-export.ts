/**
 * An Entra user export read into users: CSV of any flavour (Get-MgUser, Get-EntraUser, Get-MsolUser,
 * Get-AzureADUser) row by row, or Graph user objects (JSON, or a live Graph call).
 */
import { ColumnWatch } from '../../lib/csv/columns.ts';
import type { DecodedText } from '../../lib/csv/decode.ts';
import { readCsv } from '../../lib/csv/read.ts';
import { detectDateOrder } from '../../lib/culture/dates.ts';
import type { RunOptions } from '../../lib/issue.ts';
import { immutableIdKey } from './anchors.ts';
import { DateCheck, dateColumn, fieldOf, parseDate } from './dates.ts';
import { commandFor } from './export-commands.ts';
import {
  ENTRA_ALIASES,
  ENTRA_CONSEQUENCE,
  ENTRA_REQUIRED,
  EXPECTED,
  cell,
  columnIndexes,
  columnList,
  detectFlavour,
  mapFields,
  normHeader,
  refused,
  rejection,
  settleColumns,
  shared,
  usedColumns,
  type PendingRow,
  type ReadResult,
} from './export-columns.ts';
import { GuidColumn } from './guid-column.ts';
import type {
  EntraField,
  EntraUser,
  FileMapping,
  MappingOverride,
  ProvisioningError,
  SyncIssue,
  UnusableColumn,
} from './types.ts';
import { isTypeNameValue, lowerTrim, readBoolean, splitMulti } from './values.ts';

/** `Category|Property|Value|Time` entries joined with `;` (the recommended export), or JSON text. */
export function readProvisioningErrors(value: unknown): ProvisioningError[] {
  if (value === null || value === undefined || value === '') return [];
  if (typeof value === 'string') {
    const v = value.trim();
    if (!v || isTypeNameValue(v)) return [];
    if (v.startsWith('[') || v.startsWith('{')) {
      try {
        return readProvisioningErrors(JSON.parse(v));
      } catch {
        /* not JSON: read as text */
      }
    }
    const entries = v.split(/;|\r?\n/).filter((e) => e.trim());
    return entries.map((entry) => {
      const [category = '', property = '', val = '', time = ''] = entry.split('|');
      const d = parseDate(time, 'ymd', true);
      return {
        category: category.trim(),
        property: property.trim(),
        value: val.trim(),
        time: d?.iso ?? time.trim(),
      };
    });
  }
  const list = Array.isArray(value) ? value : [value];
  const out: ProvisioningError[] = [];
  for (const item of list) {
    if (!item || typeof item !== 'object') continue;
    const o = lowerKeys(item as Record<string, unknown>);
    // Graph: category/propertyCausingError/value/occurredDateTime; MSOnline: ErrorCategory/PropertyName/PropertyValue/WhenStarted.
    const time = o.get('occurreddatetime') ?? o.get('whenstarted');
    const d = parseDate(time, 'ymd', true);
    out.push({
      category: String(o.get('category') ?? o.get('errorcategory') ?? ''),
      property: String(o.get('propertycausingerror') ?? o.get('propertyname') ?? ''),
      value: String(o.get('value') ?? o.get('propertyvalue') ?? ''),
      time: d?.iso ?? (typeof time === 'string' ? time : ''),
    });
  }
  return out;
}

function lowerKeys(o: Record<string, unknown>): Map<string, unknown> {
  const m = new Map<string, unknown>();
  for (const k of Object.keys(o)) m.set(k.toLowerCase(), o[k]);
  return m;
}

function text(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return '';
}

function blockedToEnabled(block: boolean | null): boolean | null {
  return block === null ? null : !block;
}

/** Sync times repeat (one per sync cycle): each distinct text is read once. */
class SyncTimes {
  readonly #cache = new Map<string, string | null>();
  /** Texts whose time is out of range or unreadable: counted per user, but looked up only when there are some. */
  readonly #suspects = new Set<string>();
  readonly check = new DateCheck(true);
  constructor(readonly order: DateColumnOrder) {}
  read(v: unknown, line: number | null): string | null {
    if (typeof v !== 'string') {
      const iso = v === null || v === undefined ? null : (parseDate(v, this.order, true)?.iso ?? null);
      this.check.iso(iso, v, line);
      return iso;
    }
    let iso = this.#cache.get(v);
    if (iso === undefined) {
      iso = parseDate(v, this.order, true)?.iso ?? null;
      this.#cache.set(v, iso);
      if (this.check.isSuspect(iso, v)) this.#suspects.add(v);
    }
    if (this.#suspects.size !== 0 && this.#suspects.has(v)) this.check.iso(iso, v, line);
    return iso;
  }
}

/** The raw values of one Entra user, however they were read (CSV cells or Graph properties). */
type EntraValues = Record<EntraField, unknown>;

/** Shared by every user without errors (most of them): one array less per user to build and to post. Frozen. */
const NO_ERRORS = Object.freeze([]) as unknown as ProvisioningError[];

/** Member and Guest as one string each rather than one per user. */
function knownUserType(value: string): string {
  return value === 'Member' ? 'Member' : value === 'Guest' ? 'Guest' : value;
}

/** True for a guest: userType Guest, or a B2B UPN (`…#EXT#@tenant`). */
function isGuestUser(userType: string, upn: string): boolean {
  if (userType.length === 5 && userType.toLowerCase() === 'guest') return true;
  return upn.indexOf('#') !== -1 && upn.toUpperCase().includes('#EXT#');
}

/** An Entra user from its raw values; `lastSync` is left to the caller, which knows the column's date order. */
function makeEntraUser(v: EntraValues, i: number, file: string, line: number | null): EntraUser {
  const upn = text(v.upn);
  const userType = knownUserType(text(v.userType));
  const immutableId = text(v.immutableId).trim();
  const nick = text(v.mailNickname);
  const accountEnabled = readBoolean(v.accountEnabled);
  const errors = v.provisioningErrors;
  const created = v.created;
  return {
    i,
    file,
    line,
    id: lowerTrim(text(v.id)),
    upn,
    mail: shared(text(v.mail), upn),
    displayName: text(v.displayName),
    mailNickname: nick,
    userType,
    isGuest: isGuestUser(userType, upn),
    accountEnabled: accountEnabled ?? blockedToEnabled(readBoolean(v.blockCredential)),
    immutableId,
    anchor: immutableId ? immutableIdKey(immutableId) : null,
    syncEnabled: readBoolean(v.syncEnabled),
    lastSync: null,
    onPremDn: text(v.onPremDn),
    onPremSam: shared(text(v.onPremSam), nick),
    onPremUpn: shared(text(v.onPremUpn), upn),
    proxies: splitMulti(v.proxyAddresses),
    errors: errors === undefined || errors === '' ? NO_ERRORS : readProvisioningErrors(errors),
    created:
      typeof created === 'string'
        ? created
        : typeof created === 'number'
          ? (parseDate(created, 'ymd', true)?.iso ?? '')
          : '',
  };
}

function csvEntraValues(cells: readonly string[], c: Record<EntraField, number>): EntraValues {
  return {
    id: cell(cells, c.id),
    upn: cell(cells, c.upn),
    mail: cell(cells, c.mail),
    displayName: cell(cells, c.displayName),
    mailNickname: cell(cells, c.mailNickname),
    userType: cell(cells, c.userType),
    accountEnabled: cell(cells, c.accountEnabled),
    blockCredential: cell(cells, c.blockCredential),
    immutableId: cell(cells, c.immutableId),
    syncEnabled: cell(cells, c.syncEnabled),
    lastSync: cell(cells, c.lastSync),
    onPremDn: cell(cells, c.onPremDn),
    onPremSam: cell(cells, c.onPremSam),
    onPremUpn: cell(cells, c.onPremUpn),
    proxyAddresses: cell(cells, c.proxyAddresses),
    provisioningErrors: cell(cells, c.provisioningErrors),
    created: cell(cells, c.created),
  };
}

type DateColumnOrder = ReturnType<typeof dateColumn>['order'];

/** Reads an Entra CSV export's text straight into users, row by row, keeping no row. */
export function entraFromCsv(
  decoded: DecodedText,
  file: string,
  start: number,
  override?: MappingOverride['entra'],
  opts: RunOptions = {},
): ReadResult<EntraUser, EntraField> {
  let fields = {} as Record<EntraField, string | null>;
  let raw = {} as Record<EntraField, number>;
  let watch = new ColumnWatch([]);
  let isWrongFile = false;
  const users: EntraUser[] = [];
  const pending: PendingRow[] = [];
  const keys = new GuidColumn();
  const anchors = new GuidColumn();
  // Sync times wait as text only until some value proves the column's day/month order (the first few rows).
  const lastSyncText: string[] = [];
  let times: SyncTimes | undefined;
  const createdCheck = new DateCheck(true);
  const table = readCsv(decoded.text, {
    file,
    signal: opts.signal,
    onProgress: opts.onProgress,
    columns: (headers) => {
      fields = mapFields(headers, ENTRA_ALIASES, override);
      isWrongFile = detectFlavour(headers) === 'get-aduser' && !fields.immutableId;
      raw = columnIndexes(headers, fields);
      watch = new ColumnWatch(usedColumns(raw), isTypeNameValue);
      return isWrongFile ? [] : usedColumns(raw);
    },
    onRow: (cells, line) => {
      if (isWrongFile) return;
      if (watch.undecided.length && watch.see(cells))
        pending.push({ at: users.length, cells: cells.slice(), line });
      const u = makeEntraUser(csvEntraValues(cells, raw), start + users.length, file, line);
      if (raw.created >= 0) createdCheck.see(u.created, line);
      users.push(u);
      keys.push(u.id || null, false);
      anchors.push(u.anchor);
      if (raw.lastSync < 0) return;
      if (times) {
        u.lastSync = times.read(cells[raw.lastSync], line);
        return;
      }
      lastSyncText.push(cells[raw.lastSync]!);
      const n = lastSyncText.length;
      if ((n & (n - 1)) === 0) {
        // At 1, 2, 4, 8… rows: an order proven on a prefix is the order of the whole column.
        const format = detectDateOrder(lastSyncText);
        if (format && !format.isGuessed) {
          times = new SyncTimes(format.order);
          for (let r = 0; r < n; r++) users[r]!.lastSync = times.read(lastSyncText[r], users[r]!.line);
          lastSyncText.length = 0;
        }
      }
    },
  });
  const settled = settleColumns(
    { decoded, table, file, kind: 'entra', fields, raw, watch, pending },
    {
      aliases: ENTRA_ALIASES,
      wrongFile: isWrongFile
        ? () =>
            `${file} is an AD user export (Get-ADUser: DistinguishedName, ObjectGUID), not ${EXPECTED.entra}: drop it on the AD side.`
        : undefined,
      noKey: (index) =>
        index.id >= 0
          ? undefined
          : rejection(
              fields.id ? 'empty-column' : 'wrong-file',
              file,
              'entra',
              fields.id
                ? `${file}: the column "${fields.id}" is empty in every row, so its users cannot be identified. Expected ${EXPECTED.entra}.`
                : `${file} has no Id or ObjectId column, so its users cannot be identified: expected ${EXPECTED.entra}. Its columns: ${columnList(table.headers)}.`,
            ),
      rebuild: (p, c) => {
        const u = makeEntraUser(csvEntraValues(p.cells, c), start + p.at, file, p.line);
        u.lastSync = users[p.at]!.lastSync;
        users[p.at] = u;
        keys.set(p.at, u.id || null, false);
        anchors.set(p.at, u.anchor);
      },
    },
  );
  if (settled.rejected) return refused(settled, keys, anchors);
  const { mapping, issues, index: c } = settled;
  if (c.lastSync < 0) {
    // The column turned out unusable: no sync time was read from it.
    times = new SyncTimes('ymd');
    for (const u of users) u.lastSync = null;
  } else if (!times) {
    times = new SyncTimes(dateColumn(lastSyncText).order);
    for (let r = 0; r < users.length; r++) users[r]!.lastSync = times.read(lastSyncText[r], users[r]!.line);
  }
  if (c.lastSync >= 0) issues.push(...times.check.issues(file, fields.lastSync!));
  const createdOrder = c.created >= 0 ? dateColumn(fieldOf(users, (u) => u.created)).order : 'ymd';
  if (c.created >= 0) issues.push(...createdCheck.finish(createdOrder).issues(file, fields.created!));
  mapping.dateOrders = { lastSync: times.order, created: createdOrder };
  return { users, mapping, issues, keys, anchors };
}

/**
 * Graph user objects (from /users JSON, ConvertTo-Json of Get-MgUser, or a live Graph call): property names in
 * any case. Fields are looked up through a cache of key → field, since every object repeats the same keys.
 */
export function entraFromObjects(
  objects: readonly Record<string, unknown>[],
  file: string,
  start: number,
  override?: MappingOverride['entra'],
): ReadResult<EntraUser, EntraField> {
  const seen = new Set<string>();
  for (let k = 0; k < Math.min(objects.length, 200); k++)
    for (const key of Object.keys(objects[k]!)) seen.add(key);
  const headers = [...seen];
  const fields = mapFields(headers, ENTRA_ALIASES, override);
  const keyField = new Map<string, EntraField | null>();
  const wanted = new Map<string, EntraField>();
  for (const f of Object.keys(fields) as EntraField[]) {
    if (override && f in override) {
      const o = override[f];
      if (o) wanted.set(normHeader(o), f);
    } else for (const a of ENTRA_ALIASES[f]) if (!wanted.has(normHeader(a))) wanted.set(normHeader(a), f);
  }
  const present = new Set<EntraField>();
  const users: EntraUser[] = new Array(objects.length);
  const values = new Map<EntraField, unknown>();
  const fieldNames = Object.keys(ENTRA_ALIASES) as EntraField[];
  const times = new SyncTimes('ymd');
  const created = new DateCheck(true);
  for (let r = 0; r < objects.length; r++) {
    const o = objects[r]!;
    values.clear();
    for (const key in o) {
      let f = keyField.get(key);
      if (f === undefined) {
        f = wanted.get(normHeader(key)) ?? null;
        keyField.set(key, f);
      }
      if (f && !values.has(f)) {
        const v = o[key];
        if (v !== null && v !== undefined && v !== '') {
          values.set(f, v);
          present.add(f);
        }
      }
    }
    const v = {} as EntraValues;
    for (const f of fieldNames) v[f] = values.get(f);
    const u = makeEntraUser(v, start + r, file, null);
    u.lastSync = times.read(v.lastSync, null);
    if (typeof v.created === 'number') created.iso(u.created || null, v.created, null);
    else created.see(u.created, null);
    users[r] = u;
  }
  const issues: SyncIssue[] = [
    ...times.check.issues(file, fields.lastSync ?? ENTRA_ALIASES.lastSync[0]!),
    ...created.finish('ymd').issues(file, fields.created ?? ENTRA_ALIASES.created[0]!),
  ];
  const absent = objects.length === 0 ? noneAbsent() : absentFields(present, fields, file);
  issues.push(...absent.issues);
  const { unusable, isUnsure } = absent;
  const mapping: FileMapping<EntraField> = {
    file,
    kind: 'entra',
    flavour: 'graph-json',
    headers,
    fields,
    unusable,
    isUnsure,
    rows: objects.length,
    dateOrders: { lastSync: 'ymd', created: 'ymd' },
  };
  if (objects.length === 0 || !present.has('id')) {
    const rejected = rejection(
      objects.length === 0 ? 'no-users' : 'wrong-file',
      file,
      'entra',
      objects.length === 0
        ? `${file} holds no users: expected ${EXPECTED.entra}.`
        : `${file}: none of its ${objects.length} objects has an id, so they are not Entra users as Graph returns them: expected ${EXPECTED.entra}.`,
    );
    mapping.isUnsure = true;
    return {
      users: [],
      mapping,
      issues: [rejected],
      keys: new GuidColumn(),
      anchors: new GuidColumn(),
      rejected,
    };
  }
  return {
    users,
    mapping,
    issues,
    keys: GuidColumn.of(
      users.map((u) => u.id || null),
      false,
    ),
    anchors: GuidColumn.of(users.map((u) => u.anchor)),
  };
}

interface Absent {
  unusable: UnusableColumn[];
  isUnsure: boolean;
  issues: SyncIssue[];
}

function noneAbsent(): Absent {
  return { unusable: [], isUnsure: false, issues: [] };
}

/** Fields no Graph object has a value for: each said with what it hides, unusable when a property was mapped. */
function absentFields(
  present: ReadonlySet<EntraField>,
  fields: Record<EntraField, string | null>,
  file: string,
): Absent {
  const out = noneAbsent();
  for (const f of Object.keys(ENTRA_CONSEQUENCE) as EntraField[]) {
    if (present.has(f)) continue;
    if (ENTRA_REQUIRED.includes(f)) out.isUnsure = true;
    if (fields[f]) out.unusable.push({ column: fields[f]!, field: f, reason: 'empty' });
    out.issues.push({
      code: fields[f] ? 'empty-column' : 'missing-column',
      severity: 'warning',
      file,
      path: f,
      message: `No user has ${ENTRA_ALIASES[f][0]}: ${ENTRA_CONSEQUENCE[f]}.`,
      hint: `Ask Graph for it: /v1.0/users?$select=${'id,userPrincipalName,mail,userType,proxyAddresses,onPremisesImmutableId,onPremisesLastSyncDateTime,onPremisesProvisioningErrors'} — or export with:\n${commandFor('entra')}`,
    });
  }
  return out;
}
