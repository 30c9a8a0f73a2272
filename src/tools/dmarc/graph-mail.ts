/**
 * DMARC's "Read from a mailbox": report mails read live through Microsoft Graph, each message's MIME downloaded byte
 * for byte (`/messages/{id}/$value`) and handed to the DMARC core as a saved `.eml`, so aggregate, failure and TLS
 * reports go through exactly the same unpacking as dropped mails. Nothing is sent anywhere but Graph.
 */
import type { NamedBytes } from '../../lib/issue.ts';
import type { GraphClient } from '../../lib/graph/client.ts';
import { MAIL_SCOPES, type KeyValueStore } from '../../lib/graph/config.ts';
import { GraphError, errorText, isGraphError } from '../../lib/graph/errors.ts';
import type { GraphLoader, LoadContext } from '../../lib/graph/loaders.ts';

export interface MailboxTarget {
  /** A shared mailbox's address; empty or absent: the signed-in user's own mailbox. */
  mailbox?: string;
  /** A folder id or a well-known name (`inbox`, `junkemail`, `archive`); default `inbox`. */
  folder?: string;
}

export interface MailReadOptions extends MailboxTarget {
  /** The folder's name for the file paths (a folder id is unreadable); default the `folder` value. */
  folderLabel?: string;
  /** Read mail received at or after this time (ISO date or date-time); absent: the whole folder. */
  since?: string;
  /** Stop after this many messages (oldest first, so a later read goes on from there). */
  maxMessages?: number;
  /** Stop once the downloaded MIME adds up to this many bytes. */
  maxBytes?: number;
  /** Downloads in flight at once. */
  concurrency?: number;
}

export interface MailLoad {
  /** One `.eml` per message: `mailbox/<folder>/<received>-<hash>.eml`. */
  files: NamedBytes[];
  /** Messages the folder listed since the start time (up to the cap + 1). */
  listed: number;
  bytes: number;
  /**
   * Received time of the newest message up to which every older one was read: keep it and pass it as `since`
   * next time to read only new mail. Absent when nothing was read.
   */
  resume?: string;
  /** False when a cap or an error stopped the read before the end (`problems` says why). */
  complete: boolean;
  problems: string[];
}

export interface MailFolder {
  id: string;
  displayName: string;
  totalItemCount?: number;
  /** `Inbox / DMARC` for a child folder. */
  path: string;
}

export const MAIL_LIMITS = {
  maxMessages: 5000,
  maxBytes: 256 * 1024 * 1024,
  concurrency: 4,
  pageSize: 50,
} as const;

const MB = 1024 * 1024;

function size(bytes: number): string {
  return bytes >= MB
    ? `${Math.round(bytes / MB).toLocaleString('en-US')} MB`
    : `${Math.ceil(bytes / 1024)} KB`;
}

export function isOwnMailbox(t: MailboxTarget): boolean {
  return !t.mailbox?.trim();
}

/** `Mail.Read` for the own mailbox, `Mail.Read.Shared` for another one: asked for only at that moment. */
export function mailScopes(t: MailboxTarget): readonly string[] {
  return isOwnMailbox(t) ? MAIL_SCOPES.ownMailbox : MAIL_SCOPES.sharedMailbox;
}

/** `/me` or `/users/{address}`. */
export function mailboxRoot(t: MailboxTarget): string {
  return isOwnMailbox(t) ? '/me' : `/users/${encodeURIComponent(t.mailbox!.trim().toLowerCase())}`;
}

function folderPath(t: MailboxTarget): string {
  return `${mailboxRoot(t)}/mailFolders/${encodeURIComponent(t.folder?.trim() || 'inbox')}`;
}

/** A Graph date-time literal for `$filter`; a bare date means its start, in UTC. Undefined if unreadable. */
export function normaliseSince(since: string | undefined): string | undefined {
  const s = since?.trim();
  if (!s) return undefined;
  const t = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(s) ? `${s}T00:00:00Z` : s);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString().replace(/\.000Z$/, 'Z');
}

/** The listing URL: oldest first, so a capped read leaves a clean point to go on from. */
export function messagesUrl(o: MailReadOptions): string {
  const q = [
    '$select=id,subject,receivedDateTime,hasAttachments',
    `$top=${MAIL_LIMITS.pageSize}`,
    '$orderby=receivedDateTime asc',
  ];
  const since = normaliseSince(o.since);
  if (since) q.push(`$filter=receivedDateTime ge ${since}`);
  return `${folderPath(o)}/messages?${q.map((p) => p.replace(/ /g, '%20')).join('&')}`;
}

