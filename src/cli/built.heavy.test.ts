/**
 * The CLI that ships is the bundle built ahead from these sources: built here from scratch, run as a real
 * process, it must print exactly what the sources print in memory, with the same exit status; and the packed
 * package must install into an empty prefix, without any other package, and run.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  closeSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateReports } from '../tools/dmarc/generate.ts';
import { generate } from '../tools/sync-check/generate.ts';
import { runCli } from './memory-io.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'ht-cli-'));
const data = join(work, 'data');
const built = join(work, 'built');

function loadDisk(dir: string): Record<string, Uint8Array> {
  const disk: Record<string, Uint8Array> = {};
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else disk[relative(data, p)] = new Uint8Array(readFileSync(p));
    }
  };
  walk(dir);
  return disk;
}

const GUID = (i: number) => `${i.toString(16).padStart(8, '0')}-2c1d-4b11-9c3c-1d9e5d8a3b0f`;
const STDIN = Array.from({ length: 2000 }, (_, i) => (i === 7 ? 'bad*padding=' : GUID(i))).join('\n');

const CASES: { argv: string[]; stdin?: string; env?: Record<string, string> }[] = [
  { argv: ['--help'] },
  { argv: ['--version'] },
  { argv: ['immutable-id', '--help'] },
  { argv: [] },
  { argv: ['nope'] },
  { argv: ['immutable-id', GUID(1), 'JC2LdB0sEUucPB2eXYo7Dw=='] },
  { argv: ['immutable-id', '-', '--json'], stdin: STDIN },
  { argv: ['immutable-id', '-', '--csv'], stdin: STDIN },
  { argv: ['dmarc', 'dmarc', '--json'] },
  // The second thread on (it starts at 64 files otherwise): the same output as one thread from the sources.
  { argv: ['dmarc', 'dmarc', '--json'], env: { HT_PARALLEL_MIN_FILES: '2' } },
  { argv: ['dmarc', 'dmarc'], env: { HT_PARALLEL_MIN_FILES: '2' } },
  // A folder too big for the main thread to read alone before the reading threads have started: they take runs.
  { argv: ['dmarc', 'many', '--json'] },
  { argv: ['dmarc', 'many', '--ndjson'] },
  // Three reading threads beside the main one, whatever the cores here.
  { argv: ['dmarc', 'many', '--json'], env: { HT_THREADS: '4' } },
  { argv: ['dmarc', 'many', '--csv'], env: { HT_THREADS: '4' } },
  { argv: ['dmarc', 'many'], env: { HT_THREADS: '1' } },
  { argv: ['dmarc', 'dmarc'] },
  { argv: ['dmarc', 'dmarc', '--ndjson'] },
  { argv: ['dmarc', 'dmarc', 'missing'] },
  { argv: ['move-report', 'moves/exo-raw-en-US.csv', '--bad-items', 'moves/bad-items-en-US.csv', '--json'] },
  { argv: ['move-report', 'moves/onprem2013-de-DE-utf16.csv'] },
  { argv: ['move-report', 'moves/bad-items-en-US.csv'] },
  { argv: ['risk-triage', 'risk', '--json', '--now', '2026-11-23T12:00:00Z'] },
  { argv: ['risk-triage', 'risk', '--cef', '--now', '2026-11-23T12:00:00Z'] },
  {
    argv: ['sync-check', '--ad', 'sync/ad.csv', '--entra', 'sync/entra.csv', '--ad-after', 'sync/later.csv'],
  },
  { argv: ['sync-check', '--ad', 'sync/ad.csv', '--entra', 'sync/entra.csv', '--csv'] },
  { argv: ['sync-check', '--ad', 'sync/empty.csv', '--entra', 'sync/entra.csv'] },
];

beforeAll(() => {
  cpSync(join(ROOT, 'src/tools/dmarc/fixtures'), join(data, 'dmarc'), { recursive: true });
  // A rejected report whose content and name carry escape codes.
  writeFileSync(join(data, 'dmarc/broken\u001b[2J.xml'), '<feedback>\u001b[2J');
  // Copies of a report, one the same and one with other figures: the two threads compare them record by record.
  const google = readFileSync(join(data, 'dmarc/google.xml'), 'utf8');
  writeFileSync(join(data, 'dmarc/google-again.xml'), google);
  writeFileSync(
    join(data, 'dmarc/google-edited.xml'),
    google.replace('<count>12</count>', '<count>13</count>'),
  );
  mkdirSync(join(data, 'many'));
  generateReports({ reports: 1200, seed: 5 }).files.forEach((r, i) =>
    writeFileSync(join(data, 'many', `${i}-${r.name}`), r.bytes),
  );
  // Copies in separate runs, as a mailbox export holds them.
  writeFileSync(join(data, 'many/zz-copy.xml'), google);
  writeFileSync(join(data, 'many/aa-copy.xml'), google);
  cpSync(join(ROOT, 'src/tools/move-report/fixtures'), join(data, 'moves'), { recursive: true });
  cpSync(join(ROOT, 'src/tools/risk-triage/fixtures'), join(data, 'risk'), { recursive: true });
  const g = generate({ withAfter: true, seed: 9 });
  mkdirSync(join(data, 'sync'));
  writeFileSync(join(data, 'sync/ad.csv'), g.ad.bytes);
  writeFileSync(join(data, 'sync/entra.csv'), g.entra[0]!.bytes);
  writeFileSync(join(data, 'sync/later.csv'), g.adAfter!.bytes);
  writeFileSync(join(data, 'sync/empty.csv'), '');
  execFileSync(process.execPath, [join(ROOT, 'scripts/build-cli.mjs'), '--out', built], { cwd: ROOT });
}, 120_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the built CLI', () => {
  it('prints exactly what the sources print, with the same exit status', async () => {
    const disk = loadDisk(data);
    for (const c of CASES) {
      const proc = spawnSync(process.execPath, [join(built, 'hybrid-toolbox.mjs'), ...c.argv], {
        cwd: data,
        input: c.stdin ?? '',
        env: { ...process.env, ...c.env },
        encoding: 'utf8',
        maxBuffer: 1 << 28,
      });
      const mem = await runCli(c.argv, disk, c.stdin ?? '');
      const label = c.argv.join(' ');
      expect(proc.status, label).toBe(mem.code);
      expect(proc.stdout, label).toBe(mem.out);
      expect(proc.stderr, label).toBe(mem.err);
    }
  });

  it('writes the same bytes to a file as to a pipe (stdout redirected to a file is written directly)', () => {
    for (const argv of [
      [
        'sync-check',
        '--ad',
        'sync/ad.csv',
        '--entra',
        'sync/entra.csv',
        '--ad-after',
        'sync/later.csv',
        '--json',
      ],
      ['dmarc', 'dmarc'],
    ]) {
      const run = (stdout: 'pipe' | number) =>
        spawnSync(process.execPath, [join(built, 'hybrid-toolbox.mjs'), ...argv], {
          cwd: data,
          stdio: ['ignore', stdout, 'pipe'],
          maxBuffer: 1 << 28,
        });
      const piped = run('pipe');
      const file = join(work, 'stdout.txt');
      const fd = openSync(file, 'w');
      const filed = run(fd);
      closeSync(fd);
      expect(filed.status).toBe(piped.status);
      expect(readFileSync(file).equals(piped.stdout), argv.join(' ')).toBe(true);
    }
  });

  it('imports no tool runner for --help: the entry has only small shared chunks', () => {
    const entry = readFileSync(join(built, 'hybrid-toolbox.mjs'), 'utf8');
    const statics = [
      ...entry.matchAll(/(?:^|[;}\n])\s*import\s*(?:[^'"()]*?from\s*)?["']\.\/chunks\/([^"']+)["']/g),
    ].map((m) => m[1]!);
    for (const name of statics) {
      expect(name, name).not.toMatch(/^(dmarc|immutable-id|move-report|risk-triage|sync-check)-/);
      expect(statSync(join(built, 'chunks', name)).size, name).toBeLessThan(8_000);
    }
    // Each runner is loaded on demand.
    for (const tool of ['dmarc', 'immutable-id', 'move-report', 'risk-triage', 'sync-check'])
      expect(
        readdirSync(join(built, 'chunks')).some((n) => n.startsWith(`${tool}-`)),
        tool,
      ).toBe(true);
  });

  it('npm pack makes a package with no dependencies that installs into an empty prefix and runs', () => {
    const packed = join(work, 'pack');
    const prefix = join(work, 'prefix');
    const npm = (args: string[], cwd: string) =>
      execFileSync('npm', args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_fund: 'false' } });
    mkdirSync(packed);
    npm(['pack', '--pack-destination', packed, '--silent'], ROOT);
    const tarball = readdirSync(packed).find((n) => n.endsWith('.tgz'))!;
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest.dependencies ?? {}).toEqual({});
    npm(['install', '-g', '--prefix', prefix, '--offline', '--no-audit', join(packed, tarball)], work);
    const bin = join(prefix, 'bin', 'hybrid-toolbox');
    const ok = spawnSync(bin, ['immutable-id', 'JC2LdB0sEUucPB2eXYo7Dw==', '--json'], { encoding: 'utf8' });
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout).results[0].readings[0].guid).toBe('748b2d24-2c1d-4b11-9c3c-1d9e5d8a3b0f');
    const dmarc = spawnSync(bin, ['dmarc', join(data, 'dmarc'), '--json'], { encoding: 'utf8' });
    expect(dmarc.status).toBe(1);
    expect(JSON.parse(dmarc.stdout).totals.reports).toBe(5);
    const usage = spawnSync(bin, ['sync-check'], { encoding: 'utf8' });
    expect(usage.status).toBe(2);
  });
});
