import { readFileSync } from 'node:fs';
import { parseArgs, type CliIo, type ToolCli } from '../../cli/io.ts';
import { isInputError, type NamedBytes } from '../../lib/issue.ts';
import { analyseRisk } from './core.ts';
import { render, type OutputFormat } from './formats.ts';
import type { TriageResult, TriageRules } from './types.ts';

const USAGE = `Usage: hybrid-toolbox risk-triage <graph-json>… [--json|--cef|--ndjson|--sentinel|--hec|--tickets [--markdown]]
                                   [--rules rules.json] [--now 2026-11-23T12:00:00Z]

Reads exported Microsoft Graph JSON — riskyUsers and riskDetections pages (Graph Explorer, Invoke-MgGraphRequest),
Get-MgRiskyUser / Get-MgRiskDetection | ConvertTo-Json, optionally users (onPremisesSyncEnabled) and risky
sign-ins — recognised by content, and prints the triaged queue.

  (no flag)    the queue as a table
  --json       {"users":[{"id","userPrincipalName","riskLevel","riskState","priority","detections"}],"detections":<n>}
  --cef        one CEF line per detection
  --ndjson     one ECS JSON object per line per detection
  --sentinel   a JSON array with TimeGenerated and the AADUserRiskEvents columns
  --hec        one Splunk HTTP Event Collector event per line per detection
  --tickets    a service-desk ticket per open user (plain text; --markdown for Markdown)
  --rules      JSON with triage rules to change (see docs/risk-triage.md)
  --now        measure recency from this time instead of now

Folders are read recursively; "-" reads stdin. Warnings go to stderr. Exit 0 ok, 1 nothing usable, 2 usage.`;

const FORMATS = ['json', 'cef', 'ndjson', 'sentinel', 'hec', 'tickets'] as const;

function version(): string {
  try {
    return (
      JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
        version: string;
      }
    ).version;
  } catch {
    return '0';
  }
}

export function jsonSummary(result: TriageResult): string {
  return (
    JSON.stringify(
      {
        users: result.users.map((u) => ({
          id: u.id,
          userPrincipalName: u.userPrincipalName,
          riskLevel: u.riskLevel,
          riskState: u.riskState,
          priority: u.priority,
          detections: u.detections.length,
        })),
        detections: result.detections.length,
      },
      null,
      2,
    ) + '\n'
  );
}

function table(result: TriageResult): string {
  const rows = result.users.map((u) => [
    `P${u.priority}`,
    String(u.score),
    u.userPrincipalName || u.id,
    u.riskLevel ?? `(${u.effectiveLevel})`,
    u.riskState ?? '-',
    String(u.detections.length),
    u.isSynced === true ? 'AD' : u.isSynced === false ? 'cloud' : '?',
    u.kinds.join(','),
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

async function readInputs(io: CliIo, paths: string[]): Promise<NamedBytes[]> {
  const files: NamedBytes[] = [];
  for (const p of paths) {
    if (p === '-') {
      files.push({ name: 'stdin', bytes: new TextEncoder().encode(await io.readStdin()) });
      continue;
    }
    for (const f of await io.listFiles(p)) files.push({ name: f, bytes: await io.readFile(f) });
  }
  return files;
}

export const cli: ToolCli = {
  summary:
    'Triage Identity Protection risky users and detections; tickets and SIEM events (CEF, ECS, Sentinel, HEC).',
  usage: USAGE,
  async run(io) {
    const args = parseArgs(io.args, { flags: [...FORMATS, 'markdown'], options: ['rules', 'now'] });
    const chosen = FORMATS.filter((f) => args.flags.has(f));
    if (args.unknown.length || chosen.length > 1 || !args.positional.length) {
      io.stderr(
        `${args.unknown.length ? `Unknown option: ${args.unknown.join(', ')}\n` : chosen.length > 1 ? 'Choose one output format.\n' : 'Give at least one JSON file.\n'}${USAGE}\n`,
      );
      return 2;
    }
    let rules: Partial<TriageRules> | undefined;
    const rulesPath = args.options.get('rules')?.[0];
    let now = Date.now();
    const nowText = args.options.get('now')?.[0];
    if (nowText !== undefined) {
      now = Date.parse(nowText);
      if (Number.isNaN(now)) {
        io.stderr(`--now must be a date such as 2026-11-23T12:00:00Z, not "${nowText}".\n`);
        return 2;
      }
    }
    let files: NamedBytes[];
    try {
      if (rulesPath)
        rules = JSON.parse(new TextDecoder().decode(await io.readFile(rulesPath))) as Partial<TriageRules>;
      files = await readInputs(io, args.positional);
    } catch (e) {
      io.stderr(`${e instanceof Error ? e.message : String(e)}\n`);
      return 2;
    }
    let result: TriageResult;
    try {
      result = analyseRisk({ files, rules, now });
    } catch (e) {
      if (!isInputError(e)) throw e;
      io.stderr(`error: ${e.issue.message}\n${e.issue.hint ? `\n${e.issue.hint}\n` : ''}`);
      return 1;
    }
    for (const i of result.issues) {
      if (i.severity === 'info') continue;
      io.stderr(`${i.severity}: ${i.file ? `${i.file}${i.line ? `:${i.line}` : ''}: ` : ''}${i.message}\n`);
    }
    const format = chosen[0];
    const opts = { productVersion: version() };
    if (!format) io.stdout(table(result));
    else if (format === 'json') io.stdout(jsonSummary(result));
    else {
      const out: OutputFormat =
        format === 'tickets' ? (args.flags.has('markdown') ? 'tickets-md' : 'tickets') : format;
      io.stdout(
        render(
          out,
          result,
          result.users.filter((u) => u.isOpen),
          opts,
        ),
      );
    }
    return 0;
  },
};
