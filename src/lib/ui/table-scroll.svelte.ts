import { RowNav } from './row-nav.svelte.ts';
import { openingRow, registerTable } from './detail-focus.ts';

/**
 * The scrolling area of a data table with virtual rows (DataTable, Sync check's RemoteTable, ImmutableID's
 * BulkTable): the scroll position the rendered window is cut from, keyboard movement between rows (RowNav), and
 * the way back to a row after the detail it opened closes (detail-focus). Made while the table component starts:
 * the table is registered by its label in an effect of that component.
 */
export class TableScroll {
  /** The scrolling element (`bind:this`). */
  scroller = $state<HTMLElement | undefined>();
  /** The first pixel shown (the element's `scrollTop`, kept by its scroll event). */
  top = $state(0);
  readonly nav: RowNav;
  readonly #label: () => string;

  constructor(o: {
    /** Accessible name of the table; details find their way back to it by this. */
    label: () => string;
    /** Rows in the shown order. */
    count: () => number;
    rowHeight: number;
    /** Enter or Space on a row. */
    open?: (pos: number) => void;
  }) {
    this.#label = o.label;
    this.nav = new RowNav({
      count: o.count,
      rowHeight: o.rowHeight,
      scrollTo: (top) => {
        if (this.scroller) this.scroller.scrollTop = top;
        this.top = top;
      },
      open: o.open,
    });
    $effect(() => {
      this.nav.scroller = this.scroller;
      return registerTable(this.#label(), (pos, top) => this.nav.restore(pos, top));
    });
  }

  /** The row position holding the tab stop, given the rendered rows `first` to `last`; -1 for the header. */
  stopAt(first: number, last: number): number {
    return this.nav.stopAt(first, last, this.top);
  }

  /** Row `pos` is about to open its detail: when the detail closes, focus comes back to that row. */
  opening(pos: number): void {
    openingRow(this.#label(), pos, this.top);
  }
}
