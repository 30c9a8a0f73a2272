import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { NamedBytes } from '../../lib/issue.ts';
import { analyseRisk } from './core.ts';
import type { TriagedUser } from './types.ts';

/*
 * Isolation as a property: random good exports, then the same exports with random hostile files mixed in.
 * Whatever the hostile files hold, the core never throws and every good user keeps exactly its figures.
 */
const NOW = Date.parse('2026-11-23T12:00:00Z');
const enc = new TextEncoder();
const bytes = (s: string) => enc.encode(s);
const utf16 = (s: string) => {
  const b = new Uint8Array(2 + s.length * 2);
  b[0] = 0xff;
  b[1] = 0xfe;
  for (let i = 0; i < s.length; i++) {
    b[2 + i * 2] = s.charCodeAt(i) & 0xff;
    b[3 + i * 2] = s.charCodeAt(i) >> 8;
  }
  return b;
};

const LEVELS = ['low', 'medium', 'high', 'hidden', 'none'] as const;
const STATES = ['atRisk', 'confirmedCompromised', 'remediated', 'dismissed', 'confirmedSafe'] as const;
const KINDS = ['leakedCredentials', 'unfamiliarFeatures', 'passwordSpray', 'anonymizedIPAddress', 'newKind'];
const isoBetween = (from: number, to: number) =>
  fc.integer({ min: from, max: to }).map((t) => new Date(t).toISOString());
const recent = isoBetween(NOW - 60 * 86_400_000, NOW);

/** Good data: users `good-<n>` and their detections, in random but valid shapes. */
const goodUser = (n: number) =>
  fc.record({
    id: fc.constant(`good-${n}`),
    userPrincipalName: fc.constant(`good${n}@contoso.com`),
    userDisplayName: fc.string({ maxLength: 30 }),
    riskLevel: fc.constantFrom(...LEVELS),
    riskState: fc.constantFrom(...STATES),
    riskDetail: fc.constantFrom('none', 'adminDismissedAllRiskForUser', 'hidden'),
    riskLastUpdatedDateTime: recent,
    isDeleted: fc.boolean(),
    isProcessing: fc.boolean(),
  });
const goodDetection = (n: number, k: number) =>
  fc.record({
    id: fc.constant(`good-d-${n}-${k}`),
    userId: fc.constant(`good-${n}`),
    userPrincipalName: fc.constant(`good${n}@contoso.com`),
    riskEventType: fc.constantFrom(...KINDS),
    riskLevel: fc.constantFrom(...LEVELS),
    riskState: fc.constantFrom(...STATES),
    detectedDateTime: recent,
    ipAddress: fc.ipV4(),
    location: fc.option(fc.record({ countryOrRegion: fc.constantFrom('DE', 'NL', 'US') }), { nil: null }),
  });
const goodFiles: fc.Arbitrary<NamedBytes[]> = fc
  .integer({ min: 1, max: 6 })
  .chain((users) =>
    fc.tuple(
      fc.tuple(...Array.from({ length: users }, (_, n) => goodUser(n))),
      fc.tuple(
        ...Array.from({ length: users }, (_, n) =>
          fc
            .integer({ min: 0, max: 3 })
            .chain((d) => fc.tuple(...Array.from({ length: d }, (_, k) => goodDetection(n, k)))),
        ),
      ),
      fc.boolean(),
    ),
  )
  .map(([users, detections, asPage]) => [
    {
      name: 'good-users.json',
      bytes: bytes(
        JSON.stringify(
          asPage ? { '@odata.context': 'x#identityProtection/riskyUsers', value: users } : users,
        ),
      ),
    },
    ...(detections.flat().length
      ? [{ name: 'good-detections.json', bytes: utf16(JSON.stringify(detections.flat())) }]
      : []),
  ]);

