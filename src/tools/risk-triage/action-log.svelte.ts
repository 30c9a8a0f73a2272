/**
 * The audit of actions taken from the page in this tab: kept in sessionStorage (the tab's own, gone with it) so
 * the last actions stay listed when the tool is opened again, and downloadable as CSV at any time.
 */
import type { AuditEntry } from './actions.ts';

const KEY = 'ht.risk-triage.audit';
const MAX = 1000;

function load(): AuditEntry[] {
  try {
    const raw = sessionStorage.getItem(KEY);
    const list = raw ? (JSON.parse(raw) as unknown) : [];
    return Array.isArray(list) ? (list as AuditEntry[]) : [];
  } catch {
    return [];
  }
}

class ActionLog {
  entries = $state.raw<AuditEntry[]>(typeof sessionStorage === 'undefined' ? [] : load());

  add(entries: readonly AuditEntry[]): void {
    this.entries = [...entries, ...this.entries].slice(0, MAX);
    try {
      sessionStorage.setItem(KEY, JSON.stringify(this.entries));
    } catch {
      // Storage full or refused: the list stays in memory for this page.
    }
  }
}

export const actionLog = new ActionLog();
