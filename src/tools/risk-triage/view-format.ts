/** Small display helpers shared by the risk triage views. */
import type { Priority } from './types.ts';

export const PRIORITY_LABEL: Record<Priority, string> = {
  1: 'P1 · act now',
  2: 'P2 · today',
  3: 'P3 · this week',
  4: 'P4 · watch',
};

export function levelTone(level: string | null): 'bad' | 'warn' | 'good' | 'neutral' {
  return level === 'high'
    ? 'bad'
    : level === 'medium'
      ? 'warn'
      : level === 'low' || level === 'none'
        ? 'good'
        : 'neutral';
}

export function shortTime(iso: string | null): string {
  return iso ? iso.slice(0, 16).replace('T', ' ') : '';
}

export function sourceText(isSynced: boolean | null): string {
  return isSynced === true ? 'AD (synced)' : isSynced === false ? 'Cloud' : 'Unknown';
}
