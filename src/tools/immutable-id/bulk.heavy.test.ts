import { describe, expect, it } from 'vitest';
import { convertAll, summarise } from './bulk.ts';
import { splitValues } from './core.ts';
import { toCsvText, toRows } from './report.ts';

const GUID = '748b2d24-2c1d-4b11-9c3c-1d9e5d8a3b0f';

// Spreading an array into push() or Math.max() overflows the stack above ~125,000 elements.
describe('hundreds of thousands of lines', () => {
  it('splits, converts, summarises and writes 300,000 values without spreading big arrays', async () => {
    const n = 300_000;
    const text = Array.from({ length: n }, (_, i) =>
      i % 3 === 0 ? GUID : i % 3 === 1 ? 'JC2LdB0sEUucPB2eXYo7Dw==' : 'hello world',
    ).join('\r\n');
    const values = splitValues(text);
    expect(values).toHaveLength(n);
    const results = await convertAll(values, { chunk: 50_000 });
    expect(summarise(results)).toEqual({
      values: n,
      ids: 200_000,
      ambiguous: 0,
      anchors: 0,
      invalid: 100_000,
    });
    expect(toRows(results)).toHaveLength(n);
    expect(toCsvText(results).length).toBeGreaterThan(n * 40);
  });
});
