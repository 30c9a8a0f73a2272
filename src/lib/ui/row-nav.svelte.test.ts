import { describe, expect, it } from 'vitest';
import { RowNav } from './row-nav.svelte.ts';

const ROW = 34;
const nav = (count: number) => new RowNav({ count: () => count, rowHeight: ROW, scrollTo: () => {} });

describe('the one tab stop of a table', () => {
  it('is the active row while it is rendered', () => {
    const n = nav(1000);
    expect(n.stopAt(0, 30, 0)).toBe(0);
    n.pos = 12;
    expect(n.stopAt(0, 30, 0)).toBe(12);
  });

  it('moves to the first row in view when the active row scrolled out of the rendered window', () => {
    const n = nav(1000);
    n.pos = 3;
    // Scrolled to row 500: rows 490–530 are rendered, 500 is the first one seen.
    expect(n.stopAt(490, 530, 500 * ROW)).toBe(500);
  });

  it('stays within the rows when the filter leaves fewer than the active position', () => {
    const n = nav(5);
    n.pos = 40;
    expect(n.stopAt(0, 5, 0)).toBe(4);
  });

  it('is in the header when focus was last there, or when there are no rows', () => {
    const n = nav(10);
    n.inHead = true;
    expect(n.stopAt(0, 10, 0)).toBe(-1);
    expect(nav(0).stopAt(0, 0, 0)).toBe(-1);
  });
});
