/**
 * Dates in the exports: culture-formatted text from Export-Csv (order decided per column over all its values),
 * ISO from `ToString('o')` and Graph, and `/Date(ms)/` from Windows PowerShell 5.1's ConvertTo-Json.
 */
import {
  detectDateOrder,
  formatIso,
  parseDateParts,
  toEpochMs,
  type DateOrder,
} from '../../lib/culture/dates.ts';

export interface DateColumn {
  order: DateOrder;
  isGuessed: boolean;
}

const MS_DATE = /^\/Date\((-?\d+)(?:[+-]\d{4})?\)\/$/;

export function dateColumn(values: Iterable<string>): DateColumn {
  const f = detectDateOrder(values);
  return f ? { order: f.order, isGuessed: f.isGuessed } : { order: 'ymd', isGuessed: false };
}

export interface ParsedDate {
  /** ISO 8601: with `Z` when the instant is known (a zone in the text, or `assumeUtc`), else zone-less. */
  iso: string;
  /** Milliseconds since the epoch when the instant is known. */
  ms: number | null;
}

/**
 * `assumeUtc`: Entra exports (Graph SDK, MSOnline) return UTC without saying so; AD's zone-less dates are the
 * exporting machine's local time and stay zone-less.
 */
export function parseDate(value: unknown, order: DateOrder, assumeUtc: boolean): ParsedDate | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return { iso: new Date(value).toISOString(), ms: value };
  if (typeof value !== 'string') return null;
  const v = value.trim();
  if (!v) return null;
  const ms = MS_DATE.exec(v);
  if (ms) {
    const n = Number(ms[1]);
    return { iso: new Date(n).toISOString(), ms: n };
  }
  const p = parseDateParts(v, order);
  if (!p) return null;
  if (p.offsetMinutes !== undefined || assumeUtc) {
    const t = toEpochMs(p);
    return { iso: new Date(t).toISOString(), ms: t };
  }
  return { iso: formatIso(p), ms: null };
}
