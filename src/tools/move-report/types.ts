import type { Issue } from '../../lib/issue.ts';
import type { CsvIssueCode, Delimiter } from '../../lib/csv/read.ts';
import type { TextEncodingName } from '../../lib/csv/decode.ts';
import type { DateOrder } from '../../lib/culture/dates.ts';

/** Closed and stable: tests, the CLI's `warnings` and the UI rely on these codes. */
export type MoveReportIssueCode =
  | CsvIssueCode
  | 'not-move-stats'
  | 'missing-column'
  | 'type-name-column'
  | 'report-text-column'
  | 'size-without-bytes'
  | 'size-unit-unknown'
  | 'bad-value'
  | 'date-order-guessed'
  | 'zone-less-dates'
  | 'duplicate-move'
  | 'not-bad-items'
  | 'bad-items-unmatched'
  | 'binary-file'
  | 'too-large'
  | 'no-moves'
  | 'out-of-range'
  | 'date-out-of-range'
  | 'long-value'
  | 'internal-error';

/**
 * `severity: 'error'` means exactly "this input was rejected": the moves file (then the core throws InputError)
 * or the bad-items file (then the report is built without it). Warnings and notes never reject anything.
 */
export type MoveReportIssue = Issue<MoveReportIssueCode>;

/**
 * One move request, normalised. Sizes in bytes, durations in milliseconds, timestamps as epoch milliseconds of
 * the wall clock the exporting machine wrote (zone-less: read them as local time of that machine, not UTC).
 * `null` means the export did not carry the value.
 */
export interface MoveRow {
  index: number;
  /** 1-based line in the CSV where the row starts. */
  line: number;
  /** DisplayName, else Alias, else Identity, else ExchangeGuid. */
  name: string;
  alias: string;
  identity: string;
  exchangeGuid: string;
  /** Batch without Exchange Online's `MigrationService:` prefix; `(no batch)` when empty. */
  batch: string;
  status: string;
  statusDetail: string;
  syncStage: string;
  flags: string;
  isArchiveOnly: boolean;
  isPrimaryOnly: boolean;
  recipientType: string;
  /** DataConsistencyScore; '' when empty (on-premises never sets it). */
  dcs: string;
  percentComplete: number | null;
  primaryBytes: number | null;
  archiveBytes: number | null;
  bytesTransferred: number | null;
  /** What the move copies: primary + archive, only the archive for MoveOnlyArchiveMailbox, only the primary for MoveOnlyPrimaryMailbox. */
  movedBytes: number | null;
  primaryItems: number | null;
  archiveItems: number | null;
  itemsTransferred: number | null;
  badItems: number | null;
  largeItems: number | null;
  missingItems: number | null;
  badItemLimit: string;
  largeItemLimit: string;
  queuedAt: number | null;
  startedAt: number | null;
  seededAt: number | null;
  lastSyncAt: number | null;
  finalSyncAt: number | null;
  completedAt: number | null;
  suspendedAt: number | null;
  failedAt: number | null;
  lastUpdateAt: number | null;
  overallMs: number | null;
  inProgressMs: number | null;
  queuedMs: number | null;
  suspendedMs: number | null;
  failedMs: number | null;
  idleMs: number | null;
  transientMs: number | null;
  /** Aligned with `MoveReport.stallColumns`; 0 where the cell was empty. */
  stallMs: number[];
  failureType: string;
  failureSide: string;
  failureCode: string;
  message: string;
  sourceServer: string;
  targetDatabase: string;
  remoteHost: string;
  /** (BytesTransferred / 2^30) / in-progress hours, when both are > 0. */
  gbPerHour: number | null;
  /** Rows for this mailbox in the bad-items file. */
  badItemRows: number;
}

export type ColumnSet = 'exchange-online' | 'on-premises';
export type ExportShape = 'raw' | 'flattened';

export interface MovesMeta {
  file: string;
  encoding: TextEncodingName;
  delimiter: Delimiter;
  typeName?: string;
  columnSet: ColumnSet;
  shape: ExportShape;
  /** Which stall-column generation the file has: 2013-era `CI`/`HA` or later `ContentIndexing`/`MdbReplication`. */
  stallGeneration: 'CI/HA' | 'ContentIndexing/MdbReplication' | 'none';
  dateOrder?: DateOrder;
  isDateOrderGuessed: boolean;
  /** Local dates without a zone were seen. */
  isZoneLess: boolean;
  /** Columns whose values were .NET type names or the move log text: what is lost, and why. */
  lostColumns: { column: string; typeName: string; lost: string }[];
  rows: number;
}

export type StatusGroup = 'done' | 'ready' | 'inFlight' | 'attention' | 'other';

export interface BatchRow {
  name: string;
  moves: number;
  byStatus: Record<string, number>;
  bytesTransferred: number;
  movedBytes: number;
  badItemsEncountered: number;
  failed: number;
  completedInclWarning: number;
  /** Perfect < Good < Investigate < Poor; null when no move in the batch has a score. */
  worstDataConsistencyScore: string | null;
}

