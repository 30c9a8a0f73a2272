import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { gzipSync, zipSync } from 'fflate';
import { runCli as runAny } from '../../cli/memory-io.ts';

const fixture = (name: string) =>
  new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));

/** A small in-memory disk: a folder as given on the command line, listed like the real CLI lists folders. */
const DISK: Record<string, Uint8Array> = {
  'reports/google.xml': fixture('google.xml'),
  'reports/2025/gmx.xml.gz': gzipSync(fixture('gmx.xml')),
  'reports/2025/broken.xml': new TextEncoder().encode('<feedback>'),
  'mimecast.xml': fixture('mimecast.xml'),
};

const runCli = (args: string[], disk: Record<string, Uint8Array> = DISK) => runAny(['dmarc', ...args], disk);
const GOOD = ['reports/google.xml', 'reports/2025/gmx.xml.gz', 'mimecast.xml'];

describe('hybrid-toolbox dmarc', () => {
  it('--json: the documented contract', async () => {
    const { code, out, err } = await runCli(['reports', 'mimecast.xml', '--json']);
    expect(code).toBe(1);
    expect(err).toBe(
      'reports/2025/broken.xml:1:10: error: The XML is not well-formed: unclosed tag: feedback.\n',
    );
    const json = JSON.parse(out);
    expect(Object.keys(json)).toEqual(['verdict', 'files', 'totals', 'reports', 'senders']);
    expect(json.verdict.status).toBe('partial');
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

  it('exits 0 when every file was usable', async () => {
    const r = await runCli(GOOD);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(r.out).toMatch(/^3 file\(s\): 3 ok, 0 with warnings, 0 rejected, 0 skipped\n/);
  });

  it('prints a text summary by default and exits 1 when a file was rejected, the others still counted', async () => {
    const { code, out } = await runCli(['reports']);
    expect(code).toBe(1);
    expect(out).toMatch(/^3 file\(s\): 2 ok, 0 with warnings, 1 rejected, 0 skipped\n/);
    expect(out).toContain('[rejected] reports/2025/broken.xml: line 1, column 10');
  });

  it('exits 2 on wrong arguments or a path that cannot be read, before any output', async () => {
    for (const args of [[], ['reports', '--json', '--csv'], ['reports', '--xml'], ['reports', 'nope']]) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.out, args.join(' ')).toBe('');
    }
    expect((await runCli(['reports', 'nope'])).err).toBe('nope: error: no such file or folder\n');
  });

  it('escapes terminal control codes in zip member names on stderr and in the summary, not in JSON', async () => {
    const evil = 'report\u001b[2J\u001b[1;1HAll reports OK\u0007.xml';
    const disk = { 'in/evil.zip': zipSync({ [evil]: new TextEncoder().encode('<feedback>') }), ...DISK };
    const text = await runCli(['in/evil.zip', 'mimecast.xml'], disk);
    expect(text.code).toBe(1);
    for (const s of [text.out, text.err]) {
      expect(s).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
      expect(s).toContain('report\\x1b[2J\\x1b[1;1HAll reports OK\\x07.xml');
    }
    const json = await runCli(['in/evil.zip', '--json'], disk);
    expect(JSON.parse(json.out).files[0].path).toContain(evil);
  });
});
