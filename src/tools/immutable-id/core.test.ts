import { describe, expect, it } from 'vitest';
import { cleanValue, convertId, convertIds, splitValues } from './core.ts';
import { ID_KINDS, READING, type IdReading } from './types.ts';

/*
 * One GUID in every form, worked out by hand (see src/lib/id/guid.test.ts for the byte and base64 steps):
 * .NET bytes 24 2d 8b 74 1d 2c 11 4b 9c 3c 1d 9e 5d 8a 3b 0f.
 */
const GUID = '748b2d24-2c1d-4b11-9c3c-1d9e5d8a3b0f';
const FORMS: Omit<IdReading, 'as'> = {
  guid: GUID,
  immutableId: 'JC2LdB0sEUucPB2eXYo7Dw==',
  hex: '242d8b741d2c114b9c3c1d9e5d8a3b0f',
  ldapFilter: '(objectGUID=\\24\\2D\\8B\\74\\1D\\2C\\11\\4B\\9C\\3C\\1D\\9E\\5D\\8A\\3B\\0F)',
  connectorSpaceDn: 'CN={4A43324C64423073455575635042326558596F3744773D3D}',
  bigEndianGuid: '242d8b74-1d2c-114b-9c3c-1d9e5d8a3b0f',
  cloudSid: 'S-1-12-1-1955278116-1259416605-2652716188-255560285',
};
/** `$guid.ToByteArray()`: 0x24=36 0x2d=45 0x8b=139 0x74=116 0x1d=29 0x2c=44 0x11=17 0x4b=75 0x9c=156 0x3c=60 … */
const DECIMALS = [36, 45, 139, 116, 29, 44, 17, 75, 156, 60, 29, 158, 93, 138, 59, 15];

function expectOne(input: string, kind: string, as: string) {
  const r = convertId(input);
  expect(r.error).toBeUndefined();
  expect(r.kind).toBe(kind);
  expect(r.readings).toEqual([{ as, ...FORMS }]);
  return r;
}

