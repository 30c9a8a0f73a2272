import { esc } from '../../cli/escape.ts';
import type { RunContext } from '../../cli/spec.ts';
import type { NamedBytes } from '../../lib/issue.ts';
import { analyseRisk } from './core.ts';
import { render, type OutputFormat } from './formats.ts';
import type { TriageResult, TriageRules } from './types.ts';

export function jsonSummary(result: TriageResult) {
  return {
    users: result.users.map((u) => ({
      id: u.id,
      userPrincipalName: u.userPrincipalName,
      riskLevel: u.riskLevel,
      riskState: u.riskState,
      priority: u.priority,
      isOpen: u.isOpen,
      why: u.why ?? '',
      detections: u.detections.length,
    })),
    detections: result.detections.length,
  };
}

function table(result: TriageResult): string {
  const rows = result.users.map((u) => [
    `P${u.priority}`,
    String(u.score),
    esc(u.userPrincipalName || u.id),
    esc(u.riskLevel ?? `(${u.effectiveLevel})`),
    esc(u.riskState ?? '-'),
    String(u.detections.length),
    u.isSynced === true ? 'AD' : u.isSynced === false ? 'cloud' : '?',
    esc(u.kinds.join(',')),
  ]);
  const head = ['PRI', 'SCORE', 'USER', 'LEVEL', 'STATE', 'DET', 'SRC', 'KINDS'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const s = result.stats;
  return [
    fmt(head),
    ...rows.map(fmt),
    '',
    `${s.users} users (${s.openUsers} open: P1 ${s.byPriority[1]}, P2 ${s.byPriority[2]}, P3 ${s.byPriority[3]}, P4 ${s.byPriority[4]}), ` +
      `${s.detections} detections (${s.openDetections} open), ${s.synced} synced from AD, ${s.admins} with admin roles.`,
    '',
  ].join('\n');
}

/** The options that shape the analysis, checked before anything is read. */
export interface RiskSettings {
  now: number;
  rules?: Partial<TriageRules>;
}

export async function settings(ctx: RunContext): Promise<RiskSettings> {
  const nowText = ctx.option('now');
  const now = nowText === undefined ? Date.now() : Date.parse(nowText);
  if (Number.isNaN(now)) ctx.usage(`--now must be a date such as 2026-11-23T12:00:00Z, not "${nowText}"`);
  const rulesPath = ctx.option('rules');
  if (!rulesPath) return { now };
  const [file] = await ctx.readAll(await ctx.paths([rulesPath]));
  try {
    return { now, rules: JSON.parse(new TextDecoder().decode(file!.bytes)) as Partial<TriageRules> };
  } catch (e) {
    return ctx.usage(`--rules ${rulesPath} is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** The exported files named on the command line (folders walked, `-` for stdin). */
export async function inputFiles(ctx: RunContext): Promise<NamedBytes[]> {
  return ctx.readAll(await ctx.paths(ctx.operands));
}

/** Writes the result in the format asked for. */
export function emit(ctx: RunContext, result: TriageResult): void {
  const format = ctx.format;
  if (!format) ctx.out.text(table(result));
  else if (format === 'json') ctx.out.json(jsonSummary(result));
  else {
    const out: OutputFormat =
      format === 'tickets' ? (ctx.flag('markdown') ? 'tickets-md' : 'tickets') : (format as OutputFormat);
    const open = result.users.filter((u) => u.isOpen);
    const text = render(out, result, open, { productVersion: ctx.version });
    // Tickets are for people (escaped); SIEM events stay byte-exact.
    if (format === 'tickets') ctx.out.text(text);
    else ctx.out.raw(text);
  }
}

/**
 * The command. Extension point: more sources (live Graph), state or sinks fit between these steps —
 * declare their options in command.ts, read them here, keep `ctx.report` for problems and the exit code.
 */
export async function run(ctx: RunContext): Promise<void> {
  const s = await settings(ctx);
  if (ctx.flag('graph') && ctx.operands.length) ctx.usage('give either --graph or exported files, not both');
  if (!ctx.flag('graph') && !ctx.operands.length)
    ctx.usage('<graph-json>… is missing (or --graph to read live)');
  const files = await inputFiles(ctx);
  // The scheduled job (live read, state, sinks) loads MSAL Node only when asked for.
  const job = await import('./automation/cli-job.ts');
  if (job.isJob(ctx)) return job.runJob(ctx, s, files);
  const result = analyseRisk({ files, rules: s.rules, now: s.now });
  ctx.report(result.issues);
  emit(ctx, result);
}
