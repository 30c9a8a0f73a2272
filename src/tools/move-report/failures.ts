import { bump, tally } from './report.ts';
import type { FailureGroup, KnownError, MoveRow } from './types.ts';

interface KnownErrorRule extends KnownError {
  /** Matched against FailureType. */
  type?: RegExp;
  /** Matched against Message. */
  message?: RegExp;
}

/**
 * Errors seen again and again in hybrid moves, with the usual cause and the fix that works. Most specific first:
 * the first rule whose FailureType or message matches wins.
 */
export const KNOWN_ERRORS: readonly KnownErrorRule[] = [
  {
    id: 'sync-source-mode',
    message: /switch the mailbox into Sync Source mode/i,
    title: "Couldn't switch the mailbox into Sync Source mode",
    cause:
      "The source mailbox database still holds the mailbox's in-transit flag in memory from an earlier move session, so the Store refuses to start a new one.",
    fix: 'Fail the source database over to another DAG member (or dismount and mount it), then remove the move request and create it again. Waiting hours or restarting servers is not needed.',
    powershell: `Move-ActiveMailboxDatabase <SourceDatabase> -ActivateOnServer <OtherDagMember>
# without a DAG: Dismount-Database <SourceDatabase>; Mount-Database <SourceDatabase>
Remove-MoveRequest <Mailbox>
# then add the mailbox to a migration batch again (or New-MoveRequest -Remote …)`,
  },
  {
    id: 'source-already-being-moved',
    type: /^SourceMailboxAlreadyBeingMovedTransientException$/i,
    message: /already being moved|MailboxInTransit/i,
    title: 'Source mailbox already being moved',
    cause:
      'The source Store still marks the mailbox as in transit because the session of an earlier MRSProxy connection has not closed yet.',
    fix: 'It usually clears by itself when that session times out. If it does not, restart the Mailbox Replication service on the on-premises server that hosts MRSProxy (or fail the database over), then resume.',
    powershell: `Restart-Service MSExchangeMailboxReplication   # on the on-premises MRSProxy server
Resume-MoveRequest <Mailbox>`,
  },
  {
    id: 'too-many-bad-items',
    type: /^TooManyBadItemsPermanentException$/i,
    message: /too many bad items|bad item limit/i,
    title: 'Too many bad items',
    cause: 'MRS found more corrupt or unreadable items than BadItemLimit allows.',
    fix: 'Raise BadItemLimit (above 50 also needs -AcceptLargeDataLoss) and resume; in Exchange Online leave the limit unset and approve the skipped items when the DataConsistencyScore asks for approval.',
    powershell: `Set-MoveRequest <Mailbox> -BadItemLimit 100 -AcceptLargeDataLoss
Resume-MoveRequest <Mailbox>
# Exchange Online, Data Consistency Score model:
Set-MigrationUser <Mailbox> -ApproveSkippedItems`,
  },
  {
    id: 'too-many-large-items',
    type: /^TooManyLargeItemsPermanentException$/i,
    message: /too many large items|large item limit/i,
    title: 'Too many large items',
    cause:
      'The mailbox holds more items larger than the target accepts (150 MB in Exchange Online) than LargeItemLimit allows.',
    fix: 'Raise LargeItemLimit (above 50 also needs -AcceptLargeDataLoss) or approve the skipped items, then resume; tell the user which items will not move (the bad-items list).',
    powershell: `Set-MoveRequest <Mailbox> -LargeItemLimit 100 -AcceptLargeDataLoss
Resume-MoveRequest <Mailbox>`,
  },
  {
    id: 'cannot-enter-finalization',
    type: /^CannotEnterFinalizationTransientException$/i,
    message: /Cannot enter finalization|Data Guarantee/i,
    title: 'Cannot enter finalization (Data Guarantee lagging)',
    cause: "Completion waits until the target database's copies have caught up; they were lagging.",
    fix: 'Nothing to change: MRS retries on its own. If the move ended up Failed, resume it.',
    powershell: 'Resume-MoveRequest <Mailbox>',
  },
  {
    id: 'target-already-has-mailbox',
    message: /already has a primary mailbox/i,
    title: 'Target user already has a primary mailbox',
    cause:
      "Exchange Online created its own mailbox for the user, typically because a license was assigned before the on-premises mailbox's ExchangeGuid reached the cloud object.",
    fix: "Make sure the cloud object carries the on-premises mailbox's ExchangeGuid; the cloud-created mailbox has to go (Microsoft support can help when it holds data), then recreate the move.",
  },
  {
    id: 'recipient-guid-not-found',
    message: /(couldn't|could not|cannot|can't) find a recipient (that|with) (has )?mailbox GUID/i,
    title: 'No recipient with the mailbox GUID',
    cause:
      "The target object does not carry the ExchangeGuid of the mailbox being moved; moving back on-premises, the RemoteMailbox usually lacks the cloud mailbox's ExchangeGuid.",
    fix: 'Stamp the GUID of the mailbox on the target object, let directory synchronisation run, and recreate the move.',
    powershell: `Get-Mailbox <Mailbox> | Format-List ExchangeGuid   # Exchange Online
Set-RemoteMailbox <Mailbox> -ExchangeGuid <ExchangeGuid>   # on-premises`,
  },
  {
    id: 'smtp-proxy-missing',
    message: /doesn't have an SMTP proxy matching|does not have an SMTP proxy/i,
    title: 'No address in the target delivery domain',
    cause:
      'The user has no proxy address in the target delivery domain (tenant.mail.onmicrosoft.com), usually because the email address policy is not applied to the user.',
    fix: 'Add the address (or apply the email address policy), let directory synchronisation run, and recreate the move.',
    powershell:
      'Set-RemoteMailbox <Mailbox> -EmailAddresses @{Add = "<alias>@<tenant>.mail.onmicrosoft.com"}',
  },
  {
    id: 'ad-update-failed',
    type: /^UpdateMovedMailbox(Permanent|Transient)Exception$/i,
    message: /updating .*user object|Insufficient access rights/i,
    title: 'Could not update the user object after the move',
    cause:
      'Completion could not write to the on-premises user object, most often because permission inheritance is disabled on it (admin and protected accounts).',
    fix: 'Enable inheritance on the user object (Active Directory Users and Computers, Security, Advanced), wait for AD replication, then resume.',
    powershell: 'Resume-MoveRequest <Mailbox>',
  },
  {
    id: 'quota',
    message: /ShutoffQuotaExceeded|QuotaExceeded|exceeded (its|the) (size|quota)/i,
    title: 'Target quota exceeded',
    cause: 'The mailbox is larger than the target allows.',
    fix: 'Reduce the mailbox or move part of it to an (auto-expanding) archive before moving; on-premises raise the target database or mailbox quota.',
  },
  {
    id: 'unauthorized',
    message: /\(401\)|unauthorized|Access is denied/i,
    title: 'MRSProxy refused the credentials',
    cause:
      "The migration endpoint's credentials were rejected (password changed or expired, account locked, or pre-authentication in front of EWS).",
    fix: 'Update the endpoint credentials and make sure EWS/mrsproxy.svc is published without pre-authentication, then resume.',
    powershell: `Set-MigrationEndpoint <EndpointName> -Credentials (Get-Credential)
Resume-MoveRequest <Mailbox>`,
  },
  {
    id: 'communication-error',
    type: /^(CommunicationErrorTransientException|MRSProxyConnectionNotThrottledError)/i,
    message: /communication error|mrsproxy\.svc|timed out|The remote server returned an error/i,
    title: 'Communication error with MRSProxy',
    cause: 'A call from Exchange Online to the on-premises MRSProxy endpoint failed or timed out.',
    fix: 'Resume the move. If it recurs, take reverse proxies, SSL inspection and idle timeouts out of the path, make sure MRSProxy is enabled on every EWS virtual directory, and test the endpoint.',
    powershell: `Resume-MoveRequest <Mailbox>
Test-MigrationServerAvailability -Endpoint <EndpointName>`,
  },
  {
    id: 'database-offline',
    message: /MapiExceptionMdbOffline|database .*(is offline|dismounted)|MdbNotOnServer/i,
    title: 'Database offline',
    cause: 'The source or target database was dismounted or failing over.',
    fix: 'Resume once the database is mounted.',
    powershell: 'Resume-MoveRequest <Mailbox>',
  },
  {
    id: 'transient',
    type: /TransientException$/i,
    title: 'Transient error',
    cause: 'A temporary problem that MRS retries on its own.',
    fix: 'Resume the move if it stopped; if the same error returns, look at the message for the side (FailureSide) that keeps failing.',
    powershell: 'Resume-MoveRequest <Mailbox>',
  },
];

