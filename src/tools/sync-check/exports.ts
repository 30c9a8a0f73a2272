/**
 * Column mapping across export flavours and the normalised users they become. Columns are found by name
 * (case-, space-, dash-insensitive aliases); a column that holds only .NET type names or nothing is unusable,
 * and the issue says what that hides and which command exports it properly.
 */
import { readCsv, type CsvTable } from '../../lib/csv/read.ts';
import type { NamedBytes, RunOptions } from '../../lib/issue.ts';
import { consistencyGuidOf, immutableIdKey, objectGuidOf } from './anchors.ts';
import { dateColumn, parseDate } from './dates.ts';
import { commandFor } from './export-commands.ts';
import type {
  AdField,
  AdUser,
  EntraField,
  EntraUser,
  ExportFlavour,
  FileMapping,
  MappingOverride,
  ProvisioningError,
  SyncIssue,
  UnusableColumn,
} from './model.ts';
import { isTypeNameValue, parentDn, readBoolean, splitMulti } from './values.ts';

export const AD_ALIASES: Record<AdField, string[]> = {
  dn: ['DistinguishedName', 'dn'],
  sam: ['SamAccountName', 'sAMAccountName', 'AccountName'],
  upn: ['UserPrincipalName', 'upn'],
  mail: ['mail', 'EmailAddress'],
  displayName: ['DisplayName'],
  mailNickname: ['mailNickname', 'Alias'],
  enabled: ['Enabled', 'AccountEnabled'],
  objectGuid: ['ObjectGUID', 'GUID'],
  consistencyGuid: ['mS-DS-ConsistencyGuid', 'ConsistencyGuid', 'msDSConsistencyGuid'],
  proxyAddresses: ['proxyAddresses', 'ProxyAddress'],
  isCritical: ['isCriticalSystemObject'],
  whenCreated: ['whenCreated', 'Created', 'createTimeStamp'],
  recipientTypeDetails: ['msExchRecipientTypeDetails'],
};

export const ENTRA_ALIASES: Record<EntraField, string[]> = {
  id: ['Id', 'ObjectId'],
  upn: ['UserPrincipalName'],
  mail: ['Mail'],
  displayName: ['DisplayName'],
  mailNickname: ['MailNickname'],
  userType: ['UserType'],
  accountEnabled: ['AccountEnabled'],
  blockCredential: ['BlockCredential'],
  immutableId: ['OnPremisesImmutableId', 'ImmutableId'],
  syncEnabled: ['OnPremisesSyncEnabled', 'DirSyncEnabled'],
  lastSync: ['OnPremisesLastSyncDateTime', 'LastDirSyncTime'],
  onPremDn: ['OnPremisesDistinguishedName'],
  onPremSam: ['OnPremisesSamAccountName'],
  onPremUpn: ['OnPremisesUserPrincipalName'],
  proxyAddresses: ['ProxyAddresses'],
  provisioningErrors: ['OnPremisesProvisioningErrors', 'ProvisioningErrors', 'DirSyncProvisioningErrors'],
  created: ['CreatedDateTime', 'WhenCreated'],
};

const AD_REQUIRED: AdField[] = ['objectGuid', 'dn'];
const ENTRA_REQUIRED: EntraField[] = ['id', 'immutableId'];

/** What the analysis cannot see without a field: said whenever a column is missing or unusable. */
export const AD_CONSEQUENCE: Partial<Record<AdField, string>> = {
  dn: 'OU scope cannot be evaluated (every user counts as in scope) and the deletion preview cannot see moves',
  sam: 'the default sync rules on sAMAccountName (none, MSOL_, AAD_, SUPPORT_388945a0) cannot be applied',
  upn: 'UPN conflicts, UPN checks and soft matches on UPN are not detectable',
  mail: 'duplicate mail values are not detectable',
  mailNickname: 'the SystemMailbox{…} and CAS_…} sync rules cannot be applied',
  objectGuid: 'no AD user can be matched to Entra',
  consistencyGuid:
    'users whose mS-DS-ConsistencyGuid differs from their objectGUID (moved between forests, restored, re-created) look unmatched: matching falls back to objectGUID',
  proxyAddresses:
    'proxy address conflicts, UPN-vs-proxy collisions, soft matches on primary SMTP and proxy checks are not detectable',
  isCritical: 'built-in accounts (isCriticalSystemObject) cannot be told apart from sync candidates',
};

