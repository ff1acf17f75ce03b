import { describe, expect, it } from 'vitest';
import {
  addDays,
  daysBetween,
  firstDayOfMonth,
  firstDayOfYear,
  floorToHourMs,
  hoursInParisDay,
  isoWeekdayOf,
  minuteOfDay,
  naiveUtcMs,
  monthOf,
  parisDate,
  parisDateOfNaiveUtc,
  parisIntervalStartUtcMs,
  parisLocalToUtcMs,
  parisMidnightUtcMs,
  parisOffsetMs,
  parisParts,
} from '../../src/domain/paris-time.js';

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * Every half hour of the four DST days of 2024–2025, as UTC. Found by brute force with Intl (all UTC half hours
 * whose Paris wall clock reads that time, the earliest kept); the spring 02:00/02:30 gap rows, which have no
 * instant, are pushed forward by the one-hour gap.
 */
const UTC_BY_LOCAL_TIME: Record<string, [local: string, utc: string][]> = {
  '2024-03-31': [
    ['00:00', '2024-03-30T23:00:00.000Z'],
    ['00:30', '2024-03-30T23:30:00.000Z'],
    ['01:00', '2024-03-31T00:00:00.000Z'],
    ['01:30', '2024-03-31T00:30:00.000Z'],
    ['02:00', '2024-03-31T01:00:00.000Z'],
    ['02:30', '2024-03-31T01:30:00.000Z'],
    ['03:00', '2024-03-31T01:00:00.000Z'],
    ['03:30', '2024-03-31T01:30:00.000Z'],
    ['04:00', '2024-03-31T02:00:00.000Z'],
    ['04:30', '2024-03-31T02:30:00.000Z'],
    ['05:00', '2024-03-31T03:00:00.000Z'],
    ['05:30', '2024-03-31T03:30:00.000Z'],
    ['06:00', '2024-03-31T04:00:00.000Z'],
    ['06:30', '2024-03-31T04:30:00.000Z'],
    ['07:00', '2024-03-31T05:00:00.000Z'],
    ['07:30', '2024-03-31T05:30:00.000Z'],
    ['08:00', '2024-03-31T06:00:00.000Z'],
    ['08:30', '2024-03-31T06:30:00.000Z'],
    ['09:00', '2024-03-31T07:00:00.000Z'],
    ['09:30', '2024-03-31T07:30:00.000Z'],
    ['10:00', '2024-03-31T08:00:00.000Z'],
    ['10:30', '2024-03-31T08:30:00.000Z'],
    ['11:00', '2024-03-31T09:00:00.000Z'],
    ['11:30', '2024-03-31T09:30:00.000Z'],
    ['12:00', '2024-03-31T10:00:00.000Z'],
    ['12:30', '2024-03-31T10:30:00.000Z'],
    ['13:00', '2024-03-31T11:00:00.000Z'],
    ['13:30', '2024-03-31T11:30:00.000Z'],
    ['14:00', '2024-03-31T12:00:00.000Z'],
    ['14:30', '2024-03-31T12:30:00.000Z'],
    ['15:00', '2024-03-31T13:00:00.000Z'],
    ['15:30', '2024-03-31T13:30:00.000Z'],
    ['16:00', '2024-03-31T14:00:00.000Z'],
    ['16:30', '2024-03-31T14:30:00.000Z'],
    ['17:00', '2024-03-31T15:00:00.000Z'],
    ['17:30', '2024-03-31T15:30:00.000Z'],
    ['18:00', '2024-03-31T16:00:00.000Z'],
    ['18:30', '2024-03-31T16:30:00.000Z'],
    ['19:00', '2024-03-31T17:00:00.000Z'],
    ['19:30', '2024-03-31T17:30:00.000Z'],
    ['20:00', '2024-03-31T18:00:00.000Z'],
    ['20:30', '2024-03-31T18:30:00.000Z'],
    ['21:00', '2024-03-31T19:00:00.000Z'],
    ['21:30', '2024-03-31T19:30:00.000Z'],
    ['22:00', '2024-03-31T20:00:00.000Z'],
    ['22:30', '2024-03-31T20:30:00.000Z'],
    ['23:00', '2024-03-31T21:00:00.000Z'],
    ['23:30', '2024-03-31T21:30:00.000Z'],
  ],
  '2024-10-27': [
    ['00:00', '2024-10-26T22:00:00.000Z'],
    ['00:30', '2024-10-26T22:30:00.000Z'],
    ['01:00', '2024-10-26T23:00:00.000Z'],
    ['01:30', '2024-10-26T23:30:00.000Z'],
    ['02:00', '2024-10-27T00:00:00.000Z'],
    ['02:30', '2024-10-27T00:30:00.000Z'],
    ['03:00', '2024-10-27T02:00:00.000Z'],
    ['03:30', '2024-10-27T02:30:00.000Z'],
    ['04:00', '2024-10-27T03:00:00.000Z'],
    ['04:30', '2024-10-27T03:30:00.000Z'],
    ['05:00', '2024-10-27T04:00:00.000Z'],
    ['05:30', '2024-10-27T04:30:00.000Z'],
    ['06:00', '2024-10-27T05:00:00.000Z'],
    ['06:30', '2024-10-27T05:30:00.000Z'],
    ['07:00', '2024-10-27T06:00:00.000Z'],
    ['07:30', '2024-10-27T06:30:00.000Z'],
    ['08:00', '2024-10-27T07:00:00.000Z'],
    ['08:30', '2024-10-27T07:30:00.000Z'],
    ['09:00', '2024-10-27T08:00:00.000Z'],
    ['09:30', '2024-10-27T08:30:00.000Z'],
    ['10:00', '2024-10-27T09:00:00.000Z'],
    ['10:30', '2024-10-27T09:30:00.000Z'],
    ['11:00', '2024-10-27T10:00:00.000Z'],
    ['11:30', '2024-10-27T10:30:00.000Z'],
    ['12:00', '2024-10-27T11:00:00.000Z'],
    ['12:30', '2024-10-27T11:30:00.000Z'],
    ['13:00', '2024-10-27T12:00:00.000Z'],
    ['13:30', '2024-10-27T12:30:00.000Z'],
    ['14:00', '2024-10-27T13:00:00.000Z'],
    ['14:30', '2024-10-27T13:30:00.000Z'],
    ['15:00', '2024-10-27T14:00:00.000Z'],
    ['15:30', '2024-10-27T14:30:00.000Z'],
    ['16:00', '2024-10-27T15:00:00.000Z'],
    ['16:30', '2024-10-27T15:30:00.000Z'],
    ['17:00', '2024-10-27T16:00:00.000Z'],
    ['17:30', '2024-10-27T16:30:00.000Z'],
    ['18:00', '2024-10-27T17:00:00.000Z'],
    ['18:30', '2024-10-27T17:30:00.000Z'],
    ['19:00', '2024-10-27T18:00:00.000Z'],
    ['19:30', '2024-10-27T18:30:00.000Z'],
    ['20:00', '2024-10-27T19:00:00.000Z'],
    ['20:30', '2024-10-27T19:30:00.000Z'],
    ['21:00', '2024-10-27T20:00:00.000Z'],
    ['21:30', '2024-10-27T20:30:00.000Z'],
    ['22:00', '2024-10-27T21:00:00.000Z'],
    ['22:30', '2024-10-27T21:30:00.000Z'],
    ['23:00', '2024-10-27T22:00:00.000Z'],
    ['23:30', '2024-10-27T22:30:00.000Z'],
  ],
  '2025-03-30': [
    ['00:00', '2025-03-29T23:00:00.000Z'],
    ['00:30', '2025-03-29T23:30:00.000Z'],
    ['01:00', '2025-03-30T00:00:00.000Z'],
    ['01:30', '2025-03-30T00:30:00.000Z'],
    ['02:00', '2025-03-30T01:00:00.000Z'],
    ['02:30', '2025-03-30T01:30:00.000Z'],
    ['03:00', '2025-03-30T01:00:00.000Z'],
    ['03:30', '2025-03-30T01:30:00.000Z'],
    ['04:00', '2025-03-30T02:00:00.000Z'],
    ['04:30', '2025-03-30T02:30:00.000Z'],
    ['05:00', '2025-03-30T03:00:00.000Z'],
    ['05:30', '2025-03-30T03:30:00.000Z'],
    ['06:00', '2025-03-30T04:00:00.000Z'],
    ['06:30', '2025-03-30T04:30:00.000Z'],
    ['07:00', '2025-03-30T05:00:00.000Z'],
    ['07:30', '2025-03-30T05:30:00.000Z'],
    ['08:00', '2025-03-30T06:00:00.000Z'],
    ['08:30', '2025-03-30T06:30:00.000Z'],
    ['09:00', '2025-03-30T07:00:00.000Z'],
    ['09:30', '2025-03-30T07:30:00.000Z'],
    ['10:00', '2025-03-30T08:00:00.000Z'],
    ['10:30', '2025-03-30T08:30:00.000Z'],
    ['11:00', '2025-03-30T09:00:00.000Z'],
    ['11:30', '2025-03-30T09:30:00.000Z'],
    ['12:00', '2025-03-30T10:00:00.000Z'],
    ['12:30', '2025-03-30T10:30:00.000Z'],
    ['13:00', '2025-03-30T11:00:00.000Z'],
    ['13:30', '2025-03-30T11:30:00.000Z'],
    ['14:00', '2025-03-30T12:00:00.000Z'],
    ['14:30', '2025-03-30T12:30:00.000Z'],
    ['15:00', '2025-03-30T13:00:00.000Z'],
    ['15:30', '2025-03-30T13:30:00.000Z'],
    ['16:00', '2025-03-30T14:00:00.000Z'],
    ['16:30', '2025-03-30T14:30:00.000Z'],
    ['17:00', '2025-03-30T15:00:00.000Z'],
    ['17:30', '2025-03-30T15:30:00.000Z'],
    ['18:00', '2025-03-30T16:00:00.000Z'],
    ['18:30', '2025-03-30T16:30:00.000Z'],
    ['19:00', '2025-03-30T17:00:00.000Z'],
    ['19:30', '2025-03-30T17:30:00.000Z'],
    ['20:00', '2025-03-30T18:00:00.000Z'],
    ['20:30', '2025-03-30T18:30:00.000Z'],
    ['21:00', '2025-03-30T19:00:00.000Z'],
    ['21:30', '2025-03-30T19:30:00.000Z'],
    ['22:00', '2025-03-30T20:00:00.000Z'],
    ['22:30', '2025-03-30T20:30:00.000Z'],
    ['23:00', '2025-03-30T21:00:00.000Z'],
    ['23:30', '2025-03-30T21:30:00.000Z'],
  ],
  '2025-10-26': [
    ['00:00', '2025-10-25T22:00:00.000Z'],
    ['00:30', '2025-10-25T22:30:00.000Z'],
    ['01:00', '2025-10-25T23:00:00.000Z'],
    ['01:30', '2025-10-25T23:30:00.000Z'],
    ['02:00', '2025-10-26T00:00:00.000Z'],
    ['02:30', '2025-10-26T00:30:00.000Z'],
    ['03:00', '2025-10-26T02:00:00.000Z'],
    ['03:30', '2025-10-26T02:30:00.000Z'],
    ['04:00', '2025-10-26T03:00:00.000Z'],
    ['04:30', '2025-10-26T03:30:00.000Z'],
    ['05:00', '2025-10-26T04:00:00.000Z'],
    ['05:30', '2025-10-26T04:30:00.000Z'],
    ['06:00', '2025-10-26T05:00:00.000Z'],
    ['06:30', '2025-10-26T05:30:00.000Z'],
    ['07:00', '2025-10-26T06:00:00.000Z'],
    ['07:30', '2025-10-26T06:30:00.000Z'],
    ['08:00', '2025-10-26T07:00:00.000Z'],
    ['08:30', '2025-10-26T07:30:00.000Z'],
    ['09:00', '2025-10-26T08:00:00.000Z'],
    ['09:30', '2025-10-26T08:30:00.000Z'],
    ['10:00', '2025-10-26T09:00:00.000Z'],
    ['10:30', '2025-10-26T09:30:00.000Z'],
    ['11:00', '2025-10-26T10:00:00.000Z'],
    ['11:30', '2025-10-26T10:30:00.000Z'],
    ['12:00', '2025-10-26T11:00:00.000Z'],
    ['12:30', '2025-10-26T11:30:00.000Z'],
    ['13:00', '2025-10-26T12:00:00.000Z'],
    ['13:30', '2025-10-26T12:30:00.000Z'],
    ['14:00', '2025-10-26T13:00:00.000Z'],
    ['14:30', '2025-10-26T13:30:00.000Z'],
    ['15:00', '2025-10-26T14:00:00.000Z'],
    ['15:30', '2025-10-26T14:30:00.000Z'],
    ['16:00', '2025-10-26T15:00:00.000Z'],
    ['16:30', '2025-10-26T15:30:00.000Z'],
    ['17:00', '2025-10-26T16:00:00.000Z'],
    ['17:30', '2025-10-26T16:30:00.000Z'],
    ['18:00', '2025-10-26T17:00:00.000Z'],
    ['18:30', '2025-10-26T17:30:00.000Z'],
    ['19:00', '2025-10-26T18:00:00.000Z'],
    ['19:30', '2025-10-26T18:30:00.000Z'],
    ['20:00', '2025-10-26T19:00:00.000Z'],
    ['20:30', '2025-10-26T19:30:00.000Z'],
    ['21:00', '2025-10-26T20:00:00.000Z'],
    ['21:30', '2025-10-26T20:30:00.000Z'],
    ['22:00', '2025-10-26T21:00:00.000Z'],
    ['22:30', '2025-10-26T21:30:00.000Z'],
    ['23:00', '2025-10-26T22:00:00.000Z'],
    ['23:30', '2025-10-26T22:30:00.000Z'],
  ],
};