export interface TransferRate {
  movesCounted: number;
  meanGbPerHour: number | null;
  medianGbPerHour: number | null;
  minGbPerHour: number | null;
  maxGbPerHour: number | null;
  top90Moves: number;
  top90MeanGbPerHour: number | null;
}

export interface HealthFigures {
  /** Keyed by the column name without `TotalStalledDueTo` and `Duration`: `ContentIndexing`, `ReadCpu`, `CI`… */
  stallPercent: Record<string, number | null>;
  overallStallPercent: number | null;
  /** Microsoft's script leaves out the read/write throttle columns (they did not exist when it was written). */
  overallStallPercentWithoutThrottles: number | null;
  transientFailurePercent: number | null;
  idlePercent: number | null;
  moveEfficiencyPercent: number | null;
  /** Σ TotalInProgressDuration in hours, the denominator of the percentages. */
  inProgressHours: number;
}

export type HealthStatus = 'good' | 'warn' | 'bad' | 'unknown';

export interface HealthCheck {
  key: string;
  label: string;
  value: number | null;
  unit: '%' | 'GiB/h';
  threshold: string;
  status: HealthStatus;
  /** One sentence with the usual cause when the value is outside the published range. */
  explanation?: string;
}

export interface KnownError {
  id: string;
  title: string;
  cause: string;
  fix: string;
  powershell?: string;
}

export interface FailureGroup {
  failureType: string;
  count: number;
  /** Of those, moves whose Status is Failed. */
  failedMoves: number;
  bySide: Record<string, number>;
  lastMessage: string;
  lastAt: number | null;
  lastMailbox: string;
  /** Up to 20 mailbox names, for the notice list, and the index of each in `moves`. */
  mailboxes: string[];
  moveIndices: number[];
  known?: KnownError;
}

export interface BadItemRow {
  /** Index into `moves`, or -1 when no move matched the mailbox column. */
  move: number;
  mailbox: string;
  kind: string;
  folder: string;
  subject: string;
  messageClass: string;
  sizeBytes: number | null;
  dateSent: string;
  failure: string;
  line: number;
}

export interface BadItemsSummary {
  file: string;
  rows: BadItemRow[];
  byKind: Record<string, number>;
  /** Per mailbox, highest count first: for user notices. */
  perMailbox: { mailbox: string; move: number; total: number; byKind: Record<string, number> }[];
  unmatchedRows: number;
}

export interface Stakeholder {
  completedInclWarning: number;
  completedPercent: number | null;
  readyToComplete: number;
  inFlight: number;
  needsAttention: number;
  dcsInvestigateOrPoor: number;
  /** Σ BytesTransferred in GiB (2³⁰ bytes): incremental syncs and retried copies included. */
  dataTransferredGiB: number;
  /** Σ moved size (primary + archive) in GiB. */
  mailboxDataGiB: number;
  /** GiB of mailbox data whose initial copy has not finished yet (the ETA's remaining data). */
  dataLeftGiB: number;
  /** Share of the mailbox data already copied: 100 × (mailbox data − left) ÷ mailbox data. */
  dataCopiedPercent: number | null;
}

export interface Eta {
  /** Newest timestamp in the export, zone-less ISO: "now" as far as the file knows. */
  asOf: string | null;
  windowHours: number | null;
  recentGiBPerHour: number | null;
  remainingGiB: number;
  hours: number | null;
  finishAt: string | null;
  /** Why there is no estimate, when there is none. */
  reason?: string;
}

export interface Histogram {
  binWidth: number;
  counts: number[];
  /** Moves faster than the last bin. */
  overflow: number;
}

export interface ExportCommand {
  id: 'flattened' | 'bad-items' | 'clixml';
  title: string;
  why: string;
  powershell: string;
}

export interface MoveReport {
  meta: MovesMeta;
  moves: MoveRow[];
  stallColumns: string[];
  byStatus: Record<string, number>;
  byStatusDetail: Record<string, number>;
  byDataConsistencyScore: Record<string, number>;
  byFailureType: Record<string, number>;
  totals: {
    primaryMailboxBytes: number;
    archiveBytes: number;
    bytesTransferred: number;
    movedBytes: number;
    primaryItemCount: number;
    archiveItemCount: number;
    itemsTransferred: number;
    badItemsEncountered: number;
    largeItemsEncountered: number;
    missingItemsEncountered: number;
    badItemRows: number | null;
  };
  batches: BatchRow[];
  transferRate: TransferRate;
  health: HealthFigures;
  checks: HealthCheck[];
  stakeholder: Stakeholder;
  eta: Eta;
  failures: FailureGroup[];
  badItems: BadItemsSummary | null;
  rateHistogram: Histogram;
  /** Cumulative GiB of mailbox data whose initial copy had finished, over time (zone-less epoch ms). */
  cumulative: { t: number; gib: number }[];
  commands: ExportCommand[];
  issues: MoveReportIssue[];
}

export interface MoveReportInput {
  moves: { name: string; bytes: Uint8Array };
  badItems?: { name: string; bytes: Uint8Array };
}
