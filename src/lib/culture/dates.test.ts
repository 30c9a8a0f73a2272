import { describe, expect, it } from 'vitest';
import {
  detectDateOrder,
  parseDateParts,
  toEpochMs,
  formatIso,
  isInstant,
  isPlausibleInstant,
} from './dates.ts';

describe('detectDateOrder', () => {
  it('proves day-first from a value over 12 (en-GB)', () => {
    expect(detectDateOrder(['01/02/2026 10:00:00', '23/11/2026 14:05:09'])).toEqual({
      order: 'dmy',
      isGuessed: false,
    });
  });
  it('proves month-first from a second part over 12 (en-US)', () => {
    expect(detectDateOrder(['1/2/2026 10:00:00 AM', '11/23/2026 2:05:09 PM'])).toEqual({
      order: 'mdy',
      isGuessed: false,
    });
  });
  it('guesses from the separator when no value proves it', () => {
    expect(detectDateOrder(['01.02.2026 10:00:00'])).toEqual({ order: 'dmy', isGuessed: true });
    expect(detectDateOrder(['01/02/2026'])).toEqual({ order: 'mdy', isGuessed: true });
  });
  it('recognises ISO', () => {
    expect(detectDateOrder(['', '2026-11-23T14:05:09Z'])).toEqual({ order: 'ymd', isGuessed: false });
  });
  it('returns undefined for a column without dates', () => {
    expect(detectDateOrder(['abc', ''])).toBeUndefined();
  });
});

describe('parseDateParts', () => {
  it('parses en-US with PM and 12 AM', () => {
    expect(parseDateParts('11/23/2026 2:05:09 PM', 'mdy')).toMatchObject({
      year: 2026,
      month: 11,
      day: 23,
      hour: 14,
    });
    expect(parseDateParts('11/23/2026 12:00:00 AM', 'mdy')).toMatchObject({ hour: 0 });
  });
  it('parses de-DE and nl-NL', () => {
    expect(parseDateParts('23.11.2026 14:05:09', 'dmy')).toMatchObject({ day: 23, month: 11, second: 9 });
    expect(parseDateParts('23-11-2026 14:05', 'dmy')).toMatchObject({ day: 23, month: 11, minute: 5 });
  });
  it('keeps the zone of ISO values and computes the instant', () => {
    const p = parseDateParts('2026-11-23T14:05:09.1234567+01:00')!;
    expect(p.offsetMinutes).toBe(60);
    expect(new Date(toEpochMs(p)).toISOString()).toBe('2026-11-23T13:05:09.123Z');
  });
  it('treats zone-less values as UTC wall clock', () => {
    const p = parseDateParts('23.11.2026 14:05:09', 'dmy')!;
    expect(new Date(toEpochMs(p)).toISOString()).toBe('2026-11-23T14:05:09.000Z');
    expect(formatIso(p)).toBe('2026-11-23T14:05:09');
  });
  it('rejects impossible dates', () => {
    expect(parseDateParts('31.02.2026', 'dmy')).toBeUndefined();
    expect(parseDateParts('13/13/2026', 'mdy')).toBeUndefined();
    expect(parseDateParts('not a date')).toBeUndefined();
  });
});

describe('dates at the edges', () => {
  it("keeps .NET's DateTime.MinValue (0001-01-01) in year 1, not 1901", () => {
    const p = parseDateParts('0001-01-01T00:00:00Z')!;
    expect(toEpochMs(p)).toBe(-62135596800000);
    expect(formatIso(parseDateParts('0001-01-01 00:00:00')!)).toBe('0001-01-01T00:00:00');
    // Year 4 is a leap year; 1904 would be too, but year 100 is not: the day check follows the real year.
    expect(parseDateParts('0004-02-29')).toBeDefined();
    expect(parseDateParts('0100-02-29')).toBeUndefined();
  });

  it('rounds seven fractional digits of .NET ticks without spilling into a fourth millisecond digit', () => {
    const p = parseDateParts('2026-03-05T10:00:00.9999999Z')!;
    expect(p.millisecond).toBe(999);
    expect(formatIso(p)).toBe('2026-03-05T10:00:00.999Z');
  });

  it('tells instants a Date can hold and plausible ones apart', () => {
    const now = Date.UTC(2026, 11, 2);
    expect(isInstant(8.64e15)).toBe(true);
    expect(isInstant(8.64e15 + 1)).toBe(false);
    expect(isInstant(Number.NaN)).toBe(false);
    expect(isPlausibleInstant(Date.UTC(1989, 11, 31), now)).toBe(false);
    expect(isPlausibleInstant(Date.UTC(1990, 0, 1), now)).toBe(true);
    expect(isPlausibleInstant(now + 2 * 86_400_000, now)).toBe(true);
    expect(isPlausibleInstant(now + 2 * 86_400_000 + 1, now)).toBe(false);
  });
});
