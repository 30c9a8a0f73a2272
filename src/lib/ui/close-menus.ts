/**
 * Menus made of `<details>` (a summary that opens a panel, such as a table's Columns chooser) close the way menus
 * do: Escape (focus goes back to the summary, and the Escape goes no further), a click or tap outside the menu,
 * or focus moving out of it (Tab away, a tab switched, a row opened). Every table's Columns chooser has it (DataTable, Sync check's RemoteTable, ImmutableID's BulkTable):
 * `{@attach closeMenus('details.chooser')}`. Disclosures that are not menus are left alone by the selector.
 */
export function closeMenus(selector: string): (root: HTMLElement) => () => void {
  return (root) => {
    const open = () => [...root.querySelectorAll<HTMLDetailsElement>(selector)].filter((d) => d.open);
    const onkeydown = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      for (const d of open()) {
        const inside = d.contains(e.target as Node);
        d.open = false;
        if (inside) {
          // Handled here: a detail around the menu stays open.
          e.preventDefault();
          e.stopPropagation();
          d.querySelector<HTMLElement>('summary')?.focus();
        }
      }
    };
    const onpointerdown = (e: PointerEvent) => {
      for (const d of open()) if (!d.contains(e.target as Node)) d.open = false;
    };
    const onfocusout = (e: FocusEvent) => {
      const to = e.relatedTarget as Node | null;
      // No new focus (a click on plain text) is the pointer's business.
      if (!to) return;
      for (const d of open()) if (d.contains(e.target as Node) && !d.contains(to)) d.open = false;
    };
    root.addEventListener('keydown', onkeydown, true);
    root.addEventListener('focusout', onfocusout);
    document.addEventListener('pointerdown', onpointerdown, true);
    return () => {
      root.removeEventListener('keydown', onkeydown, true);
      root.removeEventListener('focusout', onfocusout);
      document.removeEventListener('pointerdown', onpointerdown, true);
    };
  };
}
