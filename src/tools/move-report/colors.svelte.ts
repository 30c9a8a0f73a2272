// Page-side (reads the theme from the DOM), so it sits with the views, outside the no-DOM core check.
import { cssColor } from '../../lib/ui/css-color.ts';

/** Status colours from the theme, so charts read the same in light and dark. */
const STATUS_VAR: Record<string, string> = {
  Completed: '--chart-2',
  CompletedWithWarning: '--chart-2',
  Synced: '--chart-6',
  AutoSuspended: '--chart-6',
  InProgress: '--chart-1',
  CompletionInProgress: '--chart-5',
  Queued: '--muted',
  Suspended: '--chart-4',
  Failed: '--chart-3',
};

export function statusColor(status: string): string {
  const color = cssColor(STATUS_VAR[status] ?? '--border');
  // The warning variant of a finished move: the same green, lighter.
  return status === 'CompletedWithWarning' ? `color-mix(in srgb, ${color} 55%, transparent)` : color;
}

export const themeColor = cssColor;