function strip(rule: KnownErrorRule): KnownError {
  const { type: _type, message: _message, ...known } = rule;
  return known;
}

/** The first known error that matches the FailureType or any of the messages. */
export function findKnownError(failureType: string, messages: readonly string[]): KnownError | undefined {
  for (const rule of KNOWN_ERRORS) {
    if (rule.type?.test(failureType)) return strip(rule);
    if (rule.message && messages.some((m) => rule.message!.test(m))) return strip(rule);
  }
  return undefined;
}

/**
 * Moves grouped by FailureType (Failed moves without one under "(no FailureType)"), most frequent first, each with
 * the newest message and a fix from the known-errors table.
 */
export function groupFailures(moves: readonly MoveRow[]): FailureGroup[] {
  const groups = new Map<string, { group: FailureGroup; messages: Set<string> }>();
  for (const m of moves) {
    const isFailed = m.status.toLowerCase() === 'failed';
    if (!m.failureType && !isFailed) continue;
    const key = m.failureType || '(no FailureType)';
    let g = groups.get(key);
    if (!g) {
      g = {
        group: {
          failureType: key,
          count: 0,
          failedMoves: 0,
          bySide: tally(),
          lastMessage: '',
          lastAt: null,
          lastMailbox: '',
          mailboxes: [],
          moveIndices: [],
        },
        messages: new Set(),
      };
      groups.set(key, g);
    }
    const group = g.group;
    group.count++;
    if (isFailed) group.failedMoves++;
    if (m.failureSide) bump(group.bySide, m.failureSide);
    if (group.mailboxes.length < 20) {
      group.mailboxes.push(m.name);
      group.moveIndices.push(m.index);
    }
    if (m.message && g.messages.size < 50) g.messages.add(m.message);
    // The newest failure by FailureTimestamp; without timestamps, the last row with a message.
    if (m.message && (!group.lastMessage || (m.failedAt ?? -Infinity) >= (group.lastAt ?? -Infinity))) {
      group.lastMessage = m.message;
      group.lastAt = m.failedAt;
      group.lastMailbox = m.name;
    }
  }
  const out: FailureGroup[] = [];
  for (const { group, messages } of groups.values()) {
    const known = findKnownError(group.failureType, [group.lastMessage, ...messages]);
    out.push(known ? { ...group, known } : group);
  }
  return out.sort((a, b) => b.count - a.count || a.failureType.localeCompare(b.failureType));
}

/**
 * The failure types a short summary lists: the first `limit` of them, and the types and moves left out, so that the
 * listed counts and the rest always add up to every move with a failure.
 */
export function summariseFailures(
  groups: readonly FailureGroup[],
  limit: number,
): { shown: FailureGroup[]; moreTypes: number; moreMoves: number; moves: number } {
  // One line for the rest only when it stands for two or more types: otherwise the type itself fits on that line.
  const cut = groups.length > limit ? Math.max(0, limit - 1) : groups.length;
  const shown = groups.slice(0, cut);
  const rest = groups.slice(cut);
  const sum = (list: readonly FailureGroup[]) => list.reduce((n, g) => n + g.count, 0);
  return { shown, moreTypes: rest.length, moreMoves: sum(rest), moves: sum(groups) };
}
