import { emptyCollector, summarise, type Collector } from '../core.ts';
import { dayOf } from '../aggregate.ts';
import type { DmarcResult, FileVerdict } from '../types.ts';
import type { KeptReport } from './pack.ts';

/**
 * Kept reports enter the roll-up as a drop's reports do (`summarise` over a Collector), so every tab, drill-down
 * and export works the same on them. Their files are gone; each UTC day of kept reports stands in as one "file"
 * (`kept/2025-03-04`), so the Files tab says what is kept per day.
 */
export function keptCollector(items: readonly KeptReport[]): Collector {
  const c = emptyCollector();
  const files: FileVerdict[] = c.files;
  const verdictOf = new Map<string, number>();
  for (const it of items) {
    const path = `kept/${it.report.begin === null ? 'undated' : dayOf(it.report.begin)}`;
    let v = verdictOf.get(path);
    if (v === undefined) {
      v = files.length;
      verdictOf.set(path, v);
      files.push({ path, input: '', status: 'ok', reason: '', warnings: [], reports: 0, issues: [] });
    }
    files[v]!.reports++;
    c.reports.push(it.report);
    c.recordsByReport.push(it.records);
    c.verdictOfReport.push(v);
  }
  return c;
}

/** The same result a drop of these reports gives, as far as reports say (no file problems: none are kept). */
export function keptResult(items: readonly KeptReport[]): DmarcResult {
  return summarise(keptCollector(items));
}
