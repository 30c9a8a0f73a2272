/**
 * The result where it was computed. A 200,000 × 200,000 comparison is hundreds of MB of users, sets and
 * conflicts; cloning it to the page and rebuilding it there froze the tab for seconds. The worker keeps it here
 * and the page asks: a small summary at once, then the visible window of a table (search, filters and sort run
 * here), one user's detail, or an export as a Blob.
 */
import { toCsv, type CsvCell } from '../../lib/csv/write.ts';
import { compileFilter, type CellValue, type Column, type SortState } from '../../lib/ui/table-view.ts';
import { ATTRIBUTE_COLUMNS, LISTS, setColumns, sidesOf, type AttributeRow, type TableId } from './columns.ts';
import { parseDate } from './dates.ts';
import type {
  AdUser,
  ConflictEffect,
  DeletionPreview,
  Diagnosis,
  EntraUser,
  FileMapping,
  SetEntry,
  SuggestedOu,
  SyncCheckResult,
  SyncIssue,
  Totals,
} from './types.ts';
import { attributesCsv, issuesByAd, matchedEntries, STATUS_TEXT, toCliJson, unifiedCsv } from './report.ts';
import { Explainer, type ReasonColumns } from './reasons.ts';
import { buildRows, type Row } from './rows.ts';

/** Conflict items sent with the summary per kind; the rest are in the unified CSV. */
export const CONFLICT_LIMIT = 200;

export const CONFLICT_KINDS = [
  'upnVsOtherUsersProxy',
  'duplicateUpn',
  'duplicateProxySmtp',
  'duplicateMail',
  'anyAddressClaimedTwice',
] as const;
export type ConflictSection = (typeof CONFLICT_KINDS)[number];

export interface ConflictItem {
  value: string;
  members: { ad: number; name: string; role?: string }[];
  effects: ConflictEffect[];
}

export type DeletionSummary = Omit<
  DeletionPreview,
  'removedSynced' | 'movedOutOfScope' | 'removedButNeverSynced' | 'removedOutOfScope' | 'added'
> & {
  removedSynced: number;
  movedOutOfScope: number;
  removedButNeverSynced: number;
  removedOutOfScope: number;
  added: number;
};

/** Everything the page shows before any table is opened: counts, verdicts, the first conflicts, the files. */
export interface SyncSummary {
  totals: Totals;
  lastSyncTime: string | null;
  counts: Record<TableId, number>;
  conflicts: Record<ConflictSection, { count: number; items: ConflictItem[] }>;
  /** Conflicts as the summary card counts them: addresses claimed twice plus UPN-vs-proxy clashes. */
  conflictCount: number;
  deletion: DeletionSummary | null;
  suggestedOus: SuggestedOu[];
  diagnosis: Diagnosis[];
  scope: string[];
  mappings: FileMapping[];
  issues: SyncIssue[];
  /** A side that could not be read at all (empty, binary, wrong file): no comparison is shown. */
  unusable: SyncIssue[];
}

export interface RowsQuery {
  table: TableId;
  search: string;
  filters: Record<string, string>;
  sort?: SortState;
  offset: number;
  limit: number;
}

/** One table row as the page shows it: display text per column, in `columnsOf(table)` order. */
export interface WindowRow {
  pos: number;
  key: string;
  ad?: number;
  entra?: number;
  cells: string[];
}

export interface RowsWindow {
  table: TableId;
  offset: number;
  /** Rows in the table, and rows left after search and filters. */
  total: number;
  matching: number;
  rows: WindowRow[];
}

export interface UserDetailData {
  ad?: AdUser;
  entra?: EntraUser;
  adStatus: string;
  entraStatus: string;
  /** whenCreated read with its column's day/month order, ISO when readable. */
  created: string;
  /** Why this user is in its set (reasons.ts), in words. */
  reason: string;
  notes: string[];
}

export type ExportRequest =
  | { kind: 'unified' | 'attributes' | 'json' }
  | {
      kind: 'table';
      table: TableId;
      search: string;
      filters: Record<string, string>;
      sort?: SortState;
      columns: string[];
      delimiter: ',' | ';';
    };

interface Table<T> {
  rows: T[];
  columns: Column<T>[];
  entry: (row: T) => { ad?: number; entra?: number; key: string };
  view?: { key: string; idx: Int32Array };
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

function compareCells(a: CellValue, b: CellValue): number {
  const ae = a === null || a === undefined || a === '';
  const be = b === null || b === undefined || b === '';
  if (ae || be) return ae === be ? 0 : ae ? 1 : -1; // empty last
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return collator.compare(String(a), String(b));
}

function display<T>(c: Column<T>, row: T): string {
  const v = c.value(row);
  if (c.format) return c.format(v, row);
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return v.toLocaleString('en-US', { maximumFractionDigits: 2 });
  return String(v);
}

const userName = (u: AdUser | undefined) => (u ? u.sam || u.upn || u.dn : '');

export class ResultStore {
  readonly summary: SyncSummary;
  #notes: Map<number, string[]>;
  #why: Explainer;
  #tables = new Map<TableId, Table<unknown>>();