describe('parisLocalToUtcMs', () => {
  for (const [day, rows] of Object.entries(UTC_BY_LOCAL_TIME)) {
    it(`maps every half hour of ${day}`, () => {
      expect(rows).toHaveLength(48);
      for (const [local, utc] of rows)
        expect([local, iso(parisLocalToUtcMs(day, local))]).toEqual([local, utc]);
    });
  }

  it('gives the first occurrence (+02:00) of an ambiguous autumn time', () => {
    expect(iso(parisLocalToUtcMs('2024-10-27', '02:00'))).toBe('2024-10-27T00:00:00.000Z');
    expect(iso(parisLocalToUtcMs('2024-10-27', '02:59'))).toBe('2024-10-27T00:59:00.000Z');
    expect(iso(parisLocalToUtcMs('2025-10-26', '02:15'))).toBe('2025-10-26T00:15:00.000Z');
    expect(iso(parisLocalToUtcMs('2025-10-26', '01:59'))).toBe('2025-10-25T23:59:00.000Z');
  });

  it('pushes a skipped spring time forward by the gap', () => {
    expect(iso(parisLocalToUtcMs('2024-03-31', '02:00'))).toBe('2024-03-31T01:00:00.000Z');
    expect(iso(parisLocalToUtcMs('2024-03-31', '02:59'))).toBe('2024-03-31T01:59:00.000Z');
    expect(iso(parisLocalToUtcMs('2025-03-30', '02:30'))).toBe('2025-03-30T01:30:00.000Z');
    expect(iso(parisLocalToUtcMs('2025-03-30', '01:59'))).toBe('2025-03-30T00:59:00.000Z');
    expect(iso(parisLocalToUtcMs('2025-03-30', '03:00'))).toBe('2025-03-30T01:00:00.000Z');
  });

  it('handles ordinary winter and summer days, H:MM and 24:00', () => {
    expect(iso(parisLocalToUtcMs('2024-01-15', '12:00'))).toBe('2024-01-15T11:00:00.000Z');
    expect(iso(parisLocalToUtcMs('2024-07-14', '12:00'))).toBe('2024-07-14T10:00:00.000Z');
    expect(iso(parisLocalToUtcMs('2024-07-14', '7:05'))).toBe('2024-07-14T05:05:00.000Z');
    expect(iso(parisLocalToUtcMs('2024-12-31', '24:00'))).toBe('2024-12-31T23:00:00.000Z');
    expect(iso(parisLocalToUtcMs('2025-01-01', '00:30'))).toBe('2024-12-31T23:30:00.000Z');
    expect(iso(parisLocalToUtcMs('2024-02-29', '23:59'))).toBe('2024-02-29T22:59:00.000Z');
  });

  it('uses Intl outside the years the EU rule covers (1990 summer time ended in September)', () => {
    expect(iso(parisLocalToUtcMs('1990-09-29', '12:00'))).toBe('1990-09-29T10:00:00.000Z');
    expect(iso(parisLocalToUtcMs('1990-10-15', '12:00'))).toBe('1990-10-15T11:00:00.000Z');
    expect(hoursInParisDay('1990-09-30')).toBe(25);
    expect(hoursInParisDay('1990-10-28')).toBe(24);
  });

  it('rejects malformed dates and times', () => {
    expect(() => parisLocalToUtcMs('2024-02-30', '00:00')).toThrow(RangeError);
    expect(() => parisLocalToUtcMs('2023-02-29', '00:00')).toThrow(RangeError);
    expect(() => parisLocalToUtcMs('2024-1-01', '00:00')).toThrow(RangeError);
    expect(() => parisLocalToUtcMs('2024-13-01', '00:00')).toThrow(RangeError);
    expect(() => parisLocalToUtcMs('2024-01-01', '24:30')).toThrow(RangeError);
    expect(() => parisLocalToUtcMs('2024-01-01', '12:60')).toThrow(RangeError);
    expect(() => parisLocalToUtcMs('2024-01-01', '12h30')).toThrow(RangeError);
    expect(() => parisLocalToUtcMs('2024-01-01', '1a:30')).toThrow(RangeError);
    expect(() => parisLocalToUtcMs('2024-01-01', '')).toThrow(RangeError);
  });
});

