import type { CommandSpec, OptionSpec } from '../../cli/spec.ts';

/** Output formats, one at a time; the runner in cli.ts has one writer per format. */
export const RISK_FORMATS: OptionSpec[] = [
  { name: 'json', format: true, summary: 'the queue as JSON: users with priority and detection count' },
  { name: 'cef', format: true, summary: 'one CEF line per detection' },
  { name: 'ndjson', format: true, summary: 'one ECS JSON object per line per detection' },
  {
    name: 'sentinel',
    format: true,
    summary: 'a JSON array with TimeGenerated and the AADUserRiskEvents columns',
  },
  { name: 'hec', format: true, summary: 'one Splunk HTTP Event Collector event per line per detection' },
  { name: 'tickets', format: true, summary: 'a service-desk ticket per open user (plain text)' },
];

export const command: CommandSpec = {
  name: 'risk-triage',
  summary:
    'Triage Identity Protection risky users and detections; tickets and SIEM events (CEF, ECS, Sentinel, HEC).',
  synopsis: [
    'risk-triage <graph-json>… [--json|--cef|--ndjson|--sentinel|--hec|--tickets [--markdown]]',
    '                   [--rules rules.json] [--now 2026-11-23T12:00:00Z]',
  ],
  description:
    'Reads exported Microsoft Graph JSON — riskyUsers and riskDetections pages (Graph Explorer,\n' +
    'Invoke-MgGraphRequest), Get-MgRiskyUser / Get-MgRiskDetection | ConvertTo-Json, optionally users\n' +
    '(onPremisesSyncEnabled), directory roles and risky sign-ins — recognised by content, and prints the triaged\n' +
    'queue. Folders are read recursively; "-" reads one JSON document from stdin.',
  operands: { name: '<graph-json>…', min: 1, summary: 'JSON files or folders, or - for stdin' },
  options: [
    ...RISK_FORMATS,
    { name: 'markdown', requires: 'tickets', summary: 'with --tickets: the tickets in Markdown' },
    { name: 'rules', value: '<rules.json>', summary: 'triage rules to change (see docs/risk-triage.md)' },
    { name: 'now', value: '<ISO time>', summary: 'measure recency from this time instead of now' },
  ],
  defaultOutput: 'the queue as a table',
  exit1: 'a file was rejected, or no risky users or detections were found (the export commands are printed)',
  docs: 'docs/risk-triage.md#cli',
  load: () => import('./cli.ts'),
};
