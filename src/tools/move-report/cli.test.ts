import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../cli/memory-io.ts';
import { readCsv } from '../../lib/csv/read.ts';

const FIXTURES = new URL('./fixtures/', import.meta.url);
const DISK: Record<string, Uint8Array> = Object.fromEntries(
  readdirSync(FIXTURES).map((n) => [n, new Uint8Array(readFileSync(new URL(n, FIXTURES)))]),
);

async function run(args: string[], extra: Record<string, Uint8Array | string> = {}) {
  const r = await runCli(['move-report', ...args], { ...DISK, ...extra });
  return { status: r.code, stdout: r.out, stderr: r.err };
}

describe('hybrid-toolbox move-report', () => {
  it('--json prints the documented summary', async () => {
    const { status, stdout } = await run([
      'exo-raw-en-US.csv',
      '--bad-items',
      'bad-items-en-US.csv',
      '--json',
    ]);
    expect(status).toBe(0);
    const json = JSON.parse(stdout);
    expect(json.moves).toBe(5);
    expect(json.byStatus).toEqual({ Queued: 1, InProgress: 1, AutoSuspended: 1, Completed: 1, Failed: 1 });
    expect(json.byDataConsistencyScore['(empty)']).toBe(1);
    expect(json.totals.badItemRows).toBe(7);
    expect(json.perBatch['(no batch)'].moves).toBe(1);
    expect(json.perBatch.Wave2.worstDataConsistencyScore).toBe('Investigate');
    expect(json.health.overallStallPercent).toBe(22.69);
    expect(json.health.overallStallPercentWithoutThrottles).toBe(14.04);
    expect(json.health.moveEfficiencyPercent).toBe(92.4);
    expect(json.stakeholder).toEqual({
      completedInclWarning: 1,
      completedPercent: 20,
      readyToComplete: 1,
      inFlight: 2,
      needsAttention: 1,
      dcsInvestigateOrPoor: 1,
      dataTransferredGiB: 10.891,
      mailboxDataGiB: 12.781,
      dataLeftGiB: 2.973,
      dataCopiedPercent: 76.74,
    });
    expect(json.transferRate.medianGbPerHour).toBe(0.418);
    expect(json.warnings.map((w: { code: string }) => w.code)).toContain('bad-items-unmatched');
  });

  it('--csv prints one Excel-safe row per move, ";" on request', async () => {
    const { status, stdout } = await run(['onprem2013-de-DE-utf16.csv', '--csv', '--delimiter', ';']);
    expect(status).toBe(0);
    expect(stdout.charCodeAt(0)).toBe(0xfeff);
    const table = readCsv(stdout, { delimiter: ';' });
    expect(table.rows).toHaveLength(3);
    const row = (name: string) => table.rows.find((r) => r[0] === name)!;
    const col = (h: string) => table.headers.indexOf(h);
    expect(row('Jürgen Groß')[col('Started')]).toBe('2026-11-13T08:00:30');
    expect(row('Jürgen Groß')[col('PrimarySizeBytes')]).toBe('1610612736');
    expect(row('Ute Vogel')[col('GiBPerHour')]).toBe('0,6'); // 1.2 GiB in 2 h
    expect(row('Sören Öst')[col('Message')]).toMatch(
      /^Error: Couldn't switch the mailbox into Sync Source mode\.\n/,
    );
  });

  it('prints a readable summary by default', async () => {
    const { status, stdout } = await run(['onprem2013-de-DE-utf16.csv']);
    expect(status).toBe(0);
    expect(stdout).toMatch(/^3 moves in 2 batch\(es\)/);
    expect(stdout).toContain('High availability (HA): 25.26 %');
    expect(stdout).toContain('Fail the source database over');
  });

  it('exits 1 with the reason and the PowerShell, indented, for an unusable file', async () => {
    const { status, stdout, stderr } = await run(['bad-items-en-US.csv']);
    expect(status).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^bad-items-en-US\.csv: error: .*not Get-MoveRequestStatistics output/);
    expect(stderr).toMatch(/\n {4}.*Export-Csv -Path moves\.csv/);
    for (const bad of ['', new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x2d, 0x31, 0x2e, 0x37, 0x0a])]) {
      const r = await run(['moves.csv'], { 'moves.csv': bad });
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/^moves\.csv: error: /);
    }
  });

  it('exits 1 but still prints the report when the bad-items file is rejected', async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    const r = await run(['exo-raw-en-US.csv', '--bad-items', 'bad.csv', '--json'], { 'bad.csv': png });
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout).moves).toBe(5);
    expect(r.stderr).toMatch(/^bad\.csv: error: /m);
  });

  it('exits 2 on wrong arguments and missing files, before any output', async () => {
    for (const args of [
      [],
      ['exo-raw-en-US.csv', '--json', '--csv'],
      ['exo-raw-en-US.csv', '--tsv'],
      ['exo-raw-en-US.csv', '--csv', '--delimiter', '|'],
      ['exo-raw-en-US.csv', '--delimiter', ';'],
      ['exo-raw-en-US.csv', 'second.csv'],
      ['missing.csv'],
      ['exo-raw-en-US.csv', '--bad-items', 'missing.csv'],
    ]) {
      const r = await run(args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stdout, args.join(' ')).toBe('');
    }
    expect((await run(['missing.csv'])).stderr).toBe('missing.csv: error: no such file or folder\n');
  });

  it('escapes terminal control codes from input in the text summary', async () => {
    const name = 'moves\u001b[2J\u001b[H\u009b1m.csv';
    const r = await run([name], { [name]: DISK['exo-raw-en-US.csv']! });
    expect(r.status).toBe(0);
    expect(r.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(r.stdout).toContain('moves\\x1b[2J\\x1b[H\\x9b1m.csv');
  });
});
