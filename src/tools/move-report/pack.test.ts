import { describe, expect, it } from 'vitest';
import { analyseMoves } from './core.ts';
import { generateMoves } from './generate.ts';
import { MoveTable, packReport, unpackReport } from './pack.ts';

describe('packed moves for the page', () => {
  const g = generateMoves({ moves: 6000, seed: 5 });
  const report = analyseMoves({ moves: { name: 'm.csv', bytes: g.bytes } });
  const { result, transfer } = packReport(report);

  it('gives back every row exactly, through a structured clone with transfer', () => {
    const cloned = structuredClone(result, { transfer });
    expect(unpackReport(cloned)).toEqual(report);
  });

  it('keeps repeated strings as a dictionary and unique ones as one text', () => {
    const { result } = packReport(report); // the first test transferred (detached) the other one's buffers
    expect('codes' in result.packed.strings.status).toBe(true);
    expect('text' in result.packed.strings.exchangeGuid).toBe(true);
    const t = new MoveTable(result.packed, result.stallColumns);
    expect(t.str('exchangeGuid', 4321)).toBe(report.moves[4321]!.exchangeGuid);
    expect(t.num('completedAt', 17)).toBe(report.moves[17]!.completedAt);
  });
});
