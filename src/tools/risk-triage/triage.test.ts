import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyseRisk } from './core.ts';
import { DEFAULT_RULES, isOpenState, mergeRules } from './triage.ts';
import { isInputError } from '../../lib/issue.ts';

const fixture = (name: string) => ({
  name,
  bytes: new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url))),
});
const NOW = Date.parse('2026-11-23T12:00:00Z');
const ALL = ['graph-risky-users.json', 'graph-risk-detections-pages.json', 'graph-users.json'].map(fixture);

describe('triage of the sample tenant', () => {
  const result = analyseRisk({ files: ALL, now: NOW });

  it('sorts the queue by priority, then score', () => {
    expect(result.users.map((u) => [u.userPrincipalName, `P${u.priority}`, u.score])).toEqual([
      ['alex.wilber@contoso.com', 'P1', 117],
      ['diego@contoso.com', 'P2', 75],
      ['megan.bowen@contoso.com', 'P2', 55],
      ["patti.o'fernandez@contoso.com", 'P3', 38],
      ['fiona@contoso.com', 'P3', 25],
      ['lee.gu@contoso.com', 'P4', 10],
    ]);
  });

  it('explains every point', () => {
    const alex = result.users[0]!;
    expect(alex.reasons).toEqual([
      { text: 'User risk level high', points: 40 },
      { text: 'At risk, not yet remediated', points: 5 },
      { text: 'Leaked credentials', points: 25 },
      { text: '1 more kind of detection', points: 5 },
      { text: '2 open detections', points: 2 },
      { text: 'Newest open detection 6 h ago', points: 15 },
      { text: 'Holds admin role: Global Administrator', points: 25 },
    ]);
    const megan = result.users[2]!;
    expect(megan.reasons.map((r) => r.text)).toContain(
      'suspiciousAuthAppApproval (a detection type new to this tool)',
    );
    expect(megan.reasons.find((r) => r.text.startsWith('Newest'))).toEqual({
      text: 'Newest open detection 3 days ago',
      points: 8,
    });
  });

  it('joins detections to users and marks who is synced from AD', () => {
    const alex = result.users[0]!;
    expect(alex.detections.map((d) => d.id)).toEqual(['d1', 'd2']);
    expect(alex.isSynced).toBe(true);
    expect(alex.onPremises).toEqual({
      samAccountName: 'awilber',
      domainName: 'contoso.local',
      distinguishedName: 'CN=Alex Wilber,OU=Staff,DC=contoso,DC=local',
    });
    expect(alex.countries).toEqual(['DE']);
    expect(alex.ipAddresses).toEqual(['203.0.113.7']);
    const megan = result.users.find((u) => u.userPrincipalName.startsWith('megan'))!;
    // Graph's null onPremisesSyncEnabled on a loaded user: never synced, cloud-only.
    expect(megan.isSynced).toBe(false);
    const patti = result.users.find((u) => u.userPrincipalName.startsWith('patti'))!;
    expect(patti.isSynced).toBeNull();
    expect(patti.needsP2).toBe(true);
    expect(patti.reasons[0]).toEqual({
      text: 'Risk level hidden (needs Entra ID P2), counted as unknown',
      points: 20,
    });
  });

  it('scores a user known only from detections by the worst open detection', () => {
    const diego = result.users[1]!;
    expect(diego.riskLevel).toBeNull();
    expect(diego.riskState).toBeNull();
    expect(diego.effectiveLevel).toBe('high');
    expect(diego.reasons[0]).toEqual({ text: 'Worst open detection risk level high', points: 40 });
  });

  it('closes remediated users and keeps an unknown state open', () => {
    const lee = result.users.at(-1)!;
    expect(lee.isOpen).toBe(false);
    expect(lee.openDetections).toBe(0);
    expect(lee.reasons.at(-1)).toEqual({
      text: 'Not open (remediated): priority 4 whatever the score',
      points: 0,
    });
    expect(lee.why).toBe('not open: remediated');
    const fiona = result.users.find((u) => u.userPrincipalName === 'fiona@contoso.com')!;
    expect(fiona.isOpen).toBe(true);
    expect(fiona.riskState).toBe('unknownFutureValue');
  });

  it('counts', () => {
    expect(result.stats).toEqual({
      users: 6,
      openUsers: 5,
      byPriority: { 1: 1, 2: 2, 3: 2, 4: 1 },
      detections: 7,
      openDetections: 6,
      synced: 2,
      admins: 1,
      hidden: 1,
      byKind: {
        leakedCredentials: 1,
        unfamiliarFeatures: 1,
        anonymizedIPAddress: 1,
        suspiciousAuthAppApproval: 1,
        unlikelyTravel: 1,
        passwordSpray: 1,
        maliciousIPAddress: 1,
      },
    });
  });

  it('says why each user has its priority, in a few words from the rules that fired', () => {
    const alex = result.users[0]!;
    expect(alex.priority).toBe(1);
    // The three reasons with the most points (40, 25, 25 of 105), in a few words each.
    expect(alex.why).toBe('high risk · Leaked credentials · Global Administrator');
    const megan = result.users.find((u) => u.userPrincipalName.startsWith('megan'))!;
    expect(megan.why).toMatch(/^medium risk · /);
  });

  it('keeps a dismissed user closed whatever its detections still say, and says so', () => {
    const files = [
      {
        name: 'u.json',
        bytes: new TextEncoder().encode(
          JSON.stringify({
            value: [
              {
                id: 'u1',
                userPrincipalName: 'x@c.com',
                riskLevel: 'none',
                riskState: 'dismissed',
                riskDetail: 'adminDismissedAllRiskForUser',
                riskLastUpdatedDateTime: '2026-11-20T00:00:00Z',
              },
              {
                id: 'e1',
                userId: 'u1',
                riskEventType: 'passwordSpray',
                riskLevel: 'medium',
                riskState: 'atRisk',
                detectedDateTime: '2026-11-22T00:00:00Z',
              },
            ],
          }),
        ),
      },
    ];
    const r = analyseRisk({ files, now: NOW });
    const u = r.users[0]!;
    // Identity Protection's state of the user decides: a dismissed user is not open, and not in the P1-P3 queue.
    expect(u.isOpen).toBe(false);
    expect(u.priority).toBe(4);
    expect(u.openDetections).toBe(0);
    expect(r.stats.openUsers).toBe(0);
    expect(r.stats.openDetections).toBe(0);
    expect(u.why).toBe('not open: dismissed');
    expect(u.reasons.at(-1)!.text).toMatch(
      /^1 detection newer than the user's last risk update still says at risk/,
    );
  });

  it('has one definition of open for users and detections', () => {
    for (const state of ['atRisk', 'confirmedCompromised', 'unknownFutureValue'])
      expect(isOpenState(state, DEFAULT_RULES), state).toBe(true);
    for (const state of ['none', 'remediated', 'dismissed', 'confirmedSafe'])
      expect(isOpenState(state, DEFAULT_RULES), state).toBe(false);
    expect(isOpenState('atRisk', { ...DEFAULT_RULES, closedStates: ['atRisk'] })).toBe(false);
  });
});

