import type { ToolInfo } from '../types.ts';

export const tool: ToolInfo = {
  id: 'move-report',
  title: 'Mailbox move report',
  summary:
    'Turn Get-MoveRequestStatistics exports into a live report: batches, cut-over readiness, failures and fixes, throughput, stalls, ETA.',
  keywords: [
    'Get-MoveRequestStatistics',
    'Get-MoveRequest',
    'migration batch',
    'MRS',
    'Mailbox Replication Service',
    'hybrid migration',
    'move request',
    'BadItemLimit',
    'LargeItemLimit',
    'DataConsistencyScore',
    'bad items',
    'stalled',
    'StalledDueToTarget',
    'throughput',
    'AnalyzeMoveRequestStats',
    'onboarding',
    'cut-over',
    'Exchange Online',
  ],
  accepts: 'Get-MoveRequestStatistics CSV (raw or flattened, any culture), optional bad-items CSV',
  load: () => import('./MoveReport.svelte'),
};
