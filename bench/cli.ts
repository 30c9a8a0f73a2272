/**
 * The command line as scripts run it: whole processes, each figure the minimum of a few runs (the machine is
 * shared), ratios against a baseline process measured in the same run. Runs the CLI built ahead (dist-cli/,
 * rebuilt here first) through bin/hybrid-toolbox.mjs.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync, unzipSync, zipSync } from 'fflate';
import { SaxesParser } from 'saxes';
import { generate } from '../src/tools/sync-check/generate.ts';
import type { BenchRow, BenchSection } from './lib.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const DIR = fileURLToPath(new URL('./generated/', import.meta.url));
const BIN = join(ROOT, 'bin/hybrid-toolbox.mjs');
const REAL = resolve(ROOT, '../shared/fixtures/dmarc/real');
const DMARC_FILES = 3264;

interface Run {
  /** Wall time from spawn to exit. */
  ms: number;
  /** User + system CPU time of the process, from /usr/bin/time. */
  cpuMs: number;
  /** Peak resident set size in MB (10⁶ bytes), from /usr/bin/time. */
  rssMb: number;
  status: number;
}

/** One process, its stdout to a file (as `> file` gives it) or discarded, timed from spawn to exit. */
function runOnce(cmd: string, args: string[], opts: { stdin?: string; out?: string } = {}): Run {
  const rssFile = join(DIR, 'cli-rss.txt');
  const stdout = opts.out ? openSync(opts.out, 'w') : 'pipe';
  const t = performance.now();
  const p = spawnSync('/usr/bin/time', ['-f', '%M %U %S', '-o', rssFile, cmd, ...args], {
    input: opts.stdin,
    stdio: ['pipe', stdout, 'pipe'],
    maxBuffer: 1 << 30,
    cwd: ROOT,
  });
  const ms = performance.now() - t;
  if (typeof stdout === 'number') closeSync(stdout);
  const [rssKb, user, sys] = readFileSync(rssFile, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number);
  return { ms, cpuMs: (user! + sys!) * 1000, rssMb: (rssKb! * 1024) / 1e6, status: p.status ?? -1 };
}

/** The fastest of `runs` runs (after one warm-up): least wall time and, separately, least CPU time; the largest peak RSS. */
type Command = { cmd: string; args: string[]; stdin?: string; out?: string };

/**
 * Each command once to warm up, then `runs` rounds that run every command once in turn, so that a machine that
 * grows busier or quieter meanwhile weighs on a command and its baseline alike. Per command: the fastest run,
 * the least CPU time and the largest peak RSS seen.
 */
function bestOf(runs: number, commands: Command[]): Run[] {
  const all = commands.map((c) => (runOnce(c.cmd, c.args, c), [] as Run[]));
  for (let i = 0; i < runs; i++) commands.forEach((c, k) => all[k]!.push(runOnce(c.cmd, c.args, c)));
  return all.map((rs) => ({
    ...rs.reduce((a, b) => (b.ms < a.ms ? b : a)),
    cpuMs: Math.min(...rs.map((r) => r.cpuMs)),
    rssMb: Math.max(...rs.map((r) => r.rssMb)),
  }));
}

const row = (name: string, r: Run, base: Run, note = ''): BenchRow => ({
  name,
  ms: r.ms,
  ratio: r.ms / base.ms,
  note: [
    `CPU ${r.cpuMs.toFixed(0)} ms (${(r.cpuMs / base.cpuMs).toFixed(2)}×)`,
    `peak RSS ${r.rssMb.toFixed(0)} MB`,
    `exit ${r.status}`,
    note,
  ]
    .filter(Boolean)
    .join('; '),
});

