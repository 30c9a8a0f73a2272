import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { Issue } from '../../../lib/issue.ts';
import { startFakeGraph, type FakeGraph, type SeenRequest } from '../../../../tests/fake-graph.ts';
import { makeCertificate, startFakeAuthority, type FakeAuthority } from '../../../../tests/fake-authority.ts';
import { runScheduled, type ScheduledIo, type ScheduledOptions } from './run.ts';

const TENANT = 'contoso.onmicrosoft.com';
const CLIENT = '0b9d2c4e-5f60-4a71-8b92-c3d4e5f60718';
const NOW = Date.parse('2026-11-23T12:00:00Z');
const ALICE = 'aaaaaaaa-0001-4000-8000-000000000001';
const BOB = 'bbbbbbbb-0002-4000-8000-000000000002';
const DAVE = 'dddddddd-0004-4000-8000-000000000004';

let authority: FakeAuthority;
let graph: FakeGraph;
let receiver: FakeGraph;
const appCert = makeCertificate('hybrid-toolbox-job');

// What Identity Protection holds; tests change it between runs.
let riskyUsers: Record<string, unknown>[];
let detections: Record<string, unknown>[];
const directory: Record<string, Record<string, unknown>> = {
  [ALICE]: {
    id: ALICE,
    userPrincipalName: 'alice@contoso.com',
    displayName: 'Alice Ames',
    onPremisesSyncEnabled: null,
  },
  [BOB]: {
    id: BOB,
    userPrincipalName: 'bob@contoso.com',
    displayName: 'Bob <b>Bold</b>',
    onPremisesSyncEnabled: true,
    onPremisesSamAccountName: 'bbold',
    onPremisesDomainName: 'CONTOSO',
    manager: { displayName: 'Mia Manager', mail: 'mia@contoso.com' },
  },
  [DAVE]: {
    id: DAVE,
    userPrincipalName: 'dave@contoso.com',
    displayName: 'Dave Dunn',
    onPremisesSyncEnabled: false,
  },
};

function riskyUser(id: string, level: string, state = 'atRisk') {
  const u = directory[id]!;
  return {
    id,
    userPrincipalName: u.userPrincipalName,
    userDisplayName: u.displayName,
    riskLevel: level,
    riskState: state,
    riskDetail: 'none',
    riskLastUpdatedDateTime: '2026-11-23T06:00:00Z',
    isDeleted: false,
    isProcessing: false,
  };
}

function detection(id: string, userId: string, type: string, level: string, at: string, state = 'atRisk') {
  return {
    id,
    userId,
    userPrincipalName: directory[userId]!.userPrincipalName,
    userDisplayName: directory[userId]!.displayName,
    riskEventType: type,
    riskLevel: level,
    riskState: state,
    riskDetail: 'none',
    detectionTimingType: 'realtime',
    activity: 'signin',
    source: 'IdentityProtection',
    tokenIssuerType: 'AzureAD',
    ipAddress: '203.0.113.9',
    activityDateTime: at,
    detectedDateTime: at,
    lastUpdatedDateTime: at,
    requestId: `req-${id}`,
    correlationId: `cor-${id}`,
    location: { city: 'Lyon', state: 'Rhône', countryOrRegion: 'FR' },
  };
}

