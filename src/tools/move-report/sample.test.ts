import { describe, expect, it } from 'vitest';
import { analyseMoves } from './core.ts';
import { SAMPLE_MOVES, sampleFiles } from './sample.ts';

describe('sample data', () => {
  it('is a moves export and a bad-items list, labelled as sample, that the tool reads without errors', async () => {
    const { moves, badItems } = sampleFiles();
    expect([moves.name, badItems.name].every((n) => n.startsWith('sample-'))).toBe(true);
    const r = analyseMoves({
      moves: { name: moves.name, bytes: new Uint8Array(await moves.arrayBuffer()) },
      badItems: { name: badItems.name, bytes: new Uint8Array(await badItems.arrayBuffer()) },
    });
    expect(r.issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(r.moves).toHaveLength(SAMPLE_MOVES);
    expect(r.batches.length).toBeGreaterThan(1);
    expect(Object.keys(r.byStatus).length).toBeGreaterThan(3);
    expect(r.badItems?.rows.length).toBeGreaterThan(0);
  });
});
