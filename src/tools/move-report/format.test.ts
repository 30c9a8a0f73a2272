import { describe, expect, it } from 'vitest';
import { binLabels } from './format.ts';

describe('histogram bin labels', () => {
  it('names each bin by its edges with the decimals of the bin width, and the overflow bin by its start', () => {
    expect(binLabels({ binWidth: 0.05, counts: [1, 0, 2], overflow: 4 })).toEqual([
      '0.00–0.05',
      '0.05–0.10',
      '0.10–0.15',
      '≥ 0.15',
    ]);
    expect(binLabels({ binWidth: 0.25, counts: [1, 1], overflow: 0 })).toEqual(['0.00–0.25', '0.25–0.50']);
    expect(binLabels({ binWidth: 0.1, counts: [1, 1, 1, 1], overflow: 0 }).at(-1)).toBe('0.3–0.4');
    expect(binLabels({ binWidth: 2, counts: [1, 1], overflow: 1 })).toEqual(['0–2', '2–4', '≥ 4']);
    expect(binLabels({ binWidth: 0.1, counts: [], overflow: 0 })).toEqual([]);
  });
});
