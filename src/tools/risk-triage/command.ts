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
    '                   [--rules rules.json] [--now 2026-11-23T12:00:00Z] [--state state.json]',
    'risk-triage --graph --tenant <tenant> --client-id <app id> --state state.json [--cloud …] [--dry-run]',
    '                   [--hec-url URL] [--webhook-url URL] [--mail-from A --mail-security A --mail-servicedesk A]',
  ],
  description:
    'Reads exported Microsoft Graph JSON — riskyUsers and riskDetections pages (Graph Explorer,\n' +
    'Invoke-MgGraphRequest), Get-MgRiskyUser / Get-MgRiskDetection | ConvertTo-Json, optionally users\n' +
    '(onPremisesSyncEnabled), directory roles and risky sign-ins — recognised by content, and prints the triaged\n' +
    'queue. Folders are read recursively; "-" reads one JSON document from stdin.\n' +
    'As a scheduled job (--graph and/or --state): reads Identity Protection live with app-only credentials from\n' +
    'HT_CLIENT_CERTIFICATE_FILE (or HT_CLIENT_SECRET[_FILE]) and delivers only what is new or changed since the\n' +
    'state file to stdout, Splunk HEC (token in HT_HEC_TOKEN), a webhook (header in HT_WEBHOOK_HEADER) and mail.',
  operands: {
    name: '<graph-json>…',
    min: 0,
    summary: 'JSON files or folders, or - for stdin (not with --graph)',
  },
  options: [
    ...RISK_FORMATS,
    { name: 'markdown', requires: 'tickets', summary: 'with --tickets: the tickets in Markdown' },
    { name: 'rules', value: '<rules.json>', summary: 'triage rules to change (see docs/risk-triage.md)' },
    { name: 'now', value: '<ISO time>', summary: 'measure recency from this time instead of now' },
    { name: 'graph', summary: 'read Identity Protection live with the app-only credentials (no files)' },
    {
      name: 'tenant',
      value: '<tenant>',
      summary: 'the tenant ID or a verified domain (for --graph and mail)',
    },
    { name: 'client-id', value: '<app id>', summary: "the job's app registration (Application ID)" },
    {
      name: 'cloud',
      value: '<cloud>',
      choices: ['global', 'usgov', 'usgov-dod', 'china'],
      summary: 'national cloud: global (default), usgov, usgov-dod, china',
    },
    {
      name: 'authority-host',
      value: '<https URL>',
      summary: 'sign-in host instead of the cloud’s (a proxy)',
    },
    { name: 'graph-endpoint', value: '<URL>', summary: 'Graph host instead of the cloud’s (a proxy)' },
    { name: 'state', value: '<state.json>', summary: 'deliver only what is new or changed since this state' },
    { name: 'dry-run', summary: 'show what would be delivered; send nothing, write no state' },
    { name: 'hec-url', value: '<URL>', summary: 'Splunk HTTP Event Collector (token in HT_HEC_TOKEN)' },
    {
      name: 'webhook-url',
      value: '<URL>',
      summary: 'POST one JSON ticket per user (header in HT_WEBHOOK_HEADER)',
    },
    { name: 'mail-from', value: '<address>', summary: 'the mailbox the job sends as (Graph sendMail)' },
    { name: 'mail-security', value: '<address>', summary: 'the detailed mail per user to the security team' },
    {
      name: 'mail-servicedesk',
      value: '<address>',
      summary: 'the short "who is blocked" mail to the service desk',
    },
  ],
  defaultOutput: 'the queue as a table',
  exit1:
    'a file was rejected, or no risky users or detections were found (the export commands are printed); as a job: ' +
    'Graph refused a read (the missing permission is named), the state file is unreadable, or a sink did not accept',
  docs: 'docs/risk-triage.md#cli',
  load: () => import('./cli.ts'),
};
