import type { ChartConfiguration } from 'chart.js';
import type { BatchRow } from './types.ts';

/**
 * The batch chart: horizontal stacked bars, one row per batch with every name written (a category axis skips
 * names when they do not fit, as it did on a phone), one colour per status, and a height that gives each batch a row.
 */
export function batchChart(
  batches: readonly Pick<BatchRow, 'name' | 'byStatus'>[],
  statuses: readonly string[],
  colorOf: (status: string) => string,
): { config: ChartConfiguration; height: string } {
  return {
    config: {
      type: 'bar',
      data: {
        labels: batches.map((b) => b.name),
        datasets: statuses.map((s) => ({
          label: s,
          data: batches.map((b) => b.byStatus[s] ?? 0),
          backgroundColor: colorOf(s),
          borderColor: colorOf(s),
        })),
      },
      options: {
        indexAxis: 'y',
        scales: {
          x: { stacked: true, title: { display: true, text: 'moves' } },
          y: { stacked: true, ticks: { autoSkip: false } },
        },
        plugins: { legend: { position: 'bottom' } },
      },
    },
    height: `${Math.max(10, 6 + batches.length * 1.8)}rem`,
  };
}
