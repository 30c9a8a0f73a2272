/**
 * Risk triage's data model. Enum values are kept as the strings Graph sent (`hidden`, `unknownFutureValue` and
 * members Graph adds later included), so nothing the service says is lost or guessed. Plain data only: the
 * result crosses postMessage.
 */
import type { Issue } from '../../lib/issue.ts';

export type RiskIssueCode =
  | 'bad-json'
  | 'not-graph'
  | 'unknown-objects'
  | 'incomplete-pages'
  | 'bad-additional-info'
  | 'shallow-export'
  | 'bad-date'
  | 'duplicates'
  | 'hidden-risk'
  | 'no-risk-data'
  | 'bad-rules'
  | 'bug'
  | 'empty-file'
  | 'binary-file'
  | 'too-large'
  | 'too-deep'
  | 'not-risk-data'
  | 'bad-value'
  | 'long-value'
  | 'date-out-of-range'
  | 'rejected-records';

export type RiskIssue = Issue<RiskIssueCode>;

/** What a Graph object was recognised as, by its properties (never by the file name). */
export type ObjectKind = 'riskyUser' | 'riskDetection' | 'signIn' | 'user' | 'directoryRole';

export interface GeoLocation {
  city: string | null;
  state: string | null;
  /** Two-letter code as Graph sends it (`DE`). */
  countryOrRegion: string | null;
  latitude: number | null;
  longitude: number | null;
}

export interface RiskyUser {
  id: string;
  userPrincipalName: string;
  userDisplayName: string;
  riskLevel: string;
  riskState: string;
  riskDetail: string;
  /** ISO 8601 UTC, or null. */
  riskLastUpdatedDateTime: string | null;
  isDeleted: boolean | null;
  isProcessing: boolean | null;
}

export interface AdditionalInfoEntry {
  key: string;
  value: unknown;
}

export interface RiskDetection {
  id: string;
  userId: string;
  userPrincipalName: string;
  userDisplayName: string;
  riskEventType: string;
  riskLevel: string;
  riskState: string;
  riskDetail: string;
  detectionTimingType: string;
  activity: string;
  source: string;
  tokenIssuerType: string;
  ipAddress: string;
  location: GeoLocation | null;
  activityDateTime: string | null;
  detectedDateTime: string | null;
  lastUpdatedDateTime: string | null;
  requestId: string;
  correlationId: string;
  /** Parsed `additionalInfo`; null when absent or not valid JSON (the raw text is then in `additionalInfoRaw`). */
  additionalInfo: AdditionalInfoEntry[] | null;
  additionalInfoRaw: string | null;
  userAgent: string | null;
}

export interface RiskySignIn {
  id: string;
  createdDateTime: string | null;
  userId: string;
  userPrincipalName: string;
  userDisplayName: string;
  appDisplayName: string;
  clientAppUsed: string;
  ipAddress: string;
  location: GeoLocation | null;
  riskLevelDuringSignIn: string;
  riskLevelAggregated: string;
  riskState: string;
  riskDetail: string;
  riskEventTypes: string[];
  /** 0 = success. */
  errorCode: number | null;
}

export interface DirectoryUser {
  id: string;
  userPrincipalName: string;
  displayName: string;
  accountEnabled: boolean | null;
  /** true: synced from AD; the password must be reset on-premises. */
  onPremisesSyncEnabled: boolean | null;
  onPremisesSamAccountName: string | null;
  onPremisesDomainName: string | null;
  onPremisesDistinguishedName: string | null;
  /** Admin roles when the export carried them (memberOf / transitiveMemberOf). */
  roles: string[] | null;
}

export interface FileSummary {
  file: string;
  counts: Partial<Record<ObjectKind, number>>;
  unknown: number;
  /** `rejected`: nothing in the file was used (empty, binary, not JSON, too deep, not risk data). */
  verdict: 'used' | 'rejected';
  /** Why the file was rejected, for the file list. */
  reason?: string;
  /** Objects skipped because a value could not be held (a date outside what a Date can represent). */
  skipped: number;
}

export interface ParsedRiskData {
  riskyUsers: RiskyUser[];
  detections: RiskDetection[];
  signIns: RiskySignIn[];
  users: DirectoryUser[];
  /** userId → directory role names, from directoryRole objects with members or live lookups. */
  roles: Record<string, string[]>;
  files: FileSummary[];
  issues: RiskIssue[];
}

/** Adjustable triage rules: points that add up to a score, and the score each priority starts at. */
export interface TriageRules {
  /** Points for the user's (or, without a risky-user record, the worst open detection's) risk level. */
  levelPoints: Record<string, number>;
  /** For levels not in `levelPoints` (a value Graph adds later). */
  otherLevelPoints: number;
  confirmedCompromisedPoints: number;
  atRiskPoints: number;
  /** Points for the most serious kind of detection the user has. */
  kindPoints: Record<string, number>;
  unknownKindPoints: number;
  /** For each further distinct kind, up to `extraKindCap`. */
  extraKindPoints: number;
  extraKindCap: number;
  /** For each open detection after the first, up to `perDetectionCap`. */
  perDetectionPoints: number;
  perDetectionCap: number;
  /** The first window the newest detection falls into gives its points. */
  recency: { hours: number; points: number }[];
  /** The user holds a directory (admin) role. */
  adminPoints: number;
  /** Lowest score of P1, P2 and P3; anything lower is P4. */
  thresholds: { p1: number; p2: number; p3: number };
  /** Risk states that close a user's case (unless a newer open detection arrived). */
  closedStates: string[];
}

export type Priority = 1 | 2 | 3 | 4;

export interface ScoreReason {
  text: string;
  points: number;
}

export interface TriagedUser {
  id: string;
  userPrincipalName: string;
  displayName: string;
  /** From the risky-user record; null when only detections name the user. */
  riskLevel: string | null;
  riskState: string | null;
  riskDetail: string | null;
  riskLastUpdatedDateTime: string | null;
  /** The level triage used: the user's, else the worst open detection's. */
  effectiveLevel: string;
  isSynced: boolean | null;
  onPremises: {
    samAccountName: string | null;
    domainName: string | null;
    distinguishedName: string | null;
  } | null;
  accountEnabled: boolean | null;
  adminRoles: string[] | null;
  /** Newest first. */
  detections: RiskDetection[];
  signIns: RiskySignIn[];
  openDetections: number;
  kinds: string[];
  lastDetectedDateTime: string | null;
  countries: string[];
  ipAddresses: string[];
  score: number;
  priority: Priority;
  reasons: ScoreReason[];
  /** Why this priority, in a few words: the (up to three) reasons with the most points, or why it is not open. Set by
   * scoreUser; optional only for records built elsewhere (tests, stored state). */
  why?: string;
  /** The user's riskState is open (`isOpenState`); without a risky-user record, a detection's is. */
  isOpen: boolean;
  /** Level or detail is `hidden`: the tenant lacks Entra ID P2 for this data. */
  needsP2: boolean;
}

export interface TriageStats {
  users: number;
  openUsers: number;
  byPriority: Record<Priority, number>;
  detections: number;
  openDetections: number;
  synced: number;
  admins: number;
  hidden: number;
  byKind: Record<string, number>;
}

export interface TriageResult {
  users: TriagedUser[];
  detections: RiskDetection[];
  signIns: RiskySignIn[];
  stats: TriageStats;
  files: FileSummary[];
  issues: RiskIssue[];
  rules: TriageRules;
  /** The "now" recency was measured against, ISO. */
  evaluatedAt: string;
}
