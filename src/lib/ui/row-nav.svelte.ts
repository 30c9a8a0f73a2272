import { tick } from 'svelte';

const frame = () => new Promise<void>((r) => requestAnimationFrame(() => r()));

/**
 * One tab stop per table (roving tabindex): Tab reaches the table once, on the active row; arrow keys, Page
 * Up/Down and Home/End move between rows; Up from the first row reaches the column headers, where Left/Right
 * move and Down comes back. Rows are virtual, so a row is addressed by its position in the shown order.
 */
export class RowNav {
  /** Position of the row that holds the tab stop. */
  pos = $state(0);
  /** Focus was last in the header: a header button holds the tab stop. */
  inHead = $state(false);
  /** The header button that holds the tab stop when the header does. */
  headCol = $state(0);
  scroller: HTMLElement | undefined;

  constructor(
    private readonly o: {
      /** Rows in the shown order. */
      count: () => number;
      rowHeight: number;
      /** Scrolls the table so that `top` is the first pixel shown (and tells the virtual window at once). */
      scrollTo: (top: number) => void;
      /** Enter or Space on a row. */
      open?: (pos: number) => void;
    },
  ) {}

  /** The row position holding the tab stop, or -1 when the header holds it. */
  stopAt(first: number, last: number, scrollTop: number): number {
    const n = this.o.count();
    if (this.inHead || n === 0) return -1;
    const p = Math.min(this.pos, n - 1);
    if (p >= first && p < last) return p;
    // The active row scrolled out of the rendered window: the first row in view takes the stop.
    return Math.min(n - 1, Math.max(first, Math.floor(scrollTop / this.o.rowHeight)));
  }

  private row(pos: number): HTMLElement | null | undefined {
    return this.scroller?.querySelector<HTMLElement>(`tbody tr[data-pos="${pos}"]`);
  }

  /** Moves the tab stop to row `pos` and focuses it, scrolling it into the rendered window first. */
  async focusRow(pos: number): Promise<void> {
    const n = this.o.count();
    if (!n || !this.scroller) return;
    const p = Math.max(0, Math.min(n - 1, pos));
    this.pos = p;
    this.inHead = false;
    let el = this.row(p);
    if (!el) {
      this.o.scrollTo(Math.max(0, p * this.o.rowHeight - this.scroller.clientHeight / 2));
      await tick();
      // A worker-backed table answers with the window a little later.
      for (let i = 0; i < 30 && !(el = this.row(p)); i++) await frame();
    }
    el?.focus();
  }

  /** Back to a row after its detail closed: the scroll position it had, then the row itself. */
  restore(pos: number, scrollTop: number): void {
    this.o.scrollTo(scrollTop);
    void this.focusRow(pos);
  }

  async focusHead(): Promise<void> {
    this.inHead = true;
    await tick();
    this.scroller?.querySelector<HTMLElement>(`thead button[data-col="${this.headCol}"]`)?.focus();
  }

  /** Keys on a row. */
  rowKey(e: KeyboardEvent, pos: number): void {
    const page = Math.max(1, Math.floor((this.scroller?.clientHeight ?? 300) / this.o.rowHeight) - 2);
    const to: Record<string, number> = {
      ArrowDown: pos + 1,
      ArrowUp: pos - 1,
      PageDown: pos + page,
      PageUp: pos - page,
      Home: 0,
      End: this.o.count() - 1,
    };
    if (e.key === 'Enter' || e.key === ' ') {
      if (!this.o.open) return;
      e.preventDefault();
      this.o.open(pos);
    } else if (e.key === 'ArrowUp' && pos === 0) {
      e.preventDefault();
      void this.focusHead();
    } else if (e.key in to && !e.altKey && !e.metaKey) {
      e.preventDefault();
      void this.focusRow(to[e.key]!);
    }
  }

  /** Focus landed somewhere in the table (a click, a Tab): that row or header keeps the stop. */
  focusin(e: FocusEvent): void {
    const t = e.target as HTMLElement;
    const row = t.closest<HTMLElement>('tbody tr[data-pos]');
    if (row) {
      this.pos = Number(row.dataset.pos);
      this.inHead = false;
      return;
    }
    const head = t.closest<HTMLElement>('thead button[data-col]');
    if (head) {
      this.headCol = Number(head.dataset.col);
      this.inHead = true;
    }
  }
}