function routeGraph() {
  graph.on('/v1.0/identityProtection/riskyUsers', (req) => {
    // The job asks for open users only.
    expect(decodeURIComponent(req.url)).toContain(
      "$filter=riskState eq 'atRisk' or riskState eq 'confirmedCompromised'",
    );
    return {
      body: {
        value: riskyUsers.filter((u) => u.riskState === 'atRisk' || u.riskState === 'confirmedCompromised'),
      },
    };
  });
  for (const id of [ALICE, BOB, DAVE]) {
    graph.on(`/v1.0/identityProtection/riskyUsers/${id}`, () => {
      const u = riskyUsers.find((r) => r.id === id);
      return u ? { body: u } : { status: 404, body: { error: { code: 'NotFound', message: 'no' } } };
    });
  }
  // Two pages, the first pointing to the second.
  graph.on('/v1.0/identityProtection/riskDetections', (req, base) =>
    req.url.includes('$skiptoken')
      ? { body: { value: detections.slice(1) } }
      : {
          body: {
            value: detections.slice(0, 1),
            ...(detections.length > 1
              ? { '@odata.nextLink': `${base}/identityProtection/riskDetections?$skiptoken=p2` }
              : {}),
          },
        },
  );
  graph.on('/v1.0/users', (req) => {
    const ids = decodeURIComponent(req.url).match(/[0-9a-f]{8}-[0-9a-f-]{27}/g) ?? [];
    return { body: { value: ids.map((id) => directory[id]).filter(Boolean) } };
  });
  graph.on('/v1.0/directoryRoles', {
    body: {
      value: [
        {
          id: 'r1',
          displayName: 'Exchange Administrator',
          roleTemplateId: '29232cdf',
          members: [{ id: BOB }],
        },
      ],
    },
  });
  graph.on('/v1.0/users/jobs@contoso.com/sendMail', { status: 202 });
  receiver.on('/services/collector/event', { body: { text: 'Success', code: 0 } });
  receiver.on('/hook', { status: 200, body: { ok: true } });
}

interface Disk {
  files: Map<string, string>;
  out: string;
  issues: Issue[];
  waits: number[];
}

function makeIo(disk: Disk, env: Record<string, string> = {}): ScheduledIo {
  return {
    stdout: (t) => void (disk.out += t),
    report: (issues) => void disk.issues.push(...issues),
    env: {
      HT_CLIENT_CERTIFICATE_FILE: '/etc/ht/job.pem',
      HT_HEC_TOKEN: 'hec-token-5e1f',
      HT_WEBHOOK_HEADER: 'X-Api-Key: hook-key-77c',
      ...env,
    },
    readFile: async (p) => {
      if (p === '/etc/ht/job.pem') return new TextEncoder().encode(appCert.cert + appCert.key);
      const text = disk.files.get(p);
      if (text === undefined) throw Object.assign(new Error(`ENOENT: ${p}`), { code: 'ENOENT' });
      return new TextEncoder().encode(text);
    },
    writeFileAtomic: async (p, text) => void disk.files.set(p, text),
    tlsCa: authority.ca,
    sleep: async (ms) => void disk.waits.push(ms),
  };
}

function options(over: Partial<ScheduledOptions> = {}): ScheduledOptions {
  return {
    files: [],
    readGraph: true,
    graph: { tenant: TENANT, clientId: CLIENT, authorityHost: authority.host, graphEndpoint: graph.origin },
    statePath: '/var/lib/ht/state.json',
    hecUrl: `${receiver.origin}/services/collector/event`,
    webhookUrl: `${receiver.origin}/hook`,
    mailFrom: 'jobs@contoso.com',
    mailSecurity: 'secops@contoso.com',
    mailServiceDesk: 'servicedesk@contoso.com',
    now: NOW,
    ...over,
  };
}

const newDisk = (): Disk => ({ files: new Map(), out: '', issues: [], waits: [] });

function decodeMail(r: SeenRequest) {
  const mime = Buffer.from(r.body, 'base64').toString('utf8');
  const subject = /^Subject: =\?UTF-8\?B\?([^?]+)\?=/m.exec(mime)?.[1];
  const parts = mime.split(/\r\n--ht-[^\r\n]+/);
  const part = (type: string) => {
    const p = parts.find((x) => x.includes(`Content-Type: ${type}`))!;
    return Buffer.from(p.split('\r\n\r\n')[1]!.replace(/\r\n/g, ''), 'base64').toString('utf8');
  };
  return {
    to: /^To: (.+)$/m.exec(mime)?.[1],
    subject: subject ? Buffer.from(subject, 'base64').toString('utf8') : undefined,
    text: part('text/plain'),
    html: part('text/html'),
  };
}

const sent = (g: FakeGraph, path: string, from: number) =>
  g.requests.slice(from).filter((r) => r.method === 'POST' && decodeURIComponent(r.url).startsWith(path));

