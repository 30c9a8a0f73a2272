/**
 * The job's live read with app-only permissions: open risky users, users delivered as open before that are no
 * longer in that list (to learn that they were remediated or dismissed), detections since the last run with a
 * look-back, the users' sync state and manager, and directory-role members. The answers become Graph pages for
 * the same parser as the page's; a refused read stops the run with the application permission it needs.
 */
import type { NamedBytes } from '../../../lib/issue.ts';
import type { GraphClient } from '../../../lib/graph/client.ts';
import { GraphError, isGraphError } from '../../../lib/graph/errors.ts';
import { IDENTITY_PROTECTION_PACE_MS, type GraphObject } from '../graph.ts';

/** Least privilege for the job: what each read needs as an application permission. */
export const APP_PERMISSIONS = {
  riskyUsers: 'IdentityRiskyUser.Read.All',
  riskDetections: 'IdentityRiskEvent.Read.All',
  users: 'User.Read.All',
  roles: 'RoleManagement.Read.Directory',
  mail: 'Mail.Send',
} as const;

function permissionFor(request: string | undefined): string {
  const p = request ?? '';
  if (/riskyUsers/i.test(p)) return APP_PERMISSIONS.riskyUsers;
  if (/riskDetections/i.test(p)) return APP_PERMISSIONS.riskDetections;
  if (/directoryRoles/i.test(p)) return APP_PERMISSIONS.roles;
  if (/sendMail/i.test(p)) return APP_PERMISSIONS.mail;
  return APP_PERMISSIONS.users;
}

/** A 401/403 in plain words for the job's admin, naming the application permission the request needs. */
export function describeAppRefusal(e: unknown): unknown {
  if (!isGraphError(e) || (e.status !== 401 && e.status !== 403)) return e;
  const permission = permissionFor(e.request);
  const what = e.request ?? 'the request';
  const message =
    e.status === 403
      ? permission === APP_PERMISSIONS.mail
        ? `Microsoft Graph refused ${what} (403): the app needs the application permission Mail.Send with admin consent, ` +
          'and an application access policy that includes the --mail-from mailbox (New-ApplicationAccessPolicy).'
        : /licen[cs]e|premium|P2/i.test(e.detail ?? '')
          ? `Microsoft Graph refused ${what} (403): Identity Protection needs a Microsoft Entra ID P2 licence in the tenant.`
          : `Microsoft Graph refused ${what} (403): the app lacks the application permission ${permission} ` +
            '(API permissions → Microsoft Graph → Application permissions, then "Grant admin consent").'
      : `Microsoft Graph did not accept the app's token for ${what} (401): check that --cloud or --graph-endpoint is ` +
        `the tenant's cloud and that admin consent was granted for ${permission}.`;
  return new GraphError({ ...e, message });
}

export interface LiveReadOptions {
  now: number;
  /** From the state: the previous run; detections are read from here minus the look-back. */
  lastRunAt: string | null;
  /** Days to look back before the last run (offline detections arrive up to 48 h late). */
  lookbackDays: number;
  /** Days of detections on a first run. */
  firstRunDays: number;
  /** Users the state knows as delivered and open: read one by one if they left the open list. */
  openInState: readonly string[];
  signal?: AbortSignal;
  onWait?: (ms: number) => void;
}

export interface LiveRead {
  files: NamedBytes[];
  /** userId → manager's display name and mail, where the app may read it. */
  managers: Map<string, { displayName: string; mail: string }>;
  since: string;
}

