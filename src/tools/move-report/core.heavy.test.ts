import { describe, expect, it } from 'vitest';
import { isInputError } from '../../lib/issue.ts';
import { analyseMoves } from './core.ts';
import { generateMoves } from './generate.ts';
import { LIMITS } from './parse.ts';

describe('files past the size cap', () => {
  const big = new Uint8Array(LIMITS.fileBytes + 1).fill(0x61);

  it('a moves file is refused with the cap in the message instead of crashing on string length', () => {
    try {
      analyseMoves({ moves: { name: 'huge.csv', bytes: big } });
      expect.unreachable();
    } catch (e) {
      if (!isInputError(e)) throw e;
      expect(e.issue).toMatchObject({ code: 'too-large', severity: 'error' });
      expect(e.issue.message).toContain('reads files up to 500 MiB');
    }
  });

  it('a bad-items file is refused and the report is built without it', () => {
    const g = generateMoves({ moves: 20, seed: 9 });
    const r = analyseMoves({
      moves: { name: 'm.csv', bytes: g.bytes },
      badItems: { name: 'huge.csv', bytes: big },
    });
    expect(r.moves).toHaveLength(20);
    expect(r.issues.filter((i) => i.severity === 'error').map((i) => [i.code, i.file])).toEqual([
      ['too-large', 'huge.csv'],
    ]);
  });
});
