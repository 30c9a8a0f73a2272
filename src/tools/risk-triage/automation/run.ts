/**
 * The scheduled, unattended run: read (live with app-only credentials, or exported files), triage with the same
 * rules as the page, keep only what is new or changed since the state file, deliver it to every sink, and write
 * the state for what every sink accepted. `runScheduled` is the one entry; the CLI only parses flags into it.
 */
import type { Issue, NamedBytes } from '../../../lib/issue.ts';
import { isInputError } from '../../../lib/issue.ts';
import { createGraphClient, type GraphClient } from '../../../lib/graph/client.ts';
import { errorText, isGraphError } from '../../../lib/graph/errors.ts';
import { analyseRisk } from '../core.ts';
import { DEFAULT_RULES, mergeRules } from '../triage.ts';
import type { OutputFormat } from '../formats.ts';
import type { TriageResult, TriageRules } from '../types.ts';
import { appTokenProvider } from './app-auth.ts';
import { resolveEndpoints, type Endpoints } from './clouds.ts';
import { isMailAddress } from './mail.ts';
import { readLive } from './read.ts';
import { ENV, loadCredential, readSecret, scrub, type AppCredential, type Env } from './secrets.ts';
import { checkSinkUrl, hecSink, mailSink, stdoutSink, webhookSink, type Fetch, type Sink } from './sinks.ts';
import {
  computeDelta,
  deliveryKey,
  markDelivered,
  parseState,
  serializeState,
  type Delta,
  type DeliveryState,
} from './state.ts';

export interface GraphTarget {
  tenant: string;
  clientId: string;
  cloud?: string;
  authorityHost?: string;
  graphEndpoint?: string;
}

export interface ScheduledOptions {
  /** Exported JSON, when the run does not read Graph. */
  files: NamedBytes[];
  /** Read Identity Protection live (`--graph`). */
  readGraph: boolean;
  /** Tenant and app for `--graph` and for mail. */
  graph?: GraphTarget;
  statePath?: string;
  dryRun?: boolean;
  /** Stdout format; `json` is the summary with `delivered`; none: a line per delivered user. */
  format?: OutputFormat | 'json';
  hecUrl?: string;
  webhookUrl?: string;
  mailFrom?: string;
  mailSecurity?: string;
  mailServiceDesk?: string;
  rules?: Partial<TriageRules>;
  now?: number;
  /** Days before the last run that detections are read again (default 3: offline detections come up to 48 h late). */
  lookbackDays?: number;
  /** Days of detections on the first run (default 30). */
  firstRunDays?: number;
  productVersion?: string;
}