export const ENTRA_CONSEQUENCE: Partial<Record<EntraField, string>> = {
  id: 'Entra users cannot be identified',
  upn: 'quarantined UPNs and soft matches on UPN are not detectable',
  mail: 'soft matches on mail are not detectable',
  immutableId: 'no Entra user can be matched to AD: every user would look cloud-only',
  proxyAddresses: 'soft matches on primary SMTP are not detectable',
  provisioningErrors: "Entra's own provisioning errors (onPremisesProvisioningErrors) are not shown",
  lastSync: 'the last sync time is unknown',
  userType: 'guests are recognised by #EXT# in the UPN only',
};

export function normHeader(h: string): string {
  return h.toLowerCase().replace(/[\s_\-.]/g, '');
}

function headerIndex(headers: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  headers.forEach((h, i) => {
    const k = normHeader(h);
    if (!m.has(k)) m.set(k, i);
  });
  return m;
}

/** The header chosen for each field: the override when given (null = none), else the first alias present. */
export function mapFields<F extends string>(
  headers: readonly string[],
  aliases: Record<F, string[]>,
  override: Partial<Record<F, string | null>> = {},
): Record<F, string | null> {
  const index = headerIndex(headers);
  const out = {} as Record<F, string | null>;
  for (const field of Object.keys(aliases) as F[]) {
    if (field in override) {
      const o = override[field];
      const i = o ? index.get(normHeader(o)) : undefined;
      out[field] = i === undefined ? null : headers[i]!;
      continue;
    }
    out[field] = null;
    for (const a of aliases[field]) {
      const i = index.get(normHeader(a));
      if (i !== undefined) {
        out[field] = headers[i]!;
        break;
      }
    }
  }
  return out;
}

/** Which cmdlet wrote the file, from its headers (case tells PascalCase SDK models from camelCase JSON). */
export function detectFlavour(headers: readonly string[]): ExportFlavour {
  const set = new Set(headers.map(normHeader));
  const has = (h: string) => set.has(normHeader(h));
  if (has('DistinguishedName') && (has('ObjectGUID') || has('SamAccountName')) && !has('ImmutableId'))
    return 'get-aduser';
  if (has('ObjectId') && has('Id')) return 'get-entrauser';
  if (has('ObjectId') && (has('DirSyncProvisioningErrors') || has('BlockCredential') || has('IsLicensed')))
    return 'get-msoluser';
  if (has('ObjectId') && (has('DirSyncEnabled') || has('ObjectType'))) return 'get-azureaduser';
  if (has('OnPremisesImmutableId') || (has('Id') && has('UserPrincipalName'))) return 'get-mguser';
  return 'unknown';
}

type Health = { reason: 'empty' } | { reason: 'type-name'; typeName: string } | null;

function csvColumnHealth(rows: readonly (readonly string[])[], idx: number): Health {
  let typeName: string | undefined;
  for (const row of rows) {
    const v = row[idx];
    if (!v) continue;
    if (v === typeName) continue;
    const t = v.trim();
    if (!t) continue;
    if (isTypeNameValue(t)) {
      typeName ??= t;
      continue;
    }
    return null;
  }
  return typeName ? { reason: 'type-name', typeName } : { reason: 'empty' };
}

interface Checked<F extends string> {
  index: Record<F, number>;
  unusable: UnusableColumn[];
  issues: SyncIssue[];
  isUnsure: boolean;
}

