import type { ToolInfo } from '../tools/types.ts';

/**
 * Ranks tools for a query: every word must appear in the title, summary or keywords; title and keyword
 * hits rank above summary hits, prefix hits above inner ones.
 */
export function searchTools(tools: readonly ToolInfo[], query: string): ToolInfo[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return [...tools];
  const scored: { tool: ToolInfo; score: number }[] = [];
  for (const tool of tools) {
    const title = tool.title.toLowerCase();
    const keywords = tool.keywords.map((k) => k.toLowerCase());
    const summary = tool.summary.toLowerCase();
    let score = 0;
    let all = true;
    for (const w of words) {
      let s = 0;
      if (title.startsWith(w) || tool.id.startsWith(w)) s = 6;
      else if (title.includes(w)) s = 4;
      else if (keywords.some((k) => k.startsWith(w))) s = 3;
      else if (keywords.some((k) => k.includes(w))) s = 2;
      else if (summary.includes(w)) s = 1;
      if (!s) {
        all = false;
        break;
      }
      score += s;
    }
    if (all) scored.push({ tool, score });
  }
  return scored.sort((a, b) => b.score - a.score).map((s) => s.tool);
}
