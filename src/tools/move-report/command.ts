import type { CommandSpec } from '../../cli/spec.ts';

export const command: CommandSpec = {
  name: 'move-report',
  summary:
    'Mailbox move report from Get-MoveRequestStatistics exports: status, batches, throughput, health, failures.',
  synopsis: ['move-report <moves.csv> [--bad-items <csv>] [--json|--csv [--delimiter ";"]]'],
  description:
    'Reads a Get-MoveRequest | Get-MoveRequestStatistics -IncludeReport | Export-Csv export (raw or flattened,\n' +
    'Exchange Online or on-premises, any culture and encoding) and an optional bad-items export. "-" reads the\n' +
    'moves export from stdin.',
  operands: { name: '<moves.csv>', min: 1, max: 1, summary: 'the moves export (- for stdin)' },
  options: [
    {
      name: 'bad-items',
      value: '<csv>',
      summary: 'a bad-items export (Get-MoveRequestStatistics -IncludeReport)',
    },
    { name: 'json', format: true, summary: 'the summary as JSON' },
    { name: 'csv', format: true, summary: 'one row per move, Excel-safe, UTF-8 with BOM' },
    {
      name: 'delimiter',
      value: '";"',
      choices: [',', ';'],
      requires: 'csv',
      summary: 'with --csv: ";" for Excel in de-DE, nl-NL and other ";" cultures',
    },
  ],
  defaultOutput: 'a text summary for people',
  exit1:
    'the moves export is unusable (with the PowerShell that makes a good one), or rows or the bad-items file were rejected',
  docs: 'docs/move-report.md#cli',
  load: () => import('./cli.ts'),
};
