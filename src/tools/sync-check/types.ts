/**
 * The sync check's data model: what the exports become, what the analysis returns. Everything here is plain data
 * (no classes, no Maps) so the result crosses postMessage by structured cloning.
 */
import type { Issue } from '../../lib/issue.ts';
import type { CsvIssueCode } from '../../lib/csv/read.ts';
import type { UnusableCode } from '../../lib/files/sniff.ts';

/** The closed set of issue codes this tool reports; the CLI prints them in `warnings`. */
export type SyncIssueCode =
  | CsvIssueCode
  | UnusableCode
  | 'header-only'
  | 'no-users'
  | 'no-usable-file'
  | 'bad-date'
  | 'bad-number'
  | 'bad-json'
  | 'not-users'
  | 'incomplete-pages'
  | 'wrong-file'
  | 'missing-column'
  | 'type-name-column'
  | 'empty-column'
  | 'mapping-guessed'
  | 'bad-guid'
  | 'no-id'
  | 'duplicate-ad-user'
  | 'duplicate-entra-user'
  | 'duplicate-anchor'
  | 'date-order-guessed'
  | 'ad-local-time'
  | 'scope-not-found'
  | 'no-scope'
  | 'few-matches'
  | 'consistency-guid-not-exported'
  | 'built-in-accounts-as-candidates'
  | 'no-immutable-ids'
  | 'bug';

export type SyncIssue = Issue<SyncIssueCode>;

export type ExportFlavour =
  | 'get-aduser'
  | 'get-mguser'
  | 'get-entrauser'
  | 'get-msoluser'
  | 'get-azureaduser'
  | 'graph-json'
  | 'unknown';

export type AdField =
  | 'dn'
  | 'sam'
  | 'upn'
  | 'mail'
  | 'displayName'
  | 'mailNickname'
  | 'enabled'
  | 'objectGuid'
  | 'consistencyGuid'
  | 'proxyAddresses'
  | 'isCritical'
  | 'whenCreated'
  | 'recipientTypeDetails';

export type EntraField =
  | 'id'
  | 'upn'
  | 'mail'
  | 'displayName'
  | 'mailNickname'
  | 'userType'
  | 'accountEnabled'
  | 'blockCredential'
  | 'immutableId'
  | 'syncEnabled'
  | 'lastSync'
  | 'onPremDn'
  | 'onPremSam'
  | 'onPremUpn'
  | 'proxyAddresses'
  | 'provisioningErrors'
  | 'created';

/** A user's override of the column chosen for a field: a header name, or null for "not in this file". */
export interface MappingOverride {
  ad?: Partial<Record<AdField, string | null>>;
  entra?: Partial<Record<EntraField, string | null>>;
}

export interface UnusableColumn {
  column: string;
  field?: string;
  reason: 'type-name' | 'empty';
  typeName?: string;
}

/** How one file's columns were understood. */
export interface FileMapping<F extends string = string> {
  file: string;
  kind: 'ad' | 'entra' | 'adAfter';
  flavour: ExportFlavour;
  /** Every header (or, for JSON, every property name seen on the first users). */
  headers: string[];
  /** The column used for each field, or null. */
  fields: Record<F, string | null>;
  unusable: UnusableColumn[];
  /** True when a required field is missing or unusable: the view opens the mapping panel. */
  isUnsure: boolean;
  /** True when the file was refused (wrong export, no users, no key column): its users are not counted. */
  refused?: boolean;
  rows: number;
  /** Day/month order decided per date column over all its values. */
  dateOrders: Partial<Record<F, 'dmy' | 'mdy' | 'ymd'>>;
  encoding?: string;
  delimiter?: string;
  typeName?: string;
}

export interface AdUser {
  /** Index in the result's `ad` (or `adAfter`) array. */
  i: number;
  file: string;
  line: number;
  dn: string;
  /** The parent container's DN as written. */
  ou: string;
  sam: string;
  upn: string;
  mail: string;
  displayName: string;
  mailNickname: string;
  enabled: boolean | null;
  /** Lowercase `D` text. */
  objectGuid: string | null;
  /** Lowercase `D` text when mS-DS-ConsistencyGuid holds a GUID value. */
  consistencyGuid: string | null;
  consistencyGuidRaw: string;
  /** The sourceAnchor Entra Connect uses: ConsistencyGuid when it holds a GUID, else objectGUID (GUID text). */
  anchor: string | null;
  anchorSource: 'consistencyGuid' | 'objectGuid' | null;
  proxies: string[];
  isCritical: boolean;
  /** As exported; read it with `readDate(value, mapping.dateOrders.whenCreated, false)`. */
  whenCreated: string;
  recipientTypeDetails: number | null;
}

export interface ProvisioningError {
  category: string;
  property: string;
  value: string;
  /** ISO 8601 UTC, or as written when unreadable. */
  time: string;
}

export interface EntraUser {
  i: number;
  file: string;
  line: number | null;
  /** Lowercase object id. */
  id: string;
  upn: string;
  mail: string;
  displayName: string;
  mailNickname: string;
  userType: string;
  isGuest: boolean;
  accountEnabled: boolean | null;
  immutableId: string;
  /** anchorKey of the decoded ImmutableID: GUID text, `text:…` for text anchors, null when empty/invalid. */
  anchor: string | null;
  syncEnabled: boolean | null;
  /** ISO 8601 UTC. */
  lastSync: string | null;
  onPremDn: string;
  onPremSam: string;
  onPremUpn: string;
  proxies: string[];
  errors: ProvisioningError[];
  /** As exported; read it with `readDate(value, mapping.dateOrders.created, true)`. */
  created: string;
}

