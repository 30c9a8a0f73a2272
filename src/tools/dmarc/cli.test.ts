import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { gzipSync } from 'fflate';
import { memoryIo } from '../../cli/memory-io.ts';
import { cli } from './cli.ts';

const fixture = (name: string) =>
  new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));

/** A small in-memory disk: a folder as given on the command line, listed like the real CLI lists folders. */
const DISK: Record<string, Uint8Array> = {
  'reports/google.xml': fixture('google.xml'),
  'reports/2025/gmx.xml.gz': gzipSync(fixture('gmx.xml')),
  'reports/2025/broken.xml': new TextEncoder().encode('<feedback>'),
  'mimecast.xml': fixture('mimecast.xml'),
};

async function runCli(args: string[]) {
  const m = memoryIo(args, DISK);
  const code = await cli.run(m.io);
  return { code, out: m.out(), err: m.err() };
}

describe('hybrid-toolbox dmarc', () => {
  it('--json: the documented contract', async () => {
    const { code, out, err } = await runCli(['reports', 'mimecast.xml', '--json']);
    expect(code).toBe(0);
    expect(err).toBe('');
    const json = JSON.parse(out);
    expect(Object.keys(json)).toEqual(['files', 'totals', 'reports', 'senders']);
    expect(json.files).toEqual([
      {
        path: 'reports/2025/broken.xml',
        status: 'rejected',
        reason: 'line 1, column 10: The XML is not well-formed: unclosed tag: feedback.',
        warnings: [],
        reports: 0,
      },
      { path: 'reports/2025/gmx.xml.gz', status: 'ok', reason: '', warnings: [], reports: 1 },
      { path: 'reports/google.xml', status: 'ok', reason: '', warnings: [], reports: 1 },
      { path: 'mimecast.xml', status: 'ok', reason: '', warnings: [], reports: 1 },
    ]);
    expect(json.totals).toEqual({
      reports: 3,
      duplicates: 0,
      records: 8,
      messages: 37,
      dmarcPass: 30,
      dkimAlignedPass: 29,
      spfAlignedPass: 23,
      disposition: { none: 26, quarantine: 0, reject: 2, pass: 9, unknown: 0 },
    });
    expect(json.reports[0]).toEqual({
      source: 'reports/2025/gmx.xml.gz',
      orgName: 'GMX',
      reportId: '9f1c2b3a4d5e6f708192a3b4c5d6e7f8',
      policyDomain: 'contoso.example',
      begin: '2025-01-01T00:00:00Z',
      end: '2025-01-01T23:59:59Z',
      records: 2,
      messages: 11,
      dmarcPass: 9,
    });
    expect(json.senders[0]).toEqual({
      name: 'Microsoft 365',
      ips: ['40.93.199.22', '40.107.22.105', '52.101.4.1'],
      messages: 17,
      dmarcPass: 17,
    });
  });

  it('--ndjson and --csv: one line per record', async () => {
    const nd = await runCli(['reports/google.xml', '--ndjson']);
    expect(
      nd.out
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).message_count),
    ).toEqual([12, 7, 3, 1]);
    const csv = await runCli(['reports/google.xml', '--csv']);
    const lines = csv.out.split('\r\n');
    expect(lines[0]!.startsWith('\ufeffxml_schema,org_name,org_email,')).toBe(true);
    expect(lines).toHaveLength(6);
  });

  it('prints a text summary by default and exits 0 even with rejected files', async () => {
    const { code, out } = await runCli(['reports']);
    expect(code).toBe(0);
    expect(out).toMatch(/^3 file\(s\): 2 ok, 0 with warnings, 1 rejected, 0 skipped\n/);
    expect(out).toContain('[rejected] reports/2025/broken.xml: line 1, column 10');
  });

  it('exits 2 on wrong arguments and 1 on a path that cannot be read', async () => {
    expect((await runCli([])).code).toBe(2);
    expect((await runCli(['reports', '--json', '--csv'])).code).toBe(2);
    expect((await runCli(['reports', '--xml'])).code).toBe(2);
    const missing = await runCli(['nope']);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/^Cannot read nope: ENOENT/);
  });
});
