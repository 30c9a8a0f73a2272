/**
 * Identity Protection read live. Identity Protection allows about one request a second per tenant, so every read
 * here is paced; 429s are waited out by the client. Objects come back exactly as Graph sent them (enum strings
 * Graph adds later are kept as they are) so the triage core treats live data and a saved page the same way.
 */
import type { GraphClient, PageProgress } from '../../lib/graph/client.ts';

/** Identity Protection's documented limit: about one request per second per tenant. */
export const IDENTITY_PROTECTION_PACE_MS = 1000;

export type GraphObject = Record<string, unknown>;

export interface RiskReadOptions {
  signal?: AbortSignal;
  onProgress?: (p: PageProgress & { step: string }) => void;
  onWait?: (ms: number, attempt: number) => void;
}

export interface RiskReadScope {
  /** Detections and sign-ins from this many days back (Identity Protection keeps 90). */
  days: number;
  /** Also read users whose risk was remediated, dismissed or confirmed safe. */
  includeClosed: boolean;
  now?: number;
}

function since(scope: RiskReadScope): string {
  const t = (scope.now ?? Date.now()) - scope.days * 86_400_000;
  return new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function riskyUsersPath(scope: Pick<RiskReadScope, 'includeClosed'>): string {
  return scope.includeClosed
    ? '/identityProtection/riskyUsers'
    : "/identityProtection/riskyUsers?$filter=riskState eq 'atRisk' or riskState eq 'confirmedCompromised'";
}

export function riskDetectionsPath(scope: RiskReadScope): string {
  return `/identityProtection/riskDetections?$filter=detectedDateTime ge ${since(scope)}`;
}

export function riskySignInsPath(scope: RiskReadScope): string {
  return (
    `/auditLogs/signIns?$filter=createdDateTime ge ${since(scope)} and ` +
    "(riskState eq 'atRisk' or riskState eq 'confirmedCompromised')&$top=500"
  );
}

export async function fetchRiskyUsers(client: GraphClient, scope: RiskReadScope, o: RiskReadOptions = {}) {
  return client.getAll<GraphObject>(riskyUsersPath(scope), {
    signal: o.signal,
    onWait: o.onWait,
    pace: IDENTITY_PROTECTION_PACE_MS,
    onProgress: (p) => o.onProgress?.({ ...p, step: 'Risky users' }),
  });
}

export async function fetchRiskDetections(
  client: GraphClient,
  scope: RiskReadScope,
  o: RiskReadOptions = {},
) {
  return client.getAll<GraphObject>(riskDetectionsPath(scope), {
    signal: o.signal,
    onWait: o.onWait,
    pace: IDENTITY_PROTECTION_PACE_MS,
    onProgress: (p) => o.onProgress?.({ ...p, step: 'Risk detections' }),
  });
}

export async function fetchRiskySignIns(client: GraphClient, scope: RiskReadScope, o: RiskReadOptions = {}) {
  return client.getAll<GraphObject>(riskySignInsPath(scope), {
    signal: o.signal,
    onWait: o.onWait,
    onProgress: (p) => o.onProgress?.({ ...p, step: 'Risky sign-ins' }),
  });
}

/** How many ids one `id in (…)` filter may carry. */
const IDS_PER_FILTER = 15;

/**
 * Whether each risky user is synced from AD (then the password must be reset on-premises) and their on-premises
 * names for the ticket. Read 15 ids at a time with `id in (…)`.
 */
export async function fetchUserSyncInfo(
  client: GraphClient,
  ids: readonly string[],
  o: RiskReadOptions = {},
) {
  const select =
    'id,userPrincipalName,displayName,accountEnabled,onPremisesSyncEnabled,onPremisesSamAccountName,' +
    'onPremisesDomainName,onPremisesDistinguishedName,onPremisesUserPrincipalName,onPremisesLastSyncDateTime';
  const valid = [...new Set(ids)].filter((id) => /^[0-9a-f-]{36}$/i.test(id));
  const out: GraphObject[] = [];
  for (let i = 0; i < valid.length; i += IDS_PER_FILTER) {
    const batch = valid.slice(i, i + IDS_PER_FILTER).map((id) => `'${id}'`);
    const page = await client.getAll<GraphObject>(
      `/users?$filter=id in (${batch.join(',')})&$select=${select}`,
      {
        signal: o.signal,
        onWait: o.onWait,
      },
    );
    out.push(...page);
    o.onProgress?.({
      items: Math.min(valid.length, i + IDS_PER_FILTER),
      pages: 0,
      total: valid.length,
      step: 'Users',
    });
  }
  return out;
}

/**
 * Directory roles each user holds (directly or through a role-assignable group). With User.Read.All alone Graph
 * may return the roles with few properties; membership itself is what triage needs.
 */
export async function fetchAdminRoles(client: GraphClient, ids: readonly string[], o: RiskReadOptions = {}) {
  const out: { userId: string; roles: string[] }[] = [];
  let done = 0;
  for (const id of new Set(ids)) {
    if (!/^[0-9a-f-]{36}$/i.test(id)) continue;
    const roles = await client.getAll<GraphObject>(
      `/users/${id}/transitiveMemberOf/microsoft.graph.directoryRole?$select=id,displayName,roleTemplateId`,
      { signal: o.signal, onWait: o.onWait },
    );
    out.push({
      userId: id,
      roles: roles.map((r) => String(r.displayName ?? r.roleTemplateId ?? r.id ?? 'directory role')),
    });
    o.onProgress?.({ items: ++done, pages: 0, total: ids.length, step: 'Admin roles' });
  }
  return out;
}
