/**
 * Realistic Get-MoveRequestStatistics exports with a known answer, for tests and the benchmark. The moves are
 * drawn as numbers first (the model); the file is then written the way PowerShell's Export-Csv writes them in a
 * given culture, encoding and column set, so the expected figures come from the model, never from the parser.
 */
import { seededRandom } from '../../lib/seeded-random.ts';
import { encodeAsExport, type ExportEncoding } from '../../lib/csv/encode.ts';

export type Culture = 'en-US' | 'en-GB' | 'de-DE' | 'nl-NL';
export type GeneratedColumnSet = 'exo' | 'onprem2016' | 'onprem2013';
export type GeneratedEncoding = ExportEncoding;

export interface GenerateOptions {
  moves: number;
  seed?: number;
  culture?: Culture;
  /** `;` is what `-UseCulture` writes on de-DE and nl-NL machines. */
  delimiter?: ',' | ';';
  encoding?: GeneratedEncoding;
  /** PowerShell 5.1 writes `#TYPE …` first unless -NoTypeInformation. */
  hasTypeLine?: boolean;
  shape?: 'raw' | 'flat';
  columnSet?: GeneratedColumnSet;
  /** Raw shape only: the multi-line Report text in every started move. */
  hasReport?: boolean;
  batches?: number;
  /** Bad-item rows naming mailboxes that are not in the export. */
  strayBadItems?: number;
}

export interface GeneratedMove {
  displayName: string;
  alias: string;
  exchangeGuid: string;
  batch: string;
  status: string;
  statusDetail: string;
  dcs: string;
  flags: string;
  isArchiveOnly: boolean;
  primaryBytes: number;
  archiveBytes: number | null;
  bytesTransferred: number;
  primaryItems: number;
  archiveItems: number | null;
  itemsTransferred: number;
  percentComplete: number;
  badItems: number;
  largeItems: number;
  missingItems: number;
  queuedAt: number;
  startedAt: number | null;
  seededAt: number | null;
  lastSyncAt: number | null;
  completedAt: number | null;
  failedAt: number | null;
  suspendedAt: number | null;
  lastUpdateAt: number;
  inProgressMs: number;
  queuedMs: number;
  transientMs: number;
  idleMs: number;
  /** Keyed by stall key (`ContentIndexing`, `CI`, `ReadThrottle`…). */
  stallMs: Record<string, number>;
  failureType: string;
  failureSide: string;
  message: string;
  badItemRows: number;
}

export interface ExpectedSummary {
  moves: number;
  byStatus: Record<string, number>;
  byStatusDetail: Record<string, number>;
  byDataConsistencyScore: Record<string, number>;
  byFailureType: Record<string, number>;
  totals: {
    primaryMailboxBytes: number;
    archiveBytes: number;
    bytesTransferred: number;
    primaryItemCount: number;
    archiveItemCount: number;
    itemsTransferred: number;
    badItemsEncountered: number;
    largeItemsEncountered: number;
    missingItemsEncountered: number;
    badItemRows: number;
  };
  perBatch: Record<
    string,
    {
      moves: number;
      byStatus: Record<string, number>;
      bytesTransferred: number;
      badItemsEncountered: number;
      failed: number;
      completedInclWarning: number;
    }
  >;
  /** Moves with BytesTransferred > 0 and TotalInProgressDuration > 0. */
  rateMoves: number;
}

export interface Generated {
  bytes: Uint8Array;
  moves: GeneratedMove[];
  expected: ExpectedSummary;
  badItems: { bytes: Uint8Array; rows: number; strayRows: number };
}

