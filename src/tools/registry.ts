import type { ToolInfo } from './types.ts';

/** Metadata of every tool, in menu order. Each view is a lazy chunk; this file must stay small. */
export const tools: ToolInfo[] = [];

export function findTool(id: string | undefined): ToolInfo | undefined {
  return tools.find((t) => t.id === id);
}
