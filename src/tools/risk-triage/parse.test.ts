import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normaliseDate, parseAdditionalInfo, parseRiskFiles, recogniseKind } from './parse.ts';

const fixture = (name: string) => ({
  name,
  bytes: new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url))),
});
const text = (name: string, s: string) => ({ name, bytes: new TextEncoder().encode(s) });

describe('recognising Graph objects by content', () => {
  it('tells risky users, detections, sign-ins, users and roles apart', () => {
    expect(
      recogniseKind({ id: '1', riskLevel: 'low', riskState: 'atRisk', riskLastUpdatedDateTime: null }),
    ).toBe('riskyUser');
    expect(recogniseKind({ Id: '1', RiskEventType: 'x', DetectedDateTime: '/Date(0)/' })).toBe(
      'riskDetection',
    );
    expect(recogniseKind({ id: '1', createdDateTime: 'x', riskLevelDuringSignIn: 'high' })).toBe('signIn');
    expect(recogniseKind({ id: '1', userPrincipalName: 'a@b.c', onPremisesSyncEnabled: true })).toBe('user');
    expect(recogniseKind({ id: 'r', displayName: 'Global Administrator', roleTemplateId: '62e9' })).toBe(
      'directoryRole',
    );
    // A risky user's history item looks like a risky user but is not one.
    expect(
      recogniseKind({
        id: 'h',
        riskLevel: 'low',
        riskState: 'atRisk',
        isProcessing: false,
        initiatedBy: 'x',
        activity: {},
      }),
    ).toBeUndefined();
    expect(recogniseKind({ name: 'something else' })).toBeUndefined();
    expect(recogniseKind({ '@odata.type': '#microsoft.graph.riskyUser', id: 'u' })).toBe('riskyUser');
  });
});

describe('dates as exporters write them', () => {
  it.each([
    ['2026-11-23T06:10:00.1234567Z', '2026-11-23T06:10:00.123Z'],
    ['2026-11-23T06:10:00Z', '2026-11-23T06:10:00.000Z'],
    ['2026-11-23T07:10:00+01:00', '2026-11-23T06:10:00.000Z'],
    ['2026-11-23T06:10:00', '2026-11-23T06:10:00.000Z'],
    ['/Date(1795414200000)/', '2026-11-23T06:10:00.000Z'],
    ['/Date(1795414200000+0100)/', '2026-11-23T06:10:00.000Z'],
  ])('%s', (input, expected) => {
    expect(normaliseDate(input)).toBe(expected);
  });
  it('says when a date cannot be read', () => {
    expect(normaliseDate('23.11.2026 06:10')).toBeUndefined();
    expect(normaliseDate(null)).toBeNull();
    expect(normaliseDate('')).toBeNull();
  });
});

describe('additionalInfo', () => {
  it('reads the Key/Value list and keeps a malformed one as text', () => {
    expect(parseAdditionalInfo('[{"Key":"userAgent","Value":"UA"}]').entries).toEqual([
      { key: 'userAgent', value: 'UA' },
    ]);
    const bad = parseAdditionalInfo('[{"Key":"userAgent","Value":"Mozilla/5.0"}');
    expect(bad).toEqual({ entries: null, raw: '[{"Key":"userAgent","Value":"Mozilla/5.0"}', isBad: true });
    expect(parseAdditionalInfo('{"foo":1}').isBad).toBe(true);
    expect(parseAdditionalInfo(null)).toEqual({ entries: null, raw: null, isBad: false });
  });
});

