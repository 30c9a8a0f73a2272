import { describe, expect, it } from 'vitest';
import { detectDateOrder, parseDateParts, toEpochMs, formatIso } from './dates.ts';

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