describe('minuteOfDay', () => {
  it('reads H:MM, HH:MM and 24:00', () => {
    expect(minuteOfDay('00:00')).toBe(0);
    expect(minuteOfDay('6:30')).toBe(390);
    expect(minuteOfDay('22:30')).toBe(1350);
    expect(minuteOfDay('23:59')).toBe(1439);
    expect(minuteOfDay('24:00')).toBe(1440);
  });
});

describe('parisMidnightUtcMs', () => {
  it.each([
    ['2024-01-15', '2024-01-14T23:00:00.000Z'],
    ['2024-07-01', '2024-06-30T22:00:00.000Z'],
    ['2024-03-31', '2024-03-30T23:00:00.000Z'],
    ['2024-04-01', '2024-03-31T22:00:00.000Z'],
    ['2024-10-27', '2024-10-26T22:00:00.000Z'],
    ['2024-10-28', '2024-10-27T23:00:00.000Z'],
    ['2025-03-30', '2025-03-29T23:00:00.000Z'],
    ['2025-10-26', '2025-10-25T22:00:00.000Z'],
    ['2025-01-01', '2024-12-31T23:00:00.000Z'],
  ])('%s starts at %s', (date, utc) => {
    expect(iso(parisMidnightUtcMs(date))).toBe(utc);
  });
});

