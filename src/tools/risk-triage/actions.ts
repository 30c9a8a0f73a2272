/**
 * Acting on risky users from the page: confirm compromised, dismiss the risk, revoke sessions — one Graph call per
 * user so every user gets their own result and request-id. The write permission each action needs is asked for
 * only then (incremental consent). Every attempt becomes an audit entry; the audit downloads as a safe CSV.
 */
import type { GraphClient } from '../../lib/graph/client.ts';
import { WRITE_SCOPES } from '../../lib/graph/config.ts';
import { errorText, isGraphError } from '../../lib/graph/errors.ts';
import { IDENTITY_PROTECTION_PACE_MS, type GraphObject } from './graph.ts';
import { toCsv } from '../../lib/csv/write.ts';
import type { TriagedUser } from './types.ts';

export type RiskAction = 'confirmCompromised' | 'dismiss' | 'revokeSessions';

export interface ActionInfo {
  label: string;
  /** The button that starts it, with the count. */
  verb: string;
  /** What happens to each user, in plain words. */
  effect: string;
  scopes: readonly string[];
  /** Roles that may do it (for the 403 explanation). */
  roles: string;
}

export const ACTIONS: Record<RiskAction, ActionInfo> = {
  confirmCompromised: {
    label: 'Confirm compromised',
    verb: 'Confirm compromised',
    effect:
      'Identity Protection sets the user risk to high and the state to "confirmed compromised"; risk-based ' +
      'Conditional Access then blocks the user or forces a secure password change. Reset the password and revoke ' +
      'the sessions as well.',
    scopes: WRITE_SCOPES.riskyUsers,
    roles: 'Security Administrator, Security Operator or Global Administrator',
  },
  dismiss: {
    label: 'Dismiss risk',
    verb: 'Dismiss risk',
    effect:
      'Identity Protection sets the user risk to none and the state to "dismissed" (a false positive): risk-based ' +
      'policies stop acting on the user. The detections stay in the report.',
    scopes: WRITE_SCOPES.riskyUsers,
    roles: 'Security Administrator, Security Operator or Global Administrator',
  },
  revokeSessions: {
    label: 'Revoke sessions',
    verb: 'Revoke sessions',
    effect:
      'Every refresh token and session cookie of the user is invalidated: the user (and anyone holding a stolen ' +
      'session) must sign in again within minutes. The risk state does not change.',
    scopes: WRITE_SCOPES.revokeSessions,
    roles:
      'User Administrator or Helpdesk Administrator (Privileged Authentication Administrator for admins), or Global Administrator',
  },
};

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function canAct(u: TriagedUser): boolean {
  return GUID.test(u.id);
}

export interface ActionResult {
  userId: string;
  userPrincipalName: string;
  status: 'done' | 'failed';
  /** For a failure: what Graph said, in plain words, and what to do. */
  message: string;
  requestId?: string;
}

export interface AuditEntry {
  /** ISO time of the attempt. */
  when: string;
  /** The admin signed in when it was done. */
  signedInAs: string;
  userId: string;
  userPrincipalName: string;
  action: RiskAction;
  result: 'done' | 'failed';
  detail: string;
  requestId: string;
}

/** A failed action in plain words: what was refused and what the admin can do. */
export function explainFailure(action: RiskAction, e: unknown): string {
  if (!isGraphError(e)) return errorText(e);
  const info = ACTIONS[action];
  switch (e.status) {
    case 403:
      return (
        `Refused (403): ${info.label} needs the delegated permission ${info.scopes.join(', ')} with consent, and your ` +
        `account in a role that may do it (${info.roles}).` +
        (action !== 'revokeSessions' ? ' Identity Protection also needs Microsoft Entra ID P2.' : '') +
        (e.detail ? ` Graph said: ${e.detail}` : '')
      );
    case 404:
      return 'Not found (404): the user or their risky-user record no longer exists in the tenant.';
    case 400:
      return `Not accepted (400): ${e.detail ?? e.message}`;
    default:
      return errorText(e);
  }
}

function path(action: RiskAction, userId: string): string {
  return action === 'revokeSessions'
    ? `/users/${encodeURIComponent(userId)}/revokeSignInSessions`
    : `/identityProtection/riskyUsers/${action}`;
}

export interface RunActionOptions {
  signal?: AbortSignal;
  onResult?: (r: ActionResult, done: number, total: number) => void;
  /** Waits between Identity Protection calls (about one a second per tenant). */
  sleep?: (ms: number) => Promise<void>;
}

/** Runs `action` for each user, one call each; a failure for one user does not stop the others. */
export async function runAction(
  client: GraphClient,
  action: RiskAction,
  users: readonly TriagedUser[],
  o: RunActionOptions = {},
): Promise<ActionResult[]> {
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const results: ActionResult[] = [];
  for (const [i, u] of users.entries()) {
    if (o.signal?.aborted) break;
    if (i > 0 && action !== 'revokeSessions') await sleep(IDENTITY_PROTECTION_PACE_MS);
    let r: ActionResult;
    const base = { userId: u.id, userPrincipalName: u.userPrincipalName };
    if (!canAct(u)) {
      r = { ...base, status: 'failed', message: 'Skipped: the data names this user without an object ID.' };
    } else {
      try {
        const answer = await client.post(
          path(action, u.id),
          action === 'revokeSessions' ? {} : { userIds: [u.id] },
          { signal: o.signal },
        );
        r = { ...base, status: 'done', message: 'Done.', requestId: answer.requestId };
      } catch (e) {
        if (e instanceof Error && e.name === 'AbortError') throw e;
        r = {
          ...base,
          status: 'failed',
          message: explainFailure(action, e),
          requestId: isGraphError(e) ? e.requestId : undefined,
        };
      }
    }
    results.push(r);
    o.onResult?.(r, i + 1, users.length);
  }
  return results;
}

/** The risky-user records after the actions, read again so the queue shows what Identity Protection now says. */
export async function rereadRiskyUsers(
  client: GraphClient,
  ids: readonly string[],
  o: { signal?: AbortSignal } = {},
): Promise<GraphObject[]> {
  const out: GraphObject[] = [];
  for (const id of ids) {
    if (!GUID.test(id)) continue;
    try {
      out.push(
        await client.get<GraphObject>(`/identityProtection/riskyUsers/${id}`, {
          signal: o.signal,
        }),
      );
    } catch (e) {
      if (e instanceof Error && e.name === 'AbortError') throw e;
      // The action's own result already says what happened; an unreadable record just stays as it was.
    }
  }
  return out;
}

export function auditEntries(
  action: RiskAction,
  results: readonly ActionResult[],
  signedInAs: string,
  when: string,
): AuditEntry[] {
  return results.map((r) => ({
    when,
    signedInAs,
    userId: r.userId,
    userPrincipalName: r.userPrincipalName,
    action,
    result: r.status,
    detail: r.message,
    requestId: r.requestId ?? '',
  }));
}

/** The audit as CSV (formula-safe, UTF-8 with BOM for Excel). */
export function auditCsv(entries: readonly AuditEntry[]): string {
  return toCsv(
    ['When (UTC)', 'Signed in as', 'User ID', 'User', 'Action', 'Result', 'Detail', 'Request ID'],
    entries.map((e) => [
      e.when,
      e.signedInAs,
      e.userId,
      e.userPrincipalName,
      ACTIONS[e.action].label,
      e.result,
      e.detail,
      e.requestId,
    ]),
    { bom: true },
  );
}
