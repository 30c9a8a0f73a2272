import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeGraph, type FakeGraph, type SeenRequest } from '../../../tests/fake-graph.ts';
import { latin1FailureReport } from '../../../tests/support/latin1-failure-report.ts';
import { createGraphClient, type GraphClient } from '../../lib/graph/client.ts';
import { ALL_SCOPES } from '../../lib/graph/config.ts';
import { analyse } from './core.ts';
import {
  listMailFolders,
  loadResume,
  mailboxLoader,
  messageFileName,
  resumeKey,
  saveResume,
  type MailReadOptions,
} from './graph-mail.ts';

const FIX = new URL('../../../../shared/fixtures/', import.meta.url);
const fixture = (p: string) => readFileSync(new URL(p, FIX), 'latin1');

const AGGREGATE = fixture(
  'dmarc/real/parsedmarc/aggregate/Report domain- borschow.com Submitter- google.com Report-ID- 949348866075514174.eml',
);
const FAILURE = fixture('dmarc/real/forensic/parsedmarc/dmarc_ruf_report_linkedin.eml');
const TLS = fixture('mail-reports/parsedmarc/smtp_tls/google.com_smtp_tls_report.eml');
const ORDINARY = [
  'From: Adele Vance <adele.vance@contoso.com>',
  'To: dmarc@contoso.com',
  'Subject: Lunch on Friday?',
  'Date: Mon, 30 Nov 2026 09:00:00 +0000',
  'Message-ID: <lunch-1@contoso.com>',
  'MIME-Version: 1.0',
  'Content-Type: text/plain; charset=UTF-8',
  '',
  'Shall we meet at noon?',
  '',
].join('\r\n');

interface FakeMessage {
  id: string;
  subject: string;
  receivedDateTime: string;
  mime: string;
}

const MAILBOX: FakeMessage[] = [
  {
    id: 'AAMkAD-agg=',
    subject: 'Report domain: borschow.com',
    receivedDateTime: '2026-11-28T06:00:00Z',
    mime: AGGREGATE,
  },
  {
    id: 'AAMkAD-lunch=',
    subject: 'Lunch on Friday?',
    receivedDateTime: '2026-11-29T09:00:00Z',
    mime: ORDINARY,
  },
  {
    id: 'AAMkAD-ruf=',
    subject: 'DMARC failure report',
    receivedDateTime: '2026-11-30T10:15:00Z',
    mime: FAILURE,
  },
  {
    id: 'AAMkAD-tls=',
    subject: 'Report Domain: google.com',
    receivedDateTime: '2026-12-01T07:30:00Z',
    mime: TLS,
  },
  {
    id: 'AAMkAD-late=',
    subject: 'Minutes',
    receivedDateTime: '2026-12-02T08:00:00Z',
    mime: ORDINARY.replace('lunch-1', 'minutes-1'),
  },
];

/** A folder listing that pages two at a time along `$skiptoken` and honours `receivedDateTime ge …`. */
function serveMailbox(fake: FakeGraph, root = '/v1.0/me', messages = MAILBOX): void {
  fake.on(`${root}/mailFolders/inbox/messages`, (req: SeenRequest, base) => {
    const q = new URL(req.url, 'http://x').searchParams;
    const since = /receivedDateTime ge (\S+)/.exec(q.get('$filter') ?? '')?.[1];
    const all = messages.filter((m) => !since || m.receivedDateTime >= since);
    const skip = Number(q.get('$skiptoken') ?? 0);
    const page = all.slice(skip, skip + 2);
    const next = new URL(`${base}${root.replace(/^\/v1\.0/, '')}/mailFolders/inbox/messages`);
    for (const [k, v] of q) if (k !== '$skiptoken') next.searchParams.set(k, v);
    next.searchParams.set('$skiptoken', String(skip + 2));
    return {
      body: {
        value: page.map(({ id, subject, receivedDateTime }) => ({
          id,
          subject,
          receivedDateTime,
          hasAttachments: true,
        })),
        ...(skip + 2 < all.length ? { '@odata.nextLink': next.toString() } : {}),
      },
    };
  });
  for (const m of messages) fake.on(`${root}/messages/${m.id}/$value`, { body: m.mime });
}

const valueRequests = (fake: FakeGraph) => fake.requests.filter((r) => r.url.includes('/$value'));

let fake: FakeGraph;
let client: GraphClient;
let waits: number[];
let tokens: { forceRefresh?: boolean }[];

