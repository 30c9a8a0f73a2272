import { describe, expect, it } from 'vitest';
import { analyse } from './core.ts';
import { SAMPLE_USERS, sampleExports } from './sample.ts';

const bytes = async (files: File[]) =>
  Promise.all(files.map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })));

describe('sample data', () => {
  it('is three exports, labelled as sample, that compare without errors and show every kind of finding', async () => {
    const s = sampleExports();
    const all = [...s.ad, ...s.entra, ...s.adAfter];
    expect(s.adAfter).toHaveLength(1);
    expect(all.every((f) => f.name.startsWith('sample-'))).toBe(true);
    const r = analyse({
      ad: await bytes(s.ad),
      entra: await bytes(s.entra),
      adAfter: await bytes(s.adAfter),
      scope: s.scope,
    });
    expect(r.issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(r.ad.length).toBeGreaterThan(SAMPLE_USERS);
    expect(r.totals.matched).toBeGreaterThan(SAMPLE_USERS / 2);
    expect(r.sets.adNotInEntra.length).toBeGreaterThan(0);
    expect(r.attributes.length).toBeGreaterThan(0);
    expect(r.deletionPreview).not.toBeNull();
  });
});
