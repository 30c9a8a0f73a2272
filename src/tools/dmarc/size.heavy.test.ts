import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyse, analyseFiles } from './core.ts';
import { reportBytes, reportMbox } from './hostile-inputs.ts';

/*
 * Inputs of hundreds of MB and tens of thousands of mails: the heavy project, so that the unit loop stays fast.
 */

const fixture = (name: string) => ({
  name,
  bytes: new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url))),
});

/** `head`, then spaces up to `size` bytes: past V8's string limit (~512 MiB) if decoded as one string. */
function huge(head: string, size: number): Uint8Array {
  const bytes = new Uint8Array(size).fill(0x20);
  bytes.set(new TextEncoder().encode(head));
  return bytes;
}

describe('inputs past what a string can hold', () => {
  it('a 600 MB XML and a 600 MB JSON are refused with the cap in the message; the other files are read', async () => {
    const good = [fixture('google.xml'), fixture('yahoo.xml')];
    const alone = await analyse(good);
    const size = 600 * 2 ** 20;
    const r = await analyseFiles([
      { name: good[0]!.name, read: () => good[0]!.bytes },
      { name: 'huge.xml', read: () => huge('<?xml version="1.0"?><feedback><report_metadata>', size) },
      { name: 'huge.json', read: () => huge('{"organization-name": "x", "policies": [', size) },
      { name: good[1]!.name, read: () => good[1]!.bytes },
    ]);
    expect(r.totals).toEqual({
      ...alone.totals,
      files: 4,
      filesByStatus: { ...alone.totals.filesByStatus, rejected: 2 },
      issues: { errors: 2, warnings: 0 },
    });
    for (const name of ['huge.xml', 'huge.json']) {
      expect(r.files.find((f) => f.path === name)).toMatchObject({
        status: 'rejected',
        reason: 'It is 600 MiB, more than 128 MiB, the limit for one document.',
        issues: [{ code: 'limit-entry-size', severity: 'error' }],
      });
    }
    expect(r.verdict.status).toBe('partial');
  });
});

describe('a realistic mailbox', () => {
  it('an mbox of 10,050 report mails, each with text and HTML bodies, is read fully', async () => {
    const n = 10_050;
    const reports = Array.from({ length: n }, (_, i) =>
      reportBytes({ reportId: `mbox-${i}`, records: [{ count: String((i % 7) + 1) }] }),
    );
    const r = await analyse([{ name: 'dmarc.mbox', bytes: reportMbox(reports) }]);
    expect(r.totals.reports).toBe(n);
    // Σ (i mod 7) + 1 over 10,050 mails: 1,435 full weeks of 28, then 1 + 2 + 3 + 4 + 5.
    expect(r.totals.messages).toBe(1435 * 28 + 15);
    expect(r.totals.filesByStatus).toEqual({ ok: n, warning: 0, rejected: 0, skipped: 0 });
    expect(r.verdict.status).toBe('ok');
  });
});