beforeEach(async () => {
  fake = await startFakeGraph();
  waits = [];
  tokens = [];
  let t = 0;
  client = createGraphClient({
    baseUrl: fake.base,
    getToken: async (req) => {
      tokens.push(req ?? {});
      return 'token';
    },
    now: () => t,
    sleep: async (ms) => {
      t += ms;
    },
  });
});
afterEach(async () => fake.close());

function read(o: MailReadOptions = {}, signal = new AbortController().signal) {
  const progress: { label: string; done: number; total?: number }[] = [];
  const run = mailboxLoader(o).run({
    client,
    signal,
    progress: (label, done, total) => progress.push({ label, done, total }),
    onWait: (ms) => waits.push(ms),
  });
  return { run, progress };
}

describe('reading DMARC report mail from a mailbox', () => {
  it('downloads every message of the folder page by page and the DMARC core finds all three report kinds', async () => {
    serveMailbox(fake);
    const { run, progress } = read({ since: '2026-11-01' });
    const load = await run;

    const list = fake.requests.filter((r) => r.url.startsWith('/v1.0/me/mailFolders/inbox/messages'));
    expect(list).toHaveLength(3);
    const q = new URL(list[0]!.url, 'http://x').searchParams;
    expect(q.get('$select')).toBe('id,subject,receivedDateTime,hasAttachments');
    expect(q.get('$top')).toBe('50');
    expect(q.get('$filter')).toBe('receivedDateTime ge 2026-11-01T00:00:00Z');
    expect(q.get('$orderby')).toBe('receivedDateTime asc');
    expect(valueRequests(fake).map((r) => decodeURIComponent(r.url))).toEqual(
      expect.arrayContaining(MAILBOX.map((m) => `/v1.0/me/messages/${m.id}/$value`)),
    );

    expect(load.complete).toBe(true);
    expect(load.problems).toEqual([]);
    expect(load.files).toHaveLength(5);
    expect(load.files[0]!.name).toBe(messageFileName('inbox', '2026-11-28T06:00:00Z', 'AAMkAD-agg='));
    expect(load.files[0]!.name).toMatch(/^mailbox\/inbox\/2026-11-28T06-00-00Z-[0-9a-f]{16}\.eml$/);
    expect(new Set(load.files.map((f) => f.name)).size).toBe(5);
    expect(load.resume).toBe('2026-12-02T08:00:00Z');
    expect(load.bytes).toBe(load.files.reduce((n, f) => n + f.bytes.length, 0));
    const last = progress[progress.length - 1]!;
    expect(last).toMatchObject({ done: 5, total: 5 });
    expect(last.label).toMatch(/^Downloading mail \(\d+\.\d MB\)$/);

    const r = await analyse(load.files);
    const byFile = (name: string) => r.files.filter((f) => f.input === name);
    expect(r.totals.reports).toBe(1);
    expect(r.reports[0]!.orgName).toMatch(/google/i);
    expect(r.failureReports).toHaveLength(1);
    expect(r.failureReports[0]!.reportedDomain).toBe('example.com');
    expect(r.tlsReports).toHaveLength(1);
    expect(r.tlsReports[0]!.organizationName).toBe('Google Inc.');
    for (const ordinary of [load.files[1]!, load.files[4]!]) {
      expect(byFile(ordinary.name).map((f) => f.status)).toEqual(['skipped']);
    }
  });

  it('reads a shared mailbox under /users/{address} and asks only for Mail.Read.Shared', async () => {
    serveMailbox(fake, '/v1.0/users/dmarc-reports@contoso.com', MAILBOX.slice(0, 1));
    const o = { mailbox: ' DMARC-Reports@contoso.com ' };
    expect(mailboxLoader(o).scopes).toEqual(['Mail.Read.Shared']);
    expect(mailboxLoader({ mailbox: '' }).scopes).toEqual(['Mail.Read']);
    expect(ALL_SCOPES.filter((s) => s.startsWith('Mail.'))).toEqual([]);
    const load = await read(o).run;
    expect(load.files).toHaveLength(1);
    expect(fake.requests.every((r) => r.url.startsWith('/v1.0/users/dmarc-reports%40contoso.com/'))).toBe(
      true,
    );
  });

  it('waits as long as a 429 Retry-After asks and then downloads the message', async () => {
    serveMailbox(fake);
    fake.on(
      `/v1.0/me/messages/${MAILBOX[2]!.id}/$value`,
      { status: 429, headers: { 'Retry-After': '7' }, body: { error: { code: 'TooManyRequests' } } },
      { status: 429, headers: { 'Retry-After': '3' }, body: { error: { code: 'TooManyRequests' } } },
      { body: FAILURE },
    );
    const load = await read().run;
    expect(waits).toEqual([7000, 3000]);
    expect(load.complete).toBe(true);
    expect(load.files).toHaveLength(5);
    expect((await analyse(load.files)).failureReports).toHaveLength(1);
  });

  it('keeps the mail read before a revoked sign-in, says why it stopped, and resumes before the gap', async () => {
    serveMailbox(fake);
    const revoked = {
      status: 401,
      body: {
        error: {
          code: 'InvalidAuthenticationToken',
          message: 'Lifetime validation failed, the token is expired.',
        },
      },
    };
    for (const m of MAILBOX.slice(2)) fake.on(`/v1.0/me/messages/${m.id}/$value`, revoked);
    const load = await read({ concurrency: 1 }).run;
    expect(load.files.map((f) => f.name)).toEqual(
      MAILBOX.slice(0, 2).map((m) => messageFileName('inbox', m.receivedDateTime, m.id)),
    );
    expect(load.complete).toBe(false);
    expect(load.problems).toHaveLength(1);
    expect(load.problems[0]).toMatch(/^Reading stopped after 2 of 5 messages: .*did not accept the sign-in/);
    expect(load.problems[0]).toContain('The messages read so far are shown.');
    // The client asked for a fresh token once before giving up.
    expect(tokens.some((t) => t.forceRefresh)).toBe(true);
    expect(load.resume).toBe(MAILBOX[1]!.receivedDateTime);
    // No more downloads were started after the failure.
    expect(valueRequests(fake)).toHaveLength(4);
  });

  it('fails with the sign-in message when the token is refused before anything was read', async () => {
    fake.on('/v1.0/me/mailFolders/inbox/messages', {
      status: 401,
      body: { error: { code: 'InvalidAuthenticationToken', message: 'Access token has expired.' } },
    });
    await expect(read().run).rejects.toThrow(/did not accept the sign-in/);
  });

  it('explains a shared mailbox the user cannot open', async () => {
    fake.on('/v1.0/users/ceo@contoso.com/mailFolders/inbox/messages', {
      status: 403,
      body: { error: { code: 'ErrorAccessDenied', message: 'Access is denied.' } },
    });
    await expect(read({ mailbox: 'ceo@contoso.com' }).run).rejects.toThrow(
      /The mailbox ceo@contoso.com \(folder "inbox"\) could not be opened.*Full Access/,
    );
  });

  it('stops at the message cap with a clear problem and a resume point that goes on from there', async () => {
    serveMailbox(fake);
    const first = await read({ maxMessages: 3 }).run;
    expect(first.files).toHaveLength(3);
    expect(first.complete).toBe(false);
    expect(first.problems).toEqual([
      'The folder has more than 3 messages: the oldest 3 were read. Read again to go on from there, or pick a later start date.',
    ]);
    expect(first.resume).toBe(MAILBOX[2]!.receivedDateTime);

    fake.requests.length = 0;
    const next = await read({ since: first.resume, maxMessages: 3 }).run;
    expect(next.complete).toBe(true);
    // The boundary message is read again (same name, so the page replaces it), then only new mail.
    expect(next.files.map((f) => f.name)).toEqual(
      MAILBOX.slice(2).map((m) => messageFileName('inbox', m.receivedDateTime, m.id)),
    );
    expect(valueRequests(fake)).toHaveLength(3);
  });

  it('stops at the size cap and keeps what fits', async () => {
    serveMailbox(fake);
    const cap = AGGREGATE.length + ORDINARY.length + 10;
    const load = await read({ maxBytes: cap, concurrency: 1 }).run;
    expect(load.files).toHaveLength(2);
    expect(load.bytes).toBeLessThanOrEqual(cap);
    expect(load.complete).toBe(false);
    expect(load.problems[0]).toMatch(
      /Reading stopped after 2 of 5 messages: The mail read adds up to more than \d+ KB; the read stopped there/,
    );
    expect(load.resume).toBe(MAILBOX[1]!.receivedDateTime);
  });

  it('reads nothing and says so for a folder with no mail since the start date', async () => {
    serveMailbox(fake);
    const load = await read({ since: '2027-01-01' }).run;
    expect(load).toMatchObject({ files: [], listed: 0, complete: true, problems: [], resume: undefined });
    await expect(read({ since: 'last tuesday' }).run).rejects.toThrow(
      '"last tuesday" is not a date; use YYYY-MM-DD.',
    );
  });

  it('keeps 8-bit ISO-8859-1 bytes of a failure report intact from Graph to the report', async () => {
    const mime = latin1FailureReport();
    // Every accented letter is one byte that is not UTF-8: a read as text would turn each into U+FFFD.
    expect(mime.includes(0xfc)).toBe(true);
    const box: FakeMessage = {
      id: 'AAMkAD-8bit=',
      subject: 'DMARC failure report for contoso.com',
      receivedDateTime: '2026-12-01T10:00:00Z',
      mime: '',
    };
    serveMailbox(fake, '/v1.0/me', [box]);
    fake.on(`/v1.0/me/messages/${box.id}/$value`, {
      body: new Uint8Array(mime),
      headers: { 'Content-Type': 'text/plain' },
    });
    const { run, progress } = read();
    const load = await run;
    expect(load.files).toHaveLength(1);
    expect(Buffer.from(load.files[0]!.bytes).equals(mime)).toBe(true);
    expect(load.bytes).toBe(mime.length);
    expect(progress.at(-1)!.label).toBe(`Downloading mail (${(mime.length / 1048576).toFixed(1)} MB)`);

    const r = await analyse(load.files);
    expect(r.failureReports).toHaveLength(1);
    const report = r.failureReports[0]!;
    expect(report.subject).toBe('Überweisung für Café Müller');
    expect(report.from).toBe('Jürgen Müller <rechnung@contoso.com>');
    expect(report).toMatchObject({ reportedDomain: 'contoso.com', sourceIp: '203.0.113.45' });
  });

  it('stops at once when cancelled', async () => {
    serveMailbox(fake);
    const c = new AbortController();
    fake.on(`/v1.0/me/messages/${MAILBOX[1]!.id}/$value`, () => {
      c.abort();
      return { body: ORDINARY };
    });
    await expect(read({ concurrency: 1 }, c.signal).run).rejects.toMatchObject({ name: 'AbortError' });
    expect(valueRequests(fake)).toHaveLength(2);
  });
});

