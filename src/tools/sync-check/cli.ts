import { setFlagsFromString } from 'node:v8';
import type { RunContext } from '../../cli/spec.ts';
import type { NamedBytes } from '../../lib/issue.ts';
import { analyse } from './core.ts';
import { cliJsonParts, unifiedCsv } from './report.ts';

export async function run(ctx: RunContext): Promise<void> {
  // Nearly everything read stays alive to the end (users, their values, the indexes), so a full collection of the
  // grown heap frees next to nothing: at 200,000 users a side one cost ≈ 120 ms of the main thread, plus marking
  // on the other core. A heap grown elevenfold between full collections skips it (peak RSS ≈ 45 MB higher).
  // Read when V8 sets its next limit, so it works after start-up; reset after the run (tests share the process).
  setFlagsFromString('--heap-growing-percent=1000');
  try {
    await check(ctx);
  } finally {
    setFlagsFromString('--heap-growing-percent=0');
  }
}

async function check(ctx: RunContext): Promise<void> {
  const thresholdText = ctx.option('threshold');
  const threshold = thresholdText === undefined ? undefined : Number(thresholdText);
  if (threshold !== undefined && (!Number.isSafeInteger(threshold) || threshold < 0))
    ctx.usage(`--threshold needs a whole number, not "${thresholdText}"`);
  // Every path checked before anything is read: a missing file stops the run at once (exit 2).
  const [ad, entra, adAfter] = await Promise.all(
    ['ad', 'entra', 'ad-after'].map((o) => ctx.paths(ctx.options(o))),
  );
  const sides = [ad!, entra!, adAfter!];
  // Every file at once, so the reads overlap (stdin can be read only once: then one side after the other).
  const all = sides.flat();
  let bytes: NamedBytes[] = [];
  if (all.some((f) => f.stdin)) for (const side of sides) bytes.push(...(await ctx.readAll(side)));
  else bytes = await ctx.readAll(all);
  const result = analyse({
    ad: bytes.slice(0, ad!.length),
    entra: bytes.slice(ad!.length, ad!.length + entra!.length),
    adAfter: bytes.slice(ad!.length + entra!.length),
    scope: ctx.options('scope'),
    threshold,
  });
  ctx.report(result.issues);
  // A side that cannot be used: nothing was compared, and printing empty sets would read as "all fine".
  const unusable = (result as { unusable?: unknown[] }).unusable;
  if (unusable?.length) {
    ctx.report(result.issues.some((i) => i.severity === 'error') ? [] : (unusable as typeof result.issues));
    ctx.fail();
    return;
  }
  if (ctx.format === 'csv') ctx.out.raw(unifiedCsv(result).replace(/^\ufeff/, ''));
  else ctx.out.json(cliJsonParts(result));
}
