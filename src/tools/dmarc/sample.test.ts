import { describe, expect, it } from 'vitest';
import { analyse } from './core.ts';
import { SAMPLE_FAILURE_REPORTS, SAMPLE_REPORTS, SAMPLE_TLS_REPORTS, sampleFiles } from './sample.ts';

describe('sample data', () => {
  it('is a set of readable reports, labelled as sample, that the tool reads without a problem', async () => {
    const files = sampleFiles();
    expect(files).toHaveLength(SAMPLE_REPORTS + SAMPLE_FAILURE_REPORTS + SAMPLE_TLS_REPORTS);
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
    // Every file is one report of its kind, none skipped: the sample shows the failure and TLS views too.
    expect(r.totals.failureReports).toBe(SAMPLE_FAILURE_REPORTS);
    expect(r.totals.tlsReports).toBe(SAMPLE_TLS_REPORTS);
    expect(r.files.filter((f) => f.status !== 'ok').map((f) => [f.path, f.status, f.reason])).toEqual([]);
    expect(r.totals.tlsFailedSessions).toBeGreaterThan(0);
    // Failing sources are the aggregate reports' unknown ones, so each failure links to an aggregate sender.
    const unknownIps = new Set(r.senders.flatMap((s) => s.ips));
    expect(r.failureReports.every((f) => f.sourceIp !== null && unknownIps.has(f.sourceIp))).toBe(true);
  });
});
