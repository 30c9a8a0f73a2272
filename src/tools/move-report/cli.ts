import { parseArgs, type ToolCli } from '../../cli/io.ts';
import { isInputError } from '../../lib/issue.ts';
import { analyseMoves, toJsonSummary, type MoveReport } from './core.ts';
import { movesCsv } from './csv-exports.ts';

const USAGE = `Usage: hybrid-toolbox move-report <moves.csv> [--bad-items <csv>] [--json|--csv] [--delimiter ";"]

Reads a Get-MoveRequest | Get-MoveRequestStatistics -IncludeReport | Export-Csv export (raw or flattened,
Exchange Online or on-premises, any culture and encoding) and an optional bad-items export.

  (default)        a text summary for people
  --json           the summary as JSON (fields documented in docs/move-report.md; kept stable)
  --csv            one row per move, Excel-safe, UTF-8 with BOM
  --delimiter ";"  with --csv: use ";" for Excel in de-DE, nl-NL and other ";" cultures

Exit status: 0 report written, 1 the moves file could not be used, 2 wrong arguments.`;

const gib = (n: number | null) => (n === null ? '–' : n.toFixed(1));
const pct = (n: number | null) => (n === null ? '–' : `${n.toFixed(1)} %`);

function textSummary(r: MoveReport): string {
  const s = r.stakeholder;
  const t = r.transferRate;
  const lines = [
    `${r.moves.length} moves in ${r.batches.length} batch(es) from ${r.meta.file} (${r.meta.columnSet}, ${r.meta.shape}, ${r.meta.encoding}, "${r.meta.delimiter}")`,
    `Done: ${s.completedInclWarning} (${pct(s.completedPercent)})   ready to complete: ${s.readyToComplete}   in flight: ${s.inFlight}   needs attention: ${s.needsAttention}   DCS Investigate/Poor: ${s.dcsInvestigateOrPoor}`,
    `Data: ${gib(s.dataTransferredGiB)} GiB transferred of ${gib(s.mailboxDataGiB)} GiB mailbox data`,
    `Rate: ${t.movesCounted} moves, mean ${t.meanGbPerHour?.toFixed(2) ?? '–'} GB/h, median ${t.medianGbPerHour?.toFixed(2) ?? '–'}, fastest 90 % ${t.top90MeanGbPerHour?.toFixed(2) ?? '–'}`,
    r.eta.finishAt
      ? `ETA: ${r.eta.finishAt} (zone-less, ${gib(r.eta.remainingGiB)} GiB left at ${r.eta.recentGiBPerHour?.toFixed(2)} GiB/h over the last days)`
      : `ETA: – ${r.eta.reason ?? ''}`,
    '',
    'Status:',
    ...Object.entries(r.byStatus).map(([k, v]) => `  ${k.padEnd(22)} ${v}`),
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
      lines.push(`  ${String(f.count).padStart(6)}  ${f.failureType}${f.known ? `  → ${f.known.fix}` : ''}`);
    }
  }
  if (r.issues.length) {
    lines.push('', 'Notes on the input:');
    for (const i of r.issues) lines.push(`  [${i.severity}] ${i.code}: ${i.message}`);
  }
  return lines.join('\n') + '\n';
}

export const cli: ToolCli = {
  summary:
    'Mailbox move report from Get-MoveRequestStatistics exports: status, batches, throughput, health, failures.',
  usage: USAGE,
  async run(io) {
    const { positional, flags, options, unknown } = parseArgs(io.args, {
      flags: ['json', 'csv'],
      options: ['bad-items', 'delimiter'],
    });
    if (unknown.length || positional.length !== 1 || (flags.has('json') && flags.has('csv'))) {
      io.stderr(`${unknown.length ? `Unknown: ${unknown.join(' ')}\n` : ''}${USAGE}\n`);
      return 2;
    }
    const delimiter = options.get('delimiter')?.[0] ?? ',';
    if (delimiter !== ',' && delimiter !== ';') {
      io.stderr('--delimiter takes "," or ";".\n');
      return 2;
    }
    const movesPath = positional[0]!;
    const badPath = options.get('bad-items')?.[0];
    let report: MoveReport;
    try {
      const moves = { name: movesPath, bytes: await io.readFile(movesPath) };
      const badItems = badPath ? { name: badPath, bytes: await io.readFile(badPath) } : undefined;
      report = analyseMoves({ moves, badItems });
    } catch (e) {
      if (isInputError(e)) {
        io.stderr(
          `${e.issue.file ?? movesPath}: ${e.issue.message}\n${e.issue.hint ? `\n${e.issue.hint}\n` : ''}`,
        );
        return 1;
      }
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
        io.stderr(`Cannot read ${(e as NodeJS.ErrnoException).path ?? movesPath}: no such file.\n`);
        return 1;
      }
      throw e;
    }
    if (flags.has('json')) io.stdout(JSON.stringify(toJsonSummary(report), null, 2) + '\n');
    else if (flags.has('csv')) io.stdout(movesCsv(report.moves, { delimiter }));
    else io.stdout(textSummary(report));
    return 0;
  },
};