/** Every aggregate report document in the real corpus: plain XML, gzip and zip members (mails left out). */
function realDocuments(): Uint8Array[] {
  const docs: Uint8Array[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else {
        const b = new Uint8Array(readFileSync(p));
        if (b[0] === 0x1f && b[1] === 0x8b) docs.push(gunzipSync(b));
        else if (b[0] === 0x50 && b[1] === 0x4b) docs.push(...Object.values(unzipSync(b)));
        else if (name.endsWith('.xml')) docs.push(b);
      }
    }
  };
  walk(REAL);
  const text = new TextDecoder();
  // Well-formed aggregate reports only: the figures are about reading reports, not rejecting broken ones.
  return docs.filter((d) => {
    const t = text.decode(d);
    if (!t.includes('<feedback') || !/<report_id>/.test(t)) return false;
    try {
      new SaxesParser().write(t).close();
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * 3,264 reports made from the real corpus, each with its own report id (so none is a duplicate), in one folder:
 * a third plain XML, a third gzip, a third zip — and the same XML decompressed in another folder for the baseline.
 */
function dmarcFolders(): { mixed: string; plain: string; xmlBytes: number; files: number } {
  const mixed = join(DIR, 'cli-dmarc-mixed');
  const plain = join(DIR, 'cli-dmarc-plain');
  const stamp = join(DIR, 'cli-dmarc-v2.json');
  if (existsSync(stamp)) return JSON.parse(readFileSync(stamp, 'utf8'));
  rmSync(mixed, { recursive: true, force: true });
  rmSync(plain, { recursive: true, force: true });
  mkdirSync(mixed, { recursive: true });
  mkdirSync(plain, { recursive: true });
  const docs = realDocuments();
  const enc = new TextEncoder();
  const dec = new TextDecoder();
  let xmlBytes = 0;
  for (let i = 0; i < DMARC_FILES; i++) {
    const text = dec
      .decode(docs[i % docs.length]!)
      .replace(/<report_id>([^<]*)<\/report_id>/, `<report_id>$1.${i}</report_id>`);
    const xml = enc.encode(text);
    xmlBytes += xml.length;
    const name = `report-${String(i).padStart(5, '0')}`;
    writeFileSync(join(plain, `${name}.xml`), xml);
    if (i % 3 === 0) writeFileSync(join(mixed, `${name}.xml`), xml);
    else if (i % 3 === 1) writeFileSync(join(mixed, `${name}.xml.gz`), gzipSync(xml));
    else writeFileSync(join(mixed, `${name}.zip`), zipSync({ [`${name}.xml`]: xml }));
  }
  const info = { mixed, plain, xmlBytes, files: DMARC_FILES };
  writeFileSync(stamp, JSON.stringify(info));
  return info;
}

function syncFiles(): { ad: string; entra: string; scope: string[] } {
  const ad = join(DIR, 'sync-check-ad.csv');
  const entra = join(DIR, 'sync-check-entra.csv');
  const scopeFile = join(DIR, 'sync-check-scope.json');
  if (!existsSync(ad) || !existsSync(entra) || !existsSync(scopeFile)) {
    // The same files as the in-process Sync check benchmark.
    const g = generate({ users: 200_000, adStyle: 'ps7', entraStyle: 'mg', seed: 200 });
    writeFileSync(ad, g.ad.bytes);
    writeFileSync(entra, g.entra[0]!.bytes);
    writeFileSync(scopeFile, JSON.stringify(g.scope));
  }
  return { ad, entra, scope: JSON.parse(readFileSync(scopeFile, 'utf8')) as string[] };
}

const fmtLoad = (l: number[]) => l.map((x) => x.toFixed(2)).join(', ');

/** The goal is on wall time; CPU time is given beside it because a loaded shared machine stretches wall time. */
function verdict(what: string, r: Run, base: Run, goal: number, atMost = true): string {
  const ok = (x: number) => (atMost ? x <= goal : x >= goal);
  const wall = atMost ? r.ms / base.ms : base.ms / r.ms;
  const cpu = atMost ? r.cpuMs / base.cpuMs : base.cpuMs / r.cpuMs;
  return `${what}: ${wall.toFixed(2)}× wall (goal ${atMost ? '≤' : '≥'} ${goal}×): ${ok(wall) ? 'met' : 'NOT met'} (CPU time ${cpu.toFixed(2)}×: ${ok(cpu) ? 'met' : 'NOT met'})`;
}

export async function bench(): Promise<BenchSection[]> {
  mkdirSync(DIR, { recursive: true });
  execFileSync(process.execPath, [join(ROOT, 'scripts/build-cli.mjs')], { cwd: ROOT });
  const node = process.execPath;
  const sections: BenchSection[] = [];

  // Cold start: one conversion against a bare Node start.
  const [bare, one, help] = bestOf(15, [
    { cmd: node, args: ['-e', '0'] },
    { cmd: node, args: [BIN, 'immutable-id', 'JC2LdB0sEUucPB2eXYo7Dw=='] },
    { cmd: node, args: [BIN, '--help'] },
  ]) as [Run, Run, Run];
  sections.push({
    title: 'Command line: cold start (whole process)',
    timeColumn: 'fastest of 15, ms',
    baseline: '`node -e 0`, same run',
    rows: [
      row('baseline: node -e 0', bare, bare),
      row('hybrid-toolbox immutable-id <one ImmutableID>', one, bare),
      row('hybrid-toolbox --help (no core loaded)', help, bare),
    ],
    verdict: verdict('One conversion', one, bare, 2),
    notes: [
      'Minimum of 15 runs after a warm-up, the three commands taking turns; peak RSS is the largest seen.',
    ],
  });

  // DMARC: a folder of 3,264 reports from the real corpus.
  const d = dmarcFolders();
  const out = join(DIR, 'cli-out.json');
  const dmarcLoad = loadavg();
  const [saxes, dmarcText, dmarcJson, python] = bestOf(5, [
    { cmd: node, args: [join(ROOT, 'bench/cli-baseline-saxes.mjs'), d.plain] },
    { cmd: node, args: [BIN, 'dmarc', d.mixed] },
    { cmd: node, args: [BIN, 'dmarc', d.mixed, '--json'], out },
    { cmd: 'python3', args: [join(ROOT, 'bench/cli-dmarc-etree.py'), d.mixed] },
  ]) as [Run, Run, Run, Run];
  const mb = d.xmlBytes / 1e6;
  sections.push({
    title: 'Command line: DMARC over a folder of real reports (whole process)',
    timeColumn: 'fastest of 5, ms',
    baseline:
      'a bare saxes tokenize (open tag, text, close tag; no work) of the same XML already decompressed, as a Node process, same run',
    rows: [
      {
        ...row('baseline: bare saxes tokenize of the decompressed XML', saxes, saxes),
        rate: { value: mb / (saxes.ms / 1000), unit: 'MB/s' },
      },
      {
        ...row('hybrid-toolbox dmarc <folder> (text summary)', dmarcText, saxes),
        rate: { value: mb / (dmarcText.ms / 1000), unit: 'MB/s' },
      },
      {
        ...row('hybrid-toolbox dmarc <folder> --json > file', dmarcJson, saxes),
        rate: { value: mb / (dmarcJson.ms / 1000), unit: 'MB/s' },
      },
      {
        ...row('Python xml.etree + gzip/zipfile summariser (bench/cli-dmarc-etree.py)', python, saxes),
        rate: { value: mb / (python.ms / 1000), unit: 'MB/s' },
      },
    ],
    verdict: `${verdict('CLI vs bare saxes', dmarcText, saxes, 1.5)}; ${verdict('Python vs CLI (speed-up)', dmarcText, python, 2, false)}`,
    notes: [
      `${d.files.toLocaleString('en-US')} reports (a third plain XML, a third .xml.gz, a third .zip, one folder) made from the aggregate reports in ../shared/fixtures/dmarc/real, each with its own report id; ${mb.toFixed(1)} MB of XML. Minimum of 5 runs after a warm-up, the four commands taking turns. The CLI reads on two threads, so on a busy machine its wall time suffers more than the single-threaded baselines'. Load average (1, 5, 15 min) before the baseline: ${fmtLoad(dmarcLoad)}; after: ${fmtLoad(loadavg())}.`,
    ],
  });

  // Sync check: 200,000 × 200,000 users with the full --json written.
  const s = syncFiles();
  const scope = s.scope.flatMap((x) => ['--scope', x]);
  const load = loadavg();
  const [papa, sync] = bestOf(5, [
    { cmd: node, args: [join(ROOT, 'bench/cli-baseline-papa.mjs'), s.ad, s.entra] },
    { cmd: node, args: [BIN, 'sync-check', '--ad', s.ad, '--entra', s.entra, ...scope, '--json'], out },
  ]) as [Run, Run];
  const jsonMb = statSync(out).size / 1e6;
  const inMb = (statSync(s.ad).size + statSync(s.entra).size) / 1e6;
  rmSync(out, { force: true });
  sections.push({
    title: 'Command line: Sync check, 200,000 × 200,000 users (whole process)',
    timeColumn: 'fastest of 5, ms',
    baseline: 'a bare Papa Parse `header: true` of the same two files, as a Node process, same run',
    rows: [
      row('baseline: bare Papa Parse header:true of both files', papa, papa),
      row(
        'hybrid-toolbox sync-check --ad … --entra … --json > file',
        sync,
        papa,
        `${jsonMb.toFixed(1)} MB of JSON`,
      ),
    ],
    verdict: `${verdict('Sync check vs bare Papa Parse', sync, papa, 1.3)}; peak RSS ${sync.rssMb.toFixed(0)} MB (goal ≤ ~1,100 MB): ${sync.rssMb <= 1150 ? 'met' : 'NOT met'}`,
    notes: [
      `${inMb.toFixed(0)} MB of CSV in. Minimum of 5 runs after a warm-up, the two commands taking turns. Load average (1, 5, 15 min) before the baseline: ${fmtLoad(load)}; after: ${fmtLoad(loadavg())}.`,
    ],
  });
  return sections;
}
