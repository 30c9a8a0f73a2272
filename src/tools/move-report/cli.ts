import { esc } from '../../cli/escape.ts';
import type { RunContext } from '../../cli/spec.ts';
import { analyseMoves, toJsonSummary, type MoveReport } from './core.ts';
import { movesCsv } from './csv-exports.ts';

const gib = (n: number | null) => (n === null ? '–' : n.toFixed(1));
const pct = (n: number | null) => (n === null ? '–' : `${n.toFixed(1)} %`);

function textSummary(r: MoveReport): string {
  const s = r.stakeholder;
  const t = r.transferRate;
  const lines = [
    `${r.moves.length} moves in ${r.batches.length} batch(es) from ${esc(r.meta.file)} (${r.meta.columnSet}, ${r.meta.shape}, ${r.meta.encoding}, "${r.meta.delimiter}")`,
    `Done: ${s.completedInclWarning} (${pct(s.completedPercent)})   ready to complete: ${s.readyToComplete}   in flight: ${s.inFlight}   needs attention: ${s.needsAttention}   DCS Investigate/Poor: ${s.dcsInvestigateOrPoor}`,
    `Data: ${pct(s.dataCopiedPercent)} of ${gib(s.mailboxDataGiB)} GiB mailbox data copied, ${gib(s.dataLeftGiB)} GiB left; ${gib(s.dataTransferredGiB)} GiB transferred (incremental syncs included)`,
    `Rate: ${t.movesCounted} moves, mean ${t.meanGbPerHour?.toFixed(2) ?? '–'} GiB/h, median ${t.medianGbPerHour?.toFixed(2) ?? '–'}, fastest 90 % ${t.top90MeanGbPerHour?.toFixed(2) ?? '–'}`,
    r.eta.finishAt
      ? `ETA: ${r.eta.finishAt} (zone-less, ${gib(r.eta.remainingGiB)} GiB left at ${r.eta.recentGiBPerHour?.toFixed(2)} GiB/h over the last days)`
      : `ETA: – ${r.eta.reason ?? ''}`,
    '',
    'Status:',
    ...Object.entries(r.byStatus).map(([k, v]) => `  ${esc(k).padEnd(22)} ${v}`),
    '',
    'Health:',
    ...r.checks.map(
      (c) =>
        `  ${c.status === 'bad' ? '!!' : c.status === 'warn' ? ' !' : '  '} ${c.label}: ${c.value === null ? '–' : `${c.value.toFixed(2)} ${c.unit}`} (${c.threshold})${c.explanation ? `\n       ${c.explanation}` : ''}`,
    ),
  ];
  if (r.failures.length) {
    lines.push('', 'Failures:');
    for (const f of r.failures.slice(0, 15)) {
      lines.push(
        `  ${String(f.count).padStart(6)}  ${esc(f.failureType)}${f.known ? `  → ${f.known.fix}` : ''}`,
      );
    }
  }
  // Errors and warnings go to stderr; notes stay with the summary.
  const notes = r.issues.filter((i) => i.severity === 'info');
  if (notes.length) {
    lines.push('', 'Notes on the input:');
    for (const i of notes) lines.push(`  ${i.code}: ${esc(i.message)}`);
  }
  return lines.join('\n') + '\n';
}

export async function run(ctx: RunContext): Promise<void> {
  const badPath = ctx.option('bad-items');
  const [moves, bad] = await Promise.all([ctx.paths(ctx.operands), ctx.paths(badPath ? [badPath] : [])]);
  if (moves!.length !== 1 || bad!.length > 1)
    ctx.usage('give one moves file and at most one bad-items file, not a folder');
  const [movesFile, badItems] = await ctx.readAll([...moves!, ...bad!]);
  const report: MoveReport = analyseMoves({ moves: movesFile!, badItems });
  ctx.report(report.issues);
  if (ctx.format === 'json') ctx.out.json(toJsonSummary(report));
  else if (ctx.format === 'csv')
    ctx.out.raw(movesCsv(report.moves, { delimiter: (ctx.option('delimiter') ?? ',') as ',' | ';' }));
  else ctx.out.text(textSummary(report));
}
