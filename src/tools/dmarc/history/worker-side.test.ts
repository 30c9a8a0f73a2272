import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { analyse, toSummary } from '../core.ts';
import { generateReports } from '../generate.ts';
import type { DmarcResult } from '../types.ts';
import { historyJob, type ResultSlot } from './worker-side.ts';

/** The worker's side of the history, over the worker's own result slot: what the page's requests do. */
describe('historyJob', () => {
  it('keeps a drop, shows everything kept as the result drill-downs use, goes back to the drop, forgets', async () => {
    let last: DmarcResult | undefined = await analyse(generateReports({ reports: 30, seed: 21 }).files);
    const first = last;
    const slot: ResultSlot = { get: () => last, set: (r) => (last = r) };

    const kept = await historyJob({ kind: 'history-keep' }, slot);
    expect(kept).toMatchObject({ kind: 'history', kept: { added: 30, duplicates: 0 } });
    expect(kept.kind === 'history' && kept.stats.records).toBe(first.records.length);

    // A second drop with ten of the same reports again: only the new ones are kept.
    const again = await analyse([
      ...generateReports({ reports: 30, seed: 21 }).files.slice(0, 10),
      ...generateReports({ reports: 5, seed: 22 }).files,
    ]);
    last = again;
    expect(await historyJob({ kind: 'history-keep' }, slot)).toMatchObject({
      kept: { added: 5, duplicates: 10 },
    });

    const view = await historyJob({ kind: 'history-view', range: {} }, slot);
    expect(view.kind).toBe('history-view');
    if (view.kind !== 'history-view') return;
    expect(view.summary?.totals.reports).toBe(35);
    expect(view.summary?.totals.messages).toBe(
      first.totals.messages + again.totals.messages - sumOf(again, 10),
    );
    // Drill-downs and exports answer from the kept result now.
    expect(last).not.toBe(again);
    expect(last!.records).toHaveLength(view.summary!.recordCount);

    const back = await historyJob({ kind: 'history-drop' }, slot);
    expect(last).toBe(again);
    expect(back.kind === 'history-view' && back.summary).toEqual(toSummary(again));

    const gone = await historyJob({ kind: 'history-forget' }, slot);
    expect(gone).toMatchObject({ kind: 'history', stats: { reports: 0, records: 0 } });
    expect(await historyJob({ kind: 'history-view', range: {} }, slot)).toMatchObject({ summary: undefined });
    expect(last).toBe(again);
  });
});

/** Messages of the first `n` files' reports of a result (files and reports in the same order here). */
function sumOf(r: DmarcResult, n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += r.reports[i]!.messages;
  return sum;
}