/** Two FNV-1a passes: a short, stable name part for Graph's long message ids. */
function shortHash(s: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c, 0x01000193 + 0x2f) >>> 0;
  }
  return a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0');
}

function safeSegment(s: string): string {
  return (
    s
      .replace(/[\\/:*?"<>|\u0000-\u001f]+/g, '_')
      .trim()
      .slice(0, 80) || 'folder'
  );
}

export function messageFileName(folderLabel: string, received: string | undefined, id: string): string {
  const when = (received ?? 'undated').replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
  return `mailbox/${safeSegment(folderLabel)}/${safeSegment(when)}-${shortHash(id)}.eml`;
}

interface ListedMessage {
  id: string;
  subject?: string;
  receivedDateTime?: string;
  hasAttachments?: boolean;
}

function isAbort(e: unknown): boolean {
  return e instanceof Error && e.name === 'AbortError';
}

/** Graph's "not found" and "forbidden" for a mailbox mean the same to the user: no access to it. */
function explain(e: unknown, o: MailReadOptions): unknown {
  if (!isGraphError(e) || (e.status !== 403 && e.status !== 404)) return e;
  const folder = o.folder?.trim() || 'inbox';
  const message = isOwnMailbox(o)
    ? `The folder "${o.folderLabel ?? folder}" could not be opened in your mailbox (Graph answered ${e.status}). ` +
      'Pick the folder from the list, or check that your account has an Exchange Online mailbox.'
    : `The mailbox ${o.mailbox!.trim()} (folder "${o.folderLabel ?? folder}") could not be opened ` +
      `(Graph answered ${e.status}). Reading a shared mailbox needs Full Access or Read permission on that ` +
      'folder for your account, and the Mail.Read.Shared consent.';
  return new GraphError({ ...e, message });
}

/** Lists the messages, then downloads each one's MIME, a few at a time. */
export async function readMailbox(ctx: LoadContext, o: MailReadOptions = {}): Promise<MailLoad> {
  const maxMessages = o.maxMessages ?? MAIL_LIMITS.maxMessages;
  const maxBytes = o.maxBytes ?? MAIL_LIMITS.maxBytes;
  const concurrency = Math.max(1, o.concurrency ?? MAIL_LIMITS.concurrency);
  const label = o.folderLabel?.trim() || o.folder?.trim() || 'inbox';
  const problems: string[] = [];
  const since = normaliseSince(o.since);
  if (o.since?.trim() && !since) throw new Error(`"${o.since}" is not a date; use YYYY-MM-DD.`);

  ctx.progress('Listing messages', 0);
  let listed: ListedMessage[];
  try {
    listed = await ctx.client.getAll<ListedMessage>(messagesUrl(o), {
      signal: ctx.signal,
      onWait: ctx.onWait,
      maxItems: maxMessages + 1,
      onProgress: (p) => ctx.progress('Listing messages', p.items),
    });
  } catch (e) {
    throw explain(e, o);
  }
  const wanted = listed.filter((m) => m && typeof m.id === 'string').slice(0, maxMessages);
  if (listed.length > maxMessages) {
    problems.push(
      `The folder has more than ${maxMessages.toLocaleString('en-US')} messages${since ? ` since ${since}` : ''}: ` +
        `the oldest ${maxMessages.toLocaleString('en-US')} were read. Read again to go on from there, or pick a later start date.`,
    );
  }

  const bodies: (Uint8Array | undefined)[] = new Array(wanted.length);
  // Read or skipped as empty: the resume point may pass it.
  const settled: boolean[] = new Array(wanted.length).fill(false);
  let bytes = 0;
  let done = 0;
  let next = 0;
  let stop: string | undefined;
  let stopError: unknown;
  const report = () => ctx.progress(`Downloading mail (${(bytes / MB).toFixed(1)} MB)`, done, wanted.length);
  report();

  async function worker(): Promise<void> {
    while (stop === undefined && next < wanted.length) {
      const i = next++;
      const m = wanted[i]!;
      let body: Uint8Array;
      try {
        // As bytes: MIME may carry 8-bit parts in any charset, and the mail reader decodes each by its own label.
        body = await ctx.client.getBytes(`${mailboxRoot(o)}/messages/${encodeURIComponent(m.id)}/$value`, {
          signal: ctx.signal,
          onWait: ctx.onWait,
          headers: { Accept: 'message/rfc822, text/plain, */*' },
        });
      } catch (e) {
        if (isAbort(e) || ctx.signal.aborted) throw e;
        if (stop === undefined) {
          stopError = explain(e, o);
          stop = errorText(stopError);
        }
        return;
      }
      if (ctx.signal.aborted) throw new DOMException('Cancelled', 'AbortError');
      if (body.length === 0) {
        problems.push(`The message "${m.subject ?? m.id}" came back empty from Graph; skipped.`);
        settled[i] = true;
      } else if (bytes + body.length > maxBytes) {
        stop ??= `The mail read adds up to more than ${size(maxBytes)}; the read stopped there. Read again to go on, or pick a later start date.`;
        return;
      } else {
        bytes += body.length;
        bodies[i] = body;
        settled[i] = true;
      }
      done++;
      report();
    }
  }

  await Promise.all(Array.from({ length: Math.min(concurrency, wanted.length) }, () => worker()));

  // Resume only past an unbroken run of read messages: a later visit re-reads from the first gap.
  let resume: string | undefined;
  let kept = 0;
  for (let i = 0; i < wanted.length; i++) {
    if (!settled[i]) break;
    resume = wanted[i]!.receivedDateTime ?? resume;
    kept = i + 1;
  }
  const files: NamedBytes[] = [];
  wanted.forEach((m, i) => {
    const b = bodies[i];
    if (b) files.push({ name: messageFileName(label, m.receivedDateTime, m.id), bytes: b });
  });
  if (stop !== undefined) {
    if (files.length === 0 && stopError !== undefined) throw stopError;
    problems.push(
      `Reading stopped after ${files.length.toLocaleString('en-US')} of ${wanted.length.toLocaleString('en-US')} messages: ${stop}` +
        (files.length ? ' The messages read so far are shown.' : ''),
    );
  }
  return {
    files,
    listed: listed.length,
    bytes,
    resume: kept ? resume : undefined,
    complete: stop === undefined && listed.length <= maxMessages,
    problems,
  };
}

/** The loader for `GraphLoadButton`: asks for exactly the mail permission the chosen mailbox needs. */
export function mailboxLoader(o: MailReadOptions): GraphLoader<MailLoad> {
  return { scopes: mailScopes(o), run: (ctx) => readMailbox(ctx, o) };
}

/** Top-level folders and one level of children, for the folder picker. */
export async function listMailFolders(
  client: GraphClient,
  t: MailboxTarget,
  signal?: AbortSignal,
): Promise<MailFolder[]> {
  type Raw = { id: string; displayName?: string; totalItemCount?: number; childFolderCount?: number };
  const select = '$select=id,displayName,totalItemCount,childFolderCount&$top=100';
  let top: Raw[];
  try {
    top = await client.getAll<Raw>(`${mailboxRoot(t)}/mailFolders?${select}`, { signal });
  } catch (e) {
    throw explain(e, { ...t, folderLabel: '(folder list)' });
  }
  const out: MailFolder[] = [];
  for (const f of top) {
    const name = f.displayName ?? f.id;
    out.push({ id: f.id, displayName: name, totalItemCount: f.totalItemCount, path: name });
    if (!f.childFolderCount) continue;
    const children = await client.getAll<Raw>(
      `${mailboxRoot(t)}/mailFolders/${encodeURIComponent(f.id)}/childFolders?${select}`,
      { signal },
    );
    for (const c of children) {
      const cn = c.displayName ?? c.id;
      out.push({ id: c.id, displayName: cn, totalItemCount: c.totalItemCount, path: `${name} / ${cn}` });
    }
  }
  return out;
}

export function mailFoldersLoader(t: MailboxTarget): GraphLoader<MailFolder[]> {
  return { scopes: mailScopes(t), run: (ctx) => listMailFolders(ctx.client, t, ctx.signal) };
}

/** Where a mailbox folder's resume point is kept: the browser's localStorage (not a secret; tokens are elsewhere). */
export function resumeKey(t: MailboxTarget): string {
  const box = isOwnMailbox(t) ? 'me' : t.mailbox!.trim().toLowerCase();
  return `ht.dmarc.mailbox.${box}.${t.folder?.trim() || 'inbox'}`;
}

export function loadResume(store: KeyValueStore | undefined, t: MailboxTarget): string | undefined {
  try {
    const v = store?.getItem(resumeKey(t));
    return v && normaliseSince(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

export function saveResume(
  store: KeyValueStore | undefined,
  t: MailboxTarget,
  resume: string | undefined,
): void {
  try {
    if (resume) store?.setItem(resumeKey(t), resume);
    else store?.removeItem(resumeKey(t));
  } catch {
    // A full or blocked storage only costs the next visit a longer read.
  }
}
