/**
 * The live read for risk triage: Identity Protection (paced), optionally risky sign-ins, and — for the ticket —
 * whether each risky user is synced from AD and which admin roles they hold. The answers are handed to the same
 * parser as dropped files, as Graph pages.
 */
import type { NamedBytes } from '../../lib/issue.ts';
import { SCOPES } from '../../lib/graph/config.ts';
import type { GraphLoader } from '../../lib/graph/loaders.ts';
import {
  fetchAdminRoles,
  fetchRiskDetections,
  fetchRiskySignIns,
  fetchRiskyUsers,
  fetchUserSyncInfo,
  type GraphObject,
} from './graph.ts';
import { isGraphError } from '../../lib/graph/errors.ts';

export interface LiveRiskOptions {
  days: number;
  includeClosed: boolean;
  includeSignIns: boolean;
  /** Read onPremisesSyncEnabled and admin roles of the risky users (User.Read.All). */
  lookUpUsers: boolean;
}

export interface LiveRiskData {
  files: NamedBytes[];
  /** Parts that could not be read (e.g. sign-ins without AuditLog.Read.All); the rest is there. */
  problems: string[];
  readAt: string;
}

/** A Graph page as a file; none for an empty answer, which the parser would rightly call a file with no objects. */
function page(name: string, context: string, value: GraphObject[]): NamedBytes[] {
  if (!value.length) return [];
  const text = JSON.stringify({
    '@odata.context': `https://graph.microsoft.com/v1.0/$metadata#${context}`,
    value,
  });
  return [{ name, bytes: new TextEncoder().encode(text) }];
}

export function scopesFor(o: LiveRiskOptions): string[] {
  return [
    ...SCOPES.riskyUsers,
    ...SCOPES.riskDetections,
    ...(o.lookUpUsers ? SCOPES.users : []),
    ...(o.includeSignIns ? SCOPES.signIns : []),
  ];
}

export function liveRiskLoader(o: LiveRiskOptions): GraphLoader<LiveRiskData> {
  return {
    scopes: scopesFor(o),
    async run(ctx) {
      const scope = { days: o.days, includeClosed: o.includeClosed };
      const read = {
        signal: ctx.signal,
        onWait: ctx.onWait,
        onProgress: (p: { step: string; items: number; total?: number }) =>
          ctx.progress(p.step, p.items, p.total),
      };
      const problems: string[] = [];
      const optional = async <T>(fn: () => Promise<T>, fallback: T): Promise<T> => {
        try {
          return await fn();
        } catch (e) {
          if (e instanceof Error && e.name === 'AbortError') throw e;
          problems.push(isGraphError(e) ? e.message : String(e));
          return fallback;
        }
      };
      ctx.progress('Risky users', 0);
      const riskyUsers = await fetchRiskyUsers(ctx.client, scope, read);
      ctx.progress('Risk detections', 0);
      const detections = await fetchRiskDetections(ctx.client, scope, read);
      const files = [
        ...page('riskyUsers (live).json', 'identityProtection/riskyUsers', riskyUsers),
        ...page('riskDetections (live).json', 'identityProtection/riskDetections', detections),
      ];
      if (!files.length)
        problems.push(
          `Identity Protection lists no ${o.includeClosed ? '' : 'open '}risky users and no risk detections from the last ${o.days} days: nothing to triage.`,
        );
      if (o.includeSignIns) {
        const signIns = await optional(() => fetchRiskySignIns(ctx.client, scope, read), []);
        files.push(...page('signIns (live).json', 'auditLogs/signIns', signIns));
      }
      if (o.lookUpUsers) {
        const ids = [
          ...new Set([
            ...riskyUsers.map((u) => String(u.id ?? '')),
            ...detections.map((d) => String(d.userId ?? '')),
          ]),
        ].filter(Boolean);
        const users = await optional(() => fetchUserSyncInfo(ctx.client, ids, read), []);
        const roles = await optional(() => fetchAdminRoles(ctx.client, ids, read), []);
        const rolesById = new Map(roles.map((r) => [r.userId, r.roles]));
        const merged = users.map((u) => ({
          ...u,
          transitiveMemberOf: (rolesById.get(String(u.id)) ?? []).map((displayName) => ({
            '@odata.type': '#microsoft.graph.directoryRole',
            displayName,
          })),
        }));
        files.push(...page('users (live).json', 'users', merged));
      }
      return { files, problems, readAt: new Date().toISOString() };
    },
  };
}
