/**
 * Column mapping across export flavours and the normalised users they become. Columns are found by name
 * (case-, space-, dash-insensitive aliases); a column that holds only .NET type names or nothing is unusable,
 * and the issue says what that hides and which command exports it properly.
 */
import type { DecodedText } from '../../lib/csv/decode.ts';
import { readCsv } from '../../lib/csv/read.ts';
import type { RunOptions } from '../../lib/issue.ts';
import { consistencyGuidOf, immutableIdKey, objectGuidOf } from './anchors.ts';
import { detectDateOrder } from '../../lib/culture/dates.ts';
import { DateCheck, dateColumn, parseDate } from './dates.ts';
import { commandFor } from './export-commands.ts';
import { GuidColumn } from './guid-column.ts';
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
import { isTypeNameValue, lowerTrim, parentDn, readBoolean, splitMulti, unescapedComma } from './values.ts';

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
  displayName: 'blank or too long display names are not checked',
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

/**
 * Decides, row by row, whether each mapped column holds values: a column whose non-blank cells are all .NET type
 * names, or that has none, is unusable. Users are built while the file streams, before that is known; a blank
 * cell reads the same as an absent column, so only rows with a non-blank cell in a still-undecided column are
 * kept (`pending`) to be read again if that column turns out unusable.
 */
class ColumnHealth {
  /** Column indexes not yet proven to hold a value. */
  undecided: number[];
  readonly #typeNames = new Map<number, string>();
  readonly #ok = new Set<number>();

  constructor(columns: Iterable<number>) {
    this.undecided = [...new Set(columns)].filter((i) => i >= 0);
  }

