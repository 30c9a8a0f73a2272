import { GIB, zoneLessIso } from './report.ts';
import type { Histogram } from './types.ts';

/**
 * Display helpers for the view. Sizes are binary (2³⁰ bytes, as Exchange counts though it prints "GB") and labelled
 * so: GiB, TiB, GiB/h. Dates are zone-less, as written.
 */
export function gib(bytes: number | null, digits = 2): string {
  if (bytes === null) return '–';
  const g = bytes / GIB;
  if (g >= 1024) return `${(g / 1024).toFixed(1)} TiB`;
  return g >= 100 ? `${Math.round(g).toLocaleString('en-US')} GiB` : `${g.toFixed(digits)} GiB`;
}

export function size(bytes: number | null): string {
  if (bytes === null) return '–';
  if (bytes >= GIB) return gib(bytes);
  if (bytes >= 2 ** 20) return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} B`;
}

/** `2026-11-23 14:05` — the exporting machine's local time, no zone. */
export function when(ms: number | null): string {
  return ms === null ? '' : zoneLessIso(ms).slice(0, 16).replace('T', ' ');
}

export function duration(ms: number | null): string {
  if (ms === null) return '–';
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

export function percent(value: number | null, digits = 1): string {
  return value === null ? '–' : `${value.toFixed(digits)} %`;
}

export function rate(value: number | null): string {
  return value === null ? '–' : `${value.toFixed(2)} GiB/h`;
}

export const plural = (n: number, one: string, many = `${one}s`) =>
  `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/**
 * Mailbox data copied and left, for the card and the print: BytesTransferred alone reads as finished long before it
 * is (incremental syncs and retried copies count in it), so it is named only with `withTransferred`.
 */
export function dataProgress(
  s: { mailboxDataGiB: number; dataLeftGiB: number; dataTransferredGiB: number },
  withTransferred = false,
): string {
  const copied = `${gib((s.mailboxDataGiB - s.dataLeftGiB) * GIB, 1)} of ${gib(s.mailboxDataGiB * GIB, 1)} copied · ${gib(s.dataLeftGiB * GIB, 1)} left`;
  return withTransferred
    ? `${copied} · ${gib(s.dataTransferredGiB * GIB, 1)} transferred, incremental syncs included`
    : copied;
}

/**
 * One label per histogram bar: `0.05–0.10`, the last `≥ 1.40` when moves ran faster than the last bin. As many
 * decimals as the bin width has (`0.25` → 2, `1` → none), so wide bins read `1–2`, not `1.00–2.00`.
 */
export function binLabels(h: Histogram): string[] {
  // Bin widths are round (0.05, 0.25, 2): their own decimals are the ones every edge needs.
  const digits = (String(h.binWidth).split('.')[1] ?? '').length;
  const at = (i: number) => (i * h.binWidth).toFixed(digits);
  return [
    ...h.counts.map((_, i) => `${at(i)}–${at(i + 1)}`),
    ...(h.overflow ? [`≥ ${at(h.counts.length)}`] : []),
  ];
}
