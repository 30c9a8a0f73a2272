import type { ToolInfo } from './types.ts';

/** Menu order; a tool folder not listed here still appears, after these. */
const ORDER = ['immutable-id', 'sync-check', 'dmarc', 'move-report', 'risk-triage'];

// Every `src/tools/<id>/index.ts` is metadata only (its view is a lazy import), so loading them all eagerly
// keeps the shell small and a new tool needs no edit here.
const modules = import.meta.glob<{ tool: ToolInfo }>('./*/index.ts', { eager: true });

const rank = (id: string) => {
  const i = ORDER.indexOf(id);
  return i === -1 ? ORDER.length : i;
};

export const tools: ToolInfo[] = Object.values(modules)
  .map((m) => m.tool)
  .sort((a, b) => rank(a.id) - rank(b.id) || a.title.localeCompare(b.title));

export function findTool(id: string | undefined): ToolInfo | undefined {
  return tools.find((t) => t.id === id);
}
