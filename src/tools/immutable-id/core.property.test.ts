import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeAnchorText } from '../../lib/id/anchor.ts';
import { convertId } from './core.ts';
import { ID_KINDS, READING, type IdReading } from './types.ts';

/*
 * Expected forms are computed here independently of the code under test: Node's Buffer for base64, plain
 * string work for the .NET byte order.
 */
const hexOf = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

function dotnetGuid(b: Uint8Array): string {
  const h = hexOf(b);
  const rev = (s: string) => s.match(/../g)!.reverse().join('');
  return `${rev(h.slice(0, 8))}-${rev(h.slice(8, 12))}-${rev(h.slice(12, 16))}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function cloudSid(b: Uint8Array): string {
  const view = new DataView(b.buffer, b.byteOffset, 16);
  return 'S-1-12-1-' + [0, 4, 8, 12].map((o) => view.getUint32(o, true)).join('-');
}

function expectForms(r: IdReading | undefined, bytes: Uint8Array) {
  const base64 = Buffer.from(bytes).toString('base64');
  expect(r).toEqual({
    as: r?.as,
    guid: dotnetGuid(bytes),
    immutableId: base64,
    hex: hexOf(bytes),
    ldapFilter:
      '(objectGUID=' +
      Array.from(bytes, (x) => '\\' + x.toString(16).padStart(2, '0').toUpperCase()).join('') +
      ')',
    connectorSpaceDn: 'CN={' + Buffer.from(base64, 'latin1').toString('hex').toUpperCase() + '}',
    bigEndianGuid: hexOf(bytes).replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-'),
    cloudSid: cloudSid(bytes),
  });
}

const guidBytes = fc.uint8Array({ minLength: 16, maxLength: 16 });
/** Base64 forms of bytes that spell text are text anchors by design, so they are left out there. */
const binaryGuidBytes = guidBytes.filter((b) => decodeAnchorText(b) === undefined);

function roundTrips(form: (b: Uint8Array) => string, kind: string, as?: string, readingIndex = 0) {
  return (bytes: Uint8Array) => {
    const r = convertId(form(bytes));
    expect(r.kind).toBe(kind);
    if (as) expect(r.readings[readingIndex]?.as).toBe(as);
    expectForms(r.readings[readingIndex], bytes);
  };
}

const RUNS = { numRuns: 300 };

describe('16 random bytes survive every form', () => {
  it.each([
    ['GUID D', (b: Uint8Array) => dotnetGuid(b), 'guid', READING.guidD],
    ['GUID D uppercase', (b: Uint8Array) => dotnetGuid(b).toUpperCase(), 'guid', READING.guidD],
    ['GUID B', (b: Uint8Array) => `{${dotnetGuid(b)}}`, 'guid', READING.guidB],
    ['GUID P', (b: Uint8Array) => `(${dotnetGuid(b)})`, 'guid', READING.guidP],
    ['urn:uuid', (b: Uint8Array) => `urn:uuid:${dotnetGuid(b)}`, 'guid', READING.guidUrn],
    [
      'hex octets',
      (b: Uint8Array) => hexOf(b).match(/../g)!.join(' ').toUpperCase(),
      'octets',
      READING.octets,
    ],
    [
      'BitConverter',
      (b: Uint8Array) => hexOf(b).match(/../g)!.join('-').toUpperCase(),
      'octets',
      READING.octets,
    ],
    [
      'LDAP filter',
      (b: Uint8Array) => `(objectGUID=${hexOf(b).replace(/../g, '\\$&')})`,
      'ldap',
      READING.ldap,
    ],
    ['csvde', (b: Uint8Array) => `X'${hexOf(b)}'`, 'csvde', READING.csvde],
    ['LDIF', (b: Uint8Array) => `objectGUID:: ${Buffer.from(b).toString('base64')}`, 'ldif', READING.ldif],
    ['byte array', (b: Uint8Array) => `{${Array.from(b).join(', ')}}`, 'byte-array', READING.byteArray],
    ['one byte per line', (b: Uint8Array) => Array.from(b).join('\n'), 'byte-array', READING.byteArray],
  ] as const)('%s', (_name, form, kind, as) => {
    fc.assert(fc.property(guidBytes, roundTrips(form, kind, as)), RUNS);
  });

  it('GUID N: the first of two readings', () => {
    fc.assert(
      fc.property(
        guidBytes,
        roundTrips((b) => dotnetGuid(b).replace(/-/g, ''), 'hex-ambiguous', READING.guidN),
      ),
      RUNS,
    );
  });

  it('bare octet hex: the second of two readings', () => {
    fc.assert(
      fc.property(
        guidBytes,
        roundTrips((b) => hexOf(b), 'hex-ambiguous', READING.octets, 1),
      ),
      RUNS,
    );
  });

  it('base64, padded', () => {
    fc.assert(
      fc.property(
        binaryGuidBytes,
        roundTrips((b) => Buffer.from(b).toString('base64'), 'immutable-id'),
      ),
      RUNS,
    );
  });

  it('base64url, unpadded', () => {
    fc.assert(
      fc.property(
        binaryGuidBytes,
        roundTrips((b) => Buffer.from(b).toString('base64url'), 'immutable-id'),
      ),
      RUNS,
    );
  });

  it('connector-space DN', () => {
    const dn = (b: Uint8Array) =>
      `CN={${Buffer.from(Buffer.from(b).toString('base64'), 'latin1').toString('hex')}}`;
    fc.assert(
      fc.property(binaryGuidBytes, roundTrips(dn, 'connector-space-dn', READING.connectorSpaceDn)),
      RUNS,
    );
  });

  it('cloud SID of an object id', () => {
    fc.assert(fc.property(guidBytes, roundTrips(cloudSid, 'cloud-sid', READING.objectId)), RUNS);
  });

  it('cloud anchor of an object id', () => {
    fc.assert(
      fc.property(guidBytes, (b) => {
        const r = convertId(`User_${dotnetGuid(b)}`);
        expect(r.kind).toBe('cloud-anchor');
        expect(r.readings[0]?.guid).toBe(dotnetGuid(b));
        expect(r.readings[0]?.cloudSid).toBe(cloudSid(b));
      }),
      RUNS,
    );
  });

  it('big-endian hint: reading the hint gives back the GUID', () => {
    fc.assert(
      fc.property(guidBytes, (b) => {
        const hint = convertId(dotnetGuid(b)).readings[0]!.bigEndianGuid;
        expect(convertId(hint).readings[0]?.bigEndianGuid).toBe(dotnetGuid(b));
      }),
      RUNS,
    );
  });
});

describe('any text at all', () => {
  it('gets an answer from the closed set, never a throw, with an error exactly when invalid', () => {
    const anything = fc.oneof(
      fc.string(),
      fc.string({ unit: 'binary' }),
      fc.string({ unit: fc.constantFrom(..."0123456789abcdefABCDEF-{}()\\ ,=+/_:xXSN'\n") }),
    );
    fc.assert(
      fc.property(anything, (s) => {
        const r = convertId(s);
        expect(ID_KINDS).toContain(r.kind);
        expect(r.error !== undefined).toBe(r.kind === 'invalid');
        if (r.kind === 'invalid' || r.kind === 'text-anchor' || r.kind === 'string-anchor')
          expect(r.readings).toEqual([]);
        else expect(r.readings.length).toBeGreaterThan(0);
        for (const g of r.readings) {
          expect(g.guid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
          expect(g.immutableId).toMatch(/^[A-Za-z0-9+/]{22}==$/);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