export const EXO_RAW_COLUMNS =
  `RunspaceId MailboxIdentity DistinguishedName DisplayName Alias ExchangeGuid ArchiveGuid Status StatusDetail SyncStage Flags
RequestStyle Direction IsOffline Protect DoNotPreserveMailboxSignature Priority WorkloadType Suspend SuspendWhenReadyToComplete IgnoreRuleLimitErrors
RecipientTypeDetails SourceVersion SourceDatabase SourceServer TargetVersion TargetDatabase TargetServer SourceArchiveDatabase SourceArchiveVersion
SourceArchiveServer TargetArchiveDatabase TargetArchiveVersion TargetArchiveServer RemoteHostName RemoteGlobalCatalog BatchName StartAfter CompleteAfter
EffectiveIncrementalSyncInterval ConfiguredIncrementalSyncInterval RemoteCredentialUsername RemoteDatabase RemoteDatabaseName RemoteArchiveDatabase
RemoteArchiveDatabaseName TargetDeliveryDomain ArchiveDomain BadItemLimit BadItemsEncountered LargeItemLimit LargeItemsEncountered MissingItemsEncountered
DataConsistencyScore DataConsistencyScoringFactors AllowLargeItems QueuedTimestamp StartTimestamp LastUpdateTimestamp LastSuccessfulSyncTimestamp
InitialSeedingCompletedTimestamp FinalSyncTimestamp CompletionTimestamp SuspendedTimestamp OverallDuration TotalSuspendedDuration TotalFailedDuration
TotalQueuedDuration TotalInProgressDuration TotalStalledDueToContentIndexingDuration TotalStalledDueToMdbReplicationDuration
TotalStalledDueToMailboxLockedDuration TotalStalledDueToReadThrottle TotalStalledDueToWriteThrottle TotalStalledDueToReadCpu TotalStalledDueToWriteCpu
TotalStalledDueToReadUnknown TotalStalledDueToWriteUnknown TotalTransientFailureDuration TotalIdleDuration MRSServerName TotalMailboxSize
TotalMailboxItemCount TotalArchiveSize TotalArchiveItemCount BytesTransferred BytesTransferredPerMinute ItemsTransferred PercentComplete
CompletedRequestAgeLimit PositionInQueue InternalFlags FailureCode FailureType FailureSide Message FailureTimestamp IsValid ValidationMessage RequestGuid
RequestQueue SourceEndpointGuid Identity DiagnosticInfo Report ObjectState`.split(/\s+/);

const ONPREM_BASE = EXO_RAW_COLUMNS.filter(
  (c) =>
    ![
      'MissingItemsEncountered',
      'DataConsistencyScore',
      'DataConsistencyScoringFactors',
      'SourceEndpointGuid',
    ].includes(c),
);
export const ONPREM2016_COLUMNS = ONPREM_BASE;
/** Exchange 2013 named two stall columns differently; later builds renamed them. */
export const ONPREM2013_COLUMNS = ONPREM_BASE.filter(
  (c) => c !== 'EffectiveIncrementalSyncInterval' && c !== 'ConfiguredIncrementalSyncInterval',
).map((c) =>
  c === 'TotalStalledDueToContentIndexingDuration'
    ? 'TotalStalledDueToCIDuration'
    : c === 'TotalStalledDueToMdbReplicationDuration'
      ? 'TotalStalledDueToHADuration'
      : c,
);

const STALL_KEYS = [
  'ContentIndexing',
  'MdbReplication',
  'MailboxLocked',
  'ReadThrottle',
  'WriteThrottle',
  'ReadCpu',
  'WriteCpu',
  'ReadUnknown',
  'WriteUnknown',
];

function stallColumn(key: string, set: GeneratedColumnSet): string {
  if (set === 'onprem2013' && key === 'ContentIndexing') return 'TotalStalledDueToCIDuration';
  if (set === 'onprem2013' && key === 'MdbReplication') return 'TotalStalledDueToHADuration';
  if (key === 'ContentIndexing' || key === 'MdbReplication' || key === 'MailboxLocked')
    return `TotalStalledDueTo${key}Duration`;
  return `TotalStalledDueTo${key}`;
}

/** The stall key the report uses for a generated stall in a column set. */
export function reportStallKey(key: string, set: GeneratedColumnSet): string {
  if (set === 'onprem2013' && key === 'ContentIndexing') return 'CI';
  if (set === 'onprem2013' && key === 'MdbReplication') return 'HA';
  return key;
}

function flatColumns(set: GeneratedColumnSet): string[] {
  return [
    'DisplayName',
    'Alias',
    'ExchangeGuid',
    'BatchName',
    'Status',
    'StatusDetail',
    'SyncStage',
    'Flags',
    'RecipientTypeDetails',
    'DataConsistencyScore',
    'PercentComplete',
    'TotalMailboxSizeBytes',
    'TotalArchiveSizeBytes',
    'BytesTransferredBytes',
    'TotalMailboxItemCount',
    'TotalArchiveItemCount',
    'ItemsTransferred',
    'BadItemLimit',
    'BadItemsEncountered',
    'LargeItemLimit',
    'LargeItemsEncountered',
    'MissingItemsEncountered',
    'BadItemsInReport',
    'QueuedTimestamp',
    'StartTimestamp',
    'InitialSeedingCompletedTimestamp',
    'LastSuccessfulSyncTimestamp',
    'FinalSyncTimestamp',
    'CompletionTimestamp',
    'SuspendedTimestamp',
    'FailureTimestamp',
    'LastUpdateTimestamp',
    'OverallDuration',
    'TotalInProgressDuration',
    'TotalQueuedDuration',
    'TotalSuspendedDuration',
    'TotalFailedDuration',
    'TotalIdleDuration',
    'TotalTransientFailureDuration',
    ...STALL_KEYS.map((k) => stallColumn(k, set)),
    'FailureType',
    'FailureSide',
    'FailureCode',
    'Message',
    'SourceServer',
    'TargetDatabase',
    'RemoteHostName',
  ];
}

