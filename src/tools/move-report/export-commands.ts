import type { ExportCommand } from './types.ts';

/**
 * The exact bytes of a ByteQuantifiedSize. Exchange writes sizes invariantly as `5.294 GB (5,684,054,577 bytes)`,
 * also through a remote session where the object arrives as that string, so the text inside the parentheses is
 * the one form that works everywhere.
 */
const BYTES_FUNCTION = `function Get-Bytes($Size) {
    if ("$Size" -match '\\(([\\d,]+) bytes\\)') { [int64]($Matches[1] -replace ',', '') }
}`;

export const FLATTENED_EXPORT = `${BYTES_FUNCTION}

$stats = Get-MoveRequest -ResultSize Unlimited | Get-MoveRequestStatistics -IncludeReport
$stats | Select-Object DisplayName, Alias, ExchangeGuid, BatchName, Status, StatusDetail, SyncStage,
    @{n = 'Flags'; e = { [string]$_.Flags }}, RecipientTypeDetails, DataConsistencyScore, PercentComplete,
    @{n = 'TotalMailboxSizeBytes'; e = { Get-Bytes $_.TotalMailboxSize }},
    @{n = 'TotalArchiveSizeBytes'; e = { Get-Bytes $_.TotalArchiveSize }},
    @{n = 'BytesTransferredBytes'; e = { Get-Bytes $_.BytesTransferred }},
    TotalMailboxItemCount, TotalArchiveItemCount, ItemsTransferred,
    BadItemLimit, BadItemsEncountered, LargeItemLimit, LargeItemsEncountered, MissingItemsEncountered,
    @{n = 'BadItemsInReport'; e = { @($_.Report.BadItems).Count + @($_.Report.LargeItems).Count }},
    QueuedTimestamp, StartTimestamp, InitialSeedingCompletedTimestamp, LastSuccessfulSyncTimestamp,
    FinalSyncTimestamp, CompletionTimestamp, SuspendedTimestamp, FailureTimestamp, LastUpdateTimestamp,
    OverallDuration, TotalInProgressDuration, TotalQueuedDuration, TotalSuspendedDuration, TotalFailedDuration,
    TotalIdleDuration, TotalTransientFailureDuration, TotalStalledDueTo*,
    FailureType, FailureSide, FailureCode, @{n = 'Message'; e = { [string]$_.Message }},
    SourceServer, TargetDatabase, RemoteHostName |
  Export-Csv -Path moves.csv -NoTypeInformation -Encoding UTF8`;

export const BAD_ITEMS_EXPORT = `$stats = Get-MoveRequest -ResultSize Unlimited | Get-MoveRequestStatistics -IncludeReport
$stats | ForEach-Object {
    $move = $_
    $who = @{n = 'Mailbox'; e = { $move.Alias }}, @{n = 'ExchangeGuid'; e = { $move.ExchangeGuid }}
    $why = @{n = 'Failure'; e = { if ($_.Failure.Message) { $_.Failure.Message } else { [string]$_.Failure } }}
    $move.Report.BadItems | Where-Object { $_ } |
      Select-Object ($who + 'Kind', 'FolderName', 'Subject', 'MessageClass', 'MessageSize', 'DateSent', 'Category', $why)
    $move.Report.LargeItems | Where-Object { $_ } |
      Select-Object ($who + @{n = 'Kind'; e = { 'LargeItem' }}, 'FolderName', 'Subject', 'MessageClass',
        @{n = 'MessageSize'; e = { $_.ItemSize }}, 'DateSent', 'Category', $why)
} | Export-Csv -Path bad-items.csv -NoTypeInformation -Encoding UTF8`;

export const CLIXML_EXPORT = `Get-MoveRequest -ResultSize Unlimited |
  Get-MoveRequestStatistics -IncludeReport -DiagnosticInfo Verbose |
  Export-Clixml -Path move-statistics.xml`;

export function exportCommands(): ExportCommand[] {
  return [
    {
      id: 'flattened',
      title: 'Move statistics, flattened',
      why: 'Sizes as exact bytes, the move list with the bad-item count from the report, one row per move. Add -UseCulture or -Delimiter ";" as you like; this tool reads either.',
      powershell: FLATTENED_EXPORT,
    },
    {
      id: 'bad-items',
      title: 'Bad and large items, one row per item',
      why: 'Export-Csv writes Report.BadItems as a type name; this lists every skipped item with its mailbox, folder, subject and reason.',
      powershell: BAD_ITEMS_EXPORT,
    },
    {
      id: 'clixml',
      title: 'Everything, for a support case',
      why: 'Session statistics (source/destination side time, latency, word breaking) and the full failure history exist only inside the Report object, which no CSV can carry. This tool does not read it; Microsoft support and AnalyzeMoveRequestStats.ps1 do.',
      powershell: CLIXML_EXPORT,
    },
  ];
}
