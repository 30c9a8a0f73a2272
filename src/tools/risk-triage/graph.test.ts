import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeGraph, type FakeGraph } from '../../../tests/fake-graph.ts';
import { createGraphClient, type GraphClient } from '../../lib/graph/client.ts';
import {
  fetchAdminRoles,
  fetchRiskDetections,
  fetchRiskyUsers,
  fetchUserSyncInfo,
  riskDetectionsPath,
} from './graph.ts';

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
