import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { memoryIo } from '../../cli/memory-io.ts';
import { main } from '../../cli/main.ts';

const dir = new URL('./fixtures/', import.meta.url);
const FILES: Record<string, Uint8Array> = Object.fromEntries(
  ['graph-risky-users.json', 'graph-risk-detections-pages.json', 'graph-users.json'].map((n) => [
    `fx/${n}`,
    new Uint8Array(readFileSync(new URL(n, dir))),
  ]),
);

async function run(args: string[], extra: Record<string, string> = {}) {
  const files = {
    ...FILES,
    ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, new TextEncoder().encode(v)])),
  };
  const m = memoryIo(args, files);
  const code = await main(['risk-triage', ...args], m.io);
  return { code, stdout: m.out(), stderr: m.err() };
}

const NOW = ['--now', '2026-11-23T12:00:00Z'];

describe('hybrid-toolbox risk-triage', () => {
  it('--json prints the documented summary', async () => {
    const r = await run(['fx', '--json', ...NOW]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      users: [
        {
          id: 'a1b2c3d4-0001-4000-8000-000000000001',
          userPrincipalName: 'alex.wilber@contoso.com',
          riskLevel: 'high',
          riskState: 'atRisk',
          priority: 1,
          detections: 2,
        },
        {
          id: 'a1b2c3d4-0005-4000-8000-000000000005',
          userPrincipalName: 'diego@contoso.com',
          riskLevel: null,
          riskState: null,
          priority: 2,
          detections: 1,
        },
        {
          id: 'a1b2c3d4-0002-4000-8000-000000000002',
          userPrincipalName: 'megan.bowen@contoso.com',
          riskLevel: 'medium',
          riskState: 'atRisk',
          priority: 2,
          detections: 2,
        },
        {
          id: 'a1b2c3d4-0003-4000-8000-000000000003',
          userPrincipalName: "patti.o'fernandez@contoso.com",
          riskLevel: 'hidden',
          riskState: 'atRisk',
          priority: 3,
          detections: 1,
        },
        {
          id: 'a1b2c3d4-0006-4000-8000-000000000006',
          userPrincipalName: 'fiona@contoso.com',
          riskLevel: 'medium',
          riskState: 'unknownFutureValue',
          priority: 3,
          detections: 0,
        },
        {
          id: 'a1b2c3d4-0004-4000-8000-000000000004',
          userPrincipalName: 'lee.gu@contoso.com',
          riskLevel: 'low',
          riskState: 'remediated',
          priority: 4,
          detections: 1,
        },
      ],
      detections: 7,
    });
    expect(r.stderr).toContain(
      'warning: fx/graph-risk-detections-pages.json: 1 detection(s) have an additionalInfo',
    );
  });

  it('--cef, --ndjson and --hec print one event per detection; --sentinel an array', async () => {
    for (const flag of ['--cef', '--ndjson', '--hec']) {
      const r = await run(['fx', flag, ...NOW]);
      expect(r.code, flag).toBe(0);
      expect(r.stdout.trimEnd().split('\n'), flag).toHaveLength(7);
    }
    const cef = await run(['fx', '--cef', ...NOW]);
    expect(cef.stdout.startsWith('CEF:0|Hybrid Toolbox|Risk triage|')).toBe(true);
    const s = await run(['fx', '--sentinel', ...NOW]);
    const records = JSON.parse(s.stdout);
    expect(records).toHaveLength(7);
    expect(Object.keys(records[0])[0]).toBe('TimeGenerated');
  });

  it('--tickets prints a ticket per open user, --markdown in Markdown', async () => {
    const plain = await run(['fx', '--tickets', ...NOW]);
    expect(plain.stdout.match(/^\[P\d\] Risky user: /gm)).toHaveLength(5);
    const md = await run(['fx', '--tickets', '--markdown', ...NOW]);
    expect(md.stdout.match(/^## \\\[P\d\\\] Risky user: /gm)).toHaveLength(5);
  });

  it('prints the queue as a table by default', async () => {
    const r = await run(['fx', ...NOW]);
    expect(r.stdout.split('\n')[0]).toMatch(/^PRI\s+SCORE\s+USER\s+LEVEL\s+STATE\s+DET\s+SRC\s+KINDS$/);
    expect(r.stdout).toContain(
      '6 users (5 open: P1 1, P2 2, P3 2, P4 1), 7 detections (6 open), 2 synced from AD, 1 with admin roles.',
    );
  });

  it('takes rules from a file', async () => {
    const r = await run(
      [
        'fx/graph-risky-users.json',
        'fx/graph-risk-detections-pages.json',
        '--json',
        '--rules',
        'rules.json',
        ...NOW,
      ],
      {
        'rules.json': JSON.stringify({ thresholds: { p1: 30, p2: 20, p3: 10 } }),
      },
    );
    expect(JSON.parse(r.stdout).users.map((u: { priority: number }) => u.priority)).toEqual([
      1, 1, 1, 1, 2, 4,
    ]);
  });

  it('exits 1 with the export commands when nothing is usable, 2 on wrong use', async () => {
    const none = await run(['fx/graph-users.json', '--json']);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('No risky users or risk detections were found');
    expect(none.stderr).toContain('Get-MgRiskyUser -All | ConvertTo-Json -Depth 10');
    expect((await run(['fx', '--json', '--cef'])).code).toBe(2);
    expect((await run(['fx', '--xml'])).code).toBe(2);
    expect((await run(['--json'])).code).toBe(2);
    expect((await run(['fx', '--now', 'yesterday'])).code).toBe(2);
  });
});
