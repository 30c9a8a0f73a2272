import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../cli/memory-io.ts';

const dir = new URL('./fixtures/', import.meta.url);
const FILES: Record<string, Uint8Array> = Object.fromEntries(
  ['graph-risky-users.json', 'graph-risk-detections-pages.json', 'graph-users.json'].map((n) => [
    `fx/${n}`,
    new Uint8Array(readFileSync(new URL(n, dir))),
  ]),
);

async function run(args: string[], extra: Record<string, string> = {}, stdin = '') {
  const r = await runCli(['risk-triage', ...args], { ...FILES, ...extra }, stdin);
  return { code: r.code, stdout: r.out, stderr: r.err };
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
          isOpen: true,
          why: 'high risk · Leaked credentials · Global Administrator',
          detections: 2,
        },
        {
          id: 'a1b2c3d4-0005-4000-8000-000000000005',
          userPrincipalName: 'diego@contoso.com',
          riskLevel: null,
          riskState: null,
          priority: 2,
          isOpen: true,
          why: 'high risk · Malicious IP address · detected 1 h ago',
          detections: 1,
        },
        {
          id: 'a1b2c3d4-0002-4000-8000-000000000002',
          userPrincipalName: 'megan.bowen@contoso.com',
          riskLevel: 'medium',
          riskState: 'atRisk',
          priority: 2,
          isOpen: true,
          why: 'medium risk · suspiciousAuthAppApproval · detected 3 days ago',
          detections: 2,
        },
        {
          id: 'a1b2c3d4-0003-4000-8000-000000000003',
          userPrincipalName: "patti.o'fernandez@contoso.com",
          riskLevel: 'hidden',
          riskState: 'atRisk',
          priority: 3,
          isOpen: true,
          why: 'risk hidden · Atypical travel · not remediated',
          detections: 1,
        },
        {
          id: 'a1b2c3d4-0006-4000-8000-000000000006',
          userPrincipalName: 'fiona@contoso.com',
          riskLevel: 'medium',
          riskState: 'unknownFutureValue',
          priority: 3,
          isOpen: true,
          why: 'medium risk',
          detections: 0,
        },
        {
          id: 'a1b2c3d4-0004-4000-8000-000000000004',
          userPrincipalName: 'lee.gu@contoso.com',
          riskLevel: 'low',
          riskState: 'remediated',
          priority: 4,
          isOpen: false,
          why: 'not open: remediated',
          detections: 1,
        },
      ],
      detections: 7,
    });
    expect(r.stderr).toContain(
      'fx/graph-risk-detections-pages.json: warning: 1 detection(s) have an additionalInfo',
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

  it('exits 1 with the export commands, indented, when nothing is usable', async () => {
    const none = await run(['fx/graph-users.json', '--json']);
    expect(none.code).toBe(1);
    expect(none.stdout).toBe('');
    expect(none.stderr).toContain(': error: No risky users or risk detections were found');
    expect(none.stderr).toContain('\n    Get-MgRiskyUser -All | ConvertTo-Json -Depth 10');
  });

  it('exits 2 on wrong use, a missing file or bad rules, before printing anything', async () => {
    for (const args of [
      ['fx', '--json', '--cef'],
      ['fx', '--xml'],
      ['--json'],
      ['fx', '--now', 'yesterday'],
      ['fx', '--markdown'],
      ['fx', 'nope.json'],
      ['fx', '--rules', 'missing.json'],
      ['fx', '--rules', 'bad.json'],
    ]) {
      const r = await run(args, { 'bad.json': '{ thresholds:' });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout, args.join(' ')).toBe('');
    }
    const missing = await run(['fx', 'nope.json']);
    expect(missing.stderr).toBe('nope.json: error: no such file or folder\n');
  });

  it('reads one JSON document from stdin with "-"', async () => {
    const users = new TextDecoder().decode(FILES['fx/graph-risky-users.json']);
    const r = await run(['-', 'fx/graph-risk-detections-pages.json', '--json', ...NOW], {}, users);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).users).toHaveLength(6);
  });

  it('escapes terminal control codes from UPNs in the table, keeps them exact in JSON', async () => {
    const hostile = {
      value: [
        {
          id: 'a1b2c3d4-0009-4000-8000-000000000009',
          riskLevel: 'high',
          riskState: 'atRisk',
          riskLastUpdatedDateTime: '2026-11-23T06:10:00Z',
          userDisplayName: 'Evil\u001b[2J\u001b[HAll clear',
          userPrincipalName: 'evil\u001b]0;owned\u0007@contoso.com\r\nP4 0 fine',
        },
      ],
    };
    const extra = { 'evil.json': JSON.stringify(hostile) };
    const text = await run(['evil.json', 'fx/graph-risk-detections-pages.json', ...NOW], extra);
    expect(text.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(text.stdout).toContain('evil\\x1b]0;owned\\x07@contoso.com\\x0d\\x0aP4 0 fine');
    const tickets = await run(['evil.json', ...NOW, '--tickets'], extra);
    expect(tickets.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    const json = await run(['evil.json', ...NOW, '--json'], extra);
    expect(JSON.parse(json.stdout).users[0].userPrincipalName).toBe(hostile.value[0]!.userPrincipalName);
  });
});
