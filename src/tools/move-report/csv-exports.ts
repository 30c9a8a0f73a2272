import { toCsv, type CsvCell } from '../../lib/csv/write.ts';
import { STATUS_ORDER, zoneLessIso } from './report.ts';
import type { MoveReport, MoveRow } from './types.ts';

export interface CsvExportOptions {
  /** `;` for Excel in cultures whose list separator is `;` (de-DE, nl-NL, fr-FR…). */
  delimiter?: ',' | ';';
}

const iso = (ms: number | null) => (ms === null ? '' : zoneLessIso(ms));
const hours = (ms: number | null) => (ms === null ? null : Math.round((ms / 3_600_000) * 100) / 100);
const round = (n: number | null, digits: number) =>
  n === null ? null : Math.round(n * 10 ** digits) / 10 ** digits;
/** Excel reads `1.5` as a date or text under a `;` culture; numbers with decimals use that culture's comma there. */
const num = (n: number | null, delimiter: string): CsvCell =>
  n === null ? '' : delimiter === ';' ? String(n).replace('.', ',') : n;

const MOVE_COLUMNS: [string, (m: MoveRow, d: string) => CsvCell][] = [
  ['Mailbox', (m) => m.name],
  ['Alias', (m) => m.alias],
  ['ExchangeGuid', (m) => m.exchangeGuid],
  ['Batch', (m) => m.batch],
  ['Status', (m) => m.status],
  ['StatusDetail', (m) => m.statusDetail],
  ['DataConsistencyScore', (m) => m.dcs],
  ['PercentComplete', (m) => m.percentComplete],
  ['PrimarySizeBytes', (m) => m.primaryBytes],
  ['ArchiveSizeBytes', (m) => m.archiveBytes],
  ['MovedSizeBytes', (m) => m.movedBytes],
  ['BytesTransferred', (m) => m.bytesTransferred],
  ['GiBPerHour', (m, d) => num(round(m.gbPerHour, 3), d)],
  ['InProgressHours', (m, d) => num(hours(m.inProgressMs), d)],
  ['ItemsTransferred', (m) => m.itemsTransferred],
  ['BadItemsEncountered', (m) => m.badItems],
  ['LargeItemsEncountered', (m) => m.largeItems],
  ['MissingItemsEncountered', (m) => m.missingItems],
  ['BadItemRows', (m) => m.badItemRows],
  ['Queued', (m) => iso(m.queuedAt)],
  ['Started', (m) => iso(m.startedAt)],
  ['InitialSeedingCompleted', (m) => iso(m.seededAt)],
  ['LastSuccessfulSync', (m) => iso(m.lastSyncAt)],
  ['Completed', (m) => iso(m.completedAt)],
  ['Failed', (m) => iso(m.failedAt)],
  ['FailureType', (m) => m.failureType],
  ['FailureSide', (m) => m.failureSide],
  ['Message', (m) => m.message],
];

/** One row per move; dates zone-less ISO as the exporting machine wrote them. */
export function movesCsv(moves: readonly MoveRow[], opts: CsvExportOptions = {}): string {
  const d = opts.delimiter ?? ',';
  return toCsv(
    MOVE_COLUMNS.map(([h]) => h),
    moves.map((m) => MOVE_COLUMNS.map(([, get]) => get(m, d))),
    { delimiter: d, bom: true },
  );
}

export function batchesCsv(
  report: Pick<MoveReport, 'batches' | 'byStatus'>,
  opts: CsvExportOptions = {},
): string {
  const d = opts.delimiter ?? ',';
  const statuses = [
    ...STATUS_ORDER.filter((s) => s in report.byStatus),
    ...Object.keys(report.byStatus).filter((s) => !(STATUS_ORDER as readonly string[]).includes(s)),
  ];
  return toCsv(
    [
      'Batch',
      'Moves',
      ...statuses,
      'BytesTransferred',
      'MovedSizeBytes',
      'BadItemsEncountered',
      'Failed',
      'CompletedInclWarning',
      'WorstDataConsistencyScore',
    ],
    report.batches.map((b) => [
      b.name,
      b.moves,
      ...statuses.map((s) => b.byStatus[s] ?? 0),
      b.bytesTransferred,
      b.movedBytes,
      b.badItemsEncountered,
      b.failed,
      b.completedInclWarning,
      b.worstDataConsistencyScore ?? '',
    ]),
    { delimiter: d, bom: true },
  );
}

export function failuresCsv(report: Pick<MoveReport, 'failures'>, opts: CsvExportOptions = {}): string {
  const d = opts.delimiter ?? ',';
  return toCsv(
    [
      'FailureType',
      'Moves',
      'FailedMoves',
      'Sides',
      'LastSeen',
      'LastMailbox',
      'LastMessage',
      'KnownError',
      'Fix',
    ],
    report.failures.map((f) => [
      f.failureType,
      f.count,
      f.failedMoves,
      Object.entries(f.bySide)
        .map(([side, n]) => `${side} ${n}`)
        .join(', '),
      iso(f.lastAt),
      f.lastMailbox,
      f.lastMessage,
      f.known?.title ?? '',
      f.known?.fix ?? '',
    ]),
    { delimiter: d, bom: true },
  );
}

export function badItemsCsv(report: Pick<MoveReport, 'badItems'>, opts: CsvExportOptions = {}): string {
  const d = opts.delimiter ?? ',';
  return toCsv(
    ['Mailbox', 'Kind', 'Folder', 'Subject', 'MessageClass', 'SizeBytes', 'DateSent', 'Failure'],
    (report.badItems?.rows ?? []).map((b) => [
      b.mailbox,
      b.kind,
      b.folder,
      b.subject,
      b.messageClass,
      b.sizeBytes,
      b.dateSent,
      b.failure,
    ]),
    { delimiter: d, bom: true },
  );
}