describe('every input form of one GUID', () => {
  it.each([
    [GUID, 'guid', READING.guidD],
    [GUID.toUpperCase(), 'guid', READING.guidD],
    [`{${GUID}}`, 'guid', READING.guidB],
    [`{${GUID.toUpperCase()}}`, 'guid', READING.guidB],
    [`(${GUID})`, 'guid', READING.guidP],
    [`urn:uuid:${GUID}`, 'guid', READING.guidUrn],
    [`URN:UUID:${GUID.toUpperCase()}`, 'guid', READING.guidUrn],
    ['JC2LdB0sEUucPB2eXYo7Dw==', 'immutable-id', READING.base64],
    ['JC2LdB0sEUucPB2eXYo7Dw', 'immutable-id', READING.base64Unpadded],
    ['24 2D 8B 74 1D 2C 11 4B 9C 3C 1D 9E 5D 8A 3B 0F', 'octets', READING.octets],
    ['24 2d 8b 74 1d 2c 11 4b 9c 3c 1d 9e 5d 8a 3b 0f', 'octets', READING.octets],
    ['24-2D-8B-74-1D-2C-11-4B-9C-3C-1D-9E-5D-8A-3B-0F', 'octets', READING.octets],
    ['24:2d:8b:74:1d:2c:11:4b:9c:3c:1d:9e:5d:8a:3b:0f', 'octets', READING.octets],
    [
      '0x24, 0x2D, 0x8B, 0x74, 0x1D, 0x2C, 0x11, 0x4B, 0x9C, 0x3C, 0x1D, 0x9E, 0x5D, 0x8A, 0x3B, 0x0F',
      'octets',
      READING.octets,
    ],
    ['\\24\\2D\\8B\\74\\1D\\2C\\11\\4B\\9C\\3C\\1D\\9E\\5D\\8A\\3B\\0F', 'ldap', READING.ldap],
    ['\\24\\2d\\8b\\74\\1d\\2c\\11\\4b\\9c\\3c\\1d\\9e\\5d\\8a\\3b\\0f', 'ldap', READING.ldap],
    [FORMS.ldapFilter, 'ldap', READING.ldap],
    ['objectGUID=\\24\\2D\\8B\\74\\1D\\2C\\11\\4B\\9C\\3C\\1D\\9E\\5D\\8A\\3B\\0F', 'ldap', READING.ldap],
    [
      '(&(objectCategory=person)(objectGUID=\\24\\2D\\8B\\74\\1D\\2C\\11\\4B\\9C\\3C\\1D\\9E\\5D\\8A\\3B\\0F))',
      'ldap',
      READING.ldap,
    ],
    // ')' (0x29) must be escaped, but '-' (0x2d), 't' (0x74), ',' (0x2c), 'K' (0x4b), '<' (0x3c), ']' (0x5d), ';' (0x3b) may stand as themselves.
    ['\\24-\\8Bt\\1D,\\11K\\9C<\\1D\\9E]\\8A;\\0F', 'ldap', READING.ldap],
    [
      '(objectGUID=\\\\24\\\\2D\\\\8B\\\\74\\\\1D\\\\2C\\\\11\\\\4B\\\\9C\\\\3C\\\\1D\\\\9E\\\\5D\\\\8A\\\\3B\\\\0F)',
      'ldap',
      READING.ldap,
    ],
    ["X'242d8b741d2c114b9c3c1d9e5d8a3b0f'", 'csvde', READING.csvde],
    ["x'242D8B741D2C114B9C3C1D9E5D8A3B0F'", 'csvde', READING.csvde],
    ['objectGUID:: JC2LdB0sEUucPB2eXYo7Dw==', 'ldif', READING.ldif],
    ['mS-DS-ConsistencyGuid:: JC2LdB0sEUucPB2eXYo7Dw==', 'ldif', READING.ldif],
    [`{${DECIMALS.join(', ')}}`, 'byte-array', READING.byteArray],
    [`@(${DECIMALS.join(',')})`, 'byte-array', READING.byteArray],
    [`[${DECIMALS.join(', ')}]`, 'byte-array', READING.byteArray],
    [DECIMALS.join(' '), 'byte-array', READING.byteArray],
    [DECIMALS.join('\r\n'), 'byte-array', READING.byteArray],
    [FORMS.connectorSpaceDn, 'connector-space-dn', READING.connectorSpaceDn],
    [FORMS.connectorSpaceDn.toLowerCase(), 'connector-space-dn', READING.connectorSpaceDn],
  ])('%s → %s', (input, kind, as) => {
    expectOne(input, kind, as);
  });

  it('trims what copy-paste brings: spaces, CR/LF, zero-width characters, quotes', () => {
    expectOne(`  ${GUID}\r\n`, 'guid', READING.guidD);
    expectOne(`\u200b${FORMS.immutableId}\ufeff`, 'immutable-id', READING.base64);
    expectOne(`'${FORMS.immutableId}'`, 'immutable-id', READING.base64);
    expectOne(`"${GUID}"`, 'guid', READING.guidD);
    expect(cleanValue("  'x' ")).toBe('x');
    expect(convertId(`  ${GUID}\n`).input).toBe(GUID);
  });

  it('reads a labelled line copied from Format-List or a portal', () => {
    expectOne(`ObjectGUID        : ${GUID}`, 'guid', READING.guidD);
    expectOne(`ImmutableId: ${FORMS.immutableId}`, 'immutable-id', READING.base64);
    expect(convertId(`ObjectGUID : ${GUID}`).input).toBe(`ObjectGUID : ${GUID}`);
  });
});

describe('base64 variants', () => {
  // 7ea2e22f-31cb-4c97-89eb-1b4501aafe40 → L+Kifssxl0yJ6xtFAar+QA==: 2f e2 a2 → 001011 111110 001010 100010 = L + K i.
  const PLUS = 'L+Kifssxl0yJ6xtFAar+QA==';

  it('reads base64url and always answers standard padded base64', () => {
    for (const v of ['L-Kifssxl0yJ6xtFAar-QA', 'L-Kifssxl0yJ6xtFAar-QA==']) {
      const r = convertId(v);
      expect(r.kind).toBe('immutable-id');
      expect(r.readings[0]).toMatchObject({
        as: READING.base64Url,
        guid: '7ea2e22f-31cb-4c97-89eb-1b4501aafe40',
        immutableId: PLUS,
      });
    }
  });

  it('is case-sensitive', () => {
    expect(convertId(PLUS.toLowerCase()).readings[0]?.guid).not.toBe('7ea2e22f-31cb-4c97-89eb-1b4501aafe40');
  });

  it('notes stray bits in the last character and gives the canonical form', () => {
    const r = convertId('JC2LdB0sEUucPB2eXYo7Dx==');
    expect(r.readings[0]?.guid).toBe(GUID);
    expect(r.note).toBe(
      'The last character carries bits beyond the 16 bytes; the canonical ImmutableID is JC2LdB0sEUucPB2eXYo7Dw==.',
    );
  });
});

