/**
 * The CLI face of the scheduled job: flags from the run context into `runScheduled`, the process's environment for
 * credentials, and the state file read and written on disk (written through a temporary file and a rename, so a
 * crash leaves the old state, never half of one).
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import type { RunContext } from '../../../cli/spec.ts';
import type { NamedBytes } from '../../../lib/issue.ts';
import type { OutputFormat } from '../formats.ts';
import type { TriageRules } from '../types.ts';
import type { ScheduledOptions } from './run.ts';

/** Flags that turn a run into the job (live read, state, sinks). */
export const JOB_FLAGS = ['graph', 'dry-run'] as const;
export const JOB_VALUES = [
  'state',
  'hec-url',
  'webhook-url',
  'mail-security',
  'mail-servicedesk',
  'mail-from',
  'tenant',
  'client-id',
  'cloud',
  'authority-host',
  'graph-endpoint',
] as const;

export function isJob(ctx: RunContext): boolean {
  return JOB_FLAGS.some((f) => ctx.flag(f)) || JOB_VALUES.some((v) => ctx.option(v) !== undefined);
}

export async function runJob(
  ctx: RunContext,
  s: { now: number; rules?: Partial<TriageRules> },
  files: NamedBytes[],
): Promise<void> {
  const format =
    ctx.format === 'tickets' && ctx.flag('markdown')
      ? 'tickets-md'
      : (ctx.format as OutputFormat | 'json' | undefined);
  const tenant = ctx.option('tenant');
  const clientId = ctx.option('client-id');
  const options: ScheduledOptions = {
    files,
    readGraph: ctx.flag('graph'),
    graph:
      tenant || clientId
        ? {
            tenant: tenant ?? '',
            clientId: clientId ?? '',
            cloud: ctx.option('cloud'),
            authorityHost: ctx.option('authority-host'),
            graphEndpoint: ctx.option('graph-endpoint'),
          }
        : undefined,
    statePath: ctx.option('state'),
    dryRun: ctx.flag('dry-run'),
    format,
    hecUrl: ctx.option('hec-url'),
    webhookUrl: ctx.option('webhook-url'),
    mailFrom: ctx.option('mail-from'),
    mailSecurity: ctx.option('mail-security'),
    mailServiceDesk: ctx.option('mail-servicedesk'),
    rules: s.rules,
    now: s.now,
    productVersion: ctx.version,
  };
  const human = format === undefined || format === 'tickets' || format === 'tickets-md';
  // MSAL Node and the sinks load only for a job.
  const { runScheduled, UsageError } = await import('./run.ts');
  try {
    await runScheduled(options, {
      stdout: (t) => (human ? ctx.out.text(t) : ctx.out.raw(t)),
      report: (issues) => ctx.report(issues),
      env: process.env,
      readFile: async (p) => new Uint8Array(await readFile(p)),
      writeFileAtomic: async (p, text) => {
        const tmp = `${p}.${process.pid}.tmp`;
        await writeFile(tmp, text, { mode: 0o600 });
        await rename(tmp, p);
      },
    });
  } catch (e) {
    if (e instanceof UsageError) ctx.usage(e.message);
    throw e;
  }
}