describe('parsing exported files', () => {
  it('reads a Graph Explorer page and a file holding an array of pages', () => {
    const data = parseRiskFiles([
      fixture('graph-risky-users.json'),
      fixture('graph-risk-detections-pages.json'),
    ]);
    expect(data.riskyUsers.map((u) => u.userPrincipalName)).toEqual([
      'alex.wilber@contoso.com',
      'megan.bowen@contoso.com',
      "patti.o'fernandez@contoso.com",
      'lee.gu@contoso.com',
      'fiona@contoso.com',
    ]);
    expect(data.detections.map((d) => d.id)).toEqual(['d1', 'd2', 'd3', 'd4', 'd5', 'd6', 'd7']);
    expect(data.files).toEqual([
      { file: 'graph-risky-users.json', counts: { riskyUser: 5 }, unknown: 0 },
      { file: 'graph-risk-detections-pages.json', counts: { riskDetection: 7 }, unknown: 0 },
    ]);
    // Unknown enum values stay exactly as Graph sent them.
    expect(data.riskyUsers[4]).toMatchObject({
      riskState: 'unknownFutureValue',
      riskDetail: 'someBrandNewDetail',
    });
    expect(data.detections[3]!.riskEventType).toBe('suspiciousAuthAppApproval');
    expect(data.riskyUsers[0]!.riskLastUpdatedDateTime).toBe('2026-11-23T06:10:00.123Z');
  });

  it('keeps locations, null locations and the user agent', () => {
    const { detections } = parseRiskFiles([fixture('graph-risk-detections-pages.json')]);
    const byId = Object.fromEntries(detections.map((d) => [d.id, d]));
    expect(byId.d1!.location).toBeNull();
    expect(byId.d1!.ipAddress).toBe('');
    expect(byId.d2!.location).toEqual({
      city: 'Dresden',
      state: 'Sachsen',
      countryOrRegion: 'DE',
      latitude: 51.0714,
      longitude: 13.7399,
    });
    expect(byId.d2!.userAgent).toBe('Mozilla/5.0 (X11; Linux x86_64) Firefox/132.0');
    expect(byId.d3!.location).toEqual({
      city: null,
      state: null,
      countryOrRegion: 'NL',
      latitude: null,
      longitude: null,
    });
    expect(byId.d3!.additionalInfo).toBeNull();
    expect(byId.d3!.additionalInfoRaw).toBe('[{"Key":"userAgent","Value":"Mozilla/5.0"}');
    expect(byId.d4!.additionalInfo).toEqual([]);
  });

  it('reports the malformed additionalInfo, the hidden levels and the missing last page', () => {
    const { issues } = parseRiskFiles([
      fixture('graph-risky-users.json'),
      fixture('graph-risk-detections-pages.json'),
    ]);
    expect(issues.map((i) => [i.code, i.severity])).toEqual([
      ['bad-additional-info', 'warning'],
      ['hidden-risk', 'info'],
    ]);
    const onePage = JSON.parse(
      new TextDecoder().decode(fixture('graph-risk-detections-pages.json').bytes),
    )[0];
    const only = parseRiskFiles([text('page1.json', JSON.stringify(onePage))]);
    expect(only.issues.find((i) => i.code === 'incomplete-pages')).toMatchObject({
      severity: 'warning',
      file: 'page1.json',
      message: expect.stringContaining('identityProtection/riskDetections'),
    });
  });

  it('reads Windows PowerShell 5.1 output: UTF-16, PascalCase, /Date()/, type names for deep values', () => {
    const data = parseRiskFiles([fixture('ps51-risky-users.json'), fixture('ps51-risk-detections.json')]);
    expect(data.riskyUsers[0]).toEqual({
      id: 'a1b2c3d4-0001-4000-8000-000000000001',
      userPrincipalName: 'alex.wilber@contoso.com',
      userDisplayName: 'Alex Wilber',
      riskLevel: 'high',
      riskState: 'atRisk',
      riskDetail: 'none',
      riskLastUpdatedDateTime: '2026-11-23T06:10:00.123Z',
      isDeleted: false,
      isProcessing: false,
    });
    const d = data.detections[0]!;
    expect(d.ipAddress).toBe('203.0.113.7');
    expect(d.location).toEqual({
      city: 'Dresden',
      state: 'Sachsen',
      countryOrRegion: 'DE',
      latitude: null,
      longitude: null,
    });
    expect(d.detectedDateTime).toBe('2026-11-22T18:30:00.000Z');
    expect(d.userAgent).toBe('Mozilla/5.0 (X11; Linux x86_64) Firefox/132.0');
    expect(data.issues).toEqual([
      expect.objectContaining({
        code: 'shallow-export',
        file: 'ps51-risk-detections.json',
        path: 'location.geoCoordinates',
        hint: expect.stringContaining('-Depth 10'),
      }),
    ]);
  });

  it('joins directory users, their admin roles and directoryRole members', () => {
    const roles = {
      value: [
        {
          id: 'r2',
          displayName: 'Security Administrator',
          roleTemplateId: '194ae4cb-b126-40b2-bd5b-6091b380977d',
          members: [{ '@odata.type': '#microsoft.graph.user', id: 'a1b2c3d4-0002-4000-8000-000000000002' }],
        },
      ],
    };
    const data = parseRiskFiles([fixture('graph-users.json'), text('roles.json', JSON.stringify(roles))]);
    expect(data.users.map((u) => [u.userPrincipalName, u.onPremisesSyncEnabled, u.roles])).toEqual([
      ['alex.wilber@contoso.com', true, ['Global Administrator']],
      ['megan.bowen@contoso.com', null, null],
      ['lee.gu@contoso.com', true, null],
    ]);
    expect(data.roles).toEqual({
      'a1b2c3d4-0002-4000-8000-000000000002': ['Security Administrator'],
      'a1b2c3d4-0001-4000-8000-000000000001': ['Global Administrator'],
    });
  });

  it('names a broken file and goes on with the rest', () => {
    const data = parseRiskFiles([
      text('broken.json', '{\n  "value": [\n    { "id": "x", }\n  ]\n}'),
      text('other.json', '[{"name":"not graph"}]'),
      text(
        'single.json',
        JSON.stringify({ Id: 'u9', RiskLevel: 'low', RiskState: 'atRisk', IsProcessing: false }),
      ),
    ]);
    expect(data.riskyUsers.map((u) => u.id)).toEqual(['u9']);
    expect(data.issues[0]).toMatchObject({
      code: 'bad-json',
      file: 'broken.json',
      line: 3,
      severity: 'error',
    });
    expect(data.issues[1]).toMatchObject({ code: 'not-graph', file: 'other.json' });
  });

  it('keeps the newest copy of an object that is in two files', () => {
    const older = {
      id: 'u1',
      riskLevel: 'low',
      riskState: 'atRisk',
      riskLastUpdatedDateTime: '2026-11-01T00:00:00Z',
    };
    const newer = { ...older, riskLevel: 'high', riskLastUpdatedDateTime: '2026-11-02T00:00:00Z' };
    const data = parseRiskFiles([
      text('b.json', JSON.stringify([newer])),
      text('a.json', JSON.stringify([older])),
    ]);
    expect(data.riskyUsers).toHaveLength(1);
    expect(data.riskyUsers[0]!.riskLevel).toBe('high');
    expect(data.issues.map((i) => i.code)).toEqual(['duplicates']);
  });
});