describe('hoursInParisDay', () => {
  it.each([
    ['2024-03-31', 23],
    ['2024-10-27', 25],
    ['2025-03-30', 23],
    ['2025-10-26', 25],
    ['2024-03-30', 24],
    ['2024-04-01', 24],
    ['2024-10-26', 24],
    ['2024-10-28', 24],
    ['2025-03-29', 24],
    ['2025-10-27', 24],
    ['2024-02-29', 24],
    ['2024-12-31', 24],
    ['2023-03-26', 23],
    ['2023-10-29', 25],
  ])('%s has %i hours', (date, hours) => {
    expect(hoursInParisDay(date)).toBe(hours);
  });
});

describe('parisParts / parisDate', () => {
  it('reads known instants', () => {
    expect(parisParts(Date.parse('2024-10-27T00:30:00Z'))).toEqual({
      date: '2024-10-27',
      hour: 2,
      minute: 30,
      isoWeekday: 7,
    });
    // The second 02:30 of the autumn day.
    expect(parisParts(new Date('2024-10-27T01:30:00Z'))).toEqual({
      date: '2024-10-27',
      hour: 2,
      minute: 30,
      isoWeekday: 7,
    });
    expect(parisParts(Date.parse('2024-03-31T01:00:00Z'))).toEqual({
      date: '2024-03-31',
      hour: 3,
      minute: 0,
      isoWeekday: 7,
    });
    expect(parisParts(Date.parse('2024-12-31T23:15:00Z'))).toEqual({
      date: '2025-01-01',
      hour: 0,
      minute: 15,
      isoWeekday: 3,
    });
    expect(parisDate(Date.parse('2024-06-30T21:59:59Z'))).toBe('2024-06-30');
    expect(parisDate(new Date('2024-06-30T22:00:00Z'))).toBe('2024-07-01');
    expect(parisDate(Date.parse('2024-01-14T23:00:00Z'))).toBe('2024-01-15');
  });

  // 90-minute steps reach both :00 and :30 of every hour of the day within two days.
  it('agrees with Intl every 90 minutes from 2015 to 2030', () => {
    const intl = new Intl.DateTimeFormat('en-CA', {
      timeZone: 'Europe/Paris',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      weekday: 'short',
      hourCycle: 'h23',
    });
    const weekdays = ['', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
    const mismatches: string[] = [];
    const end = Date.parse('2031-01-01T00:00:00Z');
    for (let ms = Date.parse('2015-01-01T00:00:00Z'); ms < end; ms += 5_400_000) {
      const p = Object.fromEntries(intl.formatToParts(ms).map((part) => [part.type, part.value]));
      const expected = `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute} ${p.weekday}`;
      const parts = parisParts(ms);
      const actual = `${parts.date} ${String(parts.hour).padStart(2, '0')}:${String(parts.minute).padStart(2, '0')} ${weekdays[parts.isoWeekday]}`;
      if (actual !== expected) mismatches.push(`${iso(ms)}: ${actual} ≠ ${expected}`);
      // Round trip, except for the second pass of an autumn 02:xx, which maps back to the first.
      const back = parisLocalToUtcMs(parts.date, actual.slice(11, 16));
      const isSecondPass = back === ms - 3_600_000 && parisOffsetMs(ms) === 3_600_000;
      if (back !== ms && !isSecondPass) mismatches.push(`${iso(ms)}: round trip gave ${iso(back)}`);
    }
    expect(mismatches).toEqual([]);
  });
});

describe('calendar dates', () => {
  it('adds days across months, years and leap days', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2024-02-29', 1)).toBe('2024-03-01');
    expect(addDays('2023-02-28', 1)).toBe('2023-03-01');
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
    expect(addDays('2025-01-01', -1)).toBe('2024-12-31');
    expect(addDays('2024-03-31', 0)).toBe('2024-03-31');
    expect(addDays('2024-01-01', 366)).toBe('2025-01-01');
    expect(addDays('2000-03-01', -1)).toBe('2000-02-29');
    expect(addDays('1900-03-01', -1)).toBe('1900-02-28');
  });

  it('counts calendar days, DST days being one day each', () => {
    expect(daysBetween('2024-01-01', '2025-01-01')).toBe(366);
    expect(daysBetween('2025-01-01', '2026-01-01')).toBe(365);
    expect(daysBetween('2024-03-30', '2024-04-01')).toBe(2);
    expect(daysBetween('2024-10-28', '2024-10-26')).toBe(-2);
    expect(daysBetween('2024-09-01', '2025-08-31')).toBe(364);
  });

  it('gives months and first days', () => {
    expect(monthOf('2024-02-29')).toBe('2024-02');
    expect(firstDayOfMonth('2024-02-29')).toBe('2024-02-01');
    expect(firstDayOfYear('2024-10-27')).toBe('2024-01-01');
    expect(() => monthOf('2024-02-30')).toThrow(RangeError);
  });

  it('gives ISO weekdays', () => {
    expect(isoWeekdayOf('2024-01-01')).toBe(1);
    expect(isoWeekdayOf('2024-03-31')).toBe(7);
    expect(isoWeekdayOf('2025-10-25')).toBe(6);
    expect(isoWeekdayOf('1970-01-01')).toBe(4);
    expect(isoWeekdayOf('1969-12-31')).toBe(3);
  });

  it('agrees with Date for every day from 1999 to 2040', () => {
    const mismatches: string[] = [];
    for (let day = Date.UTC(1999, 0, 1); day < Date.UTC(2041, 0, 1); day += 86_400_000) {
      const date = new Date(day).toISOString().slice(0, 10);
      const next = new Date(day + 86_400_000).toISOString().slice(0, 10);
      const weekday = new Date(day).getUTCDay() || 7;
      if (isoWeekdayOf(date) !== weekday) mismatches.push(`${date} weekday`);
      if (addDays(date, 1) !== next) mismatches.push(`${date} + 1`);
      if (daysBetween('1999-01-01', date) !== (day - Date.UTC(1999, 0, 1)) / 86_400_000)
        mismatches.push(`${date} daysBetween`);
    }
    expect(mismatches).toEqual([]);
  });
});