  constructor(readonly r: SyncCheckResult) {
    this.#notes = issuesByAd(r);
    this.#why = new Explainer(r);
    this.summary = this.#summarise();
  }

  #summarise(): SyncSummary {
    const r = this.r;
    const counts = {} as Record<TableId, number>;
    for (const l of LISTS) counts[l.id] = l.id === 'matched' ? r.totals.matched : r.sets[l.id].length;
    const d = r.deletionPreview;
    counts.deletions = d ? d.removedSynced.length + d.movedOutOfScope.length : 0;
    counts.attributes = r.attributes.length;
    const conflicts = {} as SyncSummary['conflicts'];
    for (const kind of CONFLICT_KINDS) {
      if (kind === 'upnVsOtherUsersProxy') {
        const list = r.conflicts.upnVsOtherUsersProxy;
        conflicts[kind] = {
          count: list.length,
          items: list.slice(0, CONFLICT_LIMIT).map((x) => ({
            value: x.address,
            members: [
              { ad: x.upnOwner, name: userName(r.ad[x.upnOwner]), role: 'UPN' },
              { ad: x.proxyHolder, name: userName(r.ad[x.proxyHolder]), role: 'proxy address' },
            ],
            effects: x.effects,
          })),
        };
      } else {
        const list = r.conflicts[kind];
        conflicts[kind] = {
          count: list.length,
          items: list.slice(0, CONFLICT_LIMIT).map((g) => ({
            value: g.value,
            members: g.ad.map((ad) => ({ ad, name: userName(r.ad[ad]) })),
            effects: g.effects,
          })),
        };
      }
    }
    return {
      totals: r.totals,
      lastSyncTime: r.lastSyncTime,
      counts,
      conflicts,
      conflictCount: r.conflicts.anyAddressClaimedTwice.length + r.conflicts.upnVsOtherUsersProxy.length,
      deletion: d
        ? {
            ...d,
            removedSynced: d.removedSynced.length,
            movedOutOfScope: d.movedOutOfScope.length,
            removedButNeverSynced: d.removedButNeverSynced.length,
            removedOutOfScope: d.removedOutOfScope.length,
            added: d.added.length,
          }
        : null,
      suggestedOus: r.suggestedOus,
      diagnosis: r.diagnosis,
      scope: r.scope,
      mappings: r.mappings,
      issues: r.issues,
      unusable: r.unusable,
    };
  }

