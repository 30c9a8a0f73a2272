/**
 * One colour per move status, light and dark: every pair tells apart at a glance (Synced and AutoSuspended once
 * shared a teal) and each stands out from its card, 3:1 or more as WCAG asks of chart marks.
 */
export const STATUS_COLORS: Record<string, { light: string; dark: string }> = {
  Queued: { light: '#5b6270', dark: '#9aa3b2' },
  InProgress: { light: '#2157d4', dark: '#6d9bff' },
  CompletionInProgress: { light: '#7c3aed', dark: '#b18cff' },
  Synced: { light: '#0e7490', dark: '#4fc3d9' },
  AutoSuspended: { light: '#b4237a', dark: '#f083c4' },
  Completed: { light: '#17803d', dark: '#4ccb7a' },
  CompletedWithWarning: { light: '#5e9e2e', dark: '#b5d86a' },
  Suspended: { light: '#a05a00', dark: '#f0b45a' },
  Failed: { light: '#c42b2b', dark: '#ff7b7b' },
};

/** The card colour each theme draws charts on (`--surface` in app.css). */
export const CHART_SURFACE = { light: '#ffffff', dark: '#171a21' };
