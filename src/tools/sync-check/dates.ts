/**
 * Dates in the exports: culture-formatted text from Export-Csv (order decided per column over all its values),
 * ISO from `ToString('o')` and Graph, and `/Date(ms)/` from Windows PowerShell 5.1's ConvertTo-Json.
 */
import {
  EARLIEST_PLAUSIBLE,
  FUTURE_SLACK_MS,
  isInstant,
  detectDateOrder,
  formatIso,
  parseDateParts,
  toEpochMs,
  type DateOrder,
} from '../../lib/culture/dates.ts';
import type { Issue } from '../../lib/issue.ts';

export interface DateColumn {
  order: DateOrder;
  isGuessed: boolean;
}

const MS_DATE = /^\/Date\((-?\d+)(?:[+-]\d{4})?\)\/$/;

export function dateColumn(values: Iterable<string>): DateColumn {
  const f = detectDateOrder(values);
  return f ? { order: f.order, isGuessed: f.isGuessed } : { order: 'ymd', isGuessed: false };
}

/**
 * One field of every user, read only as far as it is asked for: the first ISO 8601 value settles a column's
 * order, and a list of 200,000 values (each read from its own user, far apart in memory) is not built for it.
 */
export function* fieldOf<U>(users: readonly U[], get: (u: U) => string): Generator<string> {
  for (const u of users) yield get(u);
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
  if (typeof value === 'number')
    return isInstant(value) ? { iso: new Date(value).toISOString(), ms: value } : null;
  if (typeof value !== 'string') return null;
  const v = value.trim();
  if (!v) return null;
  const ms = MS_DATE.exec(v);
  if (ms) {
    // /Date(n)/ can carry any number of digits: one Date cannot hold is no date at all.
    const n = Number(ms[1]);
    return isInstant(n) ? { iso: new Date(n).toISOString(), ms: n } : null;
  }
  const p = parseDateParts(v, order);
  if (!p) return null;
  if (p.offsetMinutes !== undefined || assumeUtc) {
    const t = toEpochMs(p);
    return { iso: new Date(t).toISOString(), ms: t };
  }
  return { iso: formatIso(p), ms: null };
}

/** Where the date part of a value ends: at the first space or `T` after the first character, or its end. */
function dayEnd(v: string): number {
  for (let i = 1; i < v.length && i < 12; i++) {
    const c = v.charCodeAt(i);
    if (c === 32 || c === 84) return i;
  }
  return v.length;
}

/** The first run of exactly four digits: the year in every culture's date format; -1 when there is none. */
function yearOf(v: string): number {
  let run = 0;
  for (let i = 0; i < v.length && i < 24; i++) {
    const c = v.charCodeAt(i);
    if (c >= 48 && c <= 57) run++;
    else {
      if (run === 4) return Number(v.slice(i - 4, i));
      run = 0;
    }
  }
  return run === 4 && v.length <= 24 ? Number(v.slice(v.length - 4)) : -1;
}

