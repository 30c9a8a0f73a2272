/**
 * The job as the docs configure it, as a real process: `hybrid-toolbox risk-triage --graph …` with the certificate
 * named by HT_CLIENT_CERTIFICATE_FILE, the HEC token and webhook header in the environment, the state on disk,
 * against a stand-in for the sign-in service (trusted through NODE_EXTRA_CA_CERTS, as a TLS-inspecting proxy's CA
 * would be) and for Graph. Three runs: everything open, nothing, exactly the new detection.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startFakeGraph, type FakeGraph } from '../../../../tests/fake-graph.ts';
import { makeCertificate, startFakeAuthority, type FakeAuthority } from '../../../../tests/fake-authority.ts';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'ht-job-'));
let authority: FakeAuthority;
let graph: FakeGraph;
let receiver: FakeGraph;

const U1 = '11111111-aaaa-4000-8000-000000000001';
const U2 = '22222222-bbbb-4000-8000-000000000002';
const U3 = '33333333-cccc-4000-8000-000000000003';
const risky = (id: string, upn: string) => ({
  id,
  userPrincipalName: upn,
  userDisplayName: upn.split('@')[0],
  riskLevel: 'medium',
  riskState: 'atRisk',
  riskDetail: 'none',
  riskLastUpdatedDateTime: '2026-11-23T06:00:00Z',
});
const det = (id: string, userId: string, upn: string, at: string) => ({
  id,
  userId,
  userPrincipalName: upn,
  riskEventType: 'unfamiliarFeatures',
  riskLevel: 'medium',
  riskState: 'atRisk',
  riskDetail: 'none',
  detectedDateTime: at,
  activityDateTime: at,
  lastUpdatedDateTime: at,
  ipAddress: '198.51.100.4',
});
const users = [risky(U1, 'one@contoso.com'), risky(U2, 'two@contoso.com')];
const detections = [
  det('j1', U1, 'one@contoso.com', '2026-11-23T05:00:00Z'),
  det('j2', U2, 'two@contoso.com', '2026-11-23T05:30:00Z'),
];

beforeAll(async () => {
  // The CLI that ships: bundled ahead from these sources.
  execFileSync(process.execPath, ['scripts/build-cli.mjs', '--out', join(work, 'cli')], {
    cwd: ROOT,
    stdio: 'ignore',
  });
  authority = await startFakeAuthority('job-token-91');
  graph = await startFakeGraph();
  receiver = await startFakeGraph();
  const cert = makeCertificate('ht-job');
  writeFileSync(join(work, 'job.pem'), cert.cert + cert.key, { mode: 0o600 });
  writeFileSync(join(work, 'ca.pem'), authority.ca);
  graph.on('/v1.0/identityProtection/riskyUsers', () => ({ body: { value: users } }));
  graph.on('/v1.0/identityProtection/riskDetections', () => ({ body: { value: detections } }));
  graph.on('/v1.0/users', { body: { value: [] } });
  graph.on('/v1.0/directoryRoles', { body: { value: [] } });
  graph.on('/v1.0/users/risk-job@contoso.com/sendMail', { status: 202 });
  receiver.on('/services/collector/event', { body: { code: 0 } });
  receiver.on('/ticket', { status: 201, body: {} });
});
afterAll(async () => {
  await Promise.all([authority.close(), graph.close(), receiver.close()]);
  rmSync(work, { recursive: true, force: true });
});

/** The built CLI's scheduled job for the test tenant's app registration. */
const jobArgs = () => [
  join(work, 'cli', 'hybrid-toolbox.mjs'),
  'risk-triage',
  '--graph',
  '--tenant',
  'contoso.onmicrosoft.com',
  '--client-id',
  '0b9d2c4e-5f60-4a71-8b92-c3d4e5f60718',
];

