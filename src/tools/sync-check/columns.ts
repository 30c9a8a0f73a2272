/**
 * The result tables: which sets the view lists and their columns. Both sides of the worker boundary use this
 * file — the worker reads the values (search, filters, sort, CSV), the page only the headers, widths and order.
 */
import type { Column } from '../../lib/ui/table-view.ts';
import type { AttributeFinding, SetName } from './types.ts';
import type { Row } from './rows.ts';

export type Sides = 'ad' | 'entra' | 'both';
export type ListId = Exclude<SetName, 'entraNotInAd'> | 'matched';
export type TableId = ListId | 'deletions' | 'attributes';

export const LISTS: { id: ListId; label: string; sides: Sides }[] = [
  { id: 'adNotInEntra', label: 'AD only', sides: 'ad' },
  { id: 'entraCloudOnly', label: 'Cloud-only', sides: 'entra' },
  { id: 'entraOrphanedSynced', label: 'Orphaned', sides: 'entra' },
  { id: 'adOutOfScope', label: 'Out of scope', sides: 'both' },
  { id: 'adRuleFiltered', label: 'Rule-filtered', sides: 'ad' },
  { id: 'outOfScopeButInEntra', label: 'Out of scope, in Entra', sides: 'both' },
  { id: 'entraWithProvisioningErrors', label: 'Provisioning errors', sides: 'both' },
  { id: 'matched', label: 'Matched', sides: 'both' },
];

export function sidesOf(table: TableId): Sides {
  return LISTS.find((l) => l.id === table)?.sides ?? 'both';
}

export function setColumns(sides: Sides): Column<Row>[] {
  const adCols: Column<Row>[] = [
    { id: 'sam', header: 'sAMAccountName', value: (r) => r.ad?.sam ?? '', width: '10rem' },
    { id: 'upn', header: 'AD UPN', value: (r) => r.ad?.upn ?? '', mono: true, width: '16rem' },
    { id: 'adMail', header: 'AD mail', value: (r) => r.ad?.mail ?? '', mono: true, hidden: true },
    { id: 'adName', header: 'AD display name', value: (r) => r.ad?.displayName ?? '', width: '12rem' },
    { id: 'ou', header: 'OU', value: (r) => r.ad?.ou ?? '', width: '16rem' },
    {
      id: 'enabled',
      header: 'Enabled',
      value: (r) => (r.ad?.enabled === null || !r.ad ? '' : r.ad.enabled ? 'yes' : 'no'),
      width: '5rem',
      hidden: true,
    },
    { id: 'guid', header: 'objectGUID', value: (r) => r.ad?.objectGuid ?? '', mono: true, hidden: true },
  ];
  const entraCols: Column<Row>[] = [
    { id: 'eUpn', header: 'Entra UPN', value: (r) => r.e?.upn ?? '', mono: true, width: '16rem' },
    {
      id: 'eName',
      header: 'Entra display name',
      value: (r) => r.e?.displayName ?? '',
      width: '12rem',
      hidden: sides === 'both',
    },
    {
      id: 'type',
      header: 'User type',
      value: (r) => r.e?.userType ?? '',
      width: '6rem',
      hidden: sides !== 'entra',
    },
    {
      id: 'imm',
      header: 'ImmutableID',
      value: (r) => r.e?.immutableId ?? '',
      mono: true,
      width: '14rem',
      hidden: sides === 'ad',
    },
    {
      id: 'sync',
      header: 'Last sync (UTC)',
      value: (r) => r.e?.lastSync ?? '',
      width: '11rem',
      hidden: sides === 'ad',
      format: (v) => (typeof v === 'string' ? v.replace('T', ' ').replace(/\.\d+Z$/, '') : ''),
    },
    { id: 'id', header: 'Entra id', value: (r) => r.e?.id ?? '', mono: true, hidden: true },
  ];
  // Why the row is here, right after the name that identifies it: the first thing to read in every table.
  const reason: Column<Row> = { id: 'reason', header: 'Reason', value: (r) => r.reason, width: '30rem' };
  const [first, ...rest] = [...(sides === 'entra' ? [] : adCols), ...(sides === 'ad' ? [] : entraCols)];
  return [
    { id: 'status', header: 'Status', value: (r) => r.status, width: '11rem', hidden: sides !== 'both' },
    first!,
    reason,
    ...rest,
    { id: 'notes', header: 'Issues', value: (r) => r.notes, width: '22rem' },
    { id: 'reasonCode', header: 'Reason code', value: (r) => r.reasonCode, hidden: true, mono: true },
    { id: 'ids', header: 'All IDs', value: (r) => r.ids, hidden: true, mono: true },
  ];
}

/** An attribute finding with its user's name resolved (the page has no users to look it up in). */
export interface AttributeRow extends AttributeFinding {
  user: string;
}

export const ATTRIBUTE_COLUMNS: Column<AttributeRow>[] = [
  { id: 'sev', header: 'Severity', value: (f) => f.severity, width: '6rem' },
  { id: 'user', header: 'User', value: (f) => f.user, width: '10rem' },
  { id: 'attr', header: 'Attribute', value: (f) => f.attribute, width: '10rem' },
  { id: 'value', header: 'Value', value: (f) => f.value, mono: true, width: '16rem' },
  { id: 'rule', header: 'Rule', value: (f) => f.rule, width: '18rem' },
  { id: 'fix', header: 'Suggested fix', value: (f) => f.fix, width: '20rem' },
  { id: 'code', header: 'Check', value: (f) => f.code, hidden: true },
];

/** What the page needs of a column: no value function crosses the boundary. */
export interface ColumnMeta {
  id: string;
  header: string;
  width?: string;
  mono?: boolean;
  numeric?: boolean;
  hidden?: boolean;
}

export function columnsOf(table: TableId): ColumnMeta[] {
  const cols = table === 'attributes' ? ATTRIBUTE_COLUMNS : setColumns(sidesOf(table));
  return cols.map(({ id, header, width, mono, numeric, hidden }) => ({
    id,
    header,
    width,
    mono,
    numeric,
    hidden,
  }));
}
