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
      { file: 'graph-risky-users.json', counts: { riskyUser: 5 }, unknown: 0, verdict: 'used', skipped: 0 },
      {
        file: 'graph-risk-detections-pages.json',
        counts: { riskDetection: 7 },
        unknown: 0,
        verdict: 'used',
        skipped: 0,
      },
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

describe('hostile and unusable input stays inside its file', () => {
  const NOW = Date.parse('2026-11-23T12:00:00Z');
  const good = fixture('graph-risky-users.json');
  const GOOD_IDS = [
    'a1b2c3d4-0001-4000-8000-000000000001',
    'a1b2c3d4-0002-4000-8000-000000000002',
    'a1b2c3d4-0003-4000-8000-000000000003',
    'a1b2c3d4-0004-4000-8000-000000000004',
    'a1b2c3d4-0006-4000-8000-000000000006',
  ];
  const riskyUser = (over: Record<string, unknown>) => ({
    id: 'x1',
    userPrincipalName: 'x1@contoso.com',
    riskLevel: 'low',
    riskState: 'atRisk',
    riskDetail: 'none',
    riskLastUpdatedDateTime: '2026-11-20T00:00:00Z',
    ...over,
  });

  it('skips an object whose /Date(n)/ no Date can hold, and keeps the good file whole', () => {
    const hostile = text(
      'forged.json',
      JSON.stringify([
        riskyUser({ id: 'x1', riskLastUpdatedDateTime: '/Date(99999999999999999)/' }),
        riskyUser({ id: 'x2', riskLastUpdatedDateTime: `/Date(${'9'.repeat(400)})/` }),
        riskyUser({ id: 'x3' }),
      ]),
    );
    const data = parseRiskFiles([hostile, good], { now: NOW });
    expect(data.riskyUsers.map((u) => u.id).sort()).toEqual([...GOOD_IDS, 'x3'].sort());
    expect(data.files[0]).toMatchObject({ file: 'forged.json', verdict: 'used', skipped: 2 });
    const issue = data.issues.find((i) => i.code === 'rejected-records')!;
    expect(issue).toMatchObject({ severity: 'warning', file: 'forged.json' });
    expect(issue.message).toContain('object 1 (id x1): riskLastUpdatedDateTime "/Date(99999999999999999)/"');
    expect(normaliseDate('/Date(99999999999999999)/')).toBeUndefined();
    expect(normaliseDate('/Date(8640000000000000)/')).toBe('+275760-09-13T00:00:00.000Z');
  });

  it('rejects JSON nested deeper than 100 levels without recursing, in arrays and in objects', () => {
    const deepArray = '['.repeat(200_000) + ']'.repeat(200_000);
    const deepObject = '{"a":'.repeat(150_000) + '1' + '}'.repeat(150_000);
    const data = parseRiskFiles(
      [text('deep-array.json', deepArray), good, text('deep-object.json', `{"value":[${deepObject}]}`)],
      { now: NOW },
    );
    expect(data.riskyUsers).toHaveLength(5);
    expect(data.issues.filter((i) => i.severity === 'error')).toEqual([
      expect.objectContaining({ code: 'too-deep', file: 'deep-array.json', line: 1 }),
      expect.objectContaining({ code: 'too-deep', file: 'deep-object.json', line: 1 }),
    ]);
    expect(data.files.map((f) => f.verdict)).toEqual(['rejected', 'used', 'rejected']);
    expect(data.files[0]!.reason).toMatch(/more than 100 levels deep/);
    // 100 levels is still read; brackets inside strings do not count.
    const ok = `${'['.repeat(99)}${JSON.stringify(riskyUser({ riskDetail: '[[[[{{{{' }))}${']'.repeat(99)}`;
    const shallow = parseRiskFiles([text('ok.json', ok)], { now: NOW });
    expect(shallow.riskyUsers.map((u) => u.riskDetail)).toEqual(['unknownFutureValue']);
    expect(shallow.files[0]!.verdict).toBe('used');
  });

  it('keeps a deeply nested additionalInfo as text instead of parsing it', () => {
    const detection = {
      id: 'd-deep',
      userId: 'x1',
      riskEventType: 'unfamiliarFeatures',
      riskLevel: 'low',
      riskState: 'atRisk',
      detectedDateTime: '2026-11-22T00:00:00Z',
      additionalInfo: '['.repeat(100_000),
    };
    const data = parseRiskFiles([text('d.json', JSON.stringify([detection]))], { now: NOW });
    expect(data.detections[0]!.additionalInfo).toBeNull();
    expect(data.detections[0]!.additionalInfoRaw).toHaveLength(64 * 1024);
    expect(data.issues.map((i) => i.code)).toEqual(['bad-additional-info']);
  });

  it('flags dates before 1990 or more than two days ahead, and keeps them as written', () => {
    const data = parseRiskFiles(
      [
        text(
          'odd-dates.json',
          JSON.stringify([
            riskyUser({ id: 'x1', riskLastUpdatedDateTime: '1979-05-01T00:00:00Z' }),
            riskyUser({ id: 'x2', riskLastUpdatedDateTime: '2090-01-01T00:00:00Z' }),
            riskyUser({ id: 'x3', riskLastUpdatedDateTime: '2026-11-25T11:00:00Z' }),
          ]),
        ),
      ],
      { now: NOW },
    );
    expect(data.riskyUsers.map((u) => u.riskLastUpdatedDateTime)).toEqual([
      '1979-05-01T00:00:00.000Z',
      '2090-01-01T00:00:00.000Z',
      '2026-11-25T11:00:00.000Z',
    ]);
    expect(data.issues).toEqual([
      expect.objectContaining({
        code: 'date-out-of-range',
        severity: 'warning',
        path: 'riskLastUpdatedDateTime',
        message: expect.stringMatching(/^2 riskLastUpdatedDateTime value\(s\) lie outside 1990/),
      }),
    ]);
  });

  it('a forged far-future copy of an object does not replace the real one', () => {
    const real = riskyUser({ id: 'x1', riskLevel: 'high', riskLastUpdatedDateTime: '2026-11-20T00:00:00Z' });
    const forged = riskyUser({ id: 'x1', riskLevel: 'low', riskLastUpdatedDateTime: '2090-01-01T00:00:00Z' });
    for (const order of [
      [real, forged],
      [forged, real],
    ]) {
      const data = parseRiskFiles(
        order.map((o, i) => text(`${i}.json`, JSON.stringify([o]))),
        { now: NOW },
      );
      expect(data.riskyUsers.map((u) => u.riskLevel)).toEqual(['high']);
    }
  });

  it('validates enums, coordinates and error codes, and caps long strings', () => {
    const data = parseRiskFiles(
      [
        text(
          'values.json',
          JSON.stringify([
            riskyUser({ id: 'x1', riskLevel: 'HIGH', riskState: 'AtRisk' }),
            riskyUser({ id: 'x2', riskLevel: '<img src=x onerror=alert(1)>', riskState: 42 }),
            riskyUser({ id: 'x3', riskLevel: 'critical', userDisplayName: 'A'.repeat(5000) }),
            {
              id: 'd1',
              userId: 'x1',
              riskEventType: 'leaked credentials; DROP TABLE',
              riskLevel: 'low',
              riskState: 'atRisk',
              detectedDateTime: '2026-11-22T00:00:00Z',
              location: { countryOrRegion: 'DE', geoCoordinates: { latitude: 9e99, longitude: 13.7 } },
            },
            {
              id: 's1',
              userId: 'x1',
              createdDateTime: '2026-11-22T00:00:00Z',
              riskLevelDuringSignIn: 'medium',
              status: { errorCode: 1e300 },
            },
          ]),
        ),
      ],
      { now: NOW },
    );
    expect(data.riskyUsers.map((u) => [u.riskLevel, u.riskState])).toEqual([
      ['high', 'atRisk'],
      ['unknownFutureValue', 'unknownFutureValue'],
      ['critical', 'atRisk'],
    ]);
    expect(data.riskyUsers[2]!.userDisplayName).toHaveLength(1024);
    expect(data.riskyUsers[2]!.userDisplayName.endsWith('…')).toBe(true);
    expect(data.detections[0]).toMatchObject({
      riskEventType: 'unknownFutureValue',
      location: { countryOrRegion: 'DE', latitude: null, longitude: 13.7 },
    });
    expect(data.signIns[0]!.errorCode).toBeNull();
    expect(data.issues.map((i) => [i.code, i.path])).toEqual([
      ['bad-value', 'riskLevel'],
      ['bad-value', 'riskState'],
      ['bad-value', 'riskEventType'],
      ['bad-value', 'location.geoCoordinates.latitude'],
      ['bad-value', 'status.errorCode'],
      ['bad-value', 'riskLevel'],
      ['long-value', 'userDisplayName'],
    ]);
    expect(data.issues.at(-2)!.message).toContain('(first: "critical")');
  });

  it.each([
    ['empty.json', new Uint8Array(0), 'empty-file', /empty/],
    ['blank.json', new TextEncoder().encode(' \r\n\t '), 'empty-file', /only white space/],
    [
      'screenshot.json',
      new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]),
      'binary-file',
      /PNG image/,
    ],
    [
      'export.json',
      new Uint8Array([0x50, 0x4b, 3, 4, ...new TextEncoder().encode('xl/workbook.xml')]),
      'binary-file',
      /Excel workbook/,
    ],
    [
      'random.json',
      new Uint8Array(Array.from({ length: 600 }, (_, i) => (i * 97 + 13) % 256)),
      'binary-file',
      /binary/,
    ],
  ])('rejects %s with the reason and the PowerShell for a good export', (name, bytes, code, reason) => {
    const data = parseRiskFiles([{ name, bytes }, good], { now: NOW });
    expect(data.riskyUsers).toHaveLength(5);
    expect(data.issues[0]).toMatchObject({
      code,
      severity: 'error',
      file: name,
      message: expect.stringMatching(reason),
      hint: expect.stringContaining('Get-MgRiskyUser -All | ConvertTo-Json -Depth 10'),
    });
    expect(data.files[0]).toMatchObject({ file: name, verdict: 'rejected', counts: {} });
  });

  it('says a users export alone is not risk data, and uses it beside risky users', () => {
    const users = fixture('graph-users.json');
    const alone = parseRiskFiles([users], { now: NOW });
    expect(alone.issues.filter((i) => i.severity === 'error')).toEqual([
      expect.objectContaining({
        code: 'not-risk-data',
        file: 'graph-users.json',
        message: expect.stringContaining('holds 3 directory user(s) but no risky users or risk detections'),
        hint: expect.stringContaining('Get-MgRiskDetection'),
      }),
    ]);
    expect(alone.files[0]!.verdict).toBe('rejected');
    const both = parseRiskFiles([users, good], { now: NOW });
    expect(both.issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(both.files.map((f) => f.verdict)).toEqual(['used', 'used']);
  });

  it('names a CSV download from the admin center as a CSV, with the Graph export that works', () => {
    const csv = text(
      'riskyUsers.csv',
      'User,Risk state,Risk level,Risk last updated\r\nalex.wilber@contoso.com,At risk,High,11/23/2026 6:10 AM\r\n',
    );
    const data = parseRiskFiles([csv, good], { now: NOW });
    expect(data.riskyUsers).toHaveLength(5);
    expect(data.issues[0]).toMatchObject({
      code: 'bad-json',
      severity: 'error',
      file: 'riskyUsers.csv',
      message: expect.stringMatching(
        /^This is a CSV \(header: User,Risk state,Risk level,Risk last updated\)/,
      ),
      hint: expect.stringContaining('Get-MgRiskyUser'),
    });
  });
});
