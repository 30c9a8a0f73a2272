/**
 * Dates as PowerShell writes them into CSV: in the exporting machine's culture (en-US `11/23/2026 2:05:09 PM`,
 * en-GB `23/11/2026 14:05:09`, de-DE `23.11.2026 14:05:09`, nl-NL `23-11-2026 14:05:09`) or ISO 8601 from
 * Graph and PowerShell 7 JSON. Day/month order cannot be told from one value, so it is decided per column
 * over all its values.
 */
export type DateOrder = 'dmy' | 'mdy' | 'ymd';

export interface DateColumnFormat {
  order: DateOrder;
  /** True when no value proved the order and it was assumed from the separator. */
  isGuessed: boolean;
}

/** Zone-less parts as written; `offsetMinutes` only when the text carried a zone (`Z`, `+01:00`). */
export interface DateParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
  offsetMinutes?: number;
}

const LOCAL =
  /^(\d{1,4})([./-])(\d{1,2})\2(\d{1,4})(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,7}))?)?\s*([AaPp]\.?[Mm]\.?)?)?$/;
const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

export function detectDateOrder(values: Iterable<string>): DateColumnFormat | undefined {
  let dayFirstProof = false;
  let monthFirstProof = false;
  let separator: string | undefined;
  let seen = false;
  for (const raw of values) {
    const v = raw.trim();
    if (!v) continue;
    if (ISO.test(v)) return { order: 'ymd', isGuessed: false };
    const m = LOCAL.exec(v);
    if (!m) continue;
    seen = true;
    if (m[1]!.length === 4) return { order: 'ymd', isGuessed: false };
    separator ??= m[2];
    const a = Number(m[1]);
    const b = Number(m[3]);
    if (a > 12) dayFirstProof = true;
    if (b > 12) monthFirstProof = true;
    if (dayFirstProof || monthFirstProof) break;
  }
  if (!seen) return undefined;
  if (dayFirstProof) return { order: 'dmy', isGuessed: false };
  if (monthFirstProof) return { order: 'mdy', isGuessed: false };
  // `.` and `-` cultures (de, nl, ru, …) put the day first; `/` is most often en-US.
  return { order: separator === '/' ? 'mdy' : 'dmy', isGuessed: true };
}

export function parseDateParts(raw: string, order: DateOrder = 'ymd'): DateParts | undefined {
  const v = raw.trim();
  if (!v) return undefined;
  const iso = ISO.exec(v);
  if (iso) {
    const frac = iso[7] ?? '0';
    const parts: DateParts = {
      year: Number(iso[1]),
      month: Number(iso[2]),
      day: Number(iso[3]),
      hour: Number(iso[4] ?? 0),
      minute: Number(iso[5] ?? 0),
      second: Number(iso[6] ?? 0),
      millisecond: Math.min(999, Math.round(Number(`0.${frac}`) * 1000)),
    };
    const zone = iso[8];
    if (zone) {
      if (zone.toUpperCase() === 'Z') parts.offsetMinutes = 0;
      else {
        const sign = zone[0] === '-' ? -1 : 1;
        const digits = zone.slice(1).replace(':', '');
        parts.offsetMinutes = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2)));
      }
    }
    return isValid(parts) ? parts : undefined;
  }
  const m = LOCAL.exec(v);
  if (!m) return undefined;
  const [a, b, c] = [Number(m[1]), Number(m[3]), Number(m[4])];
  let year: number, month: number, day: number;
  if (m[1]!.length === 4) [year, month, day] = [a, b, c];
  else if (order === 'mdy') [month, day, year] = [a, b, c];
  else [day, month, year] = [a, b, c];
  if (year < 100) year += 2000;
  let hour = Number(m[5] ?? 0);
  const ampm = m[9]?.toLowerCase().replace(/\./g, '');
  if (ampm === 'pm' && hour < 12) hour += 12;
  if (ampm === 'am' && hour === 12) hour = 0;
  const parts: DateParts = {
    year,
    month,
    day,
    hour,
    minute: Number(m[6] ?? 0),
    second: Number(m[7] ?? 0),
    millisecond: Math.min(999, Math.round(Number(`0.${m[8] ?? '0'}`) * 1000)),
  };
  return isValid(parts) ? parts : undefined;
}

function isValid(p: DateParts): boolean {
  if (p.month < 1 || p.month > 12 || p.day < 1 || p.hour > 23 || p.minute > 59 || p.second > 59) return false;
  return p.day <= new Date(utc(p.year, p.month + 1, 0, 0, 0, 0, 0)).getUTCDate();
}

/** Date.UTC, but years 0–99 stay years 0–99 (Date.UTC reads them as 1900–1999): .NET's 0001-01-01 is "never". */
function utc(year: number, month: number, day: number, h: number, m: number, s: number, ms: number): number {
  if (year >= 100) return Date.UTC(year, month - 1, day, h, m, s, ms);
  const d = new Date(Date.UTC(2000, 0, 1, h, m, s, ms));
  d.setUTCFullYear(year, month - 1, day);
  return d.getTime();
}

/**
 * Milliseconds since the epoch. A value without a zone is taken as UTC: right for Entra exports (the Graph SDK
 * and MSOnline return UTC), and for local AD/Exchange times it keeps the wall clock as written (label it zone-less).
 */
export function toEpochMs(p: DateParts): number {
  return (
    utc(p.year, p.month, p.day, p.hour, p.minute, p.second, p.millisecond) - (p.offsetMinutes ?? 0) * 60_000
  );
}

/** ISO 8601; with `Z` only when the instant is known, else zone-less as written. */
export function formatIso(p: DateParts): string {
  if (p.offsetMinutes !== undefined) return new Date(toEpochMs(p)).toISOString();
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const ms = p.millisecond ? `.${pad(p.millisecond, 3)}` : '';
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}${ms}`;
}

/** The range a JavaScript Date holds: ±100,000,000 days around 1970. */
const MAX_INSTANT = 8.64e15;

/** True when `ms` is a time a Date can hold; `new Date(ms).toISOString()` throws for any other number. */
export function isInstant(ms: number): boolean {
  return Number.isFinite(ms) && Math.abs(ms) <= MAX_INSTANT;
}

/**
 * The plausible range of a date in an identity or mail export: nothing before 1990, nothing more than two days
 * ahead of now (clock skew and time zones). Outside it is a wrong clock or a forged file: warn, do not trust.
 */
export const EARLIEST_PLAUSIBLE = Date.UTC(1990, 0, 1);
export const FUTURE_SLACK_MS = 2 * 86_400_000;

export function isPlausibleInstant(ms: number, now = Date.now()): boolean {
  return ms >= EARLIEST_PLAUSIBLE && ms <= now + FUTURE_SLACK_MS;
}