/** Resolves field → column index, drops unusable columns, and explains every missing or unusable one. */
function checkColumns<F extends string>(
  kind: 'ad' | 'entra',
  aliases: Record<F, string[]>,
  file: string,
  headers: readonly string[],
  fields: Record<F, string | null>,
  health: (idx: number) => Health,
): Checked<F> {
  const required = (kind === 'ad' ? AD_REQUIRED : ENTRA_REQUIRED) as string[];
  const consequence = (kind === 'ad' ? AD_CONSEQUENCE : ENTRA_CONSEQUENCE) as Partial<Record<string, string>>;
  const index = {} as Record<F, number>;
  const unusable: UnusableColumn[] = [];
  const issues: SyncIssue[] = [];
  let isUnsure = false;
  const missing: string[] = [];
  const hint = `Export with:\n${commandFor(kind)}`;
  for (const field of Object.keys(fields) as F[]) {
    const column = fields[field];
    index[field] = -1;
    const isRequired = required.includes(field);
    const why = consequence[field];
    if (column === null) {
      if (isRequired) isUnsure = true;
      if (why && !isRequired) missing.push(`${field} (${why})`);
      else if (why) {
        issues.push({
          code: 'missing-column',
          severity: isRequired ? 'error' : 'warning',
          file,
          path: field,
          message: `No column for ${field} (looked for ${aliases[field].join(', ')}): ${why}.`,
          hint,
        });
      }
      continue;
    }
    const i = headers.indexOf(column);
    const h = health(i);
    if (h) {
      unusable.push({
        column,
        field,
        reason: h.reason,
        typeName: h.reason === 'type-name' ? h.typeName : undefined,
      });
      if (isRequired) isUnsure = true;
      const what =
        h.reason === 'type-name'
          ? `holds the .NET type name "${h.typeName}" instead of values (Export-Csv cannot flatten it)`
          : 'is empty in every row (Get-MgUser returns only a few properties unless -Property names them)';
      if (why || h.reason === 'type-name') {
        issues.push({
          code: h.reason === 'type-name' ? 'type-name-column' : 'empty-column',
          severity: isRequired ? 'error' : 'warning',
          file,
          path: column,
          message: `Column "${column}" ${what}${why ? `: ${why}` : ''}.`,
          hint,
        });
      }
      continue;
    }
    index[field] = i;
  }
  if (missing.length) {
    issues.push({
      code: 'missing-column',
      severity: 'warning',
      file,
      message: `Not in this export: ${missing.join('; ')}.`,
      hint,
    });
  }
  return { index, unusable, issues, isUnsure };
}

function unusableTypeNameColumns(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  mapped: Set<string>,
): UnusableColumn[] {
  // Other type-name columns are listed too (the mapping panel shows them), without an issue each.
  const out: UnusableColumn[] = [];
  const first = rows[0];
  if (!first) return out;
  headers.forEach((column, i) => {
    if (mapped.has(column)) return;
    const v = first[i];
    if (v && isTypeNameValue(v)) out.push({ column, reason: 'type-name', typeName: v.trim() });
  });
  return out;
}

export interface ReadResult<U, F extends string> {
  users: U[];
  mapping: FileMapping<F>;
  issues: SyncIssue[];
}

const ENTRA_MARKERS = ['OnPremisesImmutableId', 'ImmutableId', 'OnPremisesSyncEnabled', 'LastDirSyncTime'];

