/**
 * Where the job delivers: stdout in any of the existing formats, Splunk HEC, a generic webhook (one JSON ticket
 * per user: Teams, ServiceNow, Jira-style receivers) and mail through Graph `sendMail`. Each sink says which users
 * it accepted; the state records only users every sink accepted.
 */
import type { GraphClient } from '../../../lib/graph/client.ts';
import { errorText } from '../../../lib/graph/errors.ts';
import { detectionName } from '../triage.ts';
import { placeText, render, ticketMarkdown, ticketPlain, toHec, type OutputFormat } from '../formats.ts';
import type { TriageResult } from '../types.ts';
import { mimeMessage, securityMail, serviceDeskMail } from './mail.ts';
import { describeAppRefusal } from './read.ts';
import { deliveryKey, type UserDelivery } from './state.ts';

export interface SinkResult {
  sink: string;
  /** Users (delivery keys) whose items this sink took. */
  accepted: Set<string>;
  /** One line for the log: what was sent, or why not. */
  summary: string;
  error?: string;
}

export interface Sink {
  name: string;
  /** What would be sent, for `--dry-run`. */
  plan(items: readonly UserDelivery[]): string;
  deliver(items: readonly UserDelivery[], result: TriageResult): Promise<SinkResult>;
}

/** The triage result cut down to what is delivered: its users, and only their new or changed detections. */
export function deltaResult(result: TriageResult, items: readonly UserDelivery[]): TriageResult {
  const ids = new Set(items.flatMap((i) => i.detections.map((d) => d.id)));
  return {
    ...result,
    users: items.map((i) => i.user),
    detections: result.detections.filter((d) => ids.has(d.id)),
  };
}

const all = (items: readonly UserDelivery[]) => new Set(items.map((i) => deliveryKey(i.user)));

/** An http(s) URL for a sink; plain http only to this machine (a token must not cross a network in clear). */
export function checkSinkUrl(raw: string, flag: string): URL {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new TypeError(`${flag} must be a URL, not "${raw}".`);
  }
  const loopback = /^(127\.0\.0\.1|\[::1\]|localhost)$/.test(u.hostname);
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && loopback)) {
    throw new TypeError(`${flag} must use https (plain http only to 127.0.0.1).`);
  }
  if (u.username || u.password)
    throw new TypeError(`${flag} must not carry a user name or password; use the environment.`);
  return u;
}

export type Fetch = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: string; signal?: AbortSignal },
) => Promise<{ status: number; headers: { get(n: string): string | null }; text(): Promise<string> }>;

/** One POST, waiting out 429/503 (Retry-After, at most 60 s, 3 tries). Returns an error text or undefined. */
async function post(
  fetchFn: Fetch,
  url: string,
  headers: Record<string, string>,
  body: string,
): Promise<string | undefined> {
  for (let attempt = 1; ; attempt++) {
    let res;
    try {
      res = await fetchFn(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(60_000) });
    } catch (e) {
      return `${new URL(url).host} could not be reached (${e instanceof Error ? e.message : String(e)})`;
    }
    if (res.status >= 200 && res.status < 300) return undefined;
    const text = (await res.text().catch(() => '')).slice(0, 200).replace(/[\r\n]+/g, ' ');
    if ((res.status === 429 || res.status === 503) && attempt < 3) {
      const asked = Number(res.headers.get('retry-after'));
      await new Promise((r) =>
        setTimeout(r, Math.min(60_000, Number.isFinite(asked) && asked >= 0 ? asked * 1000 : 2000 * attempt)),
      );
      continue;
    }
    return `${new URL(url).host} answered ${res.status}${text ? `: ${text}` : ''}`;
  }
}

export function stdoutSink(format: OutputFormat, write: (t: string) => void, productVersion: string): Sink {
  return {
    name: 'stdout',
    plan: (items) => `stdout: ${format} for ${items.length} user(s)`,
    async deliver(items, result) {
      const delta = deltaResult(result, items);
      if (items.length) write(render(format, delta, delta.users, { productVersion }));
      return {
        sink: 'stdout',
        accepted: all(items),
        summary: `stdout: ${items.length} user(s) as ${format}`,
      };
    },
  };
}

export function hecSink(url: URL, token: string, fetchFn: Fetch): Sink {
  // Splunk's raw host:8088 address means the event endpoint.
  const target = url.pathname === '/' ? new URL('/services/collector/event', url).href : url.href;
  const events = (items: readonly UserDelivery[]) => items.reduce((n, i) => n + i.detections.length, 0);
  return {
    name: 'hec',
    plan: (items) => `Splunk HEC ${new URL(target).host}: ${events(items)} event(s)`,
    async deliver(items, result) {
      const n = events(items);
      if (!n) return { sink: 'hec', accepted: all(items), summary: 'Splunk HEC: nothing new' };
      const error = await post(
        fetchFn,
        target,
        { Authorization: `Splunk ${token}`, 'Content-Type': 'application/json' },
        toHec(deltaResult(result, items)),
      );
      if (error) {
        // Users without events are not held back by a failed batch.
        const accepted = new Set(items.filter((i) => !i.detections.length).map((i) => deliveryKey(i.user)));
        return { sink: 'hec', accepted, summary: `Splunk HEC: failed`, error: `Splunk HEC: ${error}` };
      }
      return { sink: 'hec', accepted: all(items), summary: `Splunk HEC: ${n} event(s)` };
    },
  };
}