describe('readings that need saying', () => {
  it('shows both readings of 32 bare hex digits, labelled, and says why', () => {
    const r = convertId('748B2D242C1D4B119C3C1D9E5D8A3B0F');
    expect(r.kind).toBe('hex-ambiguous');
    expect(r.readings.map((g) => [g.as, g.guid])).toEqual([
      [READING.guidN, GUID],
      [READING.octets, '242d8b74-1d2c-114b-9c3c-1d9e5d8a3b0f'],
    ]);
    // Octets 74 8b 2d 24 2c 1d 4b 11 …: 74 8b 2d → 011101 001000 101100 101101 = d I s t; 24 2c 1d = J C w d; 4b 11 9c = S x G c.
    expect(r.readings[1]?.immutableId).toBe('dIstJCwdSxGcPB2eXYo7Dw==');
    expect(r.readings[1]?.hex).toBe('748b2d242c1d4b119c3c1d9e5d8a3b0f');
    expect(r.note).toContain('both are shown');
    expect(r.note).toContain('As base64 it would be 24 bytes that are not text');
  });

  it('reads 32 hex digits in braces the same two ways', () => {
    expect(convertId('{748b2d242c1d4b119c3c1d9e5d8a3b0f}').kind).toBe('hex-ambiguous');
  });

  it('keeps the big-endian hint an involution: each GUID is the other one’s hint', () => {
    const r = convertId(FORMS.bigEndianGuid);
    expect(r.readings[0]?.bigEndianGuid).toBe(GUID);
    // The ImmutableID a tool writing RFC order would make for our GUID.
    expect(r.readings[0]?.immutableId).toBe('dIstJCwdSxGcPB2eXYo7Dw==');
  });

  it('reads a cloud anchor as an Entra object id and says it is not an AD GUID', () => {
    const r = convertId(`User_${GUID}`);
    expect(r.kind).toBe('cloud-anchor');
    expect(r.readings).toHaveLength(1);
    expect(r.readings[0]).toMatchObject({ as: READING.objectId, guid: GUID, cloudSid: FORMS.cloudSid });
    // The connector-space DN of a cloud-mastered object spells its cloud anchor: U=55 s=73 e=65 r=72 _=5F 7=37 4=34 …
    expect(r.readings[0]?.connectorSpaceDn.startsWith('CN={557365725F3734386232643234')).toBe(true);
    expect(r.note).toContain('not an AD objectGUID');
    expect(convertId(`Group_{${GUID}}`).kind).toBe('cloud-anchor');
    expect(convertId(`Device_${GUID}`).readings[0]?.guid).toBe(GUID);
  });

  it('turns a cloud SID into its object id', () => {
    const r = convertId(FORMS.cloudSid);
    expect(r.kind).toBe('cloud-sid');
    expect(r.readings[0]).toMatchObject({ as: READING.objectId, guid: GUID });
    expect(convertId(FORMS.cloudSid.toLowerCase()).readings[0]?.guid).toBe(GUID);
    expect(convertId('S-1-12-1-0-0-0-0').readings[0]?.guid).toBe('00000000-0000-0000-0000-000000000000');
  });

  it('reads the connector-space DN of a cloud anchor', () => {
    const hex = Array.from(`User_${GUID}`, (c) => c.charCodeAt(0).toString(16)).join('');
    const r = convertId(`CN={${hex}}`);
    expect(r.kind).toBe('connector-space-dn');
    expect(r.readings[0]?.as).toBe(READING.objectId);
    expect(r.note).toContain(`The DN holds the anchor 'User_${GUID}'.`);
  });

  it('reads a real device DN (integrationtrench.com) to its DeviceId', () => {
    const r = convertId('CN={714E52566836554B77555772666F674F3675363846413D3D}');
    expect(r.readings[0]?.guid).toBe('8755d4a8-0aa5-45c1-ab7e-880eeaeebc14');
    expect(r.readings[0]?.immutableId).toBe('qNRVh6UKwUWrfogO6u68FA==');
  });
});