export interface ScheduledIo {
  /** Standard output, exact (formats for machines) — the caller escapes nothing. */
  stdout: (text: string) => void;
  /** Problems for stderr; an `error` makes the exit status 1. */
  report: (issues: Issue[]) => void;
  env: Env;
  readFile: (path: string) => Promise<Uint8Array>;
  /** Writes a file so that a crash leaves the old or the new content, never half (temp file + rename). */
  writeFileAtomic: (path: string, text: string) => Promise<void>;
  fetch?: Fetch;
  /** Extra CA (PEM) for the authority: a test's stand-in only. */
  tlsCa?: string;
  /** Waits between Graph requests (pacing, Retry-After); tests record instead of waiting. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** A wrong flag or setting: the CLI turns it into exit 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

function issue(message: string, file?: string, severity: Issue['severity'] = 'error'): Issue {
  return { code: 'automation', severity, message, ...(file ? { file } : {}) };
}

function isMissing(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === 'ENOENT';
}

/** Checks the options before anything is read or sent; throws UsageError. */
export function checkOptions(o: ScheduledOptions): { endpoints?: Endpoints; hec?: URL; webhook?: URL } {
  const needsGraph = o.readGraph || !!(o.mailSecurity || o.mailServiceDesk);
  let endpoints: Endpoints | undefined;
  if (needsGraph) {
    if (!o.graph?.tenant || !o.graph.clientId) {
      throw new UsageError(
        `${o.readGraph ? '--graph' : 'Mail through Graph'} needs --tenant and --client-id (the job's app registration).`,
      );
    }
    try {
      endpoints = resolveEndpoints(o.graph);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  }
  if (o.readGraph && o.files.length) throw new UsageError('Give either --graph or exported files, not both.');
  if (!o.readGraph && !o.files.length)
    throw new UsageError('Give exported JSON files, or --graph to read live.');
  if ((o.mailSecurity || o.mailServiceDesk) && !o.mailFrom) {
    throw new UsageError(
      '--mail-security / --mail-servicedesk need --mail-from (the mailbox the job sends as).',
    );
  }
  for (const [flag, v] of [
    ['--mail-from', o.mailFrom],
    ['--mail-security', o.mailSecurity],
    ['--mail-servicedesk', o.mailServiceDesk],
  ] as const) {
    if (v !== undefined && !isMailAddress(v))
      throw new UsageError(`${flag} must be a mail address, not "${v}".`);
  }
  try {
    return {
      endpoints,
      hec: o.hecUrl ? checkSinkUrl(o.hecUrl, '--hec-url') : undefined,
      webhook: o.webhookUrl ? checkSinkUrl(o.webhookUrl, '--webhook-url') : undefined,
    };
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

function userLine(d: Delta['users'][number]): string {
  const u = d.user;
  const events = d.detections.length;
  return [
    d.change === 'new' ? 'NEW    ' : 'UPDATED',
    `P${u.priority}`,
    u.userPrincipalName || u.id,
    u.riskLevel ?? u.effectiveLevel,
    u.riskState ?? '-',
    `${events} new or changed detection${events === 1 ? '' : 's'}`,
  ].join('  ');
}

/** `--json` with a state: the usual summary plus what this run delivered. */
export function jsonWithDelivered(result: TriageResult | undefined, delta: Delta): string {
  return (
    JSON.stringify(
      {
        users: (result?.users ?? []).map((u) => ({
          id: u.id,
          userPrincipalName: u.userPrincipalName,
          riskLevel: u.riskLevel,
          riskState: u.riskState,
          priority: u.priority,
          detections: u.detections.length,
        })),
        detections: result?.detections.length ?? 0,
        delivered: delta.delivered,
      },
      null,
      2,
    ) + '\n'
  );
}

/** `--json`: the summary is printed once every sink has run (see runScheduled); this sink only accepts. */
function jsonSink(): Sink {
  return {
    name: 'stdout',
    plan: () => 'stdout: json',
    deliver: async (items) => ({
      sink: 'stdout',
      accepted: new Set(items.map((i) => deliveryKey(i.user))),
      summary: 'stdout: json',
    }),
  };
}

/** Runs once; returns the exit status (0 delivered or nothing new, 1 input unusable or a delivery failed). */
export async function runScheduled(o: ScheduledOptions, io: ScheduledIo): Promise<number> {
  const checked = checkOptions(o);
  const now = o.now ?? Date.now();
  const fetchFn: Fetch = io.fetch ?? ((url, init) => fetch(url, init));
  const secrets: (string | undefined)[] = [];
  const fail = (message: string, file?: string) => {
    io.report([issue(scrub(message, secrets), file)]);
    return 1;
  };

  if (!o.statePath && (o.readGraph || checked.hec || checked.webhook || o.mailFrom)) {
    io.report([
      issue(
        'without --state every run delivers everything open again; give --state for only what is new.',
        undefined,
        'warning',
      ),
    ]);
  }
  let state: DeliveryState;
  if (o.statePath) {
    let text: string | undefined;
    try {
      text = new TextDecoder().decode(await io.readFile(o.statePath));
    } catch (e) {
      if (!isMissing(e)) return fail(`the state file cannot be read: ${(e as Error).message}`, o.statePath);
    }
    try {
      state = parseState(text);
    } catch (e) {
      return fail(
        `${(e as Error).message} Move it away to start afresh (everything open is delivered again).`,
        o.statePath,
      );
    }
  } else {
    state = parseState(undefined);
  }

  let client: GraphClient | undefined;
  if (checked.endpoints && o.graph) {
    let credential: AppCredential;
    try {
      credential = await loadCredential(io);
    } catch (e) {
      throw new UsageError(
        isMissing(e) ? `A credential file is missing: ${(e as Error).message}` : (e as Error).message,
      );
    }
    secrets.push(credential.kind === 'secret' ? credential.secret : credential.privateKey);
    const getToken = appTokenProvider({
      tenant: o.graph.tenant,
      clientId: o.graph.clientId,
      endpoints: checked.endpoints,
      credential,
      tlsCa: io.tlsCa,
    });
    client = createGraphClient({ baseUrl: checked.endpoints.graphBase, getToken, sleep: io.sleep });
  }

  let files = o.files;
  let managers: ReadonlyMap<string, { displayName: string; mail: string }> | undefined;
  if (o.readGraph && client) {
    try {
      const closed = new Set(parseClosedStates(o.rules));
      const openInState = Object.entries(state.users)
        .filter(([, m]) => !closed.has(m.riskState))
        .map(([id]) => id);
      const live = await readLive(client, {
        now,
        lastRunAt: state.lastRunAt,
        lookbackDays: o.lookbackDays ?? 3,
        firstRunDays: o.firstRunDays ?? 30,
        openInState,
      });
      files = live.files;
      managers = live.managers;
    } catch (e) {
      if (!isGraphError(e)) throw e;
      return fail(`${errorText(e)}${e.detail ? ` [${e.detail}]` : ''}`, 'graph');
    }
  }

  let result: TriageResult | undefined;
  try {
    result = analyseRisk({ files, rules: o.rules, now });
  } catch (e) {
    if (!isInputError(e)) throw e;
    if (e.issue.code === 'bad-rules') return fail(e.issue.message, 'rules');
    // Live, an empty Identity Protection is good news, not unusable input.
    if (!o.readGraph) {
      io.report([e.issue]);
      return 1;
    }
  }
  if (result) io.report(result.issues.filter((i) => i.severity !== 'info'));

  const delta: Delta = result
    ? computeDelta(result, state, result.rules.closedStates)
    : {
        users: [],
        delivered: { new: { users: [], detections: [] }, updated: { users: [], detections: [] } },
      };

  const sinks: Sink[] = [];
  if (o.format === 'json') sinks.push(jsonSink());
  else if (o.format) sinks.push(stdoutSink(o.format, io.stdout, o.productVersion ?? '0'));
  if (checked.hec) {
    const token = await readSecret(io, ENV.hecToken);
    if (!token)
      throw new UsageError(`--hec-url needs the HEC token in ${ENV.hecToken} or ${ENV.hecToken}_FILE.`);
    secrets.push(token);
    sinks.push(hecSink(checked.hec, token, fetchFn));
  }
  if (checked.webhook) {
    const raw = await readSecret(io, ENV.webhookHeader);
    let header: [string, string] | undefined;
    if (raw) {
      const m = /^([A-Za-z0-9-]{1,64}):\s*(.+)$/.exec(raw);
      if (!m) throw new UsageError(`${ENV.webhookHeader} must be "Header-Name: value".`);
      header = [m[1]!, m[2]!];
      secrets.push(m[2]);
    }
    sinks.push(webhookSink(checked.webhook, header, fetchFn));
  }
  if (client && o.mailFrom && (o.mailSecurity || o.mailServiceDesk)) {
    sinks.push(
      mailSink(client, {
        from: o.mailFrom,
        security: o.mailSecurity,
        serviceDesk: o.mailServiceDesk,
        managers,
      }),
    );
  }

  if (o.dryRun) {
    const lines = [
      `Dry run: nothing is sent and the state is not written.`,
      `${delta.delivered.new.users.length} new and ${delta.delivered.updated.users.length} updated user(s); ` +
        `${delta.delivered.new.detections.length} new and ${delta.delivered.updated.detections.length} changed detection(s).`,
      ...delta.users.map(userLine),
      ...sinks.map((s) => `would deliver — ${s.plan(delta.users)}`),
    ];
    io.stdout(lines.join('\n') + '\n');
    return 0;
  }

  let accepted = new Set(delta.users.map((d) => deliveryKey(d.user)));
  const problems: Issue[] = [];
  const summaries: string[] = [];
  for (const sink of sinks) {
    const r = await sink.deliver(delta.users, result as TriageResult);
    summaries.push(r.summary);
    if (r.error) problems.push(issue(scrub(r.error, secrets), sink.name));
    accepted = new Set([...accepted].filter((k) => r.accepted.has(k)));
  }
  if (o.format === 'json') io.stdout(jsonWithDelivered(result, delta));
  else if (!o.format) {
    const head = `${delta.delivered.new.users.length} new, ${delta.delivered.updated.users.length} updated`;
    io.stdout([head, ...delta.users.map(userLine), ...summaries].join('\n') + '\n');
  }
  io.report(problems);
  if (o.statePath) {
    const next = markDelivered(state, delta, accepted, new Date(now).toISOString());
    try {
      await io.writeFileAtomic(o.statePath, serializeState(next));
    } catch (e) {
      return fail(
        `the state could not be written (the next run delivers this again): ${(e as Error).message}`,
        o.statePath,
      );
    }
  }
  return problems.length ? 1 : 0;
}

function parseClosedStates(rules: Partial<TriageRules> | undefined): string[] {
  try {
    return mergeRules(rules ?? {}).closedStates;
  } catch {
    // Bad rules stop the run in analyseRisk with their own message.
    return DEFAULT_RULES.closedStates;
  }
}
