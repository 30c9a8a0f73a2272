import { describe, expect, it } from 'vitest';
import { isAbortError, isInputError } from '../../lib/issue.ts';
import { analyseRisk, EXPORT_HINT, type RiskInput } from './core.ts';

/** Graph v1.0 as `Invoke-MgGraphRequest … | ConvertTo-Json` or Graph Explorer saves it: a page with `value`. */
const page = (name: string, value: unknown[]) => ({
  name,
  bytes: new TextEncoder().encode(
    JSON.stringify({ '@odata.context': 'https://graph.microsoft.com/…', value }),
  ),
});

const NOW = Date.parse('2026-11-24T12:00:00Z');

const riskyUsers = page('risky-users.json', [
  {
    id: 'u1',
    isDeleted: false,
    isProcessing: false,
    riskLastUpdatedDateTime: '2026-11-23T00:00:00Z',
    riskLevel: 'high',
    riskState: 'atRisk',
    riskDetail: 'none',
    userDisplayName: 'Alex Wilber',
    userPrincipalName: 'alex.wilber@contoso.com',
  },
  {
    id: 'u2',
    isDeleted: false,
    isProcessing: false,
    riskLastUpdatedDateTime: '2026-11-20T09:00:00Z',
    riskLevel: 'low',
    riskState: 'remediated',
    riskDetail: 'userPerformedSecuredPasswordReset',
    userDisplayName: 'Megan Bowen',
    userPrincipalName: 'megan.bowen@contoso.com',
  },
]);

const detection = (id: string, riskEventType: string, detectedDateTime: string) => ({
  id,
  requestId: `r-${id}`,
  correlationId: `c-${id}`,
  riskEventType,
  riskState: 'atRisk',
  riskLevel: 'high',
  riskDetail: 'none',
  source: 'IdentityProtection',
  detectionTimingType: 'offline',
  activity: 'user',
  tokenIssuerType: 'AzureAD',
  ipAddress: '203.0.113.7',
  location: { city: 'Lagos', state: 'Lagos', countryOrRegion: 'NG' },
  activityDateTime: detectedDateTime,
  detectedDateTime,
  lastUpdatedDateTime: detectedDateTime,
  userId: 'u1',
  userDisplayName: 'Alex Wilber',
  userPrincipalName: 'alex.wilber@contoso.com',
  additionalInfo: '[]',
});

const detections = page('risk-detections.json', [
  detection('d1', 'leakedCredentials', '2026-11-24T10:00:00Z'),
  detection('d2', 'passwordSpray', '2026-11-21T12:00:00Z'),
]);

describe('analyseRisk: exports in, a triaged queue out', () => {
  it('scores, orders and counts as the default rules say', () => {
    const r = analyseRisk({ files: [riskyUsers, detections], now: NOW });
    expect(r.users.map((u) => [u.userPrincipalName, u.score, u.priority, u.isOpen])).toEqual([
      // high 40 + at risk 5 + leaked credentials 25 + one more kind 5 + second open detection 2 + newest 2 h ago 15
      ['alex.wilber@contoso.com', 92, 1, true],
      // low 10; remediated and nothing newer: closed, priority 4 whatever the score
      ['megan.bowen@contoso.com', 10, 4, false],
    ]);
    expect(r.users[0]!.reasons.map((x) => x.points)).toEqual([40, 5, 25, 5, 2, 15]);
    expect(r.users[0]!.kinds).toEqual(['leakedCredentials', 'passwordSpray']);
    expect(r.users[0]!.countries).toEqual(['NG']);
    expect(r.stats).toMatchObject({
      users: 2,
      openUsers: 1,
      byPriority: { 1: 1, 2: 0, 3: 0, 4: 1 },
      detections: 2,
      openDetections: 2,
    });
    expect(r.evaluatedAt).toBe('2026-11-24T12:00:00.000Z');
  });

  it('partial rules apply over the defaults', () => {
    // As a rules file gives them: only what differs, nested objects included.
    const rules = JSON.parse('{ "thresholds": { "p1": 95 } }') as RiskInput['rules'];
    const r = analyseRisk({ files: [riskyUsers, detections], now: NOW, rules });
    expect(r.users[0]!.priority).toBe(2);
    expect(r.rules.thresholds).toEqual({ p1: 95, p2: 50, p3: 25 });
  });

  it('a broken file is named; the others are still triaged', () => {
    const broken = { name: 'broken.json', bytes: new TextEncoder().encode('{"value": [ {"id": "u9",') };
    const r = analyseRisk({ files: [broken, riskyUsers, detections], now: NOW });
    expect(r.users).toHaveLength(2);
    expect(r.issues.filter((i) => i.file === 'broken.json').map((i) => [i.code, i.severity])).toEqual([
      ['bad-json', 'error'],
    ]);
  });

  it('rules of the wrong type are an input error, not a bug', () => {
    const e: unknown = (() => {
      try {
        analyseRisk({ files: [riskyUsers], now: NOW, rules: { thresholds: 'high' as never } });
      } catch (err) {
        return err;
      }
    })();
    expect(isInputError(e)).toBe(true);
    expect((e as { issue: unknown }).issue).toEqual({
      code: 'bad-rules',
      severity: 'error',
      message: 'The triage rules are not valid: "thresholds" must be an object of numbers.',
    });
  });

  it('nothing to triage stops with the PowerShell for good exports', () => {
    expect(() => analyseRisk({ files: [], now: NOW })).toThrowError(
      'No files were given. Drop riskyUsers and riskDetections exports.',
    );
    const users = page('users.json', [
      { id: 'u1', userPrincipalName: 'alex.wilber@contoso.com', onPremisesSyncEnabled: true },
    ]);
    try {
      analyseRisk({ files: [users], now: NOW });
      expect.unreachable();
    } catch (e) {
      expect(isInputError(e)).toBe(true);
      const issue = (e as { issue: { code: string; file?: string; message: string; hint?: string } }).issue;
      expect(issue.code).toBe('no-risk-data');
      expect(issue.file).toBe('users.json');
      expect(issue.message).toMatch(/^No risky users or risk detections were found in the files\. /);
      expect(issue.hint).toBe(EXPORT_HINT);
      expect(issue.hint).toContain('Get-MgRiskyUser -All');
    }
  });

  it('reports progress per file and stops when cancelled', () => {
    const seen: [number, number][] = [];
    analyseRisk({ files: [riskyUsers, detections], now: NOW }, { onProgress: (d, t) => seen.push([d, t]) });
    expect(seen.at(-1)).toEqual([2, 2]);
    try {
      analyseRisk({ files: [riskyUsers, detections], now: NOW }, { signal: AbortSignal.abort() });
      expect.unreachable();
    } catch (e) {
      expect(isAbortError(e)).toBe(true);
    }
  });
});
