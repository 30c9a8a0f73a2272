import { describe, expect, it } from 'vitest';
import {
  anchorToConnectorSpaceDn,
  base64ToBytes,
  bytesToBase64,
  bytesToCloudSid,
  bytesToGuid,
  bytesToGuidBigEndian,
  bytesToGuidForms,
  bytesToHex,
  bytesToLdapEscaped,
  bytesToObjectGuidFilter,
  cloudSidPartsToBytes,
  guidTextToBytes,
  guidToBytes,
  guidToImmutableId,
  hexDigitValue,
  hexToBytesStrict,
  parseGuidText,
} from './guid.ts';

/*
 * 748b2d24-2c1d-4b11-9c3c-1d9e5d8a3b0f in .NET order: the first three groups reversed byte by byte
 * (74 8b 2d 24 → 24 2d 8b 74; 2c 1d → 1d 2c; 4b 11 → 11 4b), the last two groups as written.
 */
const GUID = '748b2d24-2c1d-4b11-9c3c-1d9e5d8a3b0f';
const BYTES = Uint8Array.of(
  0x24,
  0x2d,
  0x8b,
  0x74,
  0x1d,
  0x2c,
  0x11,
  0x4b,
  0x9c,
  0x3c,
  0x1d,
  0x9e,
  0x5d,
  0x8a,
  0x3b,
  0x0f,
);
/*
 * base64 by hand, 3 bytes → 4 sextets: 24 2d 8b → 001001 000010 110110 001011 = 9 2 54 11 = J C 2 L;
 * 74 1d 2c → 29 1 52 44 = d B 0 s; 11 4b 9c → 4 20 46 28 = E U u c; 3c 1d 9e → 15 1 54 30 = P B 2 e;
 * 5d 8a 3b → 23 24 40 59 = X Y o 7; 0f → 000011 110000 = D w, then '=='.
 */
const IMMUTABLE_ID = 'JC2LdB0sEUucPB2eXYo7Dw==';

describe('GUID byte order', () => {
  it('lays out a GUID in .NET order', () => {
    expect(guidToBytes(GUID)).toEqual(BYTES);
    expect(guidTextToBytes(GUID)).toEqual(BYTES);
    expect(guidTextToBytes(GUID.toUpperCase())).toEqual(BYTES);
    expect(bytesToGuid(BYTES)).toBe(GUID);
  });

  it("matches the example in .NET's Guid.ToByteArray documentation", () => {
    expect(bytesToHex(guidToBytes('35918bc9-196d-40ea-9779-889d79b753f0'))).toBe(
      'c98b91356d19ea409779889d79b753f0',
    );
  });

  it('reads the same bytes in RFC 4122 order', () => {
    expect(bytesToGuidBigEndian(BYTES)).toBe('242d8b74-1d2c-114b-9c3c-1d9e5d8a3b0f');
  });

  it('finds a GUID at an offset and refuses anything off', () => {
    expect(guidTextToBytes(`{${GUID}}`, 1)).toEqual(BYTES);
    expect(guidTextToBytes(GUID.replace('f', 'g'))).toBeUndefined();
    expect(guidTextToBytes(GUID.replace(/-/g, '_'))).toBeUndefined();
    expect(guidTextToBytes(GUID.slice(1))).toBeUndefined();
  });

  it('parses the .NET text formats', () => {
    expect(parseGuidText(`{${GUID.toUpperCase()}}`)).toBe(GUID);
    expect(parseGuidText(`(${GUID})`)).toBe(GUID);
    expect(parseGuidText(`urn:uuid:${GUID}`)).toBe(GUID);
    expect(parseGuidText(`{${GUID})`)).toBeUndefined();
  });
});

describe('base64', () => {
  it('encodes the ImmutableID', () => {
    expect(bytesToBase64(BYTES)).toBe(IMMUTABLE_ID);
    expect(guidToImmutableId(GUID)).toBe(IMMUTABLE_ID);
  });

  it('decodes padded, unpadded and base64url', () => {
    expect(base64ToBytes(IMMUTABLE_ID)).toEqual(BYTES);
    expect(base64ToBytes('JC2LdB0sEUucPB2eXYo7Dw')).toEqual(BYTES);
    // 7ea2e22f-31cb-4c97-89eb-1b4501aafe40 → L+Kifssxl0yJ6xtFAar+QA== (published by abublihi/guid-to-base64)
    expect(bytesToGuid(base64ToBytes('L-Kifssxl0yJ6xtFAar-QA') as Uint8Array)).toBe(
      '7ea2e22f-31cb-4c97-89eb-1b4501aafe40',
    );
  });

  it('says why a value is not base64', () => {
    expect(base64ToBytes('JC2L*B0s')).toEqual({ reason: 'illegal-char', char: '*', index: 4 });
    expect(base64ToBytes('JC2LdB0sEUucPB2eXYo7Dw=')).toEqual({ reason: 'bad-padding' });
    expect(base64ToBytes('JC2LdB0sE')).toEqual({ reason: 'bad-length', length: 9 });
  });
});