  #entries(table: Exclude<TableId, 'attributes'>): readonly SetEntry[] {
    const r = this.r;
    if (table === 'matched') return matchedEntries(r);
    if (table === 'deletions') {
      const d = r.deletionPreview;
      if (!d) return [];
      return [...d.removedSynced, ...d.movedOutOfScope].map((i) => ({
        ad: i,
        entra: r.adEntra[i]! >= 0 ? r.adEntra[i] : undefined,
      }));
    }
    return r.sets[table];
  }

  #reasons(id: Exclude<TableId, 'attributes'>, entries: readonly SetEntry[]): ReasonColumns {
    const d = this.r.deletionPreview;
    if (id !== 'deletions' || !d) return this.#why.set(id === 'deletions' ? 'matched' : id, entries);
    // The deletions table lists removedSynced, then movedOutOfScope (see #entries).
    const removed = this.#why.deletion('removedSynced', d.removedSynced);
    const moved = this.#why.deletion('movedOutOfScope', d.movedOutOfScope);
    const n = d.removedSynced.length;
    const code = new Uint8Array(entries.length);
    code.set(removed.code);
    code.set(moved.code, n);
    const ou = new Map<number, string>();
    for (const [k, v] of moved.ou) ou.set(n + k, v);
    return {
      code,
      detail: [...removed.detail, ...moved.detail],
      adGuids: new Map(),
      entraIds: new Map(),
      ou,
    };
  }

  /** Rows are built the first time a table is asked for, and kept. */
  #table(id: TableId): Table<unknown> {
    let t = this.#tables.get(id);
    if (t) return t;
    if (id === 'attributes') {
      const rows: AttributeRow[] = this.r.attributes.map((f) => ({ ...f, user: userName(this.r.ad[f.ad]) }));
      const table: Table<AttributeRow> = {
        rows,
        columns: ATTRIBUTE_COLUMNS,
        entry: (f) => ({ ad: f.ad, key: `${f.ad}|${f.code}|${f.attribute}|${f.value}` }),
      };
      t = table as Table<unknown>;
    } else {
      const entries = this.#entries(id);
      const table: Table<Row> = {
        rows: buildRows(this.r, entries, this.#notes, this.#reasons(id, entries)),
        columns: setColumns(sidesOf(id)),
        entry: (row) => ({ ad: row.adIndex, entra: row.entraIndex, key: row.key }),
      };
      t = table as Table<unknown>;
    }
    this.#tables.set(id, t);
    return t;
  }

  /** Row positions after search, filters and sort; the last one is kept so scrolling only slices it. */
  #view(
    t: Table<unknown>,
    search: string,
    filters: Record<string, string>,
    sort: SortState | undefined,
  ): Int32Array {
    const key = JSON.stringify([search, filters, sort ?? null]);
    if (t.view?.key === key) return t.view.idx;
    const tests: { col: Column<unknown>; test: (v: CellValue) => boolean }[] = [];
    for (const col of t.columns) {
      const test = compileFilter(filters[col.id] ?? '', !!col.numeric);
      if (test) tests.push({ col, test });
    }
    const searchTest = compileFilter(search, false);
    const rows = t.rows;
    let idx = new Int32Array(rows.length);
    let n = 0;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i];
      let ok = true;
      for (const { col, test } of tests) {
        if (!test(col.value(row))) {
          ok = false;
          break;
        }
      }
      if (ok && searchTest) ok = t.columns.some((c) => searchTest(c.value(row)));
      if (ok) idx[n++] = i;
    }
    idx = idx.slice(0, n);
    const sortCol = sort && t.columns.find((c) => c.id === sort.column);
    if (sortCol) {
      const keys = new Array<CellValue>(rows.length);
      for (const i of idx) keys[i] = sortCol.value(rows[i]);
      const dir = sort.descending ? -1 : 1;
      // Stable: ties keep the input order.
      idx.sort((a, b) => compareCells(keys[a], keys[b]) * dir || a - b);
    }
    t.view = { key, idx };
    return idx;
  }

  rows(q: RowsQuery): RowsWindow {
    const t = this.#table(q.table);
    const idx = this.#view(t, q.search, q.filters, q.sort);
    const offset = Math.max(0, Math.min(q.offset, idx.length));
    const end = Math.min(idx.length, offset + Math.max(0, Math.min(q.limit, 1000)));
    const rows: WindowRow[] = [];
    for (let p = offset; p < end; p++) {
      const row = t.rows[idx[p]!];
      rows.push({ pos: p, ...t.entry(row), cells: t.columns.map((c) => display(c, row)) });
    }
    return { table: q.table, offset, total: t.rows.length, matching: idx.length, rows };
  }

  detail(ad: number | undefined, entra: number | undefined): UserDetailData {
    const r = this.r;
    const u = ad === undefined ? undefined : r.ad[ad];
    const j = entra ?? (ad === undefined ? -1 : (r.adEntra[ad] ?? -1));
    const e = j >= 0 ? r.entra[j] : undefined;
    const mapping = u ? r.mappings.find((m) => m.kind === 'ad' && m.file === u.file) : undefined;
    const order = (mapping?.dateOrders as Record<string, 'dmy' | 'mdy' | 'ymd'> | undefined)?.whenCreated;
    return {
      ad: u,
      entra: e,
      adStatus: u ? STATUS_TEXT[r.adStatus[ad!]!] + (r.adRule[ad!] ? ` — ${r.adRule[ad!]}` : '') : '',
      entraStatus: e ? STATUS_TEXT[r.entraStatus[j]!] + (e.isGuest ? ' (guest)' : '') : '',
      created: u?.whenCreated ? (parseDate(u.whenCreated, order ?? 'ymd', false)?.iso ?? u.whenCreated) : '',
      reason: this.#reasonOf(ad, j),
      notes: ad === undefined ? [] : (this.#notes.get(ad) ?? []),
    };
  }

  /** The user's reason as its set gives it; for a user in the deletion preview, that comes first. */
  #reasonOf(ad: number | undefined, j: number): string {
    const r = this.r;
    if (ad !== undefined) {
      const d = r.deletionPreview;
      const removal = d?.removedSynced.includes(ad)
        ? this.#why.deletionOf('removedSynced', ad).detail
        : d?.movedOutOfScope.includes(ad)
          ? this.#why.deletionOf('movedOutOfScope', ad).detail
          : '';
      const own = this.#why.ad(ad).detail;
      return removal ? `${own} ${removal}` : own;
    }
    if (j < 0) return '';
    const e = r.entra[j]!;
    const own = this.#why.entra(j).detail;
    return e.errors.length ? `${own} ${this.#why.provisioning(j).detail}` : own;
  }

  export(req: ExportRequest): Blob {
    const csv = 'text/csv;charset=utf-8';
    switch (req.kind) {
      case 'unified':
        return new Blob([unifiedCsv(this.r)], { type: csv });
      case 'attributes':
        return new Blob([attributesCsv(this.r)], { type: csv });
      case 'json':
        return new Blob([JSON.stringify(toCliJson(this.r), null, 2)], { type: 'application/json' });
      case 'table': {
        const t = this.#table(req.table);
        const idx = this.#view(t, req.search, req.filters, req.sort);
        const cols = req.columns
          .map((id) => t.columns.find((c) => c.id === id))
          .filter((c): c is Column<unknown> => !!c);
        const rows: CsvCell[][] = Array.from(idx, (i) => cols.map((c) => c.value(t.rows[i])));
        const text = toCsv(
          cols.map((c) => c.header),
          rows,
          { delimiter: req.delimiter, bom: true },
        );
        return new Blob([text], { type: csv });
      }
    }
  }
}
