import { describe, expect, it } from 'vitest';
import { viewIndices, type Column } from '../../lib/ui/table-view.ts';
import { compareCells, viewSliced, type ViewQuery } from './bulk-view.ts';

interface Row {
  name: string;
  n: number;
}

const columns: Column<Row>[] = [
  { id: 'name', header: 'Name', value: (r) => r.name },
  { id: 'n', header: 'N', value: (r) => r.n, numeric: true },
];

// Deterministic rows with repeats, so the sort has ties to keep in order.
const rows: Row[] = Array.from({ length: 5000 }, (_, i) => ({
  name: `id${(i * 7919) % 613}${i % 3 ? '' : ' alpha'}`,
  n: (i * 31) % 97,
}));

/** A clock that moves on 1 ms per read, and pauses counted: what the page would see, without real time. */
function fakePage() {
  let t = 0;
  const seen = { pauses: 0, reads: 0 };
  return {
    seen,
    opts: {
      now: () => (seen.reads++, t++),
      pause: async () => {
        seen.pauses++;
      },
      sliceMs: 8,
    },
  };
}

const same = (q: ViewQuery) => Array.from(viewIndices(rows, columns, q.filters, q.search, q.sort));

describe('viewSliced', () => {
  it.each<[string, ViewQuery]>([
    ['nothing', { search: '', filters: {} }],
    ['a search', { search: 'alpha', filters: {} }],
    ['a column filter and a search', { search: 'id1', filters: { n: '>40' } }],
    [
      'a sort by text (ties in input order)',
      { search: '', filters: {}, sort: { column: 'name', descending: false } },
    ],
    [
      'a descending numeric sort of a search',
      { search: 'alpha', filters: {}, sort: { column: 'n', descending: true } },
    ],
  ])('gives the same rows as DataTable for %s', async (_, q) => {
    const { opts } = fakePage();
    expect(Array.from(await viewSliced(rows, columns, (r) => r, q, opts))).toEqual(same(q));
  });

  it('gives the page its turn while it searches and while it sorts', async () => {
    const search = fakePage();
    await viewSliced(rows, columns, (r) => r, { search: 'alpha', filters: {} }, search.opts);
    // 5,000 rows, the clock read every 256 rows at 1 ms a read: a slice ends after 8 reads, about 2,000 rows.
    expect(search.seen.pauses).toBeGreaterThanOrEqual(2);

    const sort = fakePage();
    await viewSliced(
      rows,
      columns,
      (r) => r,
      { search: '', filters: {}, sort: { column: 'name', descending: false } },
      sort.opts,
    );
    expect(sort.seen.pauses).toBeGreaterThan(search.seen.pauses);
  });

  it('builds each row once for all its columns', async () => {
    let built = 0;
    const { opts } = fakePage();
    await viewSliced(rows, columns, (r) => (built++, r), { search: 'zzz', filters: { n: '>1' } }, opts);
    expect(built).toBe(rows.length);
  });

  it('stops when cancelled', async () => {
    const c = new AbortController();
    const { opts } = fakePage();
    const pass = viewSliced(
      rows,
      columns,
      (r) => r,
      { search: 'alpha', filters: {} },
      {
        ...opts,
        signal: c.signal,
        pause: async () => c.abort(),
      },
    );
    await expect(pass).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('orders cells as DataTable does: empty last, numbers as numbers, id2 before id10', () => {
    expect(['id10', '', 'id2', null, 'ID1'].sort(compareCells)).toEqual(['ID1', 'id2', 'id10', '', null]);
    expect([10, 9, 100].sort(compareCells)).toEqual([9, 10, 100]);
  });
});