describe('text and string anchors', () => {
  it('decodes UTF-16LE text as written by ConvertToBase64', () => {
    // Entra Connect's function reference: ConvertToBase64("Hello world!") = "SABlAGwAbABvACAAdwBvAHIAbABkACEA".
    const r = convertId('SABlAGwAbABvACAAdwBvAHIAbABkACEA');
    expect(r).toMatchObject({
      kind: 'text-anchor',
      readings: [],
      text: 'Hello world!',
      encoding: 'utf-16le',
    });
    expect(r.error).toBeUndefined();
    // E012345 in UTF-16LE: 45 00 30 00 … → RQAw ADEA MgAz ADQA NQA=
    expect(convertId('RQAwADEAMgAzADQANQA=')).toMatchObject({ text: 'E012345', encoding: 'utf-16le' });
  });

  it('decodes UTF-8 text', () => {
    // 45 30 31 → 010001 010011 000000 110001 = R T A x; 32 33 34 = M j M 0; 35 = N Q = =.
    expect(convertId('RTAxMjM0NQ==')).toMatchObject({
      kind: 'text-anchor',
      text: 'E012345',
      encoding: 'utf-8',
    });
    expect(convertId('TcO8bGxlcg==')).toMatchObject({
      kind: 'text-anchor',
      text: 'Müller',
      encoding: 'utf-8',
    });
  });

  it('never forces 16 bytes of text into a GUID, but says what the GUID would be', () => {
    // "E0012345" in UTF-16LE is 16 bytes: 45 00 30 00 | 30 00 | 31 00 | 32 00 33 00 34 00 35 00.
    const r = convertId('RQAwADAAMQAyADMANAA1AA==');
    expect(r).toMatchObject({ kind: 'text-anchor', readings: [], text: 'E0012345' });
    expect(r.note).toContain('Read as a GUID these 16 bytes would be 00300045-0030-0031-3200-330034003500.');
  });

  it('treats values that are not base64 as plain string anchors', () => {
    for (const v of ['E012345', 'jdoe@contoso.com', 'john.smith', 'JohnSmithAdmin2024', '1234567890123456']) {
      const r = convertId(v);
      expect(r.kind, v).toBe('string-anchor');
      expect(r.text).toBe(v);
      expect(r.readings).toEqual([]);
      expect(r.error).toBeUndefined();
    }
    expect(convertId('E012345').note).toContain('As base64 it would decode to 5 bytes that are not text');
  });

  it.each([
    ['hello world', 'free text with spaces, not an ID'],
    ['Please reset my password', 'free text with spaces, not an ID'],
    ['hello', 'a word without digits, not an ID'],
    ['helloworld', 'a word without digits, not an ID'],
    ['x*y', "'*' is in no ID form"],
    ['<script>', "'<' is in no ID form"],
    ['IHDR\u0001\u0002', 'a control character is in no ID form'],
    ['A1'.repeat(40), '80 characters in one token, more than an ID has'],
  ])('says %j is not an ID, and what a plain string anchor is', (v, why) => {
    const r = convertId(v);
    expect(r.kind).toBe('invalid');
    expect(r.error).toMatch(
      new RegExp(`^${why.replace(/[*()]/g, '\\$&')}\\. A plain string anchor is one token`),
    );
    expect(r.text).toBeUndefined();
  });

  it('accepts the anchors people really set: numbers, logon names, mail addresses, in any script', () => {
    for (const v of [
      '4711',
      'EMP-000123',
      'j_doe',
      'jürgen.müller',
      "o'brien@contoso.com",
      'Ada.Lovelace@münchen.de',
    ])
      expect(convertId(v).kind, v).toBe('string-anchor');
  });
});