/** `yyyy-MM-dd…` as the number yyyyMMdd; -1 when those places are not digits. */
function isoDayNumber(v: string): number {
  let n = 0;
  for (let i = 0; i < 10; i++) {
    if (i === 4 || i === 7) continue;
    const d = v.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

const FIRST_DAY = 19900101;
const OK = 0;
const IMPLAUSIBLE = 1;

/**
 * Range checks for one date column of one file: values outside 1990 … now + 2 days are kept and warned about;
 * values that are no date (or one a Date cannot hold) count as dropped. One warning of each kind per column.
 * `see` runs while the row is read and settles nearly every value by its ISO day or its year; the few left wait
 * for `finish`, which knows the column's day/month order.
 */
export class DateCheck {
  implausible = 0;
  unreadable = 0;
  #implausibleExample?: { value: string; line: number | null };
  #unreadableExample?: { value: string; line: number | null };
  readonly #latest: number;
  readonly #lastIso: string;
  readonly #firstIso = new Date(EARLIEST_PLAUSIBLE).toISOString();
  /** The day of the latest plausible instant, as yyyyMMdd. */
  readonly #lastDay: number;
  readonly #thisYear: number;
  readonly #pending: string[] = [];
  readonly #pendingLines: (number | null)[] = [];

  constructor(
    readonly assumeUtc: boolean,
    now = Date.now(),
  ) {
    this.#latest = now + FUTURE_SLACK_MS;
    this.#lastIso = new Date(this.#latest).toISOString();
    this.#lastDay = isoDayNumber(this.#lastIso);
    this.#thisYear = new Date(now).getUTCFullYear();
  }

  /** A value kept as text (AD whenCreated, Entra createdDateTime), as its row is read. */
  see(value: string, line: number | null): void {
    if (!value) return;
    if (value.charCodeAt(4) === 45 && value.charCodeAt(7) === 45) {
      const day = isoDayNumber(value);
      if (day >= FIRST_DAY && day <= this.#lastDay) return;
    } else {
      const year = yearOf(value);
      if (year > 1990 && year < this.#thisYear) return;
    }
    this.#pending.push(value);
    this.#pendingLines.push(line);
  }

  /** Settles the values `see` left, in the column's order; users share days, so each day is read once. */
  finish(order: DateOrder): this {
    const days = new Map<string, number>();
    for (let k = 0; k < this.#pending.length; k++) {
      const value = this.#pending[k]!;
      const line = this.#pendingLines[k]!;
      const cut = dayEnd(value);
      const day = cut === value.length ? value : value.slice(0, cut);
      let verdict = days.get(day);
      if (verdict === undefined) {
        const d = parseDate(day, order, true);
        if (d) {
          verdict = d.ms! >= EARLIEST_PLAUSIBLE && d.ms! <= this.#latest ? OK : IMPLAUSIBLE;
          days.set(day, verdict);
        } else {
          // Not a plain date first: /Date(n)/, or no date at all.
          const whole = parseDate(value, order, this.assumeUtc);
          if (!whole) {
            if (value.trim()) this.#noteUnreadable(value, line);
            continue;
          }
          const ms = whole.ms ?? Date.parse(`${whole.iso}Z`);
          verdict = ms >= EARLIEST_PLAUSIBLE && ms <= this.#latest ? OK : IMPLAUSIBLE;
        }
      }
      if (verdict === IMPLAUSIBLE) this.#noteImplausible(value, line);
    }
    this.#pending.length = 0;
    this.#pendingLines.length = 0;
    return this;
  }

  /** True when `iso` (read from `raw`) would be warned about: a value read to nothing, or out of range. */
  isSuspect(iso: string | null, raw: unknown): boolean {
    if (iso === null) return raw !== null && raw !== undefined && raw !== '' && String(raw).trim() !== '';
    return iso < this.#firstIso || iso > this.#lastIso;
  }

  /** A value already read to ISO text (`null`: unreadable when `raw` held something). */
  iso(iso: string | null, raw: unknown, line: number | null): void {
    if (iso === null) {
      if (raw !== null && raw !== undefined && raw !== '' && String(raw).trim())
        this.#noteUnreadable(String(raw), line);
      return;
    }
    // toISOString of years past 9999 starts with + or -, which sorts before any digit.
    if (iso < this.#firstIso || iso > this.#lastIso) this.#noteImplausible(iso, line);
  }

  #noteImplausible(value: string, line: number | null): void {
    this.implausible++;
    this.#implausibleExample ??= { value, line };
  }

  #noteUnreadable(value: string, line: number | null): void {
    this.unreadable++;
    this.#unreadableExample ??= { value, line };
  }

  issues(file: string, column: string): Issue<'bad-date'>[] {
    const out: Issue<'bad-date'>[] = [];
    const at = (e: { line: number | null }) => (e.line === null ? '' : ` on line ${e.line}`);
    const quote = (v: string) => JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}…` : v);
    const e = this.#implausibleExample;
    if (e) {
      out.push({
        code: 'bad-date',
        severity: 'warning',
        file,
        path: column,
        line: e.line ?? undefined,
        message: `${this.implausible} ${column} value${this.implausible === 1 ? ' is' : 's are'} before 1990 or after ${this.#lastIso.slice(0, 10)} (e.g. ${quote(e.value)}${at(e)}): kept as written, but check the exporting machine's clock or the file.`,
      });
    }
    const u = this.#unreadableExample;
    if (u) {
      out.push({
        code: 'bad-date',
        severity: 'warning',
        file,
        path: column,
        line: u.line ?? undefined,
        message: `${this.unreadable} ${column} value${this.unreadable === 1 ? ' is' : 's are'} not a date this tool can read or hold (e.g. ${quote(u.value)}${at(u)}): ${this.unreadable === 1 ? 'it is' : 'they are'} treated as empty.`,
      });
    }
    return out;
  }
}