const FIRST = [
  'Anna',
  'Jürgen',
  'Sören',
  'Zoë',
  'Björn',
  'Chloé',
  'Mária',
  'Łukasz',
  'Ines',
  'Jan',
  'Els',
  'Noah',
  'Émile',
  'Ana',
  'Olga',
  'Ruth',
  'Tomáš',
  'Greta',
];
const LAST = [
  'Berg',
  'Müller',
  'Groß',
  'de Vries',
  'Jansen',
  'Øster',
  'Dvořák',
  'Novak',
  'Fischer',
  'Bakker',
  'Kowalski',
  'Núñez',
  'Smith',
  'Weiß',
  'Lindqvist',
];

const STATUS_WEIGHTS: [string, number][] = [
  ['Completed', 44],
  ['CompletedWithWarning', 5],
  ['Synced', 10],
  ['AutoSuspended', 5],
  ['InProgress', 15],
  ['Queued', 5],
  ['CompletionInProgress', 2],
  ['Failed', 9],
  ['Suspended', 5],
];
const IN_PROGRESS_DETAILS = [
  'CopyingMessages',
  'CopyingMessages',
  'StalledDueToTarget_MdbReplication',
  'StalledDueToTarget_ContentIndexing',
  'StalledDueToTarget_Processor',
  'StalledDueToSource_UnknownReason',
  'TransientFailureSource',
  'CreatingFolderHierarchy',
];

const SYNC_SOURCE =
  "Error: Couldn't switch the mailbox into Sync Source mode.\nThis could be because of one of the following reasons:\n  Another administrator is currently moving the mailbox.\n  The mailbox is locked.\n  Network errors are preventing MRS from cleanly closing its session with the Mailbox server. If this is the case, MRS may continue to encounter this error for up to 2 hours - this duration is controlled by the TCP KeepAlive settings on the Mailbox server.\nWait for the mailbox to be released before attempting to move this mailbox again.";
const FAILURES: [string, string, string][] = [
  [
    'TooManyBadItemsPermanentException',
    'Source',
    'Error: MigrationPermanentException: Too many bad items were encountered. The limit of 10 bad items was exceeded.',
  ],
  [
    'CommunicationErrorTransientException',
    'Source',
    "Error: CommunicationErrorTransientException: The call to 'https://hybrid.contoso.com/EWS/mrsproxy.svc' failed. Error details: The operation has timed out.",
  ],
  ['SourceMailboxAlreadyBeingMovedTransientException', 'Source', SYNC_SOURCE],
  [
    'MigrationPermanentException',
    'Target',
    "Error: MigrationPermanentException: Target user 'User' already has a primary mailbox.",
  ],
  [
    'UpdateMovedMailboxPermanentException',
    'Source',
    'Error: UpdateMovedMailboxPermanentException: An error occurred while updating a user object after the move operation. --> Insufficient access rights to perform the operation.',
  ],
];

const GIB = 2 ** 30;
const HOUR = 3_600_000;
const BASE = Date.UTC(2026, 10, 2, 8, 0, 0);

function pick<T>(rnd: () => number, items: readonly T[]): T {
  return items[Math.floor(rnd() * items.length)]!;
}

function weighted(rnd: () => number, weights: readonly [string, number][]): string {
  const total = weights.reduce((s, [, w]) => s + w, 0);
  let x = rnd() * total;
  for (const [v, w] of weights) {
    x -= w;
    if (x < 0) return v;
  }
  return weights[weights.length - 1]![0];
}

function guid(rnd: () => number): string {
  const hex = () => Math.floor(rnd() * 16).toString(16);
  const part = (n: number) => Array.from({ length: n }, hex).join('');
  return `${part(8)}-${part(4)}-4${part(3)}-a${part(3)}-${part(12)}`;
}

/** A mailbox size with the long tail real tenants have: most under 5 GB, a few near 50 GB. */
function mailboxBytes(rnd: () => number): number {
  if (rnd() < 0.03) return 0;
  const gib = Math.min(50, Math.exp(rnd() * 6.2 - 3.5));
  return Math.round(gib * GIB);
}

