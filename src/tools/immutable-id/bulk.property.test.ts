import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readCsv } from '../../lib/csv/read.ts';
import { columnValues, convertAll, readIdFile, summarise } from './bulk.ts';
import { convertId } from './core.ts';
import type { IdResult } from './types.ts';

/*
 * Isolation as a property: hostile values mixed into a list of good IDs change none of the good results, and
 * nothing a file holds makes reading it throw.
 */
const enc = new TextEncoder();
const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const guidText = (b: Uint8Array) => {
  const h = hex(b);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};
const good = fc.oneof(
  fc.uint8Array({ minLength: 16, maxLength: 16 }).map(guidText),
  fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => Buffer.from(b).toString('base64')),
  fc.integer({ min: 1, max: 99_999_999 }).map((n) => `E${n}`),
);
const hostile = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.constantFrom(
    'hello world',
    'IHDR',
    '\u0000\u0001',
    '<script>alert(1)</script>',
    'x'.repeat(5000),
    '=cmd|x',
  ),
  fc
    .array(fc.constantFrom('lorem', 'ipsum', 'dolor', 'sit'), { minLength: 2, maxLength: 6 })
    .map((w) => w.join(' ')),
);
const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

describe('bulk conversion under hostile input', () => {
  it('hostile values beside good IDs change none of the good results', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(good, { minLength: 1, maxLength: 30 }),
        fc.array(hostile, { maxLength: 30 }),
        fc.nat(),
        async (ids, bad, seed) => {
          const alone = await convertAll(ids);
          const mixed = [...ids];
          const isGood: boolean[] = ids.map(() => true);
          bad.forEach((v, i) => {
            const at = (seed + i * 7) % (mixed.length + 1);
            mixed.splice(at, 0, v);
            isGood.splice(at, 0, false);
          });
          const results = await convertAll(mixed);
          expect(results.filter((_, i) => isGood[i])).toEqual(alone);
          const badResults: IdResult[] = results.filter((_, i) => !isGood[i]);
          const a = summarise(alone);
          const b = summarise(badResults);
          expect(summarise(results)).toEqual({
            values: a.values + b.values,
            ids: a.ids + b.ids,
            ambiguous: a.ambiguous + b.ambiguous,
            anchors: a.anchors + b.anchors,
            invalid: a.invalid + b.invalid,
          });
        },
      ),
      { numRuns: 100 },
    );
  });

  it('free text with a space is never an ID or an anchor', () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[a-zA-Z]{1,8}$/), { minLength: 2, maxLength: 5 }), (words) => {
        expect(convertId(words.join(' ')).kind).toBe('invalid');
      }),
      { numRuns: 300 },
    );
  });

  it('reading any bytes as a dropped file never throws, and binary gives no table', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 2000 }),
          fc.uint8Array({ maxLength: 2000 }).map((b) => new Uint8Array([...PNG, ...b])),
          fc.string({ maxLength: 500 }).map((s) => enc.encode(s)),
        ),
        (bytes) => {
          const f = readIdFile('drop.csv', bytes, readCsv);
          if (bytes[0] === 0x89 && bytes[1] === 0x50) expect(f.table).toBeUndefined();
          if (!f.table) expect(f.issues.some((i) => i.severity === 'error')).toBe(true);
          else expect(columnValues(f.table.rows, f.column).length).toBeGreaterThanOrEqual(0);
        },
      ),
      { numRuns: 300 },
    );
  });
});