describe('floorToHourMs', () => {
  it('floors to the hour, also before 1970', () => {
    expect(iso(floorToHourMs(Date.parse('2024-10-27T01:59:59.999Z')))).toBe('2024-10-27T01:00:00.000Z');
    expect(iso(floorToHourMs(Date.parse('2024-10-27T01:00:00.000Z')))).toBe('2024-10-27T01:00:00.000Z');
    expect(floorToHourMs(-1)).toBe(-3_600_000);
    expect(floorToHourMs(-3_600_000)).toBe(-3_600_000);
  });
});

describe('speed', () => {
  it('converts a million half hours in well under a few seconds', () => {
    const dates = Array.from({ length: 730 }, (_, i) => addDays('2023-01-01', i));
    const times = Array.from(
      { length: 48 },
      (_, i) => `${String(i >> 1).padStart(2, '0')}:${i % 2 ? '30' : '00'}`,
    );
    const started = performance.now();
    let checksum = 0;
    for (let i = 0; i < 1_000_000; i++) {
      checksum += parisLocalToUtcMs(dates[Math.floor(i / 48) % 730]!, times[i % 48]!) % 7;
    }
    expect(checksum).toBeGreaterThan(0);
    expect(performance.now() - started).toBeLessThan(3_000);
  });
});

