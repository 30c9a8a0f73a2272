import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { memoryIo } from '../../cli/memory-io.ts';
import { readCsv } from '../../lib/csv/read.ts';
import { cli } from './cli.ts';

const FIXTURES = new URL('./fixtures/', import.meta.url);

async function run(args: string[]) {
  const m = memoryIo(args, (p) => {
    try {
      return new Uint8Array(readFileSync(new URL(p, FIXTURES)));
    } catch {
      return undefined;
    }
  });
  const status = await cli.run(m.io);
  return { status, stdout: m.out(), stderr: m.err() };
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
    expect(row('Ute Vogel')[col('GBPerHour')]).toBe('0,6'); // 1.2 GiB in 2 h
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

  it('exits 1 with the reason and the PowerShell for an unusable file', async () => {
    const { status, stderr } = await run(['bad-items-en-US.csv']);
    expect(status).toBe(1);
    expect(stderr).toMatch(/does not look like Get-MoveRequestStatistics output/);
    expect(stderr).toContain('Export-Csv -Path moves.csv');
    expect((await run(['missing.csv'])).status).toBe(1);
  });

  it('exits 2 on wrong arguments', async () => {
    expect((await run([])).status).toBe(2);
    expect((await run(['a.csv', '--json', '--csv'])).status).toBe(2);
    expect((await run(['a.csv', '--tsv'])).status).toBe(2);
    expect((await run(['a.csv', '--csv', '--delimiter', '|'])).status).toBe(2);
  });
});
