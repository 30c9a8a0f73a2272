import { esc } from '../../cli/escape.ts';
import type { RunContext } from '../../cli/spec.ts';
import { existsSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { InputPath } from '../../cli/spec.ts';
import { unpackCollector, type PackedCollector } from './cli-pack.ts';
import { collectFiles, mergeCollectors, summarise, summariseRuns, type Collector } from './core.ts';
import { figuresOf, type RunFigures } from './figures.ts';
import { SenderClassifier } from './senders.ts';
import { kindText, otherKindsSummary, recordsCsv, toJson, type ReportKind } from './exports.ts';
import { toNdjson } from './ndjson.ts';
import { cliIpTable, enrichCli } from './enrich/cli-ip-table.ts';
import type { DmarcOverview, DmarcResult } from './types.ts';

const pct = (part: number, whole: number) => (whole ? `${((100 * part) / whole).toFixed(1)} %` : '–');
const day = (s: number | null) => (s === null ? '–' : new Date(s * 1000).toISOString().slice(0, 10));

function textSummary(r: DmarcOverview): string {
  const t = r.totals;
  const s = t.filesByStatus;
  const lines = [
    `${t.files} file(s): ${s.ok} ok, ${s.warning} with warnings, ${s.rejected} rejected, ${s.skipped} skipped`,
    `${t.reports} report(s) from ${t.reporters} reporter(s) about ${t.domains} domain(s), ${day(t.begin)} – ${day(t.end)}; ${t.duplicates} duplicate(s) dropped`,
    `${t.messages.toLocaleString('en-US')} messages in ${t.records.toLocaleString('en-US')} records: DMARC pass ${pct(t.dmarcPass, t.messages)}, DKIM aligned ${pct(t.dkimAlignedPass, t.messages)}, SPF aligned ${pct(t.spfAlignedPass, t.messages)}`,
    `Disposition: none ${t.disposition.none}, quarantine ${t.disposition.quarantine}, reject ${t.disposition.reject}${t.disposition.pass ? `, pass ${t.disposition.pass}` : ''}${t.disposition.unknown ? `, unknown ${t.disposition.unknown}` : ''}`,
    ...otherKindsSummary(r),
    '',
    `Readiness for enforcement (${r.readiness.verdict}): ${r.readiness.advice}`,
    '',
    'Senders (messages, DMARC pass):',
    ...r.senders
      .slice(0, 20)
      .map(
        (x) =>
          `  ${String(x.messages).padStart(9)}  ${pct(x.dmarcPass, x.messages).padStart(7)}  ${esc(x.name)} (${x.ips.length} IP${x.ips.length === 1 ? '' : 's'})`,
      ),
  ];
  if (r.senders.length > 20) lines.push(`  … ${r.senders.length - 20} more (use --json)`);
  const problems = r.files.filter(
    (f) => f.status === 'rejected' || f.status === 'skipped' || f.status === 'warning',
  );
  if (problems.length) {
    lines.push('', 'Files with problems:');
    for (const f of problems)
      lines.push(`  [${f.status}] ${esc(f.path)}: ${esc(f.reason || f.warnings.join(' | '))}`);
  }
  return lines.join('\n') + '\n';
}

// The reading threads' script exists only in the bundled CLI (scripts/build-cli.mjs); from the sources, one thread.
const WORKER = new URL('../workers/dmarc.mjs', import.meta.url);
const PARALLEL_MIN_FILES = Number(process.env.HT_PARALLEL_MIN_FILES) || 64;
/** Files per run taken from the shared counter: few enough that the threads finish together. */
const runFiles = (files: number) => Math.max(1, Math.min(16, Math.floor(files / 16)));

type RunReply =
  | { run: number; packed: PackedCollector }
  | { run: number; rest: Omit<Collector, 'recordsByReport'>; figures: RunFigures };
type RunMessage = RunReply | { done: true };
/**
 * 'figures': each thread adds up the runs it reads (`figuresOf`) and sends that, keeping no record; 'records':
 * every run is sent with its records (the per-record formats).
 */
type Mode = 'figures' | 'records';
type Job = { files: InputPath[]; runFiles: number; next: Int32Array; mode: Mode };

/**
 * Threads that read beside this one: one per further core (`HT_THREADS` sets the total), at most three. More
 * would mostly wait on the disk and on this thread, which joins what they read.
 */
function helperCount(): number {
  const total = Number(process.env.HT_THREADS) || availableParallelism();
  return Math.max(0, Math.min(total, 4) - 1);
}

/**
 * The reading threads, started before the folder is walked when an operand is a folder: starting Node and
 * compiling the bundle on them (≈ 0.1 s) then overlaps the walk. They wait for their job and are dropped (unref'd,
 * then terminated) if the folder turns out small or the run stops first.
 */
class Helpers {
  readonly #workers: Worker[];
  readonly #failed: Promise<never>[];
  private constructor(count: number) {
    this.#workers = Array.from({ length: count }, () => new Worker(WORKER));
    this.#failed = this.#workers.map((w) => {
      w.unref();
      const failed = new Promise<never>((_, reject) => {
        w.once('error', reject);
        w.once('exit', () => reject(new Error('a reading thread stopped')));
      });
      failed.catch(() => {});
      return failed;
    });
  }

  static start(operands: readonly string[]): Helpers | undefined {
    const count = helperCount();
    if (count < 1 || WORKER.protocol !== 'file:' || !existsSync(WORKER)) return undefined;
    const hasFolder = operands.some((o) => {
      try {
        return o !== '-' && statSync(o).isDirectory();
      } catch {
        return false;
      }
    });
    return hasFolder ? new Helpers(count) : undefined;
  }

  /**
   * Runs of files taken from the shared counter; each arrives in `onRun`. Settles when every thread has no more
   * to take or has stopped: a thread that fails leaves its runs undelivered, and the caller reads those itself.
   */
  async take(job: Job, onRun: (m: RunReply) => void): Promise<void> {
    await Promise.allSettled(
      this.#workers.map((w, i) => {
        w.ref();
        const done = new Promise<void>((resolve) => {
          w.on('message', (m: RunMessage) => ('done' in m ? resolve() : onRun(m)));
        });
        w.postMessage(job);
        return Promise.race([done, this.#failed[i]]).finally(() => void w.terminate());
      }),
    );
  }

  stop(): void {
    for (const w of this.#workers) void w.terminate();
  }
}

