import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../cli/memory-io.ts';

const dir = new URL('../fixtures/', import.meta.url);
const FILES: Record<string, Uint8Array> = Object.fromEntries(
  ['graph-risky-users.json', 'graph-risk-detections-pages.json', 'graph-users.json'].map((n) => [
    `fx/${n}`,
    new Uint8Array(readFileSync(new URL(n, dir))),
  ]),
);
const work = mkdtempSync(join(tmpdir(), 'ht-state-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const NOW = ['--now', '2026-11-23T12:00:00Z'];
const run = (args: string[]) => runCli(['risk-triage', ...args], FILES);

describe('hybrid-toolbox risk-triage --state', () => {
  it('prints only new tickets, then none; --json adds "delivered"; the state is on disk', async () => {
    const state = join(work, 'a.json');
    const first = await run(['fx', '--tickets', '--state', state, ...NOW]);
    expect(first.code).toBe(0);
    expect(first.out.match(/^\[P\d\] Risky user: /gm)).toHaveLength(5);
    expect(Object.keys(JSON.parse(readFileSync(state, 'utf8')).users)).toHaveLength(5);
    const second = await run(['fx', '--tickets', '--state', state, ...NOW]);
    expect(second.code).toBe(0);
    expect(second.out).toBe('');
    // The data's own warnings are still reported every run.
    expect(second.err).toContain('warning: 1 detection(s) have an additionalInfo');
    const json = await run(['fx', '--json', '--state', state, ...NOW]);
    expect(JSON.parse(json.out).delivered).toEqual({
      new: { users: [], detections: [] },
      updated: { users: [], detections: [] },
    });
  });

  it('--dry-run writes no state', async () => {
    const state = join(work, 'b.json');
    const r = await run(['fx', '--dry-run', '--state', state, ...NOW]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('Dry run: nothing is sent and the state is not written.');
    expect(() => readFileSync(state)).toThrow(/ENOENT/);
  });

  it('wrong use exits 2 with the reason', async () => {
    const cases: [string[], RegExp][] = [
      [
        ['fx', '--graph', '--tenant', 't.onmicrosoft.com', '--client-id', 'x'],
        /either --graph or exported files/,
      ],
      [['--state', join(work, 'c.json')], /<graph-json>… is missing \(or --graph to read live\)/],
      [
        ['fx', '--hec-url', 'http://splunk.contoso.com:8088', '--state', join(work, 'c.json')],
        /--hec-url must use https/,
      ],
      [['--graph', '--cloud', 'mars'], /--cloud/],
      [['fx', '--mail-security', 'secops@contoso.com'], /--tenant and --client-id/],
    ];
    for (const [args, message] of cases) {
      const r = await run(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err).toMatch(message);
    }
  });
});