describe('adjustable rules', () => {
  it('lets an admin raise a detection type and lower the thresholds', () => {
    const r = analyseRisk({
      files: ALL,
      now: NOW,
      rules: { kindPoints: { suspiciousAuthAppApproval: 40 }, thresholds: { p1: 60, p2: 40, p3: 20 } },
    });
    const megan = r.users.find((u) => u.userPrincipalName.startsWith('megan'))!;
    expect(megan.score).toBe(85);
    expect(megan.priority).toBe(1);
  });

  it('refuses a rule of the wrong type or name', () => {
    expect(() => mergeRules({ adminPoints: 'many' })).toThrow('"adminPoints" must be a number.');
    expect(() => mergeRules({ bonus: 1 })).toThrow('Unknown rule "bonus".');
    expect(mergeRules({})).toEqual(DEFAULT_RULES);
    try {
      analyseRisk({ files: ALL, rules: { thresholds: { p1: 'x' } } as never });
      expect.unreachable();
    } catch (e) {
      expect(isInputError(e) && e.issue.code).toBe('bad-rules');
    }
  });
});

describe('nothing to triage', () => {
  it('throws one InputError with the export commands', () => {
    try {
      analyseRisk({ files: [fixture('graph-users.json')], now: NOW });
      expect.unreachable();
    } catch (e) {
      expect(isInputError(e)).toBe(true);
      if (!isInputError(e)) return;
      expect(e.issue.code).toBe('no-risk-data');
      expect(e.issue.hint).toContain('Get-MgRiskDetection -All');
      // Says which file is what, instead of a confident empty queue.
      expect(e.issue.message).toContain(
        'graph-users.json: This file holds 3 directory user(s) but no risky users or risk detections',
      );
    }
  });

  it('names every unusable file when none is usable', () => {
    try {
      analyseRisk({
        files: [
          { name: 'empty.json', bytes: new Uint8Array(0) },
          { name: 'deep.json', bytes: new TextEncoder().encode('['.repeat(500)) },
        ],
        now: NOW,
      });
      expect.unreachable();
    } catch (e) {
      if (!isInputError(e)) throw e;
      expect(e.issue.message).toMatch(
        /empty\.json: empty\.json is empty.*deep\.json: This JSON nests more than 100/,
      );
    }
  });
});