describe("parisIntervalStartUtcMs (MyElectricalData's interval_start labels)", () => {
  const start = (date: string, label: string, minutes = 30) =>
    iso(parisIntervalStartUtcMs(date, label, minutes));

  it('reads the spring-forward 02:30 as 00:30 UTC (it ended at 03:00 CEST)', () => {
    expect(start('2025-03-30', '01:00')).toBe('2025-03-30T00:00:00.000Z');
    expect(start('2025-03-30', '02:30')).toBe('2025-03-30T00:30:00.000Z');
    expect(start('2025-03-30', '03:00')).toBe('2025-03-30T01:00:00.000Z');
    expect(start('2024-03-31', '02:30')).toBe('2024-03-31T00:30:00.000Z');
  });

  it('reads the fall-back 01:30, 02:00, 02:30 as their later (CET) occurrences', () => {
    expect(start('2025-10-26', '01:00')).toBe('2025-10-25T23:00:00.000Z');
    expect(start('2025-10-26', '01:30')).toBe('2025-10-26T00:30:00.000Z');
    expect(start('2025-10-26', '02:00')).toBe('2025-10-26T01:00:00.000Z');
    expect(start('2025-10-26', '02:30')).toBe('2025-10-26T01:30:00.000Z');
    expect(start('2025-10-26', '03:00')).toBe('2025-10-26T02:00:00.000Z');
    expect(start('2024-10-27', '02:30')).toBe('2024-10-27T01:30:00.000Z');
  });

  it('agrees with parisLocalToUtcMs on every ordinary day, midnight and the last interval included', () => {
    for (const date of ['2025-01-15', '2025-03-29', '2025-03-31', '2025-07-14', '2025-10-25', '2025-10-27']) {
      for (const label of ['00:00', '01:30', '02:00', '02:30', '12:00', '23:30']) {
        expect(parisIntervalStartUtcMs(date, label, 30)).toBe(parisLocalToUtcMs(date, label));
      }
    }
    expect(start('2025-01-15', '23:00', 60)).toBe('2025-01-15T22:00:00.000Z');
  });

  it('handles hourly and quarter-hour intervals on the change days', () => {
    expect(start('2025-03-30', '02:00', 60)).toBe('2025-03-30T00:00:00.000Z');
    expect(start('2025-03-30', '02:45', 15)).toBe('2025-03-30T00:45:00.000Z');
    expect(start('2025-10-26', '02:45', 15)).toBe('2025-10-26T01:45:00.000Z');
  });
});