describe('hex', () => {
  it('reads hex digits in either case', () => {
    expect(hexDigitValue('F'.charCodeAt(0))).toBe(15);
    expect(hexDigitValue('a'.charCodeAt(0))).toBe(10);
    expect(hexDigitValue('g'.charCodeAt(0))).toBe(-1);
    expect(hexDigitValue('٣'.charCodeAt(0))).toBe(-1);
    expect(hexToBytesStrict('00fFa0')).toEqual(Uint8Array.of(0, 255, 160));
    expect(hexToBytesStrict('x24', 1)).toEqual(Uint8Array.of(0x24));
    expect(hexToBytesStrict('0g')).toBeUndefined();
    expect(hexToBytesStrict('abc')).toBeUndefined();
  });
});

describe('other forms', () => {
  it('escapes every byte for an LDAP filter, uppercase', () => {
    expect(bytesToLdapEscaped(BYTES)).toBe(
      '\\24\\2D\\8B\\74\\1D\\2C\\11\\4B\\9C\\3C\\1D\\9E\\5D\\8A\\3B\\0F',
    );
  });

  it("builds the connector-space DN from the ImmutableID's characters", () => {
    // J=4A C=43 2=32 L=4C d=64 B=42 0=30 s=73 E=45 U=55 u=75 c=63 P=50 B=42 2=32 e=65 X=58 Y=59 o=6F 7=37 D=44 w=77 '='=3D
    expect(anchorToConnectorSpaceDn(IMMUTABLE_ID)).toBe(
      'CN={4A43324C64423073455575635042326558596F3744773D3D}',
    );
    // A device's DN and DeviceId, as shown on integrationtrench.com ("Constructing the DN for the Azure AD Connector").
    expect(anchorToConnectorSpaceDn(guidToImmutableId('8755d4a8-0aa5-45c1-ab7e-880eeaeebc14'))).toBe(
      'CN={714E52566836554B77555772666F674F3675363846413D3D}',
    );
    expect(anchorToConnectorSpaceDn('é')).toBe('CN={C3A9}');
  });

  it('turns an object id into its cloud SID and back', () => {
    // Little-endian words: 24 2d 8b 74 → 0x748b2d24 = 1955278116; 1d 2c 11 4b → 0x4b112c1d = 1259416605;
    // 9c 3c 1d 9e → 0x9e1d3c9c = 2652716188; 5d 8a 3b 0f → 0x0f3b8a5d = 255560285.
    expect(bytesToCloudSid(BYTES)).toBe('S-1-12-1-1955278116-1259416605-2652716188-255560285');
    expect(cloudSidPartsToBytes([1955278116, 1259416605, 2652716188, 255560285])).toEqual(BYTES);
    expect(bytesToCloudSid(new Uint8Array(16).fill(255))).toBe(
      'S-1-12-1-4294967295-4294967295-4294967295-4294967295',
    );
    // Words 0, 9, 100005 (0x000186a5: a5 86 01 00, zeros inside) and 4294967295.
    const edges = Uint8Array.of(0, 0, 0, 0, 9, 0, 0, 0, 0xa5, 0x86, 0x01, 0, 255, 255, 255, 255);
    expect(bytesToCloudSid(edges)).toBe('S-1-12-1-0-9-100005-4294967295');
    expect(cloudSidPartsToBytes([0, 9, 100005, 4294967295])).toEqual(edges);
  });
});

describe('bytesToGuidForms', () => {
  it('builds every form at once, each equal to its own function', () => {
    expect(bytesToGuidForms(BYTES)).toEqual({
      guid: GUID,
      immutableId: IMMUTABLE_ID,
      hex: '242d8b741d2c114b9c3c1d9e5d8a3b0f',
      ldapFilter: '(objectGUID=\\24\\2D\\8B\\74\\1D\\2C\\11\\4B\\9C\\3C\\1D\\9E\\5D\\8A\\3B\\0F)',
      connectorSpaceDn: 'CN={4A43324C64423073455575635042326558596F3744773D3D}',
      bigEndianGuid: '242d8b74-1d2c-114b-9c3c-1d9e5d8a3b0f',
      cloudSid: 'S-1-12-1-1955278116-1259416605-2652716188-255560285',
    });
    expect(bytesToObjectGuidFilter(BYTES)).toBe(bytesToGuidForms(BYTES).ldapFilter);
  });

  it('refuses anything but 16 bytes', () => {
    expect(() => bytesToGuidForms(new Uint8Array(15))).toThrow('a GUID is 16 bytes, not 15');
  });
});
