import { describe, expect, it } from 'vitest';
import { analyseRisk } from './core.ts';
import { SAMPLE_RISKY_USERS, sampleFiles } from './sample.ts';

describe('sample data', () => {
  it('is riskyUsers, riskDetections and users pages, labelled as sample, that triage without a problem', async () => {
    const now = Date.UTC(2026, 10, 30);
    const files = sampleFiles(now);
    expect(files.every((f) => f.name.startsWith('sample-'))).toBe(true);
    const r = analyseRisk({
      files: await Promise.all(
        files.map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })),
      ),
      now,
    });
    expect(r.files.map((f) => f.verdict)).not.toContain('rejected');
    expect(r.issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(r.users).toHaveLength(SAMPLE_RISKY_USERS);
    expect(r.detections.length).toBeGreaterThan(SAMPLE_RISKY_USERS);
    expect(r.stats.byPriority[1]).toBeGreaterThan(0);
    expect(r.stats.synced).toBeGreaterThan(0);
    expect(r.stats.admins).toBeGreaterThan(0);
  });
});
