import { describe, expect, it } from 'vitest';
import { analyse } from './core.ts';
import { SAMPLE_REPORTS, sampleFiles } from './sample.ts';

describe('sample data', () => {
  it('is a set of readable reports, labelled as sample, that the tool reads without a problem', async () => {
    const files = sampleFiles();
    expect(files).toHaveLength(SAMPLE_REPORTS);
    expect(files.every((f) => f.name.startsWith('sample-'))).toBe(true);
    expect(new Set(files.map((f) => f.name)).size).toBe(files.length);
    const named = await Promise.all(
      files.map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })),
    );
    const r = await analyse(named);
    expect(r.verdict.status).toBe('ok');
    expect(r.totals.reports).toBe(SAMPLE_REPORTS);
    expect(r.files.flatMap((f) => f.issues).filter((i) => i.severity === 'error')).toEqual([]);
    expect(r.senders.length).toBeGreaterThan(3);
    expect(r.senders.some((s) => s.dmarcFail > 0)).toBe(true);
  });
});
