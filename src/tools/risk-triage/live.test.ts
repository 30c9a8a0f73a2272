import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeGraph, type FakeGraph } from '../../../tests/fake-graph.ts';
import { createGraphClient, type GraphClient } from '../../lib/graph/client.ts';
import { analyseRisk } from './core.ts';
import { liveRiskLoader, type LiveRiskOptions } from './live.ts';

let fake: FakeGraph;
let client: GraphClient;

beforeEach(async () => {
  fake = await startFakeGraph();
  let t = 0;
  client = createGraphClient({
    baseUrl: fake.base,
    getToken: async () => 'token',
    now: () => t,
    sleep: async (ms) => {
      t += ms;
    },
  });
});
afterEach(async () => fake.close());

const options: LiveRiskOptions = { days: 30, includeClosed: false, includeSignIns: true, lookUpUsers: false };

function load(o: LiveRiskOptions = options) {
  return liveRiskLoader(o).run({
    client,
    signal: new AbortController().signal,
    progress: () => {},
    onWait: () => {},
  });
}

describe('live read for risk triage', () => {
  it('builds no file for an empty answer, so a quiet window is not reported as a bad file', async () => {
    fake.on('/v1.0/identityProtection/riskyUsers', {
      body: {
        value: [
          {
            id: '11111111-1111-4111-8111-111111111111',
            isDeleted: false,
            isProcessing: false,
            riskLastUpdatedDateTime: '2026-11-23T06:10:00Z',
            riskLevel: 'high',
            riskState: 'atRisk',
            riskDetail: 'none',
            userDisplayName: 'Adele Vance',
            userPrincipalName: 'adele.vance@contoso.com',
          },
        ],
      },
    });
    fake.on('/v1.0/identityProtection/riskDetections', { body: { value: [] } });
    fake.on('/v1.0/auditLogs/signIns', { body: { value: [] } });
    const data = await load();
    expect(data.files.map((f) => f.name)).toEqual(['riskyUsers (live).json']);
    expect(data.problems).toEqual([]);
    const result = analyseRisk({ files: data.files });
    expect(result.issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(result.files).toEqual([
      expect.objectContaining({ file: 'riskyUsers (live).json', verdict: 'used' }),
    ]);
    expect(result.users.map((u) => [u.userPrincipalName, u.detections.length])).toEqual([
      ['adele.vance@contoso.com', 0],
    ]);
  });

  it('says that nothing is at risk when Identity Protection lists nothing at all', async () => {
    fake.on('/v1.0/identityProtection/riskyUsers', { body: { value: [] } });
    fake.on('/v1.0/identityProtection/riskDetections', { body: { value: [] } });
    const data = await load({ ...options, includeSignIns: false, lookUpUsers: true, days: 7 });
    expect(data.files).toEqual([]);
    expect(data.problems).toEqual([
      'Identity Protection lists no open risky users and no risk detections from the last 7 days: nothing to triage.',
    ]);
  });
});