describe('errors say exactly why', () => {
  it.each([
    ['', 'empty value'],
    ['  \r\n', 'empty value'],
    [
      '748b2d24-2c1d-4b11-9c3c-1d9e5d8a3b0',
      '31 hex digits; a GUID has 32, grouped 8-4-4-4-12 (this one 8-4-4-4-11)',
    ],
    [
      '748b2d24-2c1d-4b11-9c3c-1d9e5d8a3b0f0',
      '33 hex digits; a GUID has 32, grouped 8-4-4-4-12 (this one 8-4-4-4-13)',
    ],
    ['748b2d24-2c1d4b11-9c3c-1d9e5d8a3b0f', 'hex digits grouped 8-8-4-12; a GUID is grouped 8-4-4-4-12'],
    ['748b2d24-2c1d-4b11-9c3c-1d9e5d8a3b0g', "'g' is not a hex digit (character 36)"],
    ['{748b2d24-2c1d-4b11-9c3c-1d9e5d8a3b0g}', "'g' is not a hex digit (character 37)"],
    ['748b2d24-2c1d-4b11-9c3c-1d9e5d8a3b0f.', "'.' is not a hex digit (character 37)"],
    ['{748b2d24-2c1d-4b11-9c3c-1d9e5d8a3b0f', "'{' without a closing '}'"],
    ['748b2d24-2c1d-4b11-9c3c-1d9e5d8a3b0f}', "'}' without an opening '{'"],
    ['(748b2d24-2c1d-4b11-9c3c-1d9e5d8a3b0f', "'(' without a closing ')'"],
    ['748b2d242c1d4b119c3c1d9e5d8a3b0', '31 hex digits; a GUID has 32'],
    ['748b2d242c1d4b119c3c1d9e5d8a3b0f00', '34 hex digits; a GUID has 32'],
    ['24 2D 8B 74 1D 2C 11 4B 9C 3C 1D 9E 5D 8A 3B', '15 octets; a GUID is 16 bytes'],
    ['74 E5 D2', '3 octets; a GUID is 16 bytes'],
    ['24 2D 8B 74 1D 2C 11 4B 9C 3C 1D 9E 5D 8A 3B ZZ', "'ZZ' is not a two-digit hex octet"],
    ['24 2D 8B 74 1D 2C 11 4B 9C 3C 1D 9E 5D 8A 3B F', "'F' is not a two-digit hex octet"],
    [
      '\\24\\2D\\8B\\74\\1D\\2C\\11\\4B\\9C\\3C\\1D\\9E\\5D\\8A\\3B\\0',
      "bad escape '\\0': '\\' must be followed by two hex digits",
    ],
    ['\\74\\E5\\7G', "bad escape '\\7G': '\\' must be followed by two hex digits"],
    ['\\74\\E5', '2 bytes in the LDAP value; a GUID is 16'],
    ['(objectGUID=\\24\\2D*)', "'*' is an LDAP wildcard, not part of a GUID value"],
    ['(objectGUID=\\24\\2D \\8B)', "' ' cannot stand unescaped in an LDAP value"],
    [
      '(objectGUID=\\24\\2D\\8B\\74\\1D\\2C\\11\\4B\\9C\\3C\\1D\\9E\\5D\\8A\\3B\\0F',
      'unbalanced parentheses in the LDAP filter',
    ],
    ['(objectGUID=*)', 'no attribute=\\XX… assertion with escaped bytes in the filter'],
    ["X'242d8b741d2c114b9c3c1d9e5d8a3b0'", "31 hex digits in X'…'; a GUID is 32"],
    ["X'242d8b741d2c114b9c3c1d9e5d8a3b0g'", "'g' is not a hex digit in X'…'"],
    ["X'242d8b741d2c114b9c3c1d9e5d8a3b0f", "csvde writes binary as X'…' with a closing quote"],
    ['objectGUID:: JC2LdB0sEUucPB2eXYo7', 'objectGUID decodes to 15 bytes; a GUID is 16'],
    ['objectGUID:: JC2LdB0s*UucPB2eXYo7Dw==', "illegal base64 character '*' (character 9)"],
    ['objectGUID::', 'LDIF objectGUID:: has no value'],
    ['{36, 45, 139, 116, 29, 44, 17, 75, 156, 60, 29, 158, 93, 138, 59}', '15 numbers; a GUID is 16 bytes'],
    ['{36, 45, 139, 116, 29, 44, 17, 75, 156, 60, 29, 158, 93, 138, 59, 300}', "'300' is not a byte (0–255)"],
    ['{36, 45, 139, 116, 29, 44, 17, 75, 156, 60, 29, 158, 93, 138, 59, -15}', "'-15' is not a byte (0–255)"],
    ['{36, 45, 139', "'{' without a closing '}'"],
    [
      'CN={4A43324C64423073455575635042326558596F3744773D3}',
      '47 hex digits in the DN; it holds two per character of the anchor',
    ],
    ['CN={4A43324C6442307345557563504232655859XX3744773D3D}', "'X' is not a hex digit in the DN"],
    [
      'CN={0001}',
      "the DN's hex does not spell ASCII text; it should be the hex of the ImmutableID's characters",
    ],
    ['CN=jdoe,OU=Users', 'a connector-space DN is CN={…} with hex digits between the braces'],
    [
      'CN={4A43324C64423073455575635042326558596F3744}',
      "the DN holds 'JC2LdB0sEUucPB2eXYo7D': 21 base64 characters: a length of 4n+1 is never valid base64 (an ImmutableID is 22 characters and '==')",
    ],
    ['S-1-12-1-1955278116-1259416605-2652716188', '3 numbers after S-1-12-1-; a cloud SID has 4'],
    ['S-1-12-1-', '0 numbers after S-1-12-1-; a cloud SID has 4'],
    ['S-1-12-1-4294967296-1-2-3', "'4294967296' is not a 32-bit unsigned number"],
    [
      'S-1-5-21-1004336348-1177238915-682003330-512',
      'a Windows SID, not a cloud SID (S-1-12-1-…): it names an AD account, not a GUID; find it with Get-ADUser -Identity S-1-5-21-1004336348-1177238915-682003330-512',
    ],
    ['S-1-x', 'not a SID: a cloud SID is S-1-12-1- and four numbers'],
    [
      'User_748b2d24-2c1d-4b11-9c3c-1d9e5d8a3b0',
      '31 hex digits; a GUID has 32, grouped 8-4-4-4-12 (this one 8-4-4-4-11)',
    ],
    ['User_jdoe', "'j' is not a hex digit (character 6)"],
    ['JC2LdB0s*UucPB2eXYo7Dw==', "illegal base64 character '*' (character 9)"],
    ['dOXSdBYXP0Ga*y3VsLn0Dw==', "illegal base64 character '*' (character 13)"],
    [
      'JC2LdB0sEUucPB2eXYo7Dw=',
      "bad padding: 1 '=' after 22 characters (base64 is padded to a multiple of 4; an ImmutableID is 22 characters and '==')",
    ],
    [
      'JC2LdB0sEUucPB2eXYo7Dw===',
      "bad padding: 3 '=' after 22 characters (base64 is padded to a multiple of 4; an ImmutableID is 22 characters and '==')",
    ],
    [
      'JC2LdB0sEUucPB2eXYo7D',
      "21 base64 characters: a length of 4n+1 is never valid base64 (an ImmutableID is 22 characters and '==')",
    ],
    ['JC2LdB0sEUucPB2eXYo7', 'decodes to 15 bytes; an ImmutableID of a GUID decodes to 16'],
    ['JC2LdB0sEUucPB2eXYo7Dw0=', 'decodes to 17 bytes; an ImmutableID of a GUID decodes to 16'],
    ['AAE=', 'decodes to 2 bytes; an ImmutableID of a GUID decodes to 16'],
    ['L+Kifssxl0yJ6xtFAar-QA==', "mixes base64url ('-', '_') and standard base64 ('+', '/') characters"],
    [`${GUID}\n${GUID}`, '2 lines, but one value was expected'],
  ])('%j → %s', (input, error) => {
    const r = convertId(input);
    expect(r.kind).toBe('invalid');
    expect(r.readings).toEqual([]);
    expect(r.error).toBe(error);
  });

  it('refuses a value too long to be an ID without looking further', () => {
    const r = convertId('A'.repeat(5000));
    expect(r.error).toBe('5000 characters; too long for an ID');
    expect(r.input).toBe('A'.repeat(40) + '…');
  });
});

