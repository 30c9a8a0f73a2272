import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyseRisk } from './core.ts';
import { assemble, headOf, SLICE, slicesOf } from './handoff.ts';
import type { RiskDetection, RiskySignIn } from './types.ts';

const FIXTURES = resolve(import.meta.dirname, 'fixtures');
const files = ['graph-risky-users.json', 'graph-risk-detections-pages.json', 'graph-users.json'].map(
  (name) => ({
    name,
    bytes: new Uint8Array(readFileSync(resolve(FIXTURES, name))),
  }),
);

describe('handing a triage result to the page in parts', () => {
  it('gives back the same result after the head and the slices cross a structured clone', () => {
    const result = analyseRisk({ files, now: Date.parse('2026-11-23T12:00:00Z') });
    const head = structuredClone(headOf(result, 7));
    expect(head.result.users.every((u) => !u.detections.length && !u.signIns.length)).toBe(true);
    expect(head.result.detections).toEqual([]);
    expect(slicesOf(head)).toEqual([{ slice: 'detections', run: 7, from: 0, to: 7 }]);
    const detections = structuredClone(result.detections.slice(0, 7));
    const back = assemble(head, detections, []);
    expect(back).toEqual(result);
    // Newest first (d1 06:00 on the 23rd, d2 the evening before), the very objects the result lists.
    const alex = back.users.find((u) => u.userPrincipalName === 'alex.wilber@contoso.com')!;
    expect(alex.detections.map((d) => d.id)).toEqual(['d1', 'd2']);
    expect(alex.detections.every((d) => back.detections.includes(d))).toBe(true);
  });

  it('slices large lists and refuses an incomplete set of parts', () => {
    const d = (id: string) => ({ id }) as RiskDetection;
    const s = (id: string) => ({ id }) as RiskySignIn;
    const detections = Array.from({ length: SLICE * 2 + 1 }, (_, i) => d(`d${i}`));
    const signIns = [s('s0')];
    const result = analyseRisk({ files });
    const users = [
      { ...result.users[0]!, detections: [detections[SLICE * 2]!, detections[0]!], signIns },
      { ...result.users[1]!, detections: [detections[1]!], signIns: [] },
    ];
    const head = headOf({ ...result, users, detections, signIns }, 1);
    expect(slicesOf(head).map((x) => [x.slice, x.from, x.to])).toEqual([
      ['detections', 0, SLICE],
      ['detections', SLICE, SLICE * 2],
      ['detections', SLICE * 2, SLICE * 2 + 1],
      ['signIns', 0, 1],
    ]);
    const back = assemble(head, detections, signIns);
    expect(back.users.map((u) => [u.detections.map((x) => x.id), u.signIns.map((x) => x.id)])).toEqual([
      [[`d${SLICE * 2}`, 'd0'], ['s0']],
      [['d1'], []],
    ]);
    expect(() => assemble(head, detections.slice(1), signIns)).toThrow('incomplete');
  });

  it('refuses a user holding a detection that the result does not list', () => {
    const result = analyseRisk({ files });
    const stray = { ...result.detections[0]! };
    const users = [{ ...result.users[0]!, detections: [stray] }];
    expect(() => headOf({ ...result, users }, 1)).toThrow('does not list');
  });
});
