import os from 'node:os';

export interface BenchRow {
  name: string;
  /** Median milliseconds over the runs. */
  ms: number;
  /** Optional throughput, e.g. MB/s or values/s, with its unit. */
  rate?: { value: number; unit: string };
  /** This row's time divided by the section baseline's time in the same run. */
  ratio?: number;
  note?: string;
}

export interface BenchSection {
  title: string;
  /** What the baseline is, e.g. "Papa Parse header:true on the same file". */
  baseline: string;
  rows: BenchRow[];
  /** Goal and whether it was met, in words. */
  verdict?: string;
  notes?: string[];
  /** What the time column holds, when not the median (whole-process rows take the fastest run). */
  timeColumn?: string;
}

export function machine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return `${cpu}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.platform()} ${os.release()}, Node ${process.version}`;
}

/** Runs fn `runs` times after one warm-up and returns the median wall time in ms. */
export async function median(fn: () => unknown | Promise<unknown>, runs = 5): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

export function withRatios(rows: BenchRow[], baselineMs: number): BenchRow[] {
  return rows.map((r) => ({ ...r, ratio: r.ms / baselineMs }));
}

export function renderSection(s: BenchSection): string {
  const lines = [`## ${s.title}`, '', `Baseline: ${s.baseline}.`, ''];
  lines.push(
    `| measurement | ${s.timeColumn ?? 'median ms'} | rate | ratio to baseline | note |`,
    '| --- | ---: | ---: | ---: | --- |',
  );
  for (const r of s.rows) {
    lines.push(
      `| ${r.name} | ${r.ms.toFixed(1)} | ${r.rate ? `${r.rate.value.toFixed(1)} ${r.rate.unit}` : ''} | ${r.ratio === undefined ? '' : `${r.ratio.toFixed(2)}×`} | ${r.note ?? ''} |`,
    );
  }
  if (s.verdict) lines.push('', `**${s.verdict}**`);
  for (const n of s.notes ?? []) lines.push('', n);
  return lines.join('\n') + '\n';
}

/** Bundles a bench entry (core + generator) into one IIFE script to load into a Chromium page, in memory. */
export async function bundleForPage(entry: string, name: string, minify = false): Promise<string> {
  const { build } = await import('vite');
  const out = await build({
    configFile: false,
    logLevel: 'silent',
    build: { write: false, minify, lib: { entry, formats: ['iife'], name, fileName: 'harness' } },
  });
  const first = (Array.isArray(out) ? out[0]! : out) as { output: { code?: string }[] };
  return first.output[0]!.code!;
}