describe('dates outside the plausible window', () => {
  const files = (detectedDateTime: string) => [
    {
      name: 'u.json',
      bytes: new TextEncoder().encode(
        JSON.stringify([
          {
            id: 'u1',
            userPrincipalName: 'x@c.com',
            riskLevel: 'none',
            riskState: 'dismissed',
            riskDetail: 'adminDismissedAllRiskForUser',
            riskLastUpdatedDateTime: '2026-11-20T00:00:00Z',
          },
          {
            id: 'e1',
            userId: 'u1',
            riskEventType: 'passwordSpray',
            riskLevel: 'medium',
            riskState: 'atRisk',
            detectedDateTime,
          },
        ]),
      ),
    },
  ];

  it('a detection dated 2090 neither counts as recent nor is named against a dismissed user', () => {
    const r = analyseRisk({ files: files('2090-01-01T00:00:00Z'), now: NOW });
    const u = r.users[0]!;
    expect(u.isOpen).toBe(false);
    expect(u.priority).toBe(4);
    expect(u.reasons.map((x) => x.text)).not.toContainEqual(expect.stringMatching(/^Newest open detection/));
    expect(r.issues.map((i) => [i.code, i.path])).toContainEqual(['date-out-of-range', 'detectedDateTime']);
    expect(u.reasons.map((x) => x.text)).not.toContainEqual(expect.stringMatching(/newer than the user's/));
    // The same detection a day ago counts as recent and is named, but the dismissed user stays closed.
    const recent = analyseRisk({ files: files('2026-11-22T12:00:00Z'), now: NOW }).users[0]!;
    expect(recent.isOpen).toBe(false);
    expect(recent.reasons).toContainEqual({ text: 'Newest open detection 24 h ago', points: 15 });
    expect(recent.reasons.map((x) => x.text)).toContainEqual(expect.stringMatching(/newer than the user's/));
  });
});

describe('values that are names of Object members', () => {
  it('scores a riskLevel of constructor, a detection type of toString and an id of __proto__ like any unknown value', () => {
    const json = JSON.stringify([
      {
        id: '__proto__',
        userPrincipalName: 'p@c.com',
        riskLevel: 'constructor',
        riskState: 'atRisk',
        riskLastUpdatedDateTime: '2026-11-20T00:00:00Z',
      },
      {
        id: 'e1',
        userId: '__proto__',
        riskEventType: 'toString',
        riskLevel: 'hasOwnProperty',
        riskState: 'atRisk',
        detectedDateTime: '2026-11-22T12:00:00Z',
      },
      {
        id: 'r1',
        displayName: 'Global Administrator',
        roleTemplateId: '62e90394-69f5-4237-9190-012177145e10',
        members: [{ id: '__proto__' }],
      },
    ]);
    const r = analyseRisk({ files: [{ name: 'x.json', bytes: new TextEncoder().encode(json) }], now: NOW });
    const u = r.users[0]!;
    expect(u.reasons).toEqual([
      { text: 'User risk level constructor', points: 15 },
      { text: 'At risk, not yet remediated', points: 5 },
      { text: 'toString (a detection type new to this tool)', points: 10 },
      { text: 'Newest open detection 24 h ago', points: 15 },
      { text: 'Holds admin role: Global Administrator', points: 25 },
    ]);
    expect(u.score).toBe(70);
    expect(JSON.parse(JSON.stringify(r.stats.byKind))).toEqual({ toString: 1 });
  });
});
