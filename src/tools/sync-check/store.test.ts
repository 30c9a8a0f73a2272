import { describe, expect, it } from 'vitest';
import { columnsOf } from './columns.ts';
import { analyse } from './core.ts';
import { generate } from './generate.ts';
import { ResultStore, type RowsQuery } from './store.ts';

const g = generate({ withAfter: true, seed: 21, adStyle: 'ps7', entraStyle: 'mg', users: 300 });
const store = new ResultStore(analyse({ ad: [g.ad], entra: g.entra, adAfter: [g.adAfter!], scope: g.scope }));
const x = g.expected;
const query = (q: Partial<RowsQuery> & Pick<RowsQuery, 'table'>): RowsQuery => ({
  search: '',
  filters: {},
  offset: 0,
  limit: 100,
  ...q,
});
const cell = (table: RowsQuery['table'], id: string) => columnsOf(table).findIndex((c) => c.id === id);

describe('the result store the worker keeps', () => {
  it('summarises counts per list, conflicts and the deletion verdict without any user list', () => {
    const s = store.summary;
    expect(s.counts.adNotInEntra).toBe(x.sets.adNotInEntra.length);
    expect(s.counts.entraOrphanedSynced).toBe(x.sets.entraOrphanedSynced.length);
    expect(s.counts.matched).toBe(x.matchedPairs.length);
    expect(s.counts.deletions).toBe(x.deletion!.removedSynced.length + x.deletion!.movedOutOfScope.length);
    expect(s.conflicts.duplicateUpn.count).toBe(x.conflicts.duplicateUpn.length);
    expect(s.conflicts.upnVsOtherUsersProxy.items[0]!.value).toBe(
      x.conflicts.upnVsOtherUsersProxy[0]!.address,
    );
    expect(s.conflictCount).toBe(
      x.conflicts.anyAddressClaimedTwice.length + x.conflicts.upnVsOtherUsersProxy.length,
    );
    expect(s.deletion!.removedSynced).toBe(x.deletion!.removedSynced.length);
    expect(s.unusable).toEqual([]);
    // Small enough to post at once: no users, no per-user arrays.
    expect(JSON.stringify(s)).not.toContain(x.matchedPairs[0]!.adGuid);
  });

  it('serves a window of a table, with its position and both sides', () => {
    const all = store.rows(query({ table: 'matched', limit: 1000 }));
    expect(all.total).toBe(x.matchedPairs.length);
    expect(all.matching).toBe(x.matchedPairs.length);
    const w = store.rows(query({ table: 'matched', offset: 10, limit: 5 }));
    expect(w.rows.map((r) => r.pos)).toEqual([10, 11, 12, 13, 14]);
    expect(w.rows.map((r) => r.key)).toEqual(all.rows.slice(10, 15).map((r) => r.key));
    expect(w.rows.every((r) => r.ad !== undefined && r.entra !== undefined)).toBe(true);
    // Past the end: an empty window, the counts still right.
    const past = store.rows(query({ table: 'matched', offset: 1e9 }));
    expect(past.rows).toEqual([]);
    expect(past.matching).toBe(x.matchedPairs.length);
  });

  it('finds a user by any of its IDs, filters per column and sorts in the worker', () => {
    const guid = x.sets.adNotInEntra[0]!.adGuid!;
    const found = store.rows(query({ table: 'adNotInEntra', search: guid.toUpperCase() }));
    expect(found.matching).toBe(1);
    expect(found.rows[0]!.cells[cell('adNotInEntra', 'guid')]).toBe(guid);

    const sam = cell('matched', 'sam');
    const up = store.rows(
      query({ table: 'matched', sort: { column: 'sam', descending: false }, limit: 1000 }),
    );
    const names = up.rows.map((r) => r.cells[sam]!);
    expect(names).toEqual(
      [...names].sort((a, b) => a.localeCompare(b, undefined, { numeric: true, sensitivity: 'base' })),
    );
    const down = store.rows(query({ table: 'matched', sort: { column: 'sam', descending: true }, limit: 1 }));
    expect(down.rows[0]!.cells[sam]).toBe(names[names.length - 1]);

    const upn = cell('matched', 'upn');
    const filtered = store.rows(query({ table: 'matched', filters: { upn: 'dup.upn' }, limit: 1000 }));
    expect(filtered.matching).toBeGreaterThan(0);
    expect(filtered.matching).toBeLessThan(x.matchedPairs.length);
    expect(filtered.rows.every((r) => r.cells[upn]!.toLowerCase().includes('dup.upn'))).toBe(true);
  });

  it('lists attribute findings with the user named, and the expected deletions', () => {
    const attrs = store.rows(query({ table: 'attributes', limit: 1000 }));
    expect(attrs.matching).toBe(x.attributes.length);
    const user = cell('attributes', 'user');
    expect(attrs.rows.every((r) => r.ad !== undefined && r.cells[user] !== '')).toBe(true);
    const del = store.rows(query({ table: 'deletions', limit: 1000 }));
    expect(del.matching).toBe(x.deletion!.removedSynced.length + x.deletion!.movedOutOfScope.length);
    const guid = cell('deletions', 'guid');
    expect(del.rows.map((r) => r.cells[guid]).sort()).toEqual(
      [...x.deletion!.removedSynced, ...x.deletion!.movedOutOfScope].sort(),
    );
  });

  it('answers a user detail with both sides and the status in words', () => {
    const first = store.rows(query({ table: 'matched', limit: 1 })).rows[0]!;
    const d = store.detail(first.ad, undefined);
    expect(d.ad?.i).toBe(first.ad);
    expect(d.entra?.i).toBe(first.entra);
    expect(d.adStatus).toBe('Matched');
    expect(d.entraStatus.startsWith('Matched')).toBe(true);
  });

  it('builds exports as Blobs: the unified CSV has one row per identity', async () => {
    const text = await store.export({ kind: 'unified' }).text();
    const lines = text
      .replace(/^\ufeff/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toMatch(/^Status,AD ObjectGUID/);
    expect(lines.length - 1).toBe(g.counts.ad + x.sets.entraNotInAd.length);
    const guid = x.sets.adNotInEntra[0]!.adGuid!;
    const table = await store
      .export({
        kind: 'table',
        table: 'adNotInEntra',
        search: guid,
        filters: {},
        columns: ['sam', 'guid'],
        delimiter: ';',
      })
      .text();
    const rows = table
      .replace(/^\ufeff/, '')
      .trim()
      .split('\r\n');
    expect(rows[0]).toBe('sAMAccountName;objectGUID');
    expect(rows).toHaveLength(2);
    expect(rows[1]!.endsWith(`;${guid}`)).toBe(true);
  });
});

describe('the Reason column and the detail say why a row is in its table', () => {
  it('gives every AD-only row its reason, filterable by code', () => {
    const w = store.rows(query({ table: 'adNotInEntra', limit: 1000 }));
    const reason = cell('adNotInEntra', 'reason');
    expect(w.rows).toHaveLength(x.sets.adNotInEntra.length);
    for (const row of w.rows) expect(row.cells[reason]).not.toBe('');
    const codes = store.rows(query({ table: 'adNotInEntra', filters: { reasonCode: 'conflict' } }));
    expect(codes.matching).toBe(Object.values(x.adNotInEntraReasons).filter((c) => c === 'conflict').length);
    expect(codes.rows[0]!.cells[reason]).toMatch(
      /^Blocked by a conflict: duplicate mail shared@contoso\.com/,
    );
  });

  it('shows the new OU of a user moved out of scope, and the reason in the detail', () => {
    const w = store.rows(query({ table: 'deletions', limit: 1000 }));
    const reason = cell('deletions', 'reason');
    const moved = w.rows.filter((r) =>
      r.cells[reason]!.startsWith('Moved out of scope to OU=Disabled,OU=Corp'),
    );
    expect(moved).toHaveLength(x.deletion!.movedOutOfScope.length);
    expect(w.rows.filter((r) => r.cells[reason]!.startsWith('Removed from AD'))).toHaveLength(
      x.deletion!.removedSynced.length,
    );
    expect(store.detail(moved[0]!.ad, moved[0]!.entra).reason).toMatch(
      /^Joined on its source anchor .* Moved out of scope to OU=Disabled/,
    );
  });
});