/** The JSON a webhook receives for one user: a ticket with the facts, and its text for receivers that show `text`. */
export function webhookTicket(i: UserDelivery): Record<string, unknown> {
  const u = i.user;
  return {
    type: 'risk-triage.ticket',
    change: i.change,
    title: `${i.change === 'updated' ? '[Update] ' : ''}[P${u.priority}] Risky user: ${u.displayName || u.userPrincipalName || u.id}`,
    priority: u.priority,
    score: u.score,
    isOpen: u.isOpen,
    user: {
      id: u.id,
      userPrincipalName: u.userPrincipalName,
      displayName: u.displayName,
      isSyncedFromAd: u.isSynced,
      adminRoles: u.adminRoles,
    },
    riskLevel: u.riskLevel,
    riskState: u.riskState,
    reasons: u.reasons.map((r) => ({ text: r.text, points: r.points })),
    detections: u.detections.map((d) => ({
      id: d.id,
      riskEventType: d.riskEventType,
      riskEventName: detectionName(d.riskEventType),
      riskLevel: d.riskLevel,
      riskState: d.riskState,
      detectedDateTime: d.detectedDateTime,
      ipAddress: d.ipAddress || null,
      location: placeText(d) || null,
      isNewOrChanged: i.detections.includes(d),
    })),
    text: ticketPlain(u),
    markdown: ticketMarkdown(u),
  };
}

export function webhookSink(url: URL, header: [string, string] | undefined, fetchFn: Fetch): Sink {
  return {
    name: 'webhook',
    plan: (items) => `webhook ${url.host}: ${items.length} ticket(s)`,
    async deliver(items) {
      const accepted = new Set<string>();
      const errors: string[] = [];
      for (const i of items) {
        const headers: Record<string, string> = { 'Content-Type': 'application/json' };
        if (header) headers[header[0]] = header[1];
        const error = await post(fetchFn, url.href, headers, JSON.stringify(webhookTicket(i)));
        if (error) errors.push(`${i.user.userPrincipalName || i.user.id}: ${error}`);
        else accepted.add(deliveryKey(i.user));
      }
      return {
        sink: 'webhook',
        accepted,
        summary: `webhook: ${accepted.size} of ${items.length} ticket(s)`,
        ...(errors.length ? { error: `webhook: ${errors.join('; ')}` } : {}),
      };
    },
  };
}

export interface MailSinkOptions {
  from: string;
  security?: string;
  serviceDesk?: string;
  /** The user's manager, where the job could read it, for the service desk. */
  managers?: ReadonlyMap<string, { displayName: string; mail: string }>;
}

export function mailSink(client: GraphClient, o: MailSinkOptions): Sink {
  const mails = (items: readonly UserDelivery[]) =>
    items.length * ((o.security ? 1 : 0) + (o.serviceDesk ? 1 : 0));
  return {
    name: 'mail',
    plan: (items) =>
      `mail from ${o.from}: ${mails(items)} mail(s)${o.security ? ` to ${o.security}` : ''}${o.serviceDesk ? ` and ${o.serviceDesk}` : ''}`,
    async deliver(items) {
      const accepted = new Set<string>();
      const errors: string[] = [];
      const path = `/users/${encodeURIComponent(o.from)}/sendMail`;
      for (const i of items) {
        try {
          const out = [
            ...(o.security ? [{ to: o.security, body: securityMail(i.user, i.change) }] : []),
            ...(o.serviceDesk
              ? [{ to: o.serviceDesk, body: serviceDeskMail(i.user, i.change, o.managers?.get(i.user.id)) }]
              : []),
          ];
          for (const m of out) {
            const mime = mimeMessage({ from: o.from, to: m.to, body: m.body });
            await client.post(path, Buffer.from(mime, 'utf8').toString('base64'), {
              contentType: 'text/plain',
            });
          }
          accepted.add(deliveryKey(i.user));
        } catch (e) {
          errors.push(`${i.user.userPrincipalName || i.user.id}: ${errorText(describeAppRefusal(e))}`);
          // Without Mail.Send every further mail fails the same way.
          if (/\(40[13]\)/.test(errors.at(-1)!)) break;
        }
      }
      return {
        sink: 'mail',
        accepted,
        summary: `mail: ${accepted.size} of ${items.length} user(s) mailed`,
        ...(errors.length ? { error: `mail: ${errors.join('; ')}` } : {}),
      };
    },
  };
}
