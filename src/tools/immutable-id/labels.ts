import type { IdKind, IdReading } from './types.ts';

/** How the page names each kind of input. */
export const KIND_LABELS: Record<IdKind, string> = {
  guid: 'GUID',
  'hex-ambiguous': '32 hex digits: two readings',
  'immutable-id': 'ImmutableID (base64)',
  octets: 'AD octet string',
  ldap: 'LDAP escape / filter',
  csvde: "csvde X'…'",
  ldif: 'LDIF',
  'byte-array': 'PowerShell byte array',
  'connector-space-dn': 'Connector-space DN',
  'cloud-anchor': 'Cloud anchor',
  'cloud-sid': 'Cloud SID',
  'text-anchor': 'Text anchor',
  'string-anchor': 'Plain string anchor',
  invalid: 'Not an ID',
};

export interface FormField {
  key: keyof IdReading;
  label: string;
  hint?: string;
}

/** The forms of an AD GUID reading, in the order an admin reaches for them. */
export const AD_FIELDS: FormField[] = [
  { key: 'guid', label: 'GUID', hint: 'objectGUID / mS-DS-ConsistencyGuid' },
  { key: 'immutableId', label: 'ImmutableID', hint: 'onPremisesImmutableId, sourceAnchor' },
  { key: 'hex', label: 'Hex octets', hint: 'AD byte order' },
  { key: 'ldapFilter', label: 'LDAP filter' },
  {
    key: 'connectorSpaceDn',
    label: 'Connector-space DN',
    hint: 'Entra connector in Synchronization Service',
  },
  { key: 'cloudSid', label: 'Cloud SID', hint: 'only if this GUID is an Entra object id' },
];

/** An Entra object id has no AD forms worth showing. */
export const OBJECT_ID_FIELDS: FormField[] = [
  { key: 'guid', label: 'Object id' },
  { key: 'cloudSid', label: 'Cloud SID' },
];
