/**
 * Keyboard flow between a table and the detail a row opens: the detail takes focus when it appears, and when it
 * closes focus goes back to the row that opened it — even if the table was replaced by the detail and mounted
 * again. Tables register by their label; a detail marks its root with `{@attach detailFocus}`.
 */

type FocusRow = (pos: number, scrollTop: number) => void;

const tables = new Map<string, FocusRow>();
let opener: { label: string; pos: number; scrollTop: number } | undefined;

/** A table is shown: rows can be focused again by position. Returns the unregister function. */
export function registerTable(label: string, focusRow: FocusRow): () => void {
  tables.set(label, focusRow);
  return () => {
    if (tables.get(label) === focusRow) tables.delete(label);
  };
}

/** A row is about to open its detail. */
export function openingRow(label: string, pos: number, scrollTop: number): void {
  opener = { label, pos, scrollTop };
}

const FOCUSABLE = 'h1, h2, h3, h4, [data-autofocus]';

/**
 * Attachment for a detail's root element: `{@attach detailFocus(onclose)}`. Escape inside the detail closes it
 * when `onclose` is given.
 */
export function detailFocus(onclose?: () => void): (node: HTMLElement) => () => void {
  return (node) => {
    const from = opener;
    opener = undefined;
    const target = node.querySelector<HTMLElement>(FOCUSABLE) ?? node;
    if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
    // Opened from somewhere that is not a row (a button, a link in a list): focus still moves in.
    target.focus();
    const onkeydown = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented || !onclose) return;
      // An open menu or dialog inside the detail closes first.
      if ((e.target as HTMLElement).closest('details[open], dialog')) return;
      e.preventDefault();
      onclose();
    };
    node.addEventListener('keydown', onkeydown);
    return () => {
      node.removeEventListener('keydown', onkeydown);
      if (!from) return;
      const active = document.activeElement;
      // Focus left the detail on its own (a click elsewhere, a Tab away): leave it there.
      if (active && active !== document.body && !node.contains(active)) return;
      // After the flush that removed the detail, so a table mounted in its place is registered.
      setTimeout(() => {
        const now = document.activeElement;
        if (now && now !== document.body && now !== document.documentElement) return;
        tables.get(from.label)?.(from.pos, from.scrollTop);
      });
    };
  };
}