describe('the result shape', () => {
  it('keeps its keys in the documented order', () => {
    expect(Object.keys(convertId(GUID))).toEqual(['input', 'kind', 'readings']);
    expect(Object.keys(convertId(GUID).readings[0]!)).toEqual([
      'as',
      'guid',
      'immutableId',
      'hex',
      'ldapFilter',
      'connectorSpaceDn',
      'bigEndianGuid',
      'cloudSid',
    ]);
    expect(Object.keys(convertId('SABlAGwAbABvACAAdwBvAHIAbABkACEA'))).toEqual([
      'input',
      'kind',
      'readings',
      'text',
      'encoding',
      'note',
    ]);
    expect(Object.keys(convertId('74 E5'))).toEqual(['input', 'kind', 'readings', 'error']);
  });

  it('converts many values in order', () => {
    expect(convertIds([GUID, 'E012345']).map((r) => r.kind)).toEqual(['guid', 'string-anchor']);
    expect(ID_KINDS).toHaveLength(14);
  });
});

describe('splitValues', () => {
  it('splits lines, trims them and drops blanks', () => {
    expect(splitValues(` ${GUID} \r\n\r\nE012345\n`)).toEqual([GUID, 'E012345']);
  });

  it('keeps sixteen lines of 0–255 together as the byte array PowerShell prints', () => {
    const values = splitValues(DECIMALS.join('\n') + '\n');
    expect(values).toEqual([DECIMALS.join(', ')]);
    expect(convertId(values[0]!).readings[0]?.guid).toBe(GUID);
    expect(splitValues(DECIMALS.slice(0, 15).join('\n'))).toHaveLength(15);
  });
});
