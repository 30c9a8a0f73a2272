import { describe, expect, it } from 'vitest';
import { batchChart } from './batch-chart.ts';
import { STATUS_COLORS } from './status-colors.ts';

describe('batchChart', () => {
  // 24 batches: a vertical category axis on a phone wrote every other name.
  const batches = Array.from({ length: 24 }, (_, i) => ({
    name: `Wave ${String(i + 1).padStart(2, '0')}`,
    byStatus: { Synced: i, AutoSuspended: 24 - i },
  }));
  const { config, height } = batchChart(batches, ['AutoSuspended', 'Synced'], (s) => STATUS_COLORS[s]!.light);

  it('lays the batches out as rows and writes every name', () => {
    expect(config.options?.indexAxis).toBe('y');
    const y = config.options?.scales?.y as { ticks?: { autoSkip?: boolean } };
    expect(y.ticks?.autoSkip).toBe(false);
    expect(config.data.labels).toEqual(batches.map((b) => b.name));
    // A row per batch: the chart grows with the list instead of squeezing it.
    expect(parseFloat(height)).toBeGreaterThanOrEqual(24 * 1.5);
  });

  it('gives AutoSuspended and Synced their own colours', () => {
    const [auto, synced] = config.data.datasets;
    expect(auto!.backgroundColor).not.toBe(synced!.backgroundColor);
    expect(synced!.data).toEqual(batches.map((b) => b.byStatus.Synced));
  });
});
