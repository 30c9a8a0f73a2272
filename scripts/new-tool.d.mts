/** `log-search` → `LogSearch`. */
export function pascal(id: string): string;
/** The files of a new tool, by path from the repository root. */
export function toolFiles(id: string, title?: string): Record<string, string>;
/** Writes the tool under `root`, formatted with Prettier; refuses an id that is not kebab-case or exists. */
export function writeTool(root: string, id: string, title?: string): Promise<string[]>;