/** Hostile values for a field of an otherwise well-formed object. */
const hostileValue = fc.oneof(
  fc.constantFrom(
    '/Date(99999999999999999)/',
    `/Date(${'9'.repeat(40)})/`,
    '/Date(-8640000000000001)/',
    '1979-01-01T00:00:00Z',
    '2090-01-01T00:00:00Z',
    '9999-99-99T99:99:99Z',
    '<script>alert(1)</script>',
    'x'.repeat(5000),
    '',
    'constructor',
    '__proto__',
    'toString',
  ),
  fc.double(),
  fc.integer(),
  fc.string(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }),
);
const FIELDS = [
  'riskLevel',
  'riskState',
  'riskDetail',
  'riskLastUpdatedDateTime',
  'riskEventType',
  'detectedDateTime',
  'lastUpdatedDateTime',
  'userDisplayName',
  'additionalInfo',
  'location',
  'ipAddress',
];
/** An object that looks like a risky user or detection of a user that is not one of the good ones. */
const hostileObject = fc
  .tuple(fc.nat(1000), fc.boolean(), fc.dictionary(fc.constantFrom(...FIELDS), hostileValue, { maxKeys: 5 }))
  .map(([n, isDetection, over]) =>
    isDetection
      ? {
          id: `bad-d-${n}`,
          userId: `bad-${n}`,
          userPrincipalName: `bad${n}@evil.example`,
          riskEventType: 'leakedCredentials',
          riskLevel: 'high',
          riskState: 'atRisk',
          detectedDateTime: '2026-11-22T00:00:00Z',
          ...over,
        }
      : {
          id: `bad-${n}`,
          userPrincipalName: `bad${n}@evil.example`,
          riskLevel: 'high',
          riskState: 'atRisk',
          riskLastUpdatedDateTime: '2026-11-22T00:00:00Z',
          ...over,
        },
  );

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const hostileFile: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.constant(new Uint8Array(0)),
  fc.constantFrom(' ', '\r\n\r\n', '\ufeff').map(bytes),
  fc.uint8Array({ maxLength: 2000 }).map((b) => new Uint8Array([...PNG, ...b])),
  fc.uint8Array({ minLength: 1, maxLength: 2000 }),
  fc.integer({ min: 101, max: 20_000 }).map((d) => bytes('['.repeat(d) + ']'.repeat(d))),
  fc
    .integer({ min: 101, max: 20_000 })
    .map((d) => bytes('{"value":' + '{"a":'.repeat(d) + '1' + '}'.repeat(d + 1))),
  fc.array(hostileObject, { maxLength: 8 }).map((list) => bytes(JSON.stringify({ value: list }))),
  fc.array(hostileObject, { maxLength: 8 }).map((list) => utf16(JSON.stringify(list))),
  fc.array(hostileObject, { minLength: 1, maxLength: 4 }).chain((list) => {
    const s = JSON.stringify(list);
    return fc.nat(s.length - 1).map((cut) => bytes(s.slice(0, cut)));
  }),
  fc.jsonValue({ maxDepth: 4 }).map((v) => bytes(JSON.stringify(v) ?? 'null')),
  fc.string({ maxLength: 300 }).map(bytes),
  // A users export given as risky users.
  fc
    .nat(50)
    .map((n) =>
      bytes(
        JSON.stringify([{ id: `bad-${n}`, userPrincipalName: `bad${n}@evil.example`, accountEnabled: true }]),
      ),
    ),
);

/** The figures triage gives one user. */
const figures = (u: TriagedUser) => ({
  id: u.id,
  score: u.score,
  priority: u.priority,
  isOpen: u.isOpen,
  reasons: u.reasons,
  detections: u.detections.map((d) => d.id),
  riskLevel: u.riskLevel,
  effectiveLevel: u.effectiveLevel,
  lastDetectedDateTime: u.lastDetectedDateTime,
});
const goodOnly = (users: TriagedUser[]) => users.filter((u) => u.id.startsWith('good-')).map(figures);

describe('risk triage under hostile input', () => {
  it('hostile files beside good ones change none of the good users and never throw', () => {
    fc.assert(
      fc.property(
        goodFiles,
        fc.array(hostileFile, { minLength: 1, maxLength: 4 }),
        fc.nat(),
        (good, hostile, seed) => {
          const baseline = analyseRisk({ files: good, now: NOW });
          const files = [...good];
          hostile.forEach((b, i) =>
            files.splice((seed + i) % (files.length + 1), 0, { name: `hostile-${i}.json`, bytes: b }),
          );
          const mixed = analyseRisk({ files, now: NOW });
          expect(goodOnly(mixed.users)).toEqual(goodOnly(baseline.users));
          // Every rejected file is named in an error, and only rejected files are.
          const rejected = mixed.files.filter((f) => f.verdict === 'rejected').map((f) => f.file);
          const errors = [...new Set(mixed.issues.filter((i) => i.severity === 'error').map((i) => i.file))];
          expect(errors.sort()).toEqual(rejected.sort());
          expect(rejected.every((f) => f.startsWith('hostile-'))).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });
});
