import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeGraph, type FakeGraph } from '../../../tests/fake-graph.ts';
import { createGraphClient, type GraphClient } from '../../lib/graph/client.ts';
import { fetchEntraUsers, usersAsGraphPage } from './graph-load.ts';
import { deletionLimit, fetchSyncSettings } from './graph-settings.ts';

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