function job(now: string): Promise<{ code: number | null; out: string; err: string }> {
  const args = [
    ...jobArgs(),
    '--authority-host',
    authority.host,
    '--graph-endpoint',
    graph.origin,
    '--state',
    join(work, 'state.json'),
    '--hec-url',
    `${receiver.origin}/services/collector/event`,
    '--webhook-url',
    `${receiver.origin}/ticket`,
    '--mail-from',
    'risk-job@contoso.com',
    '--mail-security',
    'secops@contoso.com',
    '--mail-servicedesk',
    'servicedesk@contoso.com',
    '--now',
    now,
  ];
  return new Promise((resolve) => {
    const p = spawn(process.execPath, args, {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        NODE_EXTRA_CA_CERTS: join(work, 'ca.pem'),
        HT_CLIENT_CERTIFICATE_FILE: join(work, 'job.pem'),
        HT_HEC_TOKEN: 'hec-7d2',
        HT_WEBHOOK_HEADER: 'Authorization: Bearer hook-5a1',
      },
    });
    let out = '';
    let err = '';
    p.stdout.on('data', (c: Buffer) => (out += c.toString()));
    p.stderr.on('data', (c: Buffer) => (err += c.toString()));
    p.on('close', (code) => resolve({ code, out, err }));
  });
}

const posts = (from: number) => ({
  hec: receiver.requests.slice(from).filter((r) => r.url === '/services/collector/event'),
  tickets: receiver.requests.slice(from).filter((r) => r.url === '/ticket'),
});
const mails = (from: number) => graph.requests.slice(from).filter((r) => r.method === 'POST');

test('three runs: each open user once, then nothing, then exactly the new one', async () => {
  const r1 = await job('2026-11-23T12:00:00Z');
  expect(r1.err).toBe('');
  expect(r1.code).toBe(0);
  expect(r1.out).toContain('2 new, 0 updated');
  expect(posts(0).tickets).toHaveLength(2);
  expect(posts(0).hec[0]!.body.trim().split('\n')).toHaveLength(2);
  expect(mails(0)).toHaveLength(4);
  expect(JSON.parse(readFileSync(join(work, 'state.json'), 'utf8')).users[U2]).toEqual({
    riskState: 'atRisk',
    riskLevel: 'medium',
  });

  const seen = { receiver: receiver.requests.length, graph: graph.requests.length };
  const r2 = await job('2026-11-23T13:00:00Z');
  expect(r2.code).toBe(0);
  expect(r2.out).toContain('0 new, 0 updated');
  expect(receiver.requests.length).toBe(seen.receiver);
  expect(mails(seen.graph)).toHaveLength(0);

  users.push(risky(U3, 'three@contoso.com'));
  detections.push(det('j3', U3, 'three@contoso.com', '2026-11-23T13:30:00Z'));
  const at3 = { receiver: receiver.requests.length, graph: graph.requests.length };
  const r3 = await job('2026-11-23T14:00:00Z');
  expect(r3.code).toBe(0);
  expect(r3.out).toContain('1 new, 0 updated');
  const tickets = posts(at3.receiver).tickets.map((t) => JSON.parse(t.body) as { user: { id: string } });
  expect(tickets.map((t) => t.user.id)).toEqual([U3]);
  expect(
    posts(at3.receiver)
      .hec[0]!.body.trim()
      .split('\n')
      .map((l) => JSON.parse(l).event.id),
  ).toEqual(['j3']);
  expect(mails(at3.graph)).toHaveLength(2);
  // Secrets never reach the output.
  for (const r of [r1, r2, r3])
    expect(r.out + r.err).not.toMatch(/hec-7d2|hook-5a1|job-token-91|PRIVATE KEY/);
});

test('without a credential the job stops with exit 2 and says which variables to set', async () => {
  const p = spawn(process.execPath, [...jobArgs(), '--state', join(work, 's2.json')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH },
  });
  let err = '';
  p.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const code = await new Promise((r) => p.on('close', r));
  expect(code).toBe(2);
  expect(err).toContain('HT_CLIENT_CERTIFICATE_FILE');
});