beforeAll(async () => {
  authority = await startFakeAuthority('fake-app-token-3c9');
  graph = await startFakeGraph();
  receiver = await startFakeGraph();
});
afterAll(async () => {
  await Promise.all([authority.close(), graph.close(), receiver.close()]);
});
beforeEach(() => {
  riskyUsers = [riskyUser(ALICE, 'high'), riskyUser(BOB, 'medium')];
  detections = [
    detection('det-a1', ALICE, 'leakedCredentials', 'high', '2026-11-23T06:00:00Z'),
    detection('det-b1', BOB, 'unfamiliarFeatures', 'medium', '2026-11-22T18:00:00Z'),
  ];
  graph.requests.length = 0;
  receiver.requests.length = 0;
  routeGraph();
});

describe('the scheduled job against the fake Graph', () => {
  test('run 1 delivers each open risky user once, run 2 nothing, run 3 exactly the new detection', async () => {
    const disk = newDisk();
    expect(await runScheduled(options(), makeIo(disk))).toBe(0);
    expect(disk.issues.filter((i) => i.severity === 'error')).toEqual([]);

    // One HEC batch with one event per open user's detection, one webhook ticket and two mails per user.
    const hec = sent(receiver, '/services/collector/event', 0);
    expect(hec).toHaveLength(1);
    expect(hec[0]!.headers.authorization).toBe('Splunk hec-token-5e1f');
    const events = hec[0]!.body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { event: { id: string } });
    expect(events.map((e) => e.event.id).sort()).toEqual(['det-a1', 'det-b1']);
    const hooks = sent(receiver, '/hook', 0);
    expect(hooks).toHaveLength(2);
    expect(hooks[0]!.headers['x-api-key']).toBe('hook-key-77c');
    const tickets = hooks.map(
      (h) => JSON.parse(h.body) as { change: string; user: { id: string }; text: string },
    );
    expect(tickets.map((t) => t.user.id).sort()).toEqual([ALICE, BOB]);
    expect(tickets.every((t) => t.change === 'new')).toBe(true);
    expect(tickets.find((t) => t.user.id === BOB)!.text).toContain(
      "Set-ADAccountPassword -Identity 'bbold' -Reset",
    );
    const mails = sent(graph, '/v1.0/users/jobs@contoso.com/sendMail', 0);
    expect(mails).toHaveLength(4);
    expect(mails.every((m) => m.headers['content-type'] === 'text/plain')).toBe(true);
    expect(mails.every((m) => m.headers.authorization === 'Bearer fake-app-token-3c9')).toBe(true);
    // Bob's mails: his name is markup in the directory, escaped in HTML; synced, so the reset is on-premises.
    const bobMails = mails.map(decodeMail).filter((m) => m.subject!.includes('bob@contoso.com'));
    const sec = bobMails.find((m) => m.to === 'secops@contoso.com')!;
    expect(sec.subject).toBe('[P2] Risky user: Bob <b>Bold</b> (bob@contoso.com)');
    expect(sec.html).toContain('Bob &lt;b&gt;Bold&lt;/b&gt;');
    expect(sec.html).not.toContain('<b>Bold');
    expect(sec.text).toContain('Exchange Administrator');
    const desk = bobMails.find((m) => m.to === 'servicedesk@contoso.com')!;
    expect(desk.text).toContain('must be done on-premises (AD)');
    expect(desk.text).toContain('Manager: Mia Manager (mia@contoso.com).');
    for (const m of mails)
      expect(Buffer.from(m.body, 'base64').toString()).not.toMatch(
        /fake-app-token|hec-token|hook-key|PRIVATE KEY/,
      );

    // Paging was followed and Identity Protection was paced (about one request a second).
    const paths = graph.requests.map((r) => r.url.split('?')[0]);
    expect(paths.filter((p) => p === '/v1.0/identityProtection/riskDetections')).toHaveLength(2);
    expect(disk.waits.some((ms) => ms > 900 && ms <= 1000)).toBe(true);

    // The state names what was delivered.
    const state = JSON.parse(disk.files.get('/var/lib/ht/state.json')!);
    expect(state.users[ALICE]).toEqual({ riskState: 'atRisk', riskLevel: 'high' });
    expect(state.detections['det-b1']).toEqual({ riskState: 'atRisk', riskLevel: 'medium' });
    expect(state.lastRunAt).toBe('2026-11-23T12:00:00.000Z');

    // Run 2: nothing new, nothing sent.
    const r2 = { hec: receiver.requests.length, graph: graph.requests.length };
    disk.out = '';
    expect(await runScheduled(options({ now: NOW + 3_600_000 }), makeIo(disk))).toBe(0);
    expect(sent(receiver, '/', r2.hec)).toHaveLength(0);
    expect(sent(graph, '/v1.0/users/jobs@contoso.com/sendMail', r2.graph)).toHaveLength(0);
    expect(disk.out).toContain('0 new, 0 updated');
    // Detections are read from the last run minus the look-back of 3 days.
    const since = graph.requests
      .slice(r2.graph)
      .find((r) => r.url.startsWith('/v1.0/identityProtection/riskDetections'))!;
    expect(decodeURIComponent(since.url)).toContain('detectedDateTime ge 2026-11-20T12:00:00Z');

    // Run 3: a new risky user with one detection.
    riskyUsers.push(riskyUser(DAVE, 'low'));
    detections.push(detection('det-d1', DAVE, 'anonymizedIPAddress', 'low', '2026-11-23T12:30:00Z'));
    const r3 = { hec: receiver.requests.length, graph: graph.requests.length };
    expect(await runScheduled(options({ now: NOW + 7_200_000 }), makeIo(disk))).toBe(0);
    const hec3 = sent(receiver, '/services/collector/event', r3.hec);
    expect(hec3).toHaveLength(1);
    expect(
      hec3[0]!.body
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { event: { id: string } }).event.id),
    ).toEqual(['det-d1']);
    const hooks3 = sent(receiver, '/hook', r3.hec).map((h) => JSON.parse(h.body) as { user: { id: string } });
    expect(hooks3.map((t) => t.user.id)).toEqual([DAVE]);
    const mails3 = sent(graph, '/v1.0/users/jobs@contoso.com/sendMail', r3.graph).map(decodeMail);
    expect(mails3.map((m) => m.to).sort()).toEqual(['secops@contoso.com', 'servicedesk@contoso.com']);
    expect(mails3.every((m) => m.subject!.includes('dave@contoso.com'))).toBe(true);
  });

  test('a changed risk delivers an update: escalated, then remediated (read one by one once it leaves the open list)', async () => {
    const disk = newDisk();
    expect(await runScheduled(options(), makeIo(disk))).toBe(0);
    riskyUsers[1] = riskyUser(BOB, 'high');
    let from = receiver.requests.length;
    expect(await runScheduled(options({ now: NOW + 1000 }), makeIo(disk))).toBe(0);
    let hooks = sent(receiver, '/hook', from).map(
      (h) => JSON.parse(h.body) as { change: string; user: { id: string } },
    );
    expect(hooks).toEqual([
      expect.objectContaining({ change: 'updated', user: expect.objectContaining({ id: BOB }) }),
    ]);
    // No detection changed, so no event.
    expect(sent(receiver, '/services/collector/event', from)).toHaveLength(0);

    riskyUsers[0] = {
      ...riskyUser(ALICE, 'none', 'remediated'),
      riskDetail: 'userPerformedSecuredPasswordChange',
    };
    detections[0] = detection(
      'det-a1',
      ALICE,
      'leakedCredentials',
      'high',
      '2026-11-23T06:00:00Z',
      'remediated',
    );
    from = receiver.requests.length;
    const g = graph.requests.length;
    expect(await runScheduled(options({ now: NOW + 2000 }), makeIo(disk))).toBe(0);
    expect(graph.requests.slice(g).map((r) => r.url)).toContain(
      `/v1.0/identityProtection/riskyUsers/${ALICE}`,
    );
    hooks = sent(receiver, '/hook', from).map(
      (h) => JSON.parse(h.body) as { change: string; user: { id: string } },
    );
    expect(hooks.map((h) => [h.user.id, h.change])).toEqual([[ALICE, 'updated']]);
    const events = sent(receiver, '/services/collector/event', from)[0]!.body.trim().split('\n');
    expect(events.map((l) => (JSON.parse(l) as { event: { riskState: string } }).event.riskState)).toEqual([
      'remediated',
    ]);
    const desk = sent(graph, '/v1.0/users/jobs@contoso.com/sendMail', g).map(decodeMail);
    expect(desk.find((m) => m.to === 'servicedesk@contoso.com')!.subject).toBe(
      'Risk closed (remediated): Alice Ames (alice@contoso.com)',
    );
  });

  test('at least once: a sink that fails keeps those users out of the state, and the next run repeats them', async () => {
    const disk = newDisk();
    receiver.on('/hook', (req) =>
      req.body.includes(BOB) ? { status: 500, body: 'upstream down' } : { status: 200, body: {} },
    );
    expect(await runScheduled(options(), makeIo(disk))).toBe(1);
    expect(disk.issues).toContainEqual(
      expect.objectContaining({
        severity: 'error',
        file: 'webhook',
        message: expect.stringContaining('answered 500'),
      }),
    );
    const state = JSON.parse(disk.files.get('/var/lib/ht/state.json')!);
    expect(Object.keys(state.users)).toEqual([ALICE]);
    expect(state.lastRunAt).toBeNull();

    receiver.on('/hook', { status: 200, body: {} });
    const from = receiver.requests.length;
    const g = graph.requests.length;
    disk.issues = [];
    expect(await runScheduled(options({ now: NOW + 1000 }), makeIo(disk))).toBe(0);
    expect(
      sent(receiver, '/hook', from).map((h) => (JSON.parse(h.body) as { user: { id: string } }).user.id),
    ).toEqual([BOB]);
    // The other sinks get Bob again too (they had him already): at least once, never lost.
    expect(sent(graph, '/v1.0/users/jobs@contoso.com/sendMail', g)).toHaveLength(2);
  });

  test('waits as long as Retry-After says on 429', async () => {
    const disk = newDisk();
    graph.on(
      '/v1.0/identityProtection/riskyUsers',
      {
        status: 429,
        headers: { 'Retry-After': '7' },
        body: { error: { code: 'TooManyRequests', message: 'slow down' } },
      },
      { body: { value: riskyUsers } },
    );
    expect(await runScheduled(options({ hecUrl: undefined, webhookUrl: undefined }), makeIo(disk))).toBe(0);
    expect(disk.waits).toContain(7000);
  });

  test('stops cleanly on 403, naming the missing application permission; nothing is delivered or remembered', async () => {
    const disk = newDisk();
    graph.on('/v1.0/identityProtection/riskDetections', {
      status: 403,
      headers: { 'request-id': 'rid-403' },
      body: {
        error: {
          code: 'Authorization_RequestDenied',
          message: 'Insufficient privileges to complete the operation.',
        },
      },
    });
    expect(await runScheduled(options(), makeIo(disk))).toBe(1);
    expect(disk.issues).toHaveLength(1);
    expect(disk.issues[0]!.message).toContain('application permission IdentityRiskEvent.Read.All');
    expect(disk.issues[0]!.message).toContain('rid-403');
    expect(receiver.requests).toHaveLength(0);
    expect(disk.files.has('/var/lib/ht/state.json')).toBe(false);
  });

  test('sendMail refused: names Mail.Send and the application access policy, and keeps those users for next time', async () => {
    const disk = newDisk();
    graph.on('/v1.0/users/jobs@contoso.com/sendMail', {
      status: 403,
      body: {
        error: { code: 'ErrorAccessDenied', message: 'Access is denied. Check credentials and try again.' },
      },
    });
    expect(await runScheduled(options({ hecUrl: undefined, webhookUrl: undefined }), makeIo(disk))).toBe(1);
    const err = disk.issues.find((i) => i.file === 'mail')!;
    expect(err.message).toContain('Mail.Send');
    expect(err.message).toContain('New-ApplicationAccessPolicy');
    expect(JSON.parse(disk.files.get('/var/lib/ht/state.json')!).users).toEqual({});
  });

  test('401 from Graph names the cloud and consent; a wrong secret is explained and never printed', async () => {
    const disk = newDisk();
    graph.on('/v1.0/identityProtection/riskyUsers', {
      status: 401,
      body: { error: { code: 'InvalidAuthenticationToken', message: 'bad' } },
    });
    expect(await runScheduled(options(), makeIo(disk))).toBe(1);
    expect(disk.issues[0]!.message).toMatch(/\(401\).*--cloud/);

    const secret = 'Zq8~very.secret-value_1234';
    authority.answer = () => ({
      status: 401,
      body: {
        error: 'invalid_client',
        error_description: `AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value. Trace ID: t`,
        error_codes: [7000215],
      },
    });
    const d2 = newDisk();
    try {
      expect(
        await runScheduled(
          options(),
          makeIo(d2, { HT_CLIENT_CERTIFICATE_FILE: '', HT_CLIENT_SECRET: secret }),
        ),
      ).toBe(1);
    } finally {
      authority.answer = () => ({
        status: 200,
        body: { token_type: 'Bearer', expires_in: 3599, access_token: 'fake-app-token-3c9' },
      });
    }
    expect(d2.issues[0]!.message).toContain('client secret is wrong');
    expect(JSON.stringify(d2)).not.toContain(secret);
    expect(authority.tokenRequests.at(-1)!.form.get('client_secret')).toBe(secret);
  });

  test('a tenant with nothing at risk is good news: exit 0, nothing sent, the state moves on', async () => {
    riskyUsers = [];
    detections = [];
    const disk = newDisk();
    expect(await runScheduled(options(), makeIo(disk))).toBe(0);
    expect(disk.issues).toEqual([]);
    expect(disk.out).toContain('0 new, 0 updated');
    expect(receiver.requests).toHaveLength(0);
    expect(JSON.parse(disk.files.get('/var/lib/ht/state.json')!).lastRunAt).toBe('2026-11-23T12:00:00.000Z');
  });

  test('without --state everything open is delivered, with a warning that says so', async () => {
    const disk = newDisk();
    expect(
      await runScheduled(
        options({
          statePath: undefined,
          mailFrom: undefined,
          mailSecurity: undefined,
          mailServiceDesk: undefined,
        }),
        makeIo(disk),
      ),
    ).toBe(0);
    expect(disk.issues).toEqual([
      expect.objectContaining({ severity: 'warning', message: expect.stringContaining('without --state') }),
    ]);
    expect(sent(receiver, '/hook', 0)).toHaveLength(2);
    expect(disk.files.size).toBe(0);
  });

  test('--dry-run shows what would go where and sends nothing', async () => {
    const disk = newDisk();
    expect(await runScheduled(options({ dryRun: true }), makeIo(disk))).toBe(0);
    expect(receiver.requests).toHaveLength(0);
    expect(graph.requests.filter((r) => r.method === 'POST')).toHaveLength(0);
    expect(disk.files.size).toBe(0);
    expect(disk.out).toContain('2 new and 0 updated user(s)');
    expect(disk.out).toMatch(/NEW +P\d {2}alice@contoso\.com/);
    expect(disk.out).toContain('would deliver — Splunk HEC 127.0.0.1');
    expect(disk.out).toContain('4 mail(s) to secops@contoso.com and servicedesk@contoso.com');
  });

  test('the certificate is used: a signed client assertion, no secret', async () => {
    const disk = newDisk();
    const before = authority.tokenRequests.length;
    await runScheduled(
      options({
        hecUrl: undefined,
        webhookUrl: undefined,
        mailSecurity: undefined,
        mailServiceDesk: undefined,
      }),
      makeIo(disk),
    );
    const form = authority.tokenRequests[before]!.form;
    expect(form.get('grant_type')).toBe('client_credentials');
    expect(form.get('scope')).toBe(`${graph.origin}/.default`);
    expect(form.get('client_assertion_type')).toBe('urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    expect(form.has('client_secret')).toBe(false);
    const header = JSON.parse(
      Buffer.from(form.get('client_assertion')!.split('.')[0]!, 'base64url').toString(),
    );
    expect(header['x5t#S256']).toMatch(/^[\w-]{43}$/);
  });
});
