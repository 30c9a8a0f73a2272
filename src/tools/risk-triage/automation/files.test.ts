import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { Issue, NamedBytes } from '../../../lib/issue.ts';
import { runScheduled, UsageError, type ScheduledIo, type ScheduledOptions } from './run.ts';
import { parseState } from './state.ts';

const FIXTURES = resolve(import.meta.dirname, '../fixtures');
const fixture = (name: string): NamedBytes => ({ name, bytes: readFileSync(resolve(FIXTURES, name)) });
const FILES = ['graph-risky-users.json', 'graph-risk-detections-pages.json', 'graph-users.json'].map(fixture);
const NOW = Date.parse('2026-11-23T12:00:00Z');

function world() {
  const files = new Map<string, string>();
  const w = { files, out: '', issues: [] as Issue[] };
  const io: ScheduledIo = {
    stdout: (t) => void (w.out += t),
    report: (i) => void w.issues.push(...i),
    env: {},
    readFile: async (p) => {
      const t = files.get(p);
      if (t === undefined) throw Object.assign(new Error(`ENOENT: ${p}`), { code: 'ENOENT' });
      return new TextEncoder().encode(t);
    },
    writeFileAtomic: async (p, t) => void files.set(p, t),
  };
  return { w, io };
}

const opts = (o: Partial<ScheduledOptions>): ScheduledOptions => ({
  files: FILES,
  readGraph: false,
  statePath: 'state.json',
  now: NOW,
  ...o,
});

describe('--state on exported files', () => {
  test('tickets carry only what is new; a second run prints none; --json adds delivered', async () => {
    const { w, io } = world();
    expect(await runScheduled(opts({ format: 'tickets' }), io)).toBe(0);
    // The open users of the fixture: Alex, Megan, Patti, Fiona (a state Graph added later) and the user known only
    // from detection d7. Lee is remediated and was never delivered: no ticket.
    const titles = w.out.match(/^\[P\d\] Risky user: .+$/gm)!;
    expect(titles).toHaveLength(5);
    expect(w.out).not.toContain('lee.gu@contoso.com');

    w.out = '';
    expect(await runScheduled(opts({ format: 'tickets' }), io)).toBe(0);
    expect(w.out).toBe('');
    w.out = '';
    expect(await runScheduled(opts({ format: 'cef' }), io)).toBe(0);
    expect(w.out).toBe('');

    w.out = '';
    expect(await runScheduled(opts({ format: 'json' }), io)).toBe(0);
    const j = JSON.parse(w.out);
    expect(j.delivered).toEqual({
      new: { users: [], detections: [] },
      updated: { users: [], detections: [] },
    });
    expect(j.users).toHaveLength(6);
    expect(j.detections).toBe(7);
  });

  test('--json on a first run lists the new users and detections', async () => {
    const { w, io } = world();
    expect(await runScheduled(opts({ format: 'json' }), io)).toBe(0);
    const j = JSON.parse(w.out);
    expect(j.delivered.new.users).toContain('a1b2c3d4-0001-4000-8000-000000000001');
    expect(j.delivered.new.users).not.toContain('a1b2c3d4-0004-4000-8000-000000000004');
    // d6 is remediated and its user closed: history, not news.
    expect([...j.delivered.new.detections].sort()).toEqual(['d1', 'd2', 'd3', 'd4', 'd5', 'd7']);
    expect(j.delivered.updated).toEqual({ users: [], detections: [] });
  });

  test('a detection whose level changed in a newer export is an update, with just that event', async () => {
    const { w, io } = world();
    await runScheduled(opts({ format: 'hec' }), io);
    const pages = JSON.parse(new TextDecoder().decode(FILES[1]!.bytes)) as {
      value: { id: string; riskLevel: string }[];
    }[];
    pages[0]!.value.find((d) => d.id === 'd3')!.riskLevel = 'high';
    const changed = {
      name: 'graph-risk-detections-pages.json',
      bytes: new TextEncoder().encode(JSON.stringify(pages)),
    };
    w.out = '';
    expect(await runScheduled(opts({ format: 'hec', files: [FILES[0]!, changed, FILES[2]!] }), io)).toBe(0);
    const events = w.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { event: { id: string; riskLevel: string } });
    expect(events.map((e) => [e.event.id, e.event.riskLevel])).toEqual([['d3', 'high']]);
    expect(
      parseState(io && (await io.readFile('state.json').then((b) => new TextDecoder().decode(b)))).detections
        .d3,
    ).toEqual({
      riskState: 'atRisk',
      riskLevel: 'high',
    });
  });

  test('rules decide what is open: a rules file that closes atRisk users delivers none of them', async () => {
    const { w, io } = world();
    expect(
      await runScheduled(
        opts({ format: 'json', rules: { closedStates: ['atRisk', 'remediated', 'dismissed'] } }),
        io,
      ),
    ).toBe(0);
    const j = JSON.parse(w.out);
    // Only Fiona (unknownFutureValue) stays open: the detections-only user's detection is atRisk, now closed too.
    expect(j.delivered.new.users).toEqual(['a1b2c3d4-0006-4000-8000-000000000006']);
  });

  test('a broken state file stops the run, names the file and writes nothing', async () => {
    const { w, io } = world();
    await io.writeFileAtomic(
      'state.json',
      '{"version":1,"users":{"x":{"riskState":"<script>","riskLevel":"high"}},"detections":{},"lastRunAt":null}',
    );
    expect(await runScheduled(opts({ format: 'tickets' }), io)).toBe(1);
    expect(w.issues).toEqual([expect.objectContaining({ severity: 'error', file: 'state.json' })]);
    expect(w.out).toBe('');
  });

  test('wrong use is a UsageError (exit 2 in the CLI)', async () => {
    const { io } = world();
    await expect(runScheduled(opts({ mailSecurity: 'secops@contoso.com' }), io)).rejects.toThrow(UsageError);
    await expect(
      runScheduled(opts({ hecUrl: 'http://splunk.contoso.com:8088', format: 'hec' }), io),
    ).rejects.toThrow(/https/);
    await expect(runScheduled(opts({ readGraph: true }), io)).rejects.toThrow(/--tenant and --client-id/);
    await expect(
      runScheduled(
        opts({
          readGraph: true,
          files: [],
          graph: { tenant: 't.onmicrosoft.com', clientId: 'x', cloud: 'mars' },
        }),
        io,
      ),
    ).rejects.toThrow(/--cloud must be one of global, usgov, usgov-dod, china/);
  });
});
