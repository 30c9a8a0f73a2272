import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeGraph, type FakeGraph } from '../../../tests/fake-graph.ts';
import { createGraphClient, type GraphClient } from './client.ts';
import { fetchEntraUsers, usersAsGraphPage } from './users.ts';
import { deletionLimit, fetchSyncSettings } from './sync.ts';
import {
  fetchAdminRoles,
  fetchRiskDetections,
  fetchRiskyUsers,
  fetchUserSyncInfo,
  riskDetectionsPath,
} from './risk.ts';

let fake: FakeGraph;
let waits: number[];
let client: GraphClient;

beforeEach(async () => {
  fake = await startFakeGraph();
  waits = [];
  let t = 0;
  client = createGraphClient({
    baseUrl: fake.base,
    getToken: async () => 'token',
    now: () => t,
    sleep: async (ms) => {
      waits.push(ms);
      t += ms;
    },
  });
});
afterEach(async () => fake.close());

describe('Entra users for Sync check', () => {
  it('counts, then reads 999 per page with the on-premises attributes', async () => {
    fake.on('/v1.0/users/$count', { body: '3' });
    fake.on('/v1.0/users', (req, base) =>
      req.url.includes('skiptoken')
        ? { body: { value: [{ id: 'u3', onPremisesSyncEnabled: null }] } }
        : {
            body: {
              value: [
                { id: 'u1', onPremisesSyncEnabled: true, onPremisesImmutableId: 'AAECAwQFBgcICQoLDA0ODw==' },
                { id: 'u2', onPremisesSyncEnabled: true },
              ],
              '@odata.nextLink': `${base}/users?$select=id&$top=999&$skiptoken=X`,
            },
          },
    );
    const seen: { items: number; total?: number }[] = [];
    const users = await fetchEntraUsers({
      client,
      onProgress: (p) => seen.push({ items: p.items, total: p.total }),
    });
    expect(users.map((u) => u.id)).toEqual(['u1', 'u2', 'u3']);
    expect(seen).toEqual([
      { items: 2, total: 3 },
      { items: 3, total: 3 },
    ]);
    const first = decodeURIComponent(fake.requests[1]!.url);
    expect(first).toContain('$top=999');
    expect(first).toContain('onPremisesImmutableId');
    expect(first).toContain('onPremisesDistinguishedName');
    expect(fake.requests[0]!.headers.consistencylevel).toBe('eventual');
    const file = usersAsGraphPage(users);
    expect(JSON.parse(new TextDecoder().decode(file.bytes)).value).toHaveLength(3);
  });

  it('reads users even when $count is refused', async () => {
    fake.on('/v1.0/users/$count', {
      status: 400,
      body: { error: { code: 'Request_BadRequest', message: 'no' } },
    });
    fake.on('/v1.0/users', { body: { value: [{ id: 'u1' }] } });
    const seen: (number | undefined)[] = [];
    await fetchEntraUsers({ client, onProgress: (p) => seen.push(p.total) });
    expect(seen).toEqual([undefined]);
  });
});

describe('sync settings', () => {
  it('reads organisation status, deletion threshold and features', async () => {
    fake.on('/v1.0/organization', {
      body: {
        value: [
          {
            id: 'org',
            displayName: 'Contoso',
            onPremisesSyncEnabled: true,
            onPremisesLastSyncDateTime: '2026-11-23T09:31:05Z',
            verifiedDomains: [{ name: 'contoso.com', isDefault: true, isInitial: false, type: 'Managed' }],
          },
        ],
      },
    });
    fake.on('/v1.0/directory/onPremisesSynchronization', {
      body: {
        value: [
          {
            id: 'x',
            configuration: {
              accidentalDeletionPrevention: {
                synchronizationPreventionType: 'enabledForCount',
                alertThreshold: 500,
              },
            },
            features: {
              blockSoftMatchEnabled: true,
              blockCloudObjectTakeoverThroughHardMatchEnabled: false,
              passwordSyncEnabled: true,
            },
          },
        ],
      },
    });
    const s = await fetchSyncSettings({ organization: client, synchronization: client });
    expect(s.organization?.onPremisesSyncEnabled).toBe(true);
    expect(s.organization?.verifiedDomains[0]?.name).toBe('contoso.com');
    expect(s.deletionPrevention).toEqual({ type: 'enabledForCount', threshold: 500 });
    expect(s.blockSoftMatchEnabled).toBe(true);
    expect(s.blockCloudObjectTakeoverThroughHardMatchEnabled).toBe(false);
    expect(s.problems).toEqual([]);
    expect(deletionLimit(s, 10_000)).toBe(500);
  });

  it('keeps the organisation when the sync settings are refused', async () => {
    fake.on('/v1.0/organization', { body: { value: [{ id: 'org', onPremisesSyncEnabled: false }] } });
    fake.on('/v1.0/directory/onPremisesSynchronization', {
      status: 403,
      body: { error: { code: 'Authorization_RequestDenied', message: 'Insufficient privileges' } },
    });
    const s = await fetchSyncSettings({ organization: client, synchronization: client });
    expect(s.organization?.onPremisesSyncEnabled).toBe(false);
    expect(s.deletionPrevention).toBeNull();
    expect(s.problems[0]).toMatch(/Hybrid Identity Administrator/);
  });

  it('turns a percentage threshold into a count', () => {
    const s = {
      organization: null,
      deletionPrevention: { type: 'enabledForPercentage', threshold: 10 },
      features: null,
      blockSoftMatchEnabled: null,
      blockCloudObjectTakeoverThroughHardMatchEnabled: null,
      problems: [],
    };
    expect(deletionLimit(s, 2345)).toBe(234);
    expect(
      deletionLimit({ ...s, deletionPrevention: { type: 'disabled', threshold: 500 } }, 2345),
    ).toBeNull();
  });
});

