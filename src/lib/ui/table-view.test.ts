import { describe, expect, it } from 'vitest';
import { viewIndices, compileFilter, type Column } from './table-view.ts';

interface Row {
  name: string;
  size: number;
}
const rows: Row[] = [
  { name: 'beta', size: 10 },
  { name: 'Alpha', size: 2 },
  { name: 'gamma', size: 30 },
  { name: '', size: 5 },
];
const columns: Column<Row>[] = [
  { id: 'name', header: 'Name', value: (r) => r.name },
  { id: 'size', header: 'Size', value: (r) => r.size, numeric: true },
];

describe('viewIndices', () => {
  it('sorts text case-insensitively with empty values last', () => {
    expect([...viewIndices(rows, columns, {}, '', { column: 'name', descending: false })]).toEqual([
      1, 0, 2, 3,
    ]);
  });
  it('sorts numbers descending', () => {
    expect([...viewIndices(rows, columns, {}, '', { column: 'size', descending: true })]).toEqual([
      2, 0, 3, 1,
    ]);
  });
  it('filters numbers by comparison and range', () => {
    expect([...viewIndices(rows, columns, { size: '>5' }, '', undefined)]).toEqual([0, 2]);
    expect([...viewIndices(rows, columns, { size: '2..10' }, '', undefined)]).toEqual([0, 1, 3]);
  });
  it('filters text with contains and !exclude, and searches all columns', () => {
    expect([...viewIndices(rows, columns, { name: 'a !gam' }, '', undefined)]).toEqual([0, 1]);
    expect([...viewIndices(rows, columns, {}, '30', undefined)]).toEqual([2]);
  });
  it('filters and sorts 500,000 rows correctly', () => {
    const big = Array.from({ length: 500_000 }, (_, i) => ({ name: `user${i}`, size: i % 1000 }));
    const idx = viewIndices(big, columns, { size: '>=999' }, '', { column: 'name', descending: true });
    expect(idx.length).toBe(500);
    expect(big[idx[0]!]!.name).toBe('user499999'); // numeric-aware: 499999 > 99999
  });
});

describe('compileFilter', () => {
  it('returns undefined for an empty filter', () => expect(compileFilter('  ', false)).toBeUndefined());
  it('treats a number filter on a text column as text', () =>
    expect(compileFilter('>5', false)!('a>5b')).toBe(true));
});