/** Normalises an AD export already read as a table. `start` is the index the first user gets. */
export function adFromTable(
  table: CsvTable,
  file: string,
  kind: 'ad' | 'adAfter',
  start: number,
  override?: MappingOverride['ad'],
): ReadResult<AdUser, AdField> {
  const { headers, rows, lines } = table;
  const flavour = detectFlavour(headers);
  const fields = mapFields(headers, AD_ALIASES, override);
  const mapping: FileMapping<AdField> = {
    file,
    kind,
    flavour,
    headers,
    fields,
    unusable: [],
    isUnsure: false,
    rows: rows.length,
    dateOrders: {},
    encoding: table.meta.encoding,
    delimiter: table.meta.delimiter,
    typeName: table.meta.typeName,
  };
  const issues: SyncIssue[] = [...table.issues];
  const norm = new Set(headers.map(normHeader));
  if (!fields.dn && !fields.objectGuid && ENTRA_MARKERS.some((m) => norm.has(normHeader(m)))) {
    issues.push({
      code: 'wrong-file',
      severity: 'error',
      file,
      message:
        'This looks like an Entra export (it has ImmutableId/OnPremises* columns), not an AD export. Drop it on the Entra side.',
    });
    mapping.isUnsure = true;
    return { users: [], mapping, issues };
  }
  const checked = checkColumns('ad', AD_ALIASES, file, headers, fields, (i) => csvColumnHealth(rows, i));
  mapping.unusable = [
    ...checked.unusable,
    ...unusableTypeNameColumns(headers, rows, new Set(Object.values(fields).filter(Boolean) as string[])),
  ];
  mapping.isUnsure = checked.isUnsure;
  issues.push(...checked.issues);
  const c = checked.index;

  const created = c.whenCreated >= 0 ? dateColumn(rows.map((r) => r[c.whenCreated] ?? '')) : undefined;
  if (created) mapping.dateOrders.whenCreated = created.order;
  let badGuids = 0;
  const users: AdUser[] = new Array(rows.length);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    const dn = c.dn < 0 ? '' : (row[c.dn] ?? '');
    const og = c.objectGuid < 0 ? '' : (row[c.objectGuid] ?? '');
    const objectGuid = og ? objectGuidOf(og) : null;
    if (og && !objectGuid && ++badGuids <= 5) {
      issues.push({
        code: 'bad-guid',
        severity: 'warning',
        file,
        line: lines[r],
        path: fields.objectGuid ?? undefined,
        message: `"${og}" is not a GUID.`,
      });
    }
    const cgRaw = c.consistencyGuid < 0 ? '' : (row[c.consistencyGuid] ?? '');
    const consistencyGuid = cgRaw ? consistencyGuidOf(cgRaw) : null;
    const rtd = c.recipientTypeDetails < 0 ? '' : (row[c.recipientTypeDetails] ?? '').trim();
    users[r] = {
      i: start + r,
      file,
      line: lines[r] ?? 0,
      dn,
      ou: parentDn(dn),
      sam: c.sam < 0 ? '' : (row[c.sam] ?? ''),
      upn: c.upn < 0 ? '' : (row[c.upn] ?? ''),
      mail: c.mail < 0 ? '' : (row[c.mail] ?? ''),
      displayName: c.displayName < 0 ? '' : (row[c.displayName] ?? ''),
      mailNickname: c.mailNickname < 0 ? '' : (row[c.mailNickname] ?? ''),
      enabled: c.enabled >= 0 ? readBoolean(row[c.enabled]) : null,
      objectGuid,
      consistencyGuid,
      consistencyGuidRaw: cgRaw,
      anchor: consistencyGuid ?? objectGuid,
      anchorSource: consistencyGuid ? 'consistencyGuid' : objectGuid ? 'objectGuid' : null,
      proxies: c.proxyAddresses >= 0 ? splitMulti(row[c.proxyAddresses]) : [],
      isCritical: c.isCritical >= 0 && readBoolean(row[c.isCritical]) === true,
      whenCreated: c.whenCreated < 0 ? '' : (row[c.whenCreated] ?? ''),
      recipientTypeDetails: rtd && /^\d+$/.test(rtd) ? Number(rtd) : null,
    };
  }
  if (badGuids > 5) {
    issues.push({
      code: 'bad-guid',
      severity: 'warning',
      file,
      message: `${badGuids - 5} more objectGUID values are not GUIDs.`,
    });
  }
  if (created?.isGuessed) {
    issues.push({
      code: 'date-order-guessed',
      severity: 'info',
      file,
      path: fields.whenCreated ?? undefined,
      message: `No ${fields.whenCreated} value shows whether the day or the month comes first; read as ${created.order === 'dmy' ? 'day/month' : 'month/day'}.`,
    });
  }
  const sample = created ? users.find((u) => u.whenCreated.trim()) : undefined;
  if (created && sample && parseDate(sample.whenCreated, created.order, false)?.ms === null) {
    issues.push({
      code: 'ad-local-time',
      severity: 'info',
      file,
      path: fields.whenCreated ?? undefined,
      message: `${fields.whenCreated} has no time zone: it is the exporting machine's local time and is shown as written.`,
    });
  }
  return { users, mapping, issues };
}

export function readAdFile(
  file: NamedBytes,
  kind: 'ad' | 'adAfter',
  start: number,
  opts: RunOptions & { override?: MappingOverride['ad'] } = {},
): ReadResult<AdUser, AdField> {
  const table = readCsv(file.bytes, { file: file.name, signal: opts.signal, onProgress: opts.onProgress });
  return adFromTable(table, file.name, kind, start, opts.override);
}

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
  constructor(readonly order: DateColumnOrder) {}
  read(v: unknown): string | null {
    if (typeof v !== 'string')
      return v === null || v === undefined ? null : (parseDate(v, this.order, true)?.iso ?? null);
    let iso = this.#cache.get(v);
    if (iso === undefined) {
      iso = parseDate(v, this.order, true)?.iso ?? null;
      this.#cache.set(v, iso);
    }
    return iso;
  }
}

