/**
 * What a conversion answers, shared by the core, the view, the report and the CLI: the kinds an input is read as
 * and the labels of its readings are stable, since the CLI's JSON and CSV carry them.
 */

/** What the input was read as. A closed, stable set: the CLI's JSON and CSV carry it. */
export const ID_KINDS = [
  'guid',
  'hex-ambiguous',
  'immutable-id',
  'octets',
  'ldap',
  'csvde',
  'ldif',
  'byte-array',
  'connector-space-dn',
  'cloud-anchor',
  'cloud-sid',
  'text-anchor',
  'string-anchor',
  'invalid',
] as const;
export type IdKind = (typeof ID_KINDS)[number];

/** Labels of a reading (`as`), also stable. */
export const READING = {
  guidD: 'GUID (D format)',
  guidB: 'GUID (B format)',
  guidP: 'GUID (P format)',
  guidUrn: 'GUID (urn:uuid)',
  guidN: 'GUID (N format)',
  octets: 'AD octet string',
  base64: 'ImmutableID (base64)',
  base64Unpadded: 'ImmutableID (unpadded base64)',
  base64Url: 'ImmutableID (base64url)',
  ldap: 'LDAP escaped',
  csvde: "csvde X'…'",
  ldif: 'LDIF base64',
  byteArray: 'Byte array (decimal)',
  connectorSpaceDn: 'Connector-space DN',
  objectId: 'Entra object id',
} as const;

/** One way to read the input as 16 bytes, with every form of those bytes. */
export interface IdReading {
  as: string;
  /** Lowercase `D` text, bytes in .NET order. */
  guid: string;
  /** Standard padded base64 of the bytes: Entra's onPremisesImmutableId for a GUID anchor. */
  immutableId: string;
  /** 32 lowercase hex digits in AD (octet string) order. */
  hex: string;
  /** `(objectGUID=\XX…)`, uppercase pairs. */
  ldapFilter: string;
  /** Entra Connect's Entra connector-space DN: `CN={hex of the ImmutableID's characters}`. */
  connectorSpaceDn: string;
  /** The GUID these bytes give read in RFC 4122 (big-endian) order: the usual byte-order mistake. */
  bigEndianGuid: string;
  /** `S-1-12-1-…`: meaningful when the GUID is an Entra object id. */
  cloudSid: string;
}

export interface IdResult {
  /** The value as given, surrounding whitespace and quotes trimmed. */
  input: string;
  kind: IdKind;
  /** Empty for text and string anchors and for invalid input; two for 32 bare hex digits. */
  readings: IdReading[];
  /** The anchor's text: decoded for a text anchor, the value itself for a string anchor. */
  text?: string;
  /** How a text anchor's bytes were text. */
  encoding?: 'utf-8' | 'utf-16le';
  /** Something worth knowing about this reading (ambiguity, where an object id came from). */
  note?: string;
  /** Why the value is not an ID, when `kind` is `invalid`. */
  error?: string;
}