function page(name: string, context: string, value: GraphObject[]): NamedBytes {
  const text = JSON.stringify({
    '@odata.context': `https://graph.microsoft.com/v1.0/$metadata#${context}`,
    value,
  });
  return { name, bytes: new TextEncoder().encode(text) };
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const IDS_PER_FILTER = 15;

export function detectionsSince(
  o: Pick<LiveReadOptions, 'now' | 'lastRunAt' | 'lookbackDays' | 'firstRunDays'>,
): string {
  const last = o.lastRunAt ? Date.parse(o.lastRunAt) : NaN;
  const from = Number.isNaN(last) ? o.now - o.firstRunDays * 86_400_000 : last - o.lookbackDays * 86_400_000;
  // Identity Protection keeps 90 days.
  const t = Math.max(from, o.now - 90 * 86_400_000);
  return new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export async function readLive(client: GraphClient, o: LiveReadOptions): Promise<LiveRead> {
  const paced = { signal: o.signal, onWait: o.onWait, pace: IDENTITY_PROTECTION_PACE_MS };
  try {
    const riskyUsers = await client.getAll<GraphObject>(
      "/identityProtection/riskyUsers?$filter=riskState eq 'atRisk' or riskState eq 'confirmedCompromised'",
      paced,
    );
    const listed = new Set(riskyUsers.map((u) => String(u.id ?? '')));
    for (const id of o.openInState) {
      if (listed.has(id) || !GUID.test(id)) continue;
      try {
        riskyUsers.push(await client.get<GraphObject>(`/identityProtection/riskyUsers/${id}`, paced));
      } catch (e) {
        // A risky-user record that is gone (user deleted) leaves nothing to update.
        if (!(isGraphError(e) && e.status === 404)) throw e;
      }
    }
    const since = detectionsSince(o);
    const detections = await client.getAll<GraphObject>(
      `/identityProtection/riskDetections?$filter=detectedDateTime ge ${since}`,
      paced,
    );
    const ids = [
      ...new Set([
        ...riskyUsers.map((u) => String(u.id ?? '')),
        ...detections.map((d) => String(d.userId ?? '')),
      ]),
    ].filter((id) => GUID.test(id));
    const select =
      'id,userPrincipalName,displayName,accountEnabled,onPremisesSyncEnabled,onPremisesSamAccountName,' +
      'onPremisesDomainName,onPremisesDistinguishedName,onPremisesUserPrincipalName';
    const users: GraphObject[] = [];
    for (let i = 0; i < ids.length; i += IDS_PER_FILTER) {
      const batch = ids.slice(i, i + IDS_PER_FILTER).map((id) => `'${id}'`);
      users.push(
        ...(await client.getAll<GraphObject>(
          `/users?$filter=id in (${batch.join(',')})&$select=${select}&$expand=manager($select=displayName,mail)`,
          { signal: o.signal, onWait: o.onWait },
        )),
      );
    }
    const roles = await client.getAll<GraphObject>(
      '/directoryRoles?$select=id,displayName,roleTemplateId&$expand=members($select=id)',
      {
        signal: o.signal,
        onWait: o.onWait,
      },
    );
    const rolesOf = new Map<string, string[]>();
    for (const r of roles) {
      const members = Array.isArray(r.members) ? (r.members as GraphObject[]) : [];
      for (const m of members) {
        const id = String(m.id ?? '');
        rolesOf.set(id, [
          ...(rolesOf.get(id) ?? []),
          String(r.displayName ?? r.roleTemplateId ?? 'directory role'),
        ]);
      }
    }
    const managers = new Map<string, { displayName: string; mail: string }>();
    const merged = users.map(({ manager, ...u }) => {
      const m = manager as GraphObject | undefined;
      if (m && typeof m === 'object') {
        managers.set(String(u.id), { displayName: String(m.displayName ?? ''), mail: String(m.mail ?? '') });
      }
      return {
        ...u,
        transitiveMemberOf: (rolesOf.get(String(u.id)) ?? []).map((displayName) => ({
          '@odata.type': '#microsoft.graph.directoryRole',
          displayName,
        })),
      };
    });
    // An empty answer is no news, not an empty file: the parser is handed only pages with objects.
    const files = [
      page('riskyUsers (graph).json', 'identityProtection/riskyUsers', riskyUsers),
      page('riskDetections (graph).json', 'identityProtection/riskDetections', detections),
      page('users (graph).json', 'users', merged),
    ].filter((_, i) => [riskyUsers, detections, merged][i]!.length > 0);
    return {
      files,
      managers,
      since,
    };
  } catch (e) {
    throw describeAppRefusal(e);
  }
}
