import { RowNav } from './row-nav.svelte.ts';
import { openingRow, registerTable } from './detail-focus.ts';

/** Height of a table row in px: what table.css draws and what the virtual window counts with. */
export const ROW = 34;
/** Rows rendered beyond each edge of the visible ones, so a short scroll shows rows already there. */
const OVERSCAN = 10;

/**
 * The scrolling area of a data table with virtual rows (DataTable, Sync check's RemoteTable, ImmutableID's
 * BulkTable): the scroll position and the window of row positions rendered from it, keyboard movement between
 * rows (RowNav, one tab stop), and the way back to a row after the detail it opened closes (detail-focus). Made
 * while the table component starts: the table is registered by its label in an effect of that component.
 */
export class TableScroll {
  /** The scrolling element (`bind:this`). */
  scroller = $state<HTMLElement | undefined>();
  /** The first pixel shown (the element's `scrollTop`, kept by its scroll event). */
  top = $state(0);
  /** Height of the scrolling area (`bind:clientHeight`). */
  viewport = $state(0);
  readonly nav: RowNav;
  readonly #o: TableScrollOptions;
  /** First row position rendered. */
  readonly first = $derived.by(() => Math.max(0, Math.floor(this.top / ROW) - OVERSCAN));
  /** Row position after the last one rendered. */
  readonly last = $derived.by(() =>
    Math.min(this.#o.count(), Math.ceil((this.top + this.viewport) / ROW) + OVERSCAN),
  );
  /** The row position holding the tab stop; -1 when a header button holds it. */
  readonly stop = $derived.by(() => this.nav.stopAt(this.first, this.last, this.top));

  constructor(o: TableScrollOptions) {
    this.#o = o;
    this.viewport = o.viewport;
    this.nav = new RowNav({
      count: o.count,
      rowHeight: ROW,
      scrollTo: (top) => {
        if (this.scroller) this.scroller.scrollTop = top;
        this.top = top;
      },
      open: o.open,
    });
    $effect(() => {
      this.nav.scroller = this.scroller;
      return registerTable(this.#o.label(), (pos, top) => this.nav.restore(pos, top));
    });
  }

  /** Row `pos` is about to open its detail: when the detail closes, focus comes back to that row. */
  opening(pos: number): void {
    openingRow(this.#o.label(), pos, this.top);
  }
}

interface TableScrollOptions {
  /** Accessible name of the table; a detail finds its way back to the table by it. */
  label: () => string;
  /** Rows in the shown order. */
  count: () => number;
  /** Height of the scrolling area assumed until it is measured, in px. */
  viewport: number;
  /** Enter or Space on a row. */
  open?: (pos: number) => void;
}