describe('the folder picker and the resume point', () => {
  it('lists top folders and their children', async () => {
    fake.on('/v1.0/me/mailFolders', {
      body: {
        value: [
          { id: 'AQMk-inbox', displayName: 'Inbox', totalItemCount: 12, childFolderCount: 1 },
          { id: 'AQMk-sent', displayName: 'Sent Items', totalItemCount: 3, childFolderCount: 0 },
        ],
      },
    });
    fake.on('/v1.0/me/mailFolders/AQMk-inbox/childFolders', {
      body: { value: [{ id: 'AQMk-dmarc', displayName: 'DMARC', totalItemCount: 240, childFolderCount: 0 }] },
    });
    const folders = await listMailFolders(client, {});
    expect(folders.map((f) => [f.id, f.path, f.totalItemCount])).toEqual([
      ['AQMk-inbox', 'Inbox', 12],
      ['AQMk-dmarc', 'Inbox / DMARC', 240],
      ['AQMk-sent', 'Sent Items', 3],
    ]);
    expect(new URL(fake.requests[0]!.url, 'http://x').searchParams.get('$select')).toBe(
      'id,displayName,totalItemCount,childFolderCount',
    );
  });

  it('keeps the resume point per mailbox and folder', () => {
    const m = new Map<string, string>();
    const store = {
      getItem: (k: string) => m.get(k) ?? null,
      setItem: (k: string, v: string) => void m.set(k, v),
      removeItem: (k: string) => void m.delete(k),
    };
    saveResume(store, {}, '2026-12-01T07:30:00Z');
    saveResume(store, { mailbox: 'Reports@Contoso.com', folder: 'AQMk-dmarc' }, '2026-11-30T10:15:00Z');
    expect(resumeKey({})).toBe('ht.dmarc.mailbox.me.inbox');
    expect(loadResume(store, { folder: 'inbox' })).toBe('2026-12-01T07:30:00Z');
    expect(loadResume(store, { mailbox: 'reports@contoso.com', folder: 'AQMk-dmarc' })).toBe(
      '2026-11-30T10:15:00Z',
    );
    expect(loadResume(store, { mailbox: 'other@contoso.com' })).toBeUndefined();
    m.set(resumeKey({ folder: 'junkemail' }), 'garbage');
    expect(loadResume(store, { folder: 'junkemail' })).toBeUndefined();
    saveResume(store, {}, undefined);
    expect(loadResume(store, {})).toBeUndefined();
  });
});
