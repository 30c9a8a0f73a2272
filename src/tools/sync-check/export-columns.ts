/**
 * Column mapping across export flavours, and the tail every CSV read of users ends in. Columns are found by name
 * (case-, space-, dash-insensitive aliases); a column that holds only .NET type names or nothing is unusable,
 * and the issue says what that hides and which command exports it properly.
 */
import type { ColumnVerdict, ColumnWatch } from '../../lib/csv/columns.ts';
import type { DecodedText } from '../../lib/csv/decode.ts';
import type { CsvTable } from '../../lib/csv/read.ts';
import { commandFor } from './export-commands.ts';
import type { GuidColumn } from './guid-column.ts';
import type { AdField, EntraField, ExportFlavour, FileMapping, SyncIssue, UnusableColumn } from './types.ts';
import { isTypeNameValue } from './values.ts';

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
export const ENTRA_REQUIRED: EntraField[] = ['id', 'immutableId'];

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
  health: (idx: number) => ColumnVerdict,
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

export const FLAVOUR_TEXT: Record<ExportFlavour, string> = {
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

export function columnList(headers: readonly string[]): string {
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

/** Each field's column index as if every mapped column were usable; -1 when unmapped. */
export function columnIndexes<F extends string>(
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

export function usedColumns(index: Record<string, number>): number[] {
  return Object.values(index).filter((i) => i >= 0);
}

/** True when some field's column turned out unusable after the users were built from it. */
function hasDropped(raw: Record<string, number>, final: Record<string, number>): boolean {
  for (const f of Object.keys(raw)) if (raw[f] !== final[f]) return true;
  return false;
}

/** A row kept while one of its cells sat in a column not yet known to be usable. */
export interface PendingRow {
  at: number;
  cells: string[];
  line: number;
}

export function cell(cells: readonly string[], k: number): string {
  return k < 0 ? '' : (cells[k] ?? '');
}

/** `value`, or `same` when both hold the same text: one string kept instead of two (mail is usually the UPN). */
export function shared(value: string, same: string): string {
  return value === same ? same : value;
}

/** What a CSV file read row by row leaves for `settleColumns`. */
export interface StreamedCsv<F extends string> {
  decoded: DecodedText;
  table: CsvTable;
  file: string;
  kind: FileMapping['kind'];
  fields: Record<F, string | null>;
  /** Each field's column as the rows were read, before any turned out unusable. */
  raw: Record<F, number>;
  watch: ColumnWatch;
  /** Rows read while one of their cells sat in a column not yet known to be usable. */
  pending: readonly PendingRow[];
}

export interface SettleRules<F extends string> {
  aliases: Record<F, string[]>;
  /** Set when the file is the other side's export: the message that refuses it. */
  wrongFile?: (flavour: ExportFlavour) => string;
  /** The refusal when no usable column identifies the users, else undefined. */
  noKey: (index: Record<F, number>) => SyncIssue | undefined;
  /** Builds the user of a pending row again, from the columns left usable. */
  rebuild: (row: PendingRow, index: Record<F, number>) => void;
}

export type Settled<F extends string> =
  | { mapping: FileMapping<F>; issues: SyncIssue[]; rejected: SyncIssue; index?: undefined }
  | { mapping: FileMapping<F>; issues: SyncIssue[]; rejected?: undefined; index: Record<F, number> };

/**
 * The tail of every streamed CSV read: the file's mapping, its refusal (the other side's export, a header
 * without users, no key column), the columns that turned out unusable, and the users read again whose cells
 * sat in such a column.
 */
export function settleColumns<F extends string>(read: StreamedCsv<F>, rules: SettleRules<F>): Settled<F> {
  const { decoded, table, file, kind, fields } = read;
  const headers = table.headers;
  const mapping: FileMapping<F> = {
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
  if (rules.wrongFile) {
    const rejected = rejection('wrong-file', file, kind, rules.wrongFile(mapping.flavour));
    issues.push(rejected);
    mapping.isUnsure = true;
    return { mapping, issues, rejected };
  }
  if (table.rowCount === 0) {
    const rejected = headerOnly(file, kind);
    issues.push(rejected);
    return { mapping, issues, rejected };
  }
  const side = kind === 'entra' ? 'entra' : 'ad';
  const checked = checkColumns(side, rules.aliases, file, headers, fields, (i) => read.watch.of(i));
  const noKey = rules.noKey(checked.index);
  if (noKey) {
    issues.push(noKey);
    mapping.isUnsure = true;
    mapping.unusable = checked.unusable;
    return { mapping, issues, rejected: noKey };
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
  const index = checked.index;
  if (read.pending.length && hasDropped(read.raw, index))
    for (const row of read.pending) rules.rebuild(row, index);
  return { mapping, issues, index };
}

/** A refused file's answer: its users are not counted. */
export function refused<U, F extends string>(
  settled: { mapping: FileMapping<F>; issues: SyncIssue[]; rejected: SyncIssue },
  keys: GuidColumn,
  anchors: GuidColumn,
): ReadResult<U, F> {
  return {
    users: [],
    mapping: settled.mapping,
    issues: settled.issues,
    keys,
    anchors,
    rejected: settled.rejected,
  };
}