describe('parisDateOfNaiveUtc (EcoWatt periode)', () => {
  it('gives the Paris day of a naive UTC periode, winter and summer', () => {
    expect(parisDateOfNaiveUtc('2025-11-30 23:00:00')).toBe('2025-12-01');
    expect(parisDateOfNaiveUtc('2025-06-30 22:00:00')).toBe('2025-07-01');
    expect(parisDateOfNaiveUtc('2025-03-29 23:00:00')).toBe('2025-03-30');
    expect(parisDateOfNaiveUtc('2025-10-25 22:00:00')).toBe('2025-10-26');
  });

  it('still gives the right day for a database storing Paris midnight', () => {
    expect(parisDateOfNaiveUtc('2025-12-01 00:00:00')).toBe('2025-12-01');
    expect(parisDateOfNaiveUtc('2025-07-01T00:00:00')).toBe('2025-07-01');
  });

  it('reads fractions, and refuses what is not a timestamp', () => {
    expect(naiveUtcMs('2025-12-01 10:15:30.250')).toBe(Date.parse('2025-12-01T10:15:30.250Z'));
    expect(naiveUtcMs('2025-12-01 10:15')).toBe(Date.parse('2025-12-01T10:15:00Z'));
    expect(naiveUtcMs('2025-02-30 10:15:00')).toBeNull();
    expect(naiveUtcMs('2025-12-01 24:00:00')).toBeNull();
    expect(parisDateOfNaiveUtc('yesterday')).toBeNull();
  });
});