/** The values of one Entra user, however they were read; `get` returns the raw value of a field. */
function makeEntraUser(
  get: (f: EntraField) => unknown,
  i: number,
  file: string,
  line: number | null,
  times: SyncTimes,
): EntraUser {
  const upn = text(get('upn'));
  const userType = text(get('userType'));
  const immutableId = text(get('immutableId')).trim();
  const accountEnabled = readBoolean(get('accountEnabled'));
  const errors = get('provisioningErrors');
  const created = get('created');
  return {
    i,
    file,
    line,
    id: text(get('id')).trim().toLowerCase(),
    upn,
    mail: text(get('mail')),
    displayName: text(get('displayName')),
    mailNickname: text(get('mailNickname')),
    userType,
    isGuest: userType.toLowerCase() === 'guest' || upn.toUpperCase().includes('#EXT#'),
    accountEnabled: accountEnabled ?? blockedToEnabled(readBoolean(get('blockCredential'))),
    immutableId,
    anchor: immutableId ? immutableIdKey(immutableId) : null,
    syncEnabled: readBoolean(get('syncEnabled')),
    lastSync: times.read(get('lastSync')),
    onPremDn: text(get('onPremDn')),
    onPremSam: text(get('onPremSam')),
    onPremUpn: text(get('onPremUpn')),
    proxies: splitMulti(get('proxyAddresses')),
    errors: errors === undefined || errors === '' ? [] : readProvisioningErrors(errors),
    created:
      typeof created === 'string'
        ? created
        : typeof created === 'number'
          ? new Date(created).toISOString()
          : '',
  };
}

type DateColumnOrder = ReturnType<typeof dateColumn>['order'];

export function entraFromTable(
  table: CsvTable,
  file: string,
  start: number,
  override?: MappingOverride['entra'],
): ReadResult<EntraUser, EntraField> {
  const { headers, rows, lines } = table;
  const flavour = detectFlavour(headers);
  const fields = mapFields(headers, ENTRA_ALIASES, override);
  const mapping: FileMapping<EntraField> = {
    file,
    kind: 'entra',
    flavour,
    headers,
    fields,
    unusable: [],
    isUnsure: false,
    rows: rows.length,
    dateOrders: {},
    encoding: table.meta.encoding,
    delimiter: table.meta.delimiter,
    typeName: table.meta.typeName,
  };
  const issues: SyncIssue[] = [...table.issues];
  if (flavour === 'get-aduser' && !fields.immutableId) {
    issues.push({
      code: 'wrong-file',
      severity: 'error',
      file,
      message:
        'This looks like an AD export (DistinguishedName, ObjectGUID), not an Entra export. Drop it on the AD side.',
    });
    mapping.isUnsure = true;
    return { users: [], mapping, issues };
  }
  const checked = checkColumns('entra', ENTRA_ALIASES, file, headers, fields, (i) =>
    csvColumnHealth(rows, i),
  );
  mapping.unusable = [
    ...checked.unusable,
    ...unusableTypeNameColumns(headers, rows, new Set(Object.values(fields).filter(Boolean) as string[])),
  ];
  mapping.isUnsure = checked.isUnsure;
  issues.push(...checked.issues);
  const c = checked.index;
  const order = (f: EntraField) => (c[f] >= 0 ? dateColumn(rows.map((r) => r[c[f]] ?? '')).order : 'ymd');
  const times = new SyncTimes(order('lastSync'));
  mapping.dateOrders = { lastSync: times.order, created: order('created') };
  const users: EntraUser[] = new Array(rows.length);
  let row: readonly string[] = [];
  const get = (f: EntraField) => (c[f] >= 0 ? row[c[f]] : undefined);
  for (let r = 0; r < rows.length; r++) {
    row = rows[r]!;
    users[r] = makeEntraUser(get, start + r, file, lines[r] ?? null, times);
  }
  return { users, mapping, issues };
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
  const getValue = (f: EntraField) => values.get(f);
  const times = new SyncTimes('ymd');
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
    users[r] = makeEntraUser(getValue, start + r, file, null, times);
  }
  const issues: SyncIssue[] = [];
  const unusable: UnusableColumn[] = [];
  let isUnsure = false;
  for (const f of Object.keys(ENTRA_CONSEQUENCE) as EntraField[]) {
    if (present.has(f) || objects.length === 0) continue;
    const isRequired = ENTRA_REQUIRED.includes(f);
    if (isRequired) isUnsure = true;
    if (fields[f]) unusable.push({ column: fields[f]!, field: f, reason: 'empty' });
    issues.push({
      code: fields[f] ? 'empty-column' : 'missing-column',
      severity: isRequired ? 'error' : 'warning',
      file,
      path: f,
      message: `No user has ${ENTRA_ALIASES[f][0]}: ${ENTRA_CONSEQUENCE[f]}.`,
      hint: `Ask Graph for it: /v1.0/users?$select=${'id,userPrincipalName,mail,userType,proxyAddresses,onPremisesImmutableId,onPremisesLastSyncDateTime,onPremisesProvisioningErrors'} — or export with:\n${commandFor('entra')}`,
    });
  }
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
  return { users, mapping, issues };
}