type Collected = { result: DmarcResult } | { overview: DmarcOverview; figures: RunFigures };

/**
 * Reads the files, on several threads when the folder is big and there are cores for them. In 'figures' mode the summary is built from what each
 * run adds up to, and records cross between the threads only when copies of a report must be compared.
 */
async function collect(
  ctx: RunContext,
  paths: InputPath[],
  helpers: Helpers | undefined,
  mode: Mode,
): Promise<Collected> {
  if (!helpers || paths.length < PARALLEL_MIN_FILES || paths.some((f) => f.stdin)) {
    helpers?.stop();
    return { result: summarise(await collectFiles(ctx.lazy(paths))) };
  }
  const size = runFiles(paths.length);
  const count = Math.ceil(paths.length / size);
  const lazyRun = (k: number) => ctx.lazy(paths.slice(k * size, (k + 1) * size));
  // Per run: its collector (without records when it came as figures), and in 'figures' mode its figures.
  const runs: (Omit<Collector, 'recordsByReport'> & Partial<Pick<Collector, 'recordsByReport'>>)[] =
    new Array(count);
  const figures: RunFigures[] = new Array(count);
  const classifier = new SenderClassifier();
  const read = async (k: number) => {
    const c = await collectFiles(lazyRun(k));
    if (mode === 'records') runs[k] = c;
    else {
      figures[k] = figuresOf(c, classifier);
      const { recordsByReport: _records, ...rest } = c;
      runs[k] = rest;
    }
  };
  const next = new Int32Array(new SharedArrayBuffer(4));
  const taking = helpers.take({ files: paths, runFiles: size, next, mode }, (m) => {
    if ('packed' in m) runs[m.run] = unpackCollector(m.packed);
    else {
      runs[m.run] = m.rest;
      figures[m.run] = m.figures;
    }
  });
  for (let k = Atomics.add(next, 0, 1); k < count; k = Atomics.add(next, 0, 1)) await read(k);
  // A thread that fails leaves nothing to chance: the runs it took and did not deliver are read here.
  await taking;
  for (let k = 0; k < count; k++) if (!runs[k]) await read(k);
  if (mode === 'figures') {
    const summed = await summariseRuns(runs, figures, (k) => collectFiles(lazyRun(k)), classifier);
    if (summed) return summed;
    // Totals past exact counting: every record is read, and the largest reports are rejected as usual.
    for (let k = 0; k < count; k++) runs[k] = await collectFiles(lazyRun(k));
  }
  return { result: summarise(mergeCollectors(runs as Collector[])) };
}

export async function run(ctx: RunContext): Promise<void> {
  const helpers = Helpers.start(ctx.operands);
  try {
    await analyse(ctx, helpers);
  } finally {
    helpers?.stop();
  }
}

async function analyse(ctx: RunContext, helpers: Helpers | undefined): Promise<void> {
  const paths = await ctx.paths(ctx.operands);
  if (!paths.length) {
    ctx.report([
      { code: 'no-files', severity: 'error', file: ctx.operands.join(' '), message: 'no files found' },
    ]);
    return;
  }
  const kind = (ctx.option('kind') ?? 'aggregate') as ReportKind;
  if (kind !== 'aggregate' && ctx.format !== 'ndjson' && ctx.format !== 'csv')
    ctx.usage('--kind works only with --ndjson or --csv');
  const ipTable = cliIpTable();
  // The text and JSON summaries need no record one by one; CSV and NDJSON list them.
  const perRecord = ctx.format === 'csv' || ctx.format === 'ndjson';
  const collected = await collect(ctx, paths, helpers, perRecord ? 'records' : 'figures');
  const summary = 'result' in collected ? collected.result : collected.overview;
  await enrichCli(summary, ipTable, 'figures' in collected ? collected.figures : undefined);
  ctx.report(summary.issues);
  if (summary.files.some((f) => f.status === 'rejected')) ctx.fail();
  if (ctx.format === 'json') ctx.out.json(toJson(summary));
  else if (!perRecord) ctx.out.text(textSummary(summary));
  else {
    // 'records' mode always gives the whole result.
    const result = (collected as { result: DmarcResult }).result;
    if (kind !== 'aggregate') ctx.out.raw(kindText(result, ctx.format as 'ndjson' | 'csv', kind));
    else if (ctx.format === 'csv') ctx.out.raw(recordsCsv(result));
    else ctx.out.raw(toNdjson(result));
  }
}