export type AdStatus = 'matched' | 'notInEntra' | 'outOfScope' | 'outOfScopeInEntra' | 'ruleFiltered';
export type EntraStatus = 'matched' | 'cloudOnly' | 'orphaned' | 'outOfScope';

export const SET_NAMES = [
  'adNotInEntra',
  'adOutOfScope',
  'adRuleFiltered',
  'entraNotInAd',
  'entraCloudOnly',
  'entraOrphanedSynced',
  'entraWithProvisioningErrors',
  'outOfScopeButInEntra',
] as const;
export type SetName = (typeof SET_NAMES)[number];

/** One row of a set: indexes into `ad` and `entra`; the side that does not exist is absent. */
export interface SetEntry {
  ad?: number;
  entra?: number;
}

export interface Totals {
  adUsers: number;
  adOutOfScope: number;
  adRuleFiltered: number;
  adSyncCandidates: number;
  entraUsers: number;
  matched: number;
  adNotInEntra: number;
  entraNotInAd: number;
  entraCloudOnly: number;
  entraGuests: number;
  entraOrphanedSynced: number;
  entraWithProvisioningErrors: number;
  outOfScopeButInEntra: number;
}

/** Why a cloud user and an unmatched AD user belong together, and what Entra Connect will do about it. */
export interface SoftMatch {
  ad: number;
  entra: number;
  via: 'upn' | 'smtp';
  /** wouldSoftMatch: the cloud user has no ImmutableID and will be taken over; invalidSoftMatch: it has another. */
  outcome: 'wouldSoftMatch' | 'invalidSoftMatch';
}

export type ConflictKind = 'duplicateUpn' | 'duplicateMail' | 'duplicateProxySmtp' | 'anyAddressClaimedTwice';

/** What Entra already shows for a conflict: a quarantined UPN or a provisioning error on a matched user. */
export interface ConflictEffect {
  entra: number;
  kind: 'quarantinedUpn' | 'provisioningError';
  detail: string;
}

export interface ConflictGroup {
  value: string;
  /** AD indexes, in AD order. */
  ad: number[];
  effects: ConflictEffect[];
}

export interface UpnProxyConflict {
  address: string;
  upnOwner: number;
  proxyHolder: number;
  effects: ConflictEffect[];
}

export interface Conflicts {
  duplicateUpn: ConflictGroup[];
  duplicateMail: ConflictGroup[];
  duplicateProxySmtp: ConflictGroup[];
  anyAddressClaimedTwice: ConflictGroup[];
  upnVsOtherUsersProxy: UpnProxyConflict[];
}

export type AttributeCheckCode =
  | 'upn-blank'
  | 'upn-no-at'
  | 'upn-invalid-char'
  | 'upn-too-long'
  | 'upn-prefix-too-long'
  | 'upn-domain-too-long'
  | 'upn-quarantine-prefix'
  | 'upn-bad-period'
  | 'upn-non-routable'
  | 'leading-trailing-space'
  | 'mail-malformed'
  | 'mail-non-routable'
  | 'proxy-malformed'
  | 'proxy-non-routable'
  | 'proxy-too-long'
  | 'proxy-duplicate-in-user'
  | 'proxy-too-many'
  | 'proxy-no-primary'
  | 'proxy-several-primary'
  | 'mailnickname-invalid'
  | 'sam-invalid'
  | 'displayname-blank'
  | 'displayname-too-long';

export interface AttributeFinding {
  ad: number;
  code: AttributeCheckCode;
  severity: 'error' | 'warning';
  attribute: string;
  value: string;
  rule: string;
  fix: string;
}

export interface DeletionPreview {
  threshold: number;
  /** Indexes into `ad` (the before export). */
  removedSynced: number[];
  movedOutOfScope: number[];
  removedButNeverSynced: number[];
  removedOutOfScope: number[];
  /** Indexes into `adAfter`. */
  added: number[];
  expectedEntraUserDeletions: number;
  exceedsThreshold: boolean;
  /** below: fewer than the threshold; met: exactly the threshold (the next delete stops the export); blocked: more. */
  thresholdStatus: 'below' | 'met' | 'blocked';
}

export interface SuggestedOu {
  ou: string;
  users: number;
}

export interface Diagnosis {
  code: SyncIssueCode;
  message: string;
  hint?: string;
}

export interface SyncCheckResult {
  ad: AdUser[];
  entra: EntraUser[];
  adAfter: AdUser[];
  /** Per AD user (same index): status, matched Entra index (-1 none), rule that filtered it ('' none). */
  adStatus: AdStatus[];
  adEntra: number[];
  adRule: string[];
  entraStatus: EntraStatus[];
  entraAd: number[];
  totals: Totals;
  lastSyncTime: string | null;
  sets: Record<SetName, SetEntry[]>;
  conflicts: Conflicts;
  attributes: AttributeFinding[];
  softMatches: SoftMatch[];
  deletionPreview: DeletionPreview | null;
  suggestedOus: SuggestedOu[];
  diagnosis: Diagnosis[];
  scope: string[];
  mappings: FileMapping[];
  issues: SyncIssue[];
  /**
   * One error per required side (AD, Entra) that was given but has no usable file, `path` 'ad' or 'entra'. When
   * it is not empty nothing was compared: users, sets, conflicts and findings are empty and every total is 0.
   * Each refused file also has its own error in `issues`.
   */
  unusable: SyncIssue[];
}
