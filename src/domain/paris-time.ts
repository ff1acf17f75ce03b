/**
 * Europe/Paris wall-clock time ⇄ UTC instants, without any date library.
 *
 * Calendar dates are handled as day numbers (days since 1970-01-01) so that no `Date` object is built per call,
 * and the Paris UTC offset comes from the EU summer-time rule (Directive 2000/84/EC, in force for France since
 * 1996): +02:00 from the last Sunday of March 01:00 UTC to the last Sunday of October 01:00 UTC, +01:00
 * otherwise. Outside the years that rule is known to cover, the offset is asked of Intl instead (slow, but
 * such dates never appear in Linky data).
 */

import { DAY_MS, HOUR_MS, MINUTE_MS } from './durations.js';

const RULE_FIRST_YEAR = 1996;
const RULE_LAST_YEAR = 2099;

export interface ParisParts {
  /** `YYYY-MM-DD` */
  date: string;
  hour: number;
  minute: number;
  /** 1 = Monday … 7 = Sunday */
  isoWeekday: number;
}

// ---- calendar arithmetic (proleptic Gregorian, after H. Hinnant's "days_from_civil") ----

function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

function civilFromDays(dayNumber: number): { year: number; month: number; day: number } {
  const z = dayNumber + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function formatCivil(year: number, month: number, day: number): string {
  const yyyy = year >= 0 && year < 10_000 ? String(year).padStart(4, '0') : String(year);
  return `${yyyy}-${pad2(month)}-${pad2(day)}`;
}

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const dayNumberCache = new Map<string, number>();

/** Days since 1970-01-01 of a `YYYY-MM-DD` date; throws RangeError on anything else. */
export function dayNumberOf(date: string): number {
  const cached = dayNumberCache.get(date);
  if (cached !== undefined) return cached;
  const match = DATE_PATTERN.exec(date);
  const year = Number(match?.[1]);
  const month = Number(match?.[2]);
  const day = Number(match?.[3]);
  if (!match || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    throw new RangeError(`Invalid date ${JSON.stringify(date)}, expected YYYY-MM-DD`);
  }
  const dayNumber = daysFromCivil(year, month, day);
  if (dayNumberCache.size > 100_000) dayNumberCache.clear();
  dayNumberCache.set(date, dayNumber);
  return dayNumber;
}

const dateStringCache = new Map<number, string>();

/** `YYYY-MM-DD` of a day number (days since 1970-01-01). */
export function dateOfDayNumber(dayNumber: number): string {
  let date = dateStringCache.get(dayNumber);
  if (date === undefined) {
    const { year, month, day } = civilFromDays(dayNumber);
    date = formatCivil(year, month, day);
    if (dateStringCache.size > 100_000) dateStringCache.clear();
    dateStringCache.set(dayNumber, date);
  }
  return date;
}

function isoWeekdayOfDayNumber(dayNumber: number): number {
  // 1970-01-01 was a Thursday (ISO 4).
  return ((((dayNumber + 3) % 7) + 7) % 7) + 1;
}

// ---- the Paris offset ----

interface SummerTime {
  startMs: number;
  endMs: number;
}

const summerTimeByYear = new Map<number, SummerTime>();

function lastSundayDayNumber(year: number, month: number): number {
  const last = daysFromCivil(year, month, daysInMonth(year, month));
  return last - (isoWeekdayOfDayNumber(last) % 7);
}

function summerTimeOf(year: number): SummerTime {
  let summerTime = summerTimeByYear.get(year);
  if (!summerTime) {
    summerTime = {
      startMs: lastSundayDayNumber(year, 3) * DAY_MS + HOUR_MS,
      endMs: lastSundayDayNumber(year, 10) * DAY_MS + HOUR_MS,
    };
    summerTimeByYear.set(year, summerTime);
  }
  return summerTime;
}

let intlFormatter: Intl.DateTimeFormat | undefined;

function intlOffsetMs(utcMs: number): number {
  intlFormatter ??= new Intl.DateTimeFormat('en-US', {
    timeZone: 'Europe/Paris',
    timeZoneName: 'longOffset',
  });
  const name = intlFormatter.formatToParts(utcMs).find((part) => part.type === 'timeZoneName')?.value ?? '';
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  if (!match) return 0;
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  return (match[1] === '-' ? -minutes : minutes) * MINUTE_MS;
}

// The UTC year last looked up: consecutive calls nearly always fall in the same year.
let cachedYearStartMs = 0;
let cachedYearEndMs = -1;
let cachedSummerTime: SummerTime | undefined;

/** UTC offset of Europe/Paris at an instant, in ms (3 600 000 or 7 200 000). */
export function parisOffsetMs(utcMs: number): number {
  if (utcMs < cachedYearStartMs || utcMs >= cachedYearEndMs) {
    // The year of the UTC instant is enough: Paris and UTC years only differ around New Year, in winter time.
    const year = civilFromDays(Math.floor(utcMs / DAY_MS)).year;
    cachedYearStartMs = daysFromCivil(year, 1, 1) * DAY_MS;
    cachedYearEndMs = daysFromCivil(year + 1, 1, 1) * DAY_MS;
    cachedSummerTime = year < RULE_FIRST_YEAR || year > RULE_LAST_YEAR ? undefined : summerTimeOf(year);
  }
  if (!cachedSummerTime) return intlOffsetMs(utcMs);
  return utcMs >= cachedSummerTime.startMs && utcMs < cachedSummerTime.endMs ? 2 * HOUR_MS : HOUR_MS;
}

// ---- local ⇄ UTC ----

/** Minute of the day of `H:MM`/`HH:MM` (0…1439, or 1440 for `24:00`); throws RangeError on anything else. */
export function minuteOfDay(time: string): number {
  const length = time.length;
  const colon = length === 5 ? 2 : length === 4 ? 1 : -1;
  if (colon < 0 || time.charCodeAt(colon) !== 58)
    throw new RangeError(`Invalid time ${JSON.stringify(time)}`);
  const hours = colon === 2 ? digit(time, 0) * 10 + digit(time, 1) : digit(time, 0);
  const minutes = digit(time, colon + 1) * 10 + digit(time, colon + 2);
  if (!(hours <= 23 && minutes <= 59) && !(hours === 24 && minutes === 0)) {
    throw new RangeError(`Invalid time ${JSON.stringify(time)}`);
  }
  return hours * 60 + minutes;
}

function digit(text: string, index: number): number {
  const value = text.charCodeAt(index) - 48;
  // NaN makes every later range check fail, which is what an invalid digit should do.
  return value >= 0 && value <= 9 ? value : NaN;
}

/**
 * The instant of a Paris wall-clock time. An ambiguous autumn time (02:00–02:59 on the last Sunday of October)
 * gives its first occurrence (+02:00); a time skipped in spring (02:00–02:59 on the last Sunday of March) is
 * pushed forward by the gap, as Temporal's `disambiguation: 'compatible'` does (02:30 → 03:30 CEST).
 */
export function parisLocalToUtcMs(date: string, time: string): number {
  const wallMs = dayNumberOf(date) * DAY_MS + minuteOfDay(time) * MINUTE_MS;
  return wallClockToUtcMs(wallMs);
}

/**
 * The start instant of a half-hour (or any interval) as MyElectricalData labels it: `interval_start` is the
 * Enedis end stamp minus the interval length on the naive wall clock
 * (MyElectricalData apps/api/src/adapters/enedis.py, `_shift_timestamps_to_interval_start`), so the instant is
 * `UTC(label + length, an ambiguous wall time read as its later occurrence) − length`. On the spring-forward
 * day `02:30` is 00:30 UTC (it ended at 03:00 CEST); on the fall-back day `01:30`/`02:00`/`02:30` are
 * 00:30/01:00/01:30 UTC (the CET occurrences its upsert keeps). Every other day it equals
 * `parisLocalToUtcMs(date, label)`.
 */
export function parisIntervalStartUtcMs(date: string, label: string, minutes: number): number {
  const lengthMs = minutes * MINUTE_MS;
  const endWallMs = dayNumberOf(date) * DAY_MS + minuteOfDay(label) * MINUTE_MS + lengthMs;
  return wallClockToUtcMs(endWallMs, 'later') - lengthMs;
}

function wallClockToUtcMs(wallMs: number, ambiguous: 'earlier' | 'later' = 'earlier'): number {
  // Offsets a day apart bracket any transition; a candidate offset is right when it is the offset at the
  // instant it produces. Summer time (the larger offset) gives the earlier instant of an ambiguous time.
  const offsetBefore = parisOffsetMs(wallMs - DAY_MS);
  const offsetAfter = parisOffsetMs(wallMs + DAY_MS);
  // Transitions are months apart: the same offset on both sides means none in between.
  if (offsetBefore === offsetAfter) return wallMs - offsetBefore;
  const summer = Math.max(offsetBefore, offsetAfter);
  const winter = Math.min(offsetBefore, offsetAfter);
  const [first, second] = ambiguous === 'earlier' ? [summer, winter] : [winter, summer];
  if (parisOffsetMs(wallMs - first) === first) return wallMs - first;
  if (parisOffsetMs(wallMs - second) === second) return wallMs - second;
  // In the gap: read the wall time with the offset in force before it, which lands after the gap.
  return wallMs - offsetBefore;
}

export function parisMidnightUtcMs(date: string): number {
  return wallClockToUtcMs(dayNumberOf(date) * DAY_MS);
}

export function parisParts(instant: Date | number): ParisParts {
  const utcMs = typeof instant === 'number' ? instant : instant.getTime();
  const wallMs = utcMs + parisOffsetMs(utcMs);
  const dayNumber = Math.floor(wallMs / DAY_MS);
  const minuteOfTheDay = Math.floor((wallMs - dayNumber * DAY_MS) / MINUTE_MS);
  return {
    date: dateOfDayNumber(dayNumber),
    hour: Math.floor(minuteOfTheDay / 60),
    minute: minuteOfTheDay % 60,
    isoWeekday: isoWeekdayOfDayNumber(dayNumber),
  };
}

/**
 * The Paris calendar day of a naive `timestamp` read as UTC (`YYYY-MM-DD HH:MM[:SS…]`), or null when it is not
 * one. EcoWatt's `periode` is stored that way: 1 December's signal is `2025-11-30 23:00:00`
 * (MyElectricalData apps/api/src/services/rte.py, `fromisoformat(jour).astimezone(UTC).replace(tzinfo=None)`),
 * and a database storing Paris midnight instead (`2025-12-01 00:00:00`) still gives 1 December.
 */
export function parisDateOfNaiveUtc(timestamp: string): string | null {
  const utcMs = naiveUtcMs(timestamp);
  return utcMs === null ? null : parisDate(utcMs);
}

const NAIVE_TIMESTAMP_PATTERN = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?$/;

/** The instant of a naive `timestamp` text read as UTC, in ms, or null when it is not one. */
export function naiveUtcMs(timestamp: string): number | null {
  const match = NAIVE_TIMESTAMP_PATTERN.exec(timestamp.trim());
  if (!match) return null;
  const hours = Number(match[2]);
  const minutes = Number(match[3]);
  const seconds = Number(match[4] ?? 0);
  if (hours > 23 || minutes > 59 || seconds > 59) return null;
  let dayNumber: number;
  try {
    dayNumber = dayNumberOf(match[1]!);
  } catch {
    return null;
  }
  const fractionMs = Math.floor(Number(`0.${match[5] ?? '0'}`) * 1000);
  return dayNumber * DAY_MS + ((hours * 60 + minutes) * 60 + seconds) * 1000 + fractionMs;
}

export function parisDate(instant: Date | number): string {
  const utcMs = typeof instant === 'number' ? instant : instant.getTime();
  return dateOfDayNumber(Math.floor((utcMs + parisOffsetMs(utcMs)) / DAY_MS));
}

// ---- calendar dates ----

export function addDays(date: string, days: number): string {
  return dateOfDayNumber(dayNumberOf(date) + days);
}

/** Calendar days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return dayNumberOf(to) - dayNumberOf(from);
}

/** `YYYY-MM` */
export function monthOf(date: string): string {
  dayNumberOf(date);
  return date.slice(0, 7);
}

export function firstDayOfMonth(date: string): string {
  return `${monthOf(date)}-01`;
}

export function firstDayOfYear(date: string): string {
  dayNumberOf(date);
  return `${date.slice(0, 4)}-01-01`;
}

/** 1 = Monday … 7 = Sunday */
export function isoWeekdayOf(date: string): number {
  return isoWeekdayOfDayNumber(dayNumberOf(date));
}

/** Length of a Paris calendar day in hours: 23 on the spring-forward day, 25 on the fall-back day, else 24. */
export function hoursInParisDay(date: string): number {
  const start = parisMidnightUtcMs(date);
  const end = wallClockToUtcMs((dayNumberOf(date) + 1) * DAY_MS);
  return (end - start) / HOUR_MS;
}

/** Start of the UTC hour; Paris offsets are whole hours, so it is also the start of the Paris hour. */
export function floorToHourMs(ms: number): number {
  return ms - (((ms % HOUR_MS) + HOUR_MS) % HOUR_MS);
}
