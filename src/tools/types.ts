import type { Component } from 'svelte';

/** A tool as the shell knows it: metadata only; the view loads on first visit. */
export interface ToolInfo {
  /** URL segment and CLI name, kebab-case: `#/immutable-id`. */
  id: string;
  title: string;
  /** One line for the home card. */
  summary: string;
  /** Words an admin might type into search: synonyms, cmdlets, error names. */
  keywords: string[];
  /** The file types it takes, shown on the card. */
  accepts?: string;
  load: () => Promise<{ default: Component<ToolViewProps> }>;
  /**
   * Only for a tool whose core runs on the page without a worker: why that is right for it. Every other tool has
   * a `worker.ts` (see "Tool shape" in docs/ARCHITECTURE.md; `src/tools/shape.test.ts` checks it).
   */
  inPage?: string;
}

/** Every tool view gets the part of the URL after its id, to keep small state (a pasted ID) shareable. */
export interface ToolViewProps {
  /** Query string after `#/<id>?`, parsed. */
  params: URLSearchParams;
  /** Replace the query part of the URL without adding history. */
  setParams: (params: URLSearchParams) => void;
}
