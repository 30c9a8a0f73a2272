import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { startFakeGraph, type FakeGraph } from '../../../tests/fake-graph.ts';
import { createGraphClient } from '../../lib/graph/client.ts';
import { auditCsv, auditEntries, runAction } from './actions.ts';
import type { TriagedUser } from './types.ts';

const A = 'aaaaaaaa-0001-4000-8000-000000000001';
const B = 'bbbbbbbb-0002-4000-8000-000000000002';
const user = (id: string, upn: string) => ({ id, userPrincipalName: upn }) as TriagedUser;

let fake: FakeGraph;
beforeEach(async () => {
  fake = await startFakeGraph();
});
afterEach(() => fake.close());

const client = () =>
  createGraphClient({ baseUrl: fake.base, getToken: async () => 'tok', sleep: async () => undefined });

describe('page actions', () => {
  test('confirm compromised and dismiss post one user at a time, paced, with the request-id', async () => {
    for (const action of ['confirmCompromised', 'dismiss'] as const) {
      fake.on(`/v1.0/identityProtection/riskyUsers/${action}`, (req) => ({
        status: 204,
        headers: { 'request-id': `rid-${JSON.parse(req.body).userIds[0].slice(0, 4)}` },
      }));
      const waits: number[] = [];
      const results = await runAction(
        client(),
        action,
        [user(A, 'a@contoso.com'), user(B, 'b@contoso.com')],
        {
          sleep: async (ms) => void waits.push(ms),
        },
      );
      expect(results.map((r) => [r.userId, r.status, r.requestId])).toEqual([
        [A, 'done', 'rid-aaaa'],
        [B, 'done', 'rid-bbbb'],
      ]);
      expect(waits).toEqual([1000]);
    }
    const bodies = fake.requests.map((r) => [r.method, r.url, JSON.parse(r.body)]);
    expect(bodies).toEqual([
      ['POST', '/v1.0/identityProtection/riskyUsers/confirmCompromised', { userIds: [A] }],
      ['POST', '/v1.0/identityProtection/riskyUsers/confirmCompromised', { userIds: [B] }],
      ['POST', '/v1.0/identityProtection/riskyUsers/dismiss', { userIds: [A] }],
      ['POST', '/v1.0/identityProtection/riskyUsers/dismiss', { userIds: [B] }],
    ]);
  });

  test('revoke sessions: partial failure explains each user, the others still run', async () => {
    fake.on(`/v1.0/users/${A}/revokeSignInSessions`, { status: 200, body: { value: true } });
    fake.on(`/v1.0/users/${B}/revokeSignInSessions`, {
      status: 403,
      headers: { 'request-id': 'rid-denied' },
      body: {
        error: {
          code: 'Authorization_RequestDenied',
          message: 'Insufficient privileges to complete the operation.',
        },
      },
    });
    const results = await runAction(client(), 'revokeSessions', [
      user(B, 'b@contoso.com'),
      user('', 'upn-only@contoso.com'),
      user(A, 'a@contoso.com'),
    ]);
    expect(results.map((r) => r.status)).toEqual(['failed', 'failed', 'done']);
    expect(results[0]!.message).toContain('User.RevokeSessions.All');
    expect(results[0]!.message).toContain('Privileged Authentication Administrator');
    expect(results[0]!.message).toContain('Insufficient privileges');
    expect(results[0]!.requestId).toBe('rid-denied');
    expect(results[1]!.message).toContain('without an object ID');
    expect(fake.requests).toHaveLength(2);
  });

  test('403 on confirm compromised names the permission, the roles and P2', async () => {
    fake.on('/v1.0/identityProtection/riskyUsers/confirmCompromised', {
      status: 403,
      body: { error: { code: 'Forbidden', message: 'denied' } },
    });
    const [r] = await runAction(client(), 'confirmCompromised', [user(A, 'a@contoso.com')]);
    expect(r!.message).toMatch(/IdentityRiskyUser\.ReadWrite\.All.*Security Administrator.*Entra ID P2/);
  });

  test('the audit CSV has every attempt, formula-safe', async () => {
    const entries = auditEntries(
      'dismiss',
      [
        {
          userId: A,
          userPrincipalName: '=HYPERLINK("http://x")',
          status: 'done',
          message: 'Done.',
          requestId: 'r1',
        },
        { userId: B, userPrincipalName: 'b@contoso.com', status: 'failed', message: 'Refused (403): x, y' },
      ],
      'ada.admin@contoso.com',
      '2026-11-23T12:00:00.000Z',
    );
    expect(auditCsv(entries)).toBe(
      '\ufeffWhen (UTC),Signed in as,User ID,User,Action,Result,Detail,Request ID\r\n' +
        `2026-11-23T12:00:00.000Z,ada.admin@contoso.com,${A},"'=HYPERLINK(""http://x"")",Dismiss risk,done,Done.,r1\r\n` +
        `2026-11-23T12:00:00.000Z,ada.admin@contoso.com,${B},b@contoso.com,Dismiss risk,failed,"Refused (403): x, y",\r\n`,
    );
  });
});