function model(
  opts: Required<Pick<GenerateOptions, 'moves' | 'seed' | 'batches' | 'columnSet'>>,
): GeneratedMove[] {
  const rnd = seededRandom(opts.seed);
  const isExo = opts.columnSet === 'exo';
  const moves: GeneratedMove[] = [];
  for (let n = 0; n < opts.moves; n++) {
    const first = pick(rnd, FIRST);
    const last = pick(rnd, LAST);
    const status = weighted(rnd, STATUS_WEIGHTS);
    const batchNo = Math.floor(rnd() * (opts.batches + 1));
    const batch = batchNo === opts.batches ? '' : `Wave ${String(batchNo + 1).padStart(2, '0')}`;
    const isArchiveOnly = rnd() < 0.05;
    const hasArchive = isArchiveOnly || rnd() < 0.3;
    const primaryBytes = mailboxBytes(rnd);
    const archiveBytes = hasArchive ? Math.round((0.1 + rnd() * 20) * GIB) : null;
    const moved = isArchiveOnly ? archiveBytes! : primaryBytes + (archiveBytes ?? 0);
    const percentComplete =
      status === 'Completed' || status === 'CompletedWithWarning'
        ? 100
        : status === 'Synced' || status === 'AutoSuspended'
          ? 95
          : status === 'CompletionInProgress'
            ? 95 + Math.floor(rnd() * 5)
            : status === 'Queued'
              ? 0
              : status === 'InProgress'
                ? 20 + Math.floor(rnd() * 75)
                : Math.floor(rnd() * 95);
    const isStarted = status !== 'Queued';
    const copied = moved * Math.min(1, Math.max(0, (percentComplete - 20) / 75));
    const bytesTransferred = isStarted && copied > 0 ? Math.round(copied * (1.02 + rnd() * 0.35)) : 0;
    const rateGbH = 0.15 + rnd() * 1.2;
    const inProgressMs = isStarted
      ? Math.round(bytesTransferred > 0 ? (bytesTransferred / GIB / rateGbH) * HOUR : rnd() * 600_000)
      : 0;
    const stallMs: Record<string, number> = {};
    for (const k of STALL_KEYS) {
      const share =
        k === 'ContentIndexing' || k === 'MdbReplication'
          ? rnd() * 0.1
          : k === 'ReadThrottle' || k === 'WriteThrottle'
            ? rnd() * 0.04
            : rnd() < 0.2
              ? rnd() * 0.02
              : 0;
      stallMs[reportStallKey(k, opts.columnSet)] = Math.round(inProgressMs * share);
    }
    const queuedAt = BASE + batchNo * 24 * HOUR + Math.floor(rnd() * 8 * HOUR);
    const queuedMs = Math.round(rnd() * 30 * 60_000);
    const startedAt = isStarted ? queuedAt + queuedMs : null;
    const isDone = status === 'Completed' || status === 'CompletedWithWarning';
    const isSeeded = percentComplete >= 95;
    const seededAt = isSeeded && startedAt !== null ? startedAt + Math.round(inProgressMs * 0.9) : null;
    const lastSyncAt = seededAt !== null ? seededAt + Math.round(rnd() * 48 * HOUR) : null;
    const completedAt = isDone && lastSyncAt !== null ? lastSyncAt + 5 * 60_000 : null;
    const isFailed = status === 'Failed';
    const failure = isFailed
      ? pick(rnd, FAILURES)
      : status === 'InProgress' && rnd() < 0.1
        ? FAILURES[1]!
        : null;
    const failedAt = failure && startedAt !== null ? startedAt + inProgressMs + 60_000 : null;
    const suspendedAt =
      status === 'Suspended' || status === 'AutoSuspended'
        ? (lastSyncAt ?? (startedAt ?? queuedAt) + inProgressMs)
        : null;
    const lastUpdateAt =
      Math.max(
        queuedAt,
        startedAt ?? 0,
        seededAt ?? 0,
        lastSyncAt ?? 0,
        completedAt ?? 0,
        failedAt ?? 0,
        suspendedAt ?? 0,
      ) + 1000;
    const badItems =
      rnd() < 0.12
        ? 1 + Math.floor(rnd() * (isFailed && failure?.[0] === 'TooManyBadItemsPermanentException' ? 40 : 6))
        : 0;
    const largeItems = rnd() < 0.05 ? 1 + Math.floor(rnd() * 3) : 0;
    const primaryItems = Math.round(primaryBytes / 120_000);
    const archiveItems = archiveBytes === null ? null : Math.round(archiveBytes / 150_000);
    const items = (isArchiveOnly ? 0 : primaryItems) + (archiveItems ?? 0);
    moves.push({
      displayName: `${first} ${last}`,
      alias: `${first}.${last}.${n}`
        .toLowerCase()
        .normalize('NFD')
        .replace(/[^a-z0-9.]/g, ''),
      exchangeGuid: guid(rnd),
      batch,
      status,
      statusDetail:
        status === 'InProgress'
          ? pick(rnd, IN_PROGRESS_DETAILS)
          : status === 'Failed'
            ? 'FailedOther'
            : status === 'CompletionInProgress'
              ? 'FinalIncrementalSync'
              : status === 'CompletedWithWarning'
                ? 'Completed'
                : status,
      dcs: isExo
        ? weighted(rnd, [
            ['Perfect', 70],
            ['Good', 20],
            ['Investigate', 6],
            ['Poor', 1],
            ['', 3],
          ])
        : '',
      flags: isExo
        ? `CrossOrg, Pull${isArchiveOnly ? ', MoveOnlyArchiveMailbox' : ''}`
        : `IntraOrg, Pull${isArchiveOnly ? ', MoveOnlyArchiveMailbox' : ''}`,
      isArchiveOnly,
      primaryBytes,
      archiveBytes,
      bytesTransferred,
      primaryItems,
      archiveItems,
      itemsTransferred: Math.round((items * Math.max(0, percentComplete - 20)) / 75),
      percentComplete,
      badItems,
      largeItems,
      missingItems: isExo && rnd() < 0.03 ? 1 + Math.floor(rnd() * 3) : 0,
      queuedAt,
      startedAt,
      seededAt,
      lastSyncAt,
      completedAt,
      failedAt,
      suspendedAt,
      lastUpdateAt,
      inProgressMs,
      queuedMs,
      transientMs: Math.round(inProgressMs * (rnd() < 0.3 ? rnd() * 0.08 : 0)),
      idleMs: Math.round(inProgressMs * rnd() * 0.05),
      stallMs,
      failureType: failure?.[0] ?? '',
      failureSide: failure?.[1] ?? '',
      message: failure?.[2] ?? '',
      badItemRows: Math.min(badItems, 25) + largeItems,
    });
  }
  return moves;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** DateTime.ToString() in the culture: short date + long time, as Export-Csv writes it. */
export function formatDate(ms: number, culture: Culture): string {
  const d = new Date(ms);
  const [y, mo, day, h, mi, s] = [
    d.getUTCFullYear(),
    d.getUTCMonth() + 1,
    d.getUTCDate(),
    d.getUTCHours(),
    d.getUTCMinutes(),
    d.getUTCSeconds(),
  ];
  switch (culture) {
    case 'en-US':
      return `${mo}/${day}/${y} ${h % 12 || 12}:${pad(mi)}:${pad(s)} ${h < 12 ? 'AM' : 'PM'}`;
    case 'en-GB':
      return `${pad(day)}/${pad(mo)}/${y} ${pad(h)}:${pad(mi)}:${pad(s)}`;
    case 'de-DE':
      return `${pad(day)}.${pad(mo)}.${y} ${pad(h)}:${pad(mi)}:${pad(s)}`;
    case 'nl-NL':
      return `${day}-${mo}-${y} ${pad(h)}:${pad(mi)}:${pad(s)}`;
  }
}

/** TimeSpan.ToString(): `[d.]hh:mm:ss[.fffffff]`, culture-invariant. */
export function formatTimeSpan(ms: number): string {
  const ticks = Math.round(ms * 10_000);
  const totalSeconds = Math.floor(ticks / 10_000_000);
  const fraction = ticks % 10_000_000;
  const days = Math.floor(totalSeconds / 86_400);
  const rest = totalSeconds % 86_400;
  const hms = `${pad(Math.floor(rest / 3600))}:${pad(Math.floor((rest % 3600) / 60))}:${pad(rest % 60)}`;
  return `${days ? `${days}.` : ''}${hms}${fraction ? `.${String(fraction).padStart(7, '0')}` : ''}`;
}

/** ByteQuantifiedSize.ToString(): four significant digits in the largest binary unit, then the exact bytes, invariant. */
export function formatSize(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let u = 0;
  while (u < units.length - 1 && bytes >= 1024 ** (u + 1)) u++;
  const value = u === 0 ? String(bytes) : String(Number((bytes / 1024 ** u).toPrecision(4)));
  return `${value} ${units[u]} (${bytes.toLocaleString('en-US')} bytes)`;
}

function csvLine(values: readonly string[], d: string): string {
  let s = '';
  for (let i = 0; i < values.length; i++) {
    if (i) s += d;
    const v = values[i]!;
    s += '"' + (v.indexOf('"') === -1 ? v : v.replace(/"/g, '""')) + '"';
  }
  return s;
}

function reportText(m: GeneratedMove, culture: Culture): string {
  const t = (ms: number) => formatDate(ms, culture);
  const lines = [
    `${t(m.queuedAt)} [AM0PR03MB1234] 'admin@contoso.onmicrosoft.com' created move request.`,
    `${t(m.startedAt ?? m.queuedAt)} [AM0PR03MB1234] The Microsoft Exchange Mailbox Replication service 'AM0PR03MB1234.eurprd03.prod.outlook.com' (15.20.7316.32 caps:3FFFFF) is examining the request.`,
    `${t(m.startedAt ?? m.queuedAt)} [AM0PR03MB1234] Connected to target mailbox '${m.exchangeGuid} (Primary)', database 'EURPR03DG123-db045'.`,
    `${t(m.startedAt ?? m.queuedAt)} [AM0PR03MB1234] Stage: LoadingMessages. Percent complete: 20.`,
  ];
  if (m.seededAt !== null)
    lines.push(
      `${t(m.seededAt)} [AM0PR03MB1234] Initial seeding completed, ${m.itemsTransferred} items copied, total size ${formatSize(m.bytesTransferred)}.`,
    );
  if (m.failedAt !== null)
    lines.push(`${t(m.failedAt)} [AM0PR03MB1234] Fatal error ${m.failureType} has occurred.`);
  return lines.join('\n');
}

function rowValues(m: GeneratedMove, columns: readonly string[], o: Required<GenerateOptions>): string[] {
  const date = (ms: number | null) => (ms === null ? '' : formatDate(ms, o.culture));
  const span = (ms: number) => formatTimeSpan(ms);
  const isFlat = o.shape === 'flat';
  const size = (b: number | null) => (b === null ? '' : isFlat ? String(b) : formatSize(b));
  const overall = m.lastUpdateAt - m.queuedAt;
  const v: Record<string, string> = {
    RunspaceId: 'a65e6255-01fc-4484-a4a3-85824b026a05',
    MailboxIdentity: m.alias,
    DistinguishedName: `CN=${m.alias},OU=contoso.onmicrosoft.com,OU=Microsoft Exchange Hosted Organizations,DC=EURPR03A001,DC=prod,DC=outlook,DC=com`,
    DisplayName: m.displayName,
    Alias: m.alias,
    ExchangeGuid: m.exchangeGuid,
    ArchiveGuid: m.archiveBytes === null ? '' : m.exchangeGuid.replace(/^./, 'a'),
    Status: m.status,
    StatusDetail: m.statusDetail,
    SyncStage: m.completedAt !== null ? 'SyncFinished' : m.startedAt === null ? 'None' : 'CopyingMessages',
    Flags: m.flags,
    RequestStyle: o.columnSet === 'exo' ? 'CrossOrg' : 'IntraOrg',
    Direction: 'Pull',
    IsOffline: 'False',
    Protect: 'False',
    DoNotPreserveMailboxSignature: 'False',
    Priority: 'Normal',
    WorkloadType: o.columnSet === 'exo' ? 'Onboarding' : 'Local',
    Suspend: m.status === 'Suspended' ? 'True' : 'False',
    SuspendWhenReadyToComplete: m.status === 'AutoSuspended' ? 'True' : 'False',
    IgnoreRuleLimitErrors: 'False',
    RecipientTypeDetails: 'UserMailbox',
    SourceVersion: 'Version 15.2 (Build 1544.4)',
    SourceDatabase: o.columnSet === 'exo' ? '' : 'DB01',
    SourceServer: 'EX01.contoso.local',
    TargetVersion: o.columnSet === 'exo' ? 'Version 15.20 (Build 7316.32)' : 'Version 15.2 (Build 1544.4)',
    TargetDatabase: o.columnSet === 'exo' ? 'EURPR03DG123-db045' : 'DB02',
    TargetServer: o.columnSet === 'exo' ? 'AM0PR03MB1234.eurprd03.prod.outlook.com' : 'EX02.contoso.local',
    RemoteHostName: o.columnSet === 'exo' ? 'hybrid.contoso.com' : '',
    BatchName: m.batch && o.columnSet === 'exo' ? `MigrationService:${m.batch}` : m.batch,
    EffectiveIncrementalSyncInterval: '1.00:00:00',
    TargetDeliveryDomain: o.columnSet === 'exo' ? 'contoso.mail.onmicrosoft.com' : '',
    BadItemLimit: o.columnSet === 'exo' ? '0' : '10',
    BadItemsEncountered: String(m.badItems),
    LargeItemLimit: '0',
    LargeItemsEncountered: String(m.largeItems),
    MissingItemsEncountered: o.columnSet === 'exo' ? String(m.missingItems) : '',
    BadItemsInReport: String(m.badItemRows),
    DataConsistencyScore: m.dcs,
    DataConsistencyScoringFactors: 'System.Collections.ArrayList',
    AllowLargeItems: 'False',
    QueuedTimestamp: date(m.queuedAt),
    StartTimestamp: date(m.startedAt),
    LastUpdateTimestamp: date(m.lastUpdateAt),
    LastSuccessfulSyncTimestamp: date(m.lastSyncAt),
    InitialSeedingCompletedTimestamp: date(m.seededAt),
    FinalSyncTimestamp: date(m.completedAt === null ? null : m.completedAt - 60_000),
    CompletionTimestamp: date(m.completedAt),
    SuspendedTimestamp: date(m.suspendedAt),
    FailureTimestamp: date(m.failedAt),
    OverallDuration: span(overall),
    TotalSuspendedDuration: '00:00:00',
    TotalFailedDuration: '00:00:00',
    TotalQueuedDuration: span(m.queuedMs),
    TotalInProgressDuration: span(m.inProgressMs),
    TotalTransientFailureDuration: span(m.transientMs),
    TotalIdleDuration: span(m.idleMs),
    MRSServerName: 'AM0PR03MB1234.eurprd03.prod.outlook.com',
    TotalMailboxSize: size(m.primaryBytes),
    TotalMailboxSizeBytes: size(m.primaryBytes),
    TotalMailboxItemCount: String(m.primaryItems),
    TotalArchiveSize: size(m.archiveBytes),
    TotalArchiveSizeBytes: size(m.archiveBytes),
    TotalArchiveItemCount: m.archiveItems === null ? '' : String(m.archiveItems),
    BytesTransferred: size(m.bytesTransferred),
    BytesTransferredBytes: size(m.bytesTransferred),
    BytesTransferredPerMinute: formatSize(0),
    ItemsTransferred: String(m.itemsTransferred),
    PercentComplete: String(m.percentComplete),
    CompletedRequestAgeLimit: '30.00:00:00',
    PositionInQueue: m.status === 'Queued' ? '1' : '',
    InternalFlags:
      o.columnSet === 'exo'
        ? 'System.Collections.ArrayList'
        : 'SkipFolderPromotedProperties, SkipKnownCorruptions',
    FailureCode: m.failureType ? '-2146233088' : '',
    FailureType: m.failureType,
    FailureSide: m.failureSide,
    Message: m.message,
    IsValid: 'True',
    RequestGuid: m.exchangeGuid.replace(/^.{4}/, 'c826'),
    RequestQueue: o.columnSet === 'exo' ? 'EURPR03DG123-db045' : 'DB02',
    SourceEndpointGuid: '5e1bd4a0-1f1c-4f5a-9a16-7a0b1a4d1e11',
    Identity: m.alias,
    Report: o.hasReport && !isFlat && m.startedAt !== null ? reportText(m, o.culture) : '',
    ObjectState: 'Unchanged',
  };
  for (const k of STALL_KEYS)
    v[stallColumn(k, o.columnSet)] = span(m.stallMs[reportStallKey(k, o.columnSet)] ?? 0);
  return columns.map((c) => v[c] ?? '');
}

const BAD_KINDS: [string, number][] = [
  ['CorruptItem', 70],
  ['MissingItem', 10],
  ['CorruptFolderACL', 8],
  ['CorruptFolderRule', 4],
  ['FolderPropertyMismatch', 4],
  ['CorruptFolderProperty', 4],
];

function badItemsFile(
  moves: readonly GeneratedMove[],
  o: Required<GenerateOptions>,
  rnd: () => number,
): { text: string; rows: number } {
  const header = [
    'Mailbox',
    'ExchangeGuid',
    'Kind',
    'FolderName',
    'Subject',
    'MessageClass',
    'MessageSize',
    'DateSent',
    'Category',
    'Failure',
  ];
  const lines = [csvLine(header, o.delimiter)];
  let rows = 0;
  const date = (ms: number) => formatDate(ms, o.culture);
  for (const m of moves) {
    for (let i = 0; i < m.badItemRows; i++) {
      const isLarge = i >= m.badItemRows - m.largeItems;
      const kind = isLarge ? 'LargeItem' : weighted(rnd, BAD_KINDS);
      const isFolder = /Folder/.test(kind);
      lines.push(
        csvLine(
          [
            m.alias,
            m.exchangeGuid,
            kind,
            pick(rnd, ['Inbox', 'Sent Items', 'Calendar', 'Projects/2019', 'Archive']),
            isFolder
              ? ''
              : pick(rnd, [
                  'Quarterly report',
                  'Re: offsite',
                  'Scan.pdf',
                  'Invitation: Review',
                  'Fwd: Rechnung März',
                ]),
            isFolder ? '' : 'IPM.Note',
            isFolder ? '' : String(isLarge ? 160_000_000 + Math.floor(rnd() * 1e8) : Math.floor(rnd() * 2e6)),
            isFolder ? '' : date(m.queuedAt - Math.floor(rnd() * 900) * 24 * HOUR),
            '',
            isLarge
              ? 'The message exceeds the maximum size allowed.'
              : 'MapiExceptionCorruptData: Unable to read message.',
          ],
          o.delimiter,
        ),
      );
      rows++;
    }
  }
  for (let i = 0; i < o.strayBadItems; i++) {
    lines.push(
      csvLine(
        [`left.company.${i}`, '', 'CorruptItem', 'Inbox', 'Old', 'IPM.Note', '100', '', '', ''],
        o.delimiter,
      ),
    );
  }
  return { text: lines.join('\r\n') + '\r\n', rows: rows + o.strayBadItems };
}

function expectedOf(moves: readonly GeneratedMove[], badItemRows: number): ExpectedSummary {
  const e: ExpectedSummary = {
    moves: moves.length,
    byStatus: {},
    byStatusDetail: {},
    byDataConsistencyScore: {},
    byFailureType: {},
    totals: {
      primaryMailboxBytes: 0,
      archiveBytes: 0,
      bytesTransferred: 0,
      primaryItemCount: 0,
      archiveItemCount: 0,
      itemsTransferred: 0,
      badItemsEncountered: 0,
      largeItemsEncountered: 0,
      missingItemsEncountered: 0,
      badItemRows,
    },
    perBatch: {},
    rateMoves: 0,
  };
  const inc = (map: Record<string, number>, k: string, by = 1) => (map[k] = (map[k] ?? 0) + by);
  for (const m of moves) {
    inc(e.byStatus, m.status);
    inc(e.byStatusDetail, m.statusDetail || '(empty)');
    inc(e.byDataConsistencyScore, m.dcs || '(empty)');
    if (m.failureType) inc(e.byFailureType, m.failureType);
    e.totals.primaryMailboxBytes += m.primaryBytes;
    e.totals.archiveBytes += m.archiveBytes ?? 0;
    e.totals.bytesTransferred += m.bytesTransferred;
    e.totals.primaryItemCount += m.primaryItems;
    e.totals.archiveItemCount += m.archiveItems ?? 0;
    e.totals.itemsTransferred += m.itemsTransferred;
    e.totals.badItemsEncountered += m.badItems;
    e.totals.largeItemsEncountered += m.largeItems;
    e.totals.missingItemsEncountered += m.missingItems;
    const name = m.batch || '(no batch)';
    const b = (e.perBatch[name] ??= {
      moves: 0,
      byStatus: {},
      bytesTransferred: 0,
      badItemsEncountered: 0,
      failed: 0,
      completedInclWarning: 0,
    });
    b.moves++;
    inc(b.byStatus, m.status);
    b.bytesTransferred += m.bytesTransferred;
    b.badItemsEncountered += m.badItems;
    if (m.status === 'Failed') b.failed++;
    if (m.status === 'Completed' || m.status === 'CompletedWithWarning') b.completedInclWarning++;
    if (m.bytesTransferred > 0 && m.inProgressMs > 0) e.rateMoves++;
  }
  return e;
}

export function generateMoves(options: GenerateOptions): Generated {
  const o: Required<GenerateOptions> = {
    seed: 1,
    culture: 'en-US',
    delimiter: ',',
    encoding: 'utf-8-bom',
    hasTypeLine: true,
    shape: 'raw',
    columnSet: 'exo',
    hasReport: true,
    batches: 6,
    strayBadItems: 0,
    ...options,
  };
  const moves = model(o);
  const columns =
    o.shape === 'flat'
      ? flatColumns(o.columnSet)
      : o.columnSet === 'exo'
        ? EXO_RAW_COLUMNS
        : o.columnSet === 'onprem2016'
          ? ONPREM2016_COLUMNS
          : ONPREM2013_COLUMNS;
  const parts: string[] = [];
  if (o.hasTypeLine) {
    parts.push(
      o.shape === 'flat'
        ? '#TYPE Selected.Microsoft.Exchange.MailboxReplicationService.MoveRequestStatistics'
        : o.columnSet === 'exo'
          ? '#TYPE Deserialized.Microsoft.Exchange.MailboxReplicationService.MoveRequestStatistics'
          : '#TYPE Microsoft.Exchange.MailboxReplicationService.MoveRequestStatistics',
    );
  }
  parts.push(csvLine(columns, o.delimiter));
  for (const m of moves) parts.push(csvLine(rowValues(m, columns, o), o.delimiter));
  const bytes = encodeAsExport(parts.join('\r\n') + '\r\n', o.encoding);
  const bad = badItemsFile(moves, o, seededRandom(o.seed + 7));
  return {
    bytes,
    moves,
    expected: expectedOf(moves, bad.rows),
    badItems: {
      bytes: encodeAsExport(bad.text, o.encoding === 'ascii' ? 'ascii' : 'utf-8-bom'),
      rows: bad.rows,
      strayRows: o.strayBadItems,
    },
  };
}