describe('Identity Protection reads', () => {
  it('paces risky users and detections at one request a second and keeps unknown enum values', async () => {
    fake.on('/v1.0/identityProtection/riskyUsers', (req, base) =>
      req.url.includes('skiptoken')
        ? { body: { value: [{ id: 'b', riskLevel: 'hidden', riskState: 'unknownFutureValue' }] } }
        : {
            body: {
              value: [{ id: 'a', riskLevel: 'high' }],
              '@odata.nextLink': `${base}/identityProtection/riskyUsers?$skiptoken=2`,
            },
          },
    );
    fake.on('/v1.0/identityProtection/riskDetections', {
      body: { value: [{ id: 'd', riskEventType: 'someFutureDetection' }] },
    });
    const users = await fetchRiskyUsers(client, { days: 30, includeClosed: false });
    const detections = await fetchRiskDetections(client, {
      days: 30,
      includeClosed: false,
      now: Date.parse('2026-11-23T12:00:00Z'),
    });
    expect(users.map((u) => u.riskState)).toEqual([undefined, 'unknownFutureValue']);
    expect(detections[0]!.riskEventType).toBe('someFutureDetection');
    expect(waits).toEqual([1000, 1000]);
    expect(decodeURIComponent(fake.requests[0]!.url)).toContain(
      "riskState eq 'atRisk' or riskState eq 'confirmedCompromised'",
    );
    expect(decodeURIComponent(fake.requests[2]!.url)).toContain('detectedDateTime ge 2026-10-24T12:00:00Z');
  });

  it('builds the detection filter for the chosen days', () => {
    expect(
      riskDetectionsPath({ days: 7, includeClosed: true, now: Date.parse('2026-11-23T00:00:00Z') }),
    ).toBe('/identityProtection/riskDetections?$filter=detectedDateTime ge 2026-11-16T00:00:00Z');
  });

  it('looks up sync state 15 ids at a time and admin roles per user', async () => {
    const ids = Array.from(
      { length: 17 },
      (_, i) => `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`,
    );
    fake.on('/v1.0/users', (req) => ({
      body: {
        value: (decodeURIComponent(req.url).match(/'[0-9a-f-]{36}'/g) ?? []).map((q) => ({
          id: q.slice(1, -1),
          onPremisesSyncEnabled: true,
        })),
      },
    }));
    const info = await fetchUserSyncInfo(client, [...ids, 'not-an-id']);
    expect(info).toHaveLength(17);
    expect(fake.requests).toHaveLength(2);
    fake.on(`/v1.0/users/${ids[0]}/transitiveMemberOf/microsoft.graph.directoryRole`, {
      body: {
        value: [
          {
            id: 'r',
            displayName: 'Global Administrator',
            roleTemplateId: '62e90394-69f5-4237-9190-012177145e10',
          },
        ],
      },
    });
    fake.on(`/v1.0/users/${ids[1]}/transitiveMemberOf/microsoft.graph.directoryRole`, {
      body: { value: [] },
    });
    expect(await fetchAdminRoles(client, ids.slice(0, 2))).toEqual([
      { userId: ids[0], roles: ['Global Administrator'] },
      { userId: ids[1], roles: [] },
    ]);
  });
});