  /** Looks at one row; true when it has a non-blank cell in a column still undecided after it. */
  see(cells: readonly string[]): boolean {
    let isPending = false;
    let isChanged = false;
    for (const i of this.undecided) {
      const v = cells[i];
      if (!v) continue;
      if (v === this.#typeNames.get(i)) {
        isPending = true;
        continue;
      }
      const t = v.trim();
      if (!t) {
        isPending = true;
        continue;
      }
      if (isTypeNameValue(t)) {
        if (!this.#typeNames.has(i)) this.#typeNames.set(i, t);
        isPending = true;
        continue;
      }
      this.#ok.add(i);
      isChanged = true;
    }
    if (isChanged) this.undecided = this.undecided.filter((i) => !this.#ok.has(i));
    return isPending && this.undecided.length > 0;
  }

  of(i: number): Health {
    if (this.#ok.has(i)) return null;
    const typeName = this.#typeNames.get(i);
    return typeName ? { reason: 'type-name', typeName } : { reason: 'empty' };
  }
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
          severity: 'warning',
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
          severity: 'warning',
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
  first: readonly string[] | undefined,
  mapped: Set<string>,
): UnusableColumn[] {
  // Other type-name columns are listed too (the mapping panel shows them), without an issue each.
  const out: UnusableColumn[] = [];
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
  /** Per user: the key users are de-duplicated on (AD objectGUID, Entra id) and the anchor, for the joins. */
  keys: GuidColumn;
  anchors: GuidColumn;
  /**
   * Set when the file cannot be used at all (a wrong export, a header without users, no key column): its users
   * are not counted. The same issue is in `issues`; the mapping is kept so the column panel can fix it.
   */
  rejected?: SyncIssue;
}

/** What each side expects, for the messages that refuse a file. */
export const EXPECTED: Record<'ad' | 'entra', string> = {
  ad: 'an AD user export (Get-ADUser … | Export-Csv)',
  entra: 'an Entra user export (Get-MgUser, Get-EntraUser or Get-MsolUser as CSV, or Graph /users JSON)',
};

const FLAVOUR_TEXT: Record<ExportFlavour, string> = {
  'get-aduser': 'an AD user export (Get-ADUser)',
  'get-mguser': 'an Entra user export (Get-MgUser)',
  'get-entrauser': 'an Entra user export (Get-EntraUser)',
  'get-msoluser': 'an Entra user export (Get-MsolUser)',
  'get-azureaduser': 'an Entra user export (Get-AzureADUser)',
  'graph-json': 'Entra users as Graph JSON',
  unknown: 'a CSV file',
};

/** An error that refuses one file: it names the file, says what it is and what was expected, and how to export. */
export function rejection(
  code: SyncIssue['code'],
  file: string,
  kind: 'ad' | 'entra' | 'adAfter',
  message: string,
): SyncIssue {
  return {
    code,
    severity: 'error',
    file,
    message,
    hint: `Export with:\n${commandFor(kind === 'entra' ? 'entra' : 'ad')}`,
  };
}

function columnList(headers: readonly string[]): string {
  const shown = headers.slice(0, 8).map((h) => `"${h.length > 40 ? `${h.slice(0, 40)}…` : h}"`);
  return headers.length > 8 ? `${shown.join(', ')} and ${headers.length - 8} more` : shown.join(', ');
}

function headerOnly(file: string, kind: 'ad' | 'entra' | 'adAfter'): SyncIssue {
  const side = kind === 'entra' ? 'entra' : 'ad';
  return rejection(
    'header-only',
    file,
    kind,
    `${file} has a header row but no users: expected ${EXPECTED[side]} with one row per user.`,
  );
}

const ENTRA_MARKERS = ['OnPremisesImmutableId', 'ImmutableId', 'OnPremisesSyncEnabled', 'LastDirSyncTime'];

/** Each field's column index as if every mapped column were usable; -1 when unmapped. */
function columnIndexes<F extends string>(
  headers: readonly string[],
  fields: Record<F, string | null>,
): Record<F, number> {
  const out = {} as Record<F, number>;
  for (const f of Object.keys(fields) as F[]) {
    const column = fields[f];
    out[f] = column === null ? -1 : headers.indexOf(column);
  }
  return out;
}

function usedColumns(index: Record<string, number>): number[] {
  return Object.values(index).filter((i) => i >= 0);
}

/** True when some field's column turned out unusable after the users were built from it. */
function hasDropped(raw: Record<string, number>, final: Record<string, number>): boolean {
  for (const f of Object.keys(raw)) if (raw[f] !== final[f]) return true;
  return false;
}

/** A row kept while one of its cells sat in a column not yet known to be usable. */
interface PendingRow {
  at: number;
  cells: string[];
  line: number;
}

function cell(cells: readonly string[], k: number): string {
  return k < 0 ? '' : (cells[k] ?? '');
}

/** msExchRecipientTypeDetails: a whole number Number holds exactly (its values reach 2^40), else null. */
function readWholeNumber(value: string): number | null {
  if (!value) return null;
  const t = value.trim();
  if (!t || t.length > 16 || !/^\d+$/.test(t)) return null;
  const n = Number(t);
  return Number.isSafeInteger(n) ? n : null;
}

/** `value`, or `same` when both hold the same text: one string kept instead of two (mail is usually the UPN). */
function shared(value: string, same: string): string {
  return value === same ? same : value;
}

/**
 * parentDn, reusing the string of a recent user's container: users of one OU come in runs, and one string per
 * OU instead of one per user leaves less for the garbage collector to copy.
 */
class Containers {
  readonly #recent: string[] = [];
  #next = 0;

  of(dn: string): string {
    const i = unescapedComma(dn);
    if (i === -1) return '';
    const c = dn.charCodeAt(i + 1);
    if (c <= 32 || c >= 128) return parentDn(dn);
    const length = dn.length - i - 1;
    for (const ou of this.#recent) if (ou.length === length && dn.endsWith(ou)) return ou;
    const ou = dn.slice(i + 1);
    this.#recent[this.#next] = ou;
    this.#next = (this.#next + 1) % 8;
    return ou;
  }
}

function adUser(
  cells: readonly string[],
  c: Record<AdField, number>,
  i: number,
  file: string,
  line: number,
  containers: Containers,
): AdUser {
  const dn = cell(cells, c.dn);
  const og = cell(cells, c.objectGuid);
  const objectGuid = og ? objectGuidOf(og) : null;
  const cgRaw = cell(cells, c.consistencyGuid);
  const consistencyGuid = cgRaw ? consistencyGuidOf(cgRaw) : null;
  const upn = cell(cells, c.upn);
  const sam = cell(cells, c.sam);
  return {
    i,
    file,
    line,
    dn,
    ou: containers.of(dn),
    sam,
    upn,
    mail: shared(cell(cells, c.mail), upn),
    displayName: cell(cells, c.displayName),
    mailNickname: shared(cell(cells, c.mailNickname), sam),
    enabled: c.enabled >= 0 ? readBoolean(cells[c.enabled]) : null,
    objectGuid,
    consistencyGuid,
    consistencyGuidRaw: cgRaw,
    anchor: consistencyGuid ?? objectGuid,
    anchorSource: consistencyGuid ? 'consistencyGuid' : objectGuid ? 'objectGuid' : null,
    proxies: c.proxyAddresses >= 0 ? splitMulti(cells[c.proxyAddresses]) : [],
    isCritical: c.isCritical >= 0 && readBoolean(cells[c.isCritical]) === true,
    whenCreated: cell(cells, c.whenCreated),
    recipientTypeDetails: readWholeNumber(cell(cells, c.recipientTypeDetails)),
  };
}

/**
 * Reads an AD export's text straight into users, row by row, keeping no row (only the mapped columns are even
 * cut out of the text). `start` is the index the first user gets.
 */
export function adFromCsv(
  decoded: DecodedText,
  file: string,
  kind: 'ad' | 'adAfter',
  start: number,
  override?: MappingOverride['ad'],
  opts: RunOptions = {},
): ReadResult<AdUser, AdField> {
  let fields = {} as Record<AdField, string | null>;
  let raw = {} as Record<AdField, number>;
  let health = new ColumnHealth([]);
  let isWrongFile = false;
  const users: AdUser[] = [];
  const pending: PendingRow[] = [];
  const badGuids: { line: number; value: string }[] = [];
  let badGuidCount = 0;
  let badNumbers = 0;
  const createdCheck = new DateCheck(false);
  let badNumber: { line: number; value: string } | undefined;
  const containers = new Containers();
  const keys = new GuidColumn();
  const anchors = new GuidColumn();
  const table = readCsv(decoded.text, {
    file,
    signal: opts.signal,
    onProgress: opts.onProgress,
    columns: (headers) => {
      fields = mapFields(headers, AD_ALIASES, override);
      const norm = new Set(headers.map(normHeader));
      isWrongFile = !fields.dn && !fields.objectGuid && ENTRA_MARKERS.some((m) => norm.has(normHeader(m)));
      raw = columnIndexes(headers, fields);
      health = new ColumnHealth(usedColumns(raw));
      return isWrongFile ? [] : usedColumns(raw);
    },
    onRow: (cells, line) => {
      if (isWrongFile) return;
      if (health.undecided.length && health.see(cells))
        pending.push({ at: users.length, cells: cells.slice(), line });
      const u = adUser(cells, raw, start + users.length, file, line, containers);
      if (raw.whenCreated >= 0) createdCheck.see(u.whenCreated, line);
      if (u.objectGuid === null && raw.objectGuid >= 0 && cells[raw.objectGuid]) {
        if (++badGuidCount <= 5) badGuids.push({ line, value: cells[raw.objectGuid]! });
      }
      if (u.recipientTypeDetails === null && raw.recipientTypeDetails >= 0) {
        const v = cells[raw.recipientTypeDetails]!;
        if (v && v.trim() && !isTypeNameValue(v) && ++badNumbers === 1) badNumber = { line, value: v };
      }
      users.push(u);
      keys.push(u.objectGuid, false);
      anchors.push(u.anchor);
    },
  });
  const headers = table.headers;
  const mapping: FileMapping<AdField> = {
    file,
    kind,
    flavour: detectFlavour(headers),
    headers,
    fields,
    unusable: [],
    isUnsure: false,
    rows: table.rowCount,
    dateOrders: {},
    encoding: decoded.encoding,
    delimiter: table.meta.delimiter,
    typeName: table.meta.typeName,
  };
  const issues: SyncIssue[] = [...decoded.issues, ...table.issues];
  if (isWrongFile) {
    const what =
      mapping.flavour === 'get-aduser' || mapping.flavour === 'unknown'
        ? 'an Entra user export'
        : FLAVOUR_TEXT[mapping.flavour];
    const rejected = rejection(
      'wrong-file',
      file,
      kind,
      `${file} is ${what} (it has ImmutableId/OnPremises* columns), not ${EXPECTED.ad}: drop it on the Entra side.`,
    );
    issues.push(rejected);
    mapping.isUnsure = true;
    return { users: [], mapping, issues, keys, anchors, rejected };
  }
  if (table.rowCount === 0) {
    const rejected = headerOnly(file, kind);
    issues.push(rejected);
    return { users: [], mapping, issues, keys, anchors, rejected };
  }
  const checked = checkColumns('ad', AD_ALIASES, file, headers, fields, (i) => health.of(i));
  if (checked.index.objectGuid < 0 && checked.index.consistencyGuid < 0) {
    const mapped = fields.objectGuid ?? fields.consistencyGuid;
    const rejected = rejection(
      mapped ? 'empty-column' : 'wrong-file',
      file,
      kind,
      mapped
        ? `${file}: the column "${mapped}" holds no GUIDs, so none of its users can be matched to Entra. Expected ${EXPECTED.ad} with ObjectGUID values.`
        : `${file} has no ObjectGUID or mS-DS-ConsistencyGuid column, so none of its users can be matched to Entra: expected ${EXPECTED.ad}. Its columns: ${columnList(headers)}.`,
    );
    issues.push(rejected);
    mapping.isUnsure = true;
    mapping.unusable = checked.unusable;
    return { users: [], mapping, issues, keys, anchors, rejected };
  }
  mapping.unusable = [
    ...checked.unusable,
    ...unusableTypeNameColumns(
      headers,
      table.firstRow,
      new Set(Object.values(fields).filter(Boolean) as string[]),
    ),
  ];
  mapping.isUnsure = checked.isUnsure;
  issues.push(...checked.issues);
  const c = checked.index;
  if (pending.length && hasDropped(raw, c)) {
    for (const p of pending) {
      const u = adUser(p.cells, c, start + p.at, file, p.line, containers);
      users[p.at] = u;
      keys.set(p.at, u.objectGuid, false);
      anchors.set(p.at, u.anchor);
    }
  }
  if (!users.some((u) => u.anchor !== null)) {
    const example = badGuids[0];
    const rejected = rejection(
      'bad-guid',
      file,
      kind,
      `${file}: none of its ${users.length.toLocaleString('en')} users has a GUID in ${[fields.objectGuid, fields.consistencyGuid].filter(Boolean).join(' or ')}${example ? ` (e.g. ${JSON.stringify(example.value.slice(0, 60))} on line ${example.line})` : ''}, so none can be matched to Entra: expected ${EXPECTED.ad}.`,
    );
    mapping.isUnsure = true;
    return {
      users: [],
      mapping,
      issues: [...decoded.issues, ...table.issues, rejected],
      keys: new GuidColumn(),
      anchors: new GuidColumn(),
      rejected,
    };
  }
  if (c.objectGuid >= 0) {
    for (const b of badGuids) {
      issues.push({
        code: 'bad-guid',
        severity: 'warning',
        file,
        line: b.line,
        path: fields.objectGuid ?? undefined,
        message: `"${b.value}" is not a GUID.`,
      });
    }
    if (badGuidCount > 5) {
      issues.push({
        code: 'bad-guid',
        severity: 'warning',
        file,
        message: `${badGuidCount - 5} more objectGUID values are not GUIDs.`,
      });
    }
  }
  if (badNumber && c.recipientTypeDetails >= 0) {
    issues.push({
      code: 'bad-number',
      severity: 'warning',
      file,
      line: badNumber.line,
      path: fields.recipientTypeDetails ?? undefined,
      message: `${badNumbers} ${fields.recipientTypeDetails} value${badNumbers === 1 ? ' is' : 's are'} not a whole number up to ${Number.MAX_SAFE_INTEGER.toLocaleString('en')} (e.g. ${JSON.stringify(badNumber.value.slice(0, 40))} on line ${badNumber.line}): read as empty.`,
    });
  }
  const created = c.whenCreated >= 0 ? dateColumn(users.map((u) => u.whenCreated)) : undefined;
  if (created) mapping.dateOrders.whenCreated = created.order;
  if (created?.isGuessed) {
    issues.push({
      code: 'date-order-guessed',
      severity: 'info',
      file,
      path: fields.whenCreated ?? undefined,
      message: `No ${fields.whenCreated} value shows whether the day or the month comes first; read as ${created.order === 'dmy' ? 'day/month' : 'month/day'}.`,
    });
  }
  if (created) issues.push(...createdCheck.finish(created.order).issues(file, fields.whenCreated!));
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
  return { users, mapping, issues, keys, anchors };
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
  let health = new ColumnHealth([]);
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
      health = new ColumnHealth(usedColumns(raw));
      return isWrongFile ? [] : usedColumns(raw);
    },
    onRow: (cells, line) => {
      if (isWrongFile) return;
      if (health.undecided.length && health.see(cells))
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
  const headers = table.headers;
  const mapping: FileMapping<EntraField> = {
    file,
    kind: 'entra',
    flavour: detectFlavour(headers),
    headers,
    fields,
    unusable: [],
    isUnsure: false,
    rows: table.rowCount,
    dateOrders: {},
    encoding: decoded.encoding,
    delimiter: table.meta.delimiter,
    typeName: table.meta.typeName,
  };
  const issues: SyncIssue[] = [...decoded.issues, ...table.issues];
  if (isWrongFile) {
    const rejected = rejection(
      'wrong-file',
      file,
      'entra',
      `${file} is an AD user export (Get-ADUser: DistinguishedName, ObjectGUID), not ${EXPECTED.entra}: drop it on the AD side.`,
    );
    issues.push(rejected);
    mapping.isUnsure = true;
    return { users: [], mapping, issues, keys, anchors, rejected };
  }
  if (table.rowCount === 0) {
    const rejected = headerOnly(file, 'entra');
    issues.push(rejected);
    return { users: [], mapping, issues, keys, anchors, rejected };
  }
  const checked = checkColumns('entra', ENTRA_ALIASES, file, headers, fields, (i) => health.of(i));
  if (checked.index.id < 0) {
    const rejected = rejection(
      fields.id ? 'empty-column' : 'wrong-file',
      file,
      'entra',
      fields.id
        ? `${file}: the column "${fields.id}" is empty in every row, so its users cannot be identified. Expected ${EXPECTED.entra}.`
        : `${file} has no Id or ObjectId column, so its users cannot be identified: expected ${EXPECTED.entra}. Its columns: ${columnList(headers)}.`,
    );
    issues.push(rejected);
    mapping.isUnsure = true;
    mapping.unusable = checked.unusable;
    return { users: [], mapping, issues, keys, anchors, rejected };
  }
  mapping.unusable = [
    ...checked.unusable,
    ...unusableTypeNameColumns(
      headers,
      table.firstRow,
      new Set(Object.values(fields).filter(Boolean) as string[]),
    ),
  ];
  mapping.isUnsure = checked.isUnsure;
  issues.push(...checked.issues);
  const c = checked.index;
  if (pending.length && hasDropped(raw, c)) {
    for (const p of pending) {
      const u = makeEntraUser(csvEntraValues(p.cells, c), start + p.at, file, p.line);
      u.lastSync = users[p.at]!.lastSync;
      users[p.at] = u;
      keys.set(p.at, u.id || null, false);
      anchors.set(p.at, u.anchor);
    }
  }
  if (c.lastSync < 0) {
    // The column turned out unusable: no sync time was read from it.
    times = new SyncTimes('ymd');
    for (const u of users) u.lastSync = null;
  } else if (!times) {
    times = new SyncTimes(dateColumn(lastSyncText).order);
    for (let r = 0; r < users.length; r++) users[r]!.lastSync = times.read(lastSyncText[r], users[r]!.line);
  }
  if (c.lastSync >= 0) issues.push(...times.check.issues(file, fields.lastSync!));
  const createdOrder = c.created >= 0 ? dateColumn(users.map((u) => u.created)).order : 'ymd';
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
  const unusable: UnusableColumn[] = [];
  let isUnsure = false;
  for (const f of Object.keys(ENTRA_CONSEQUENCE) as EntraField[]) {
    if (present.has(f) || objects.length === 0) continue;
    const isRequired = ENTRA_REQUIRED.includes(f);
    if (isRequired) isUnsure = true;
    if (fields[f]) unusable.push({ column: fields[f]!, field: f, reason: 'empty' });
    issues.push({
      code: fields[f] ? 'empty-column' : 'missing-column',
      severity: 'warning',
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
