import type { TempoColorCode } from './vocabulary.js';
import { addDays, isoWeekdayOf, minuteOfDay } from './paris-time.js';

export type PricingOption = 'BASE' | 'HC_HP' | 'TEMPO' | 'EJP' | 'HC_WEEKEND';

export type TariffName =
  'base' | 'hc' | 'hp' | 'blue_hc' | 'blue_hp' | 'white_hc' | 'white_hp' | 'red_hc' | 'red_hp';

/** Off-peak period of a day in minutes; `endMinute` ≤ `startMinute` wraps past midnight, 1440 is 24:00. */
export interface OffpeakRange {
  startMinute: number;
  endMinute: number;
}

/** Off-peak ranges per ISO weekday (index 1 = Monday … 7 = Sunday; index 0 is unused and empty). */
export interface OffpeakSchedule {
  byIsoWeekday: readonly (readonly OffpeakRange[])[];
}

const PRICING_OPTIONS_BY_SPELLING: Record<string, PricingOption> = {
  BASE: 'BASE',
  HCHP: 'HC_HP',
  HPHC: 'HC_HP',
  TEMPO: 'TEMPO',
  EJP: 'EJP',
  HCWEEKEND: 'HC_WEEKEND',
  HCHPWEEKEND: 'HC_WEEKEND',
};

/** `HC/HP`, `hc-hp`, `HCHP`, `Hc_Weekend`… → the canonical option; null when empty or unknown. */
export function normalizePricingOption(raw: string | null): PricingOption | null {
  if (raw === null) return null;
  const letters = raw.toUpperCase().replace(/[^A-Z]/g, '');
  return PRICING_OPTIONS_BY_SPELLING[letters] ?? null;
}

// ---- off-peak hours ----

const CLOCK_PATTERN = /^(\d{1,2})\s*(?::\s*(\d{2})(?::(\d{2}))?|[hH]\s*(\d{2})?)$/;

/** `22:00`, `6:30`, `22h30`, `6H`, `22:00:00` → minute of the day; 24:00 only when `allow24`. */
function parseClock(text: string, allow24: boolean): number | null {
  const match = CLOCK_PATTERN.exec(text.trim());
  if (!match) return null;
  const hours = Number(match[1]);
  const minutes = Number(match[2] ?? match[4] ?? 0);
  if ((match[3] !== undefined && Number(match[3]) !== 0) || minutes > 59) return null;
  if (hours < 24) return hours * 60 + minutes;
  return allow24 && hours === 24 && minutes === 0 ? 1440 : null;
}

function makeRange(start: string, end: string): OffpeakRange | null {
  const startMinute = parseClock(start, false);
  const endMinute = parseClock(end, true);
  if (startMinute === null || endMinute === null) return null;
  return { startMinute, endMinute };
}

/** Strips a `HC (…)` or `(…)` wrapper. */
function unwrap(text: string): string {
  const match = /^(?:HC\s*)?\(([^()]*)\)$/i.exec(text.trim());
  return match?.[1] !== undefined ? match[1].trim() : text.trim();
}

/**
 * Ranges like `22:00-06:00`, `22h30-6h30`, `HC (22H30-6H30)`, several separated by `;` or `,`.
 * Null when any part is not a range (or there is none).
 */
export function parseOffpeakRanges(text: string): OffpeakRange[] | null {
  const parts = unwrap(text)
    .split(/[;,]/)
    .map((part) => unwrap(part))
    .filter((part) => part !== '');
  if (parts.length === 0) return null;
  const ranges: OffpeakRange[] = [];
  for (const part of parts) {
    const bounds = part.split(/\s*[-–]\s*/);
    if (bounds.length !== 2 || bounds[0] === undefined || bounds[1] === undefined) return null;
    const range = makeRange(bounds[0], bounds[1]);
    if (!range) return null;
    ranges.push(range);
  }
  return ranges;
}

/** Array items: `"22:00-06:00"` strings or `{ start, end }` objects. */
function parseRangeList(items: readonly unknown[]): OffpeakRange[] | null {
  const ranges: OffpeakRange[] = [];
  for (const item of items) {
    let parsed: OffpeakRange[] | null = null;
    if (typeof item === 'string') {
      parsed = parseOffpeakRanges(item);
    } else if (isPlainObject(item) && typeof item['start'] === 'string' && typeof item['end'] === 'string') {
      const range = makeRange(item['start'], item['end']);
      parsed = range && [range];
    }
    if (!parsed) return null;
    ranges.push(...parsed);
  }
  return ranges.length > 0 ? ranges : null;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const WEEKDAY_KEYS: Record<string, number> = {
  monday: 1,
  tuesday: 2,
  wednesday: 3,
  thursday: 4,
  friday: 5,
  saturday: 6,
  sunday: 7,
  lundi: 1,
  mardi: 2,
  mercredi: 3,
  jeudi: 4,
  vendredi: 5,
  samedi: 6,
  dimanche: 7,
  // MyElectricalData's usage point columns, numbered from Monday.
  offpeak_hours_0: 1,
  offpeak_hours_1: 2,
  offpeak_hours_2: 3,
  offpeak_hours_3: 4,
  offpeak_hours_4: 5,
  offpeak_hours_5: 6,
  offpeak_hours_6: 7,
};

function sameEveryDay(ranges: readonly OffpeakRange[]): OffpeakSchedule {
  return { byIsoWeekday: [[], ranges, ranges, ranges, ranges, ranges, ranges, ranges] };
}

/** A day's value in a by-weekday object: ranges, or [] for a day without off-peak hours, or null if garbage. */
function parseDayValue(value: unknown): OffpeakRange[] | null {
  if (value === null || value === undefined) return [];
  if (typeof value === 'string') return value.trim() === '' ? [] : parseOffpeakRanges(value);
  if (Array.isArray(value)) return value.length === 0 ? [] : parseRangeList(value);
  return null;
}

function parseByWeekday(raw: Record<string, unknown>): OffpeakSchedule | null {
  const days: OffpeakRange[][] = [[], [], [], [], [], [], [], []];
  let weekdayKeys = 0;
  for (const [key, value] of Object.entries(raw)) {
    const isoWeekday = WEEKDAY_KEYS[key.trim().toLowerCase()];
    if (isoWeekday === undefined) continue;
    weekdayKeys += 1;
    const ranges = parseDayValue(value);
    if (!ranges) return null;
    days[isoWeekday] = ranges;
  }
  if (weekdayKeys === 0 || days.every((ranges) => ranges.length === 0)) return null;
  return { byIsoWeekday: days };
}

/**
 * A PDL's `offpeak_hours` in any of the shapes MyElectricalData has stored: `{ ranges: [...] }`,
 * `{ default: "HC (22H30-6H30)" }`, an object keyed by weekday (English, French or `offpeak_hours_0`…`_6`
 * from Monday), an array of `{ start, end }`, or a bare range string. Null when it cannot be read; the caller
 * then falls back to its configured ranges.
 */
export function parseOffpeakHours(raw: unknown): OffpeakSchedule | null {
  if (typeof raw === 'string') {
    const ranges = parseOffpeakRanges(raw);
    return ranges && sameEveryDay(ranges);
  }
  if (Array.isArray(raw)) {
    const ranges = parseRangeList(raw);
    return ranges && sameEveryDay(ranges);
  }
  if (!isPlainObject(raw)) return null;
  const byWeekday = parseByWeekday(raw);
  if (byWeekday) return byWeekday;
  if (Array.isArray(raw['ranges'])) {
    const ranges = parseRangeList(raw['ranges']);
    return ranges && sameEveryDay(ranges);
  }
  if (typeof raw['default'] === 'string') {
    const ranges = parseOffpeakRanges(raw['default']);
    return ranges && sameEveryDay(ranges);
  }
  return null;
}

function inRange(range: OffpeakRange, minute: number): boolean {
  const { startMinute, endMinute } = range;
  return startMinute < endMinute
    ? minute >= startMinute && minute < endMinute
    : minute >= startMinute || minute < endMinute;
}

/**
 * Whether a minute of a weekday is off-peak; ranges are [start, end). A range that wraps midnight is read on
 * its own day's clock (`22:00-06:00` on Monday covers Monday 00:00–06:00 and 22:00–24:00).
 */
export function isOffpeak(schedule: OffpeakSchedule, isoWeekday: number, minuteOfDay: number): boolean {
  const ranges = schedule.byIsoWeekday[isoWeekday] ?? [];
  return ranges.some((range) => inRange(range, minuteOfDay));
}

// ---- tariffs ----

/** Tariff periods a pricing option splits energy into; EJP peak days are not in the database, so it is not split. */
export function tariffNames(option: PricingOption): TariffName[] {
  switch (option) {
    case 'BASE':
      return ['base'];
    case 'HC_HP':
    case 'HC_WEEKEND':
      return ['hc', 'hp'];
    case 'TEMPO':
      return ['blue_hc', 'blue_hp', 'white_hc', 'white_hp', 'red_hc', 'red_hp'];
    case 'EJP':
      return [];
  }
}

/** Tempo hours are fixed by the offer: HP 06:00–22:00, HC 22:00–06:00, whatever the PDL's off-peak hours. */
const TEMPO_DAY_START_MINUTE = 6 * 60;
const TEMPO_HP_END_MINUTE = 22 * 60;

/** The Tempo day (which runs 06:00 → 06:00) an interval starting at `localStart` on `date` belongs to. */
export function tempoDayOf(date: string, localStart: string): string {
  return minuteOfDay(localStart) < TEMPO_DAY_START_MINUTE ? addDays(date, -1) : date;
}

const TEMPO_TARIFFS: Record<TempoColorCode, { hc: TariffName; hp: TariffName }> = {
  BLUE: { hc: 'blue_hc', hp: 'blue_hp' },
  WHITE: { hc: 'white_hc', hp: 'white_hp' },
  RED: { hc: 'red_hc', hp: 'red_hp' },
};

export interface TariffOfIntervalArgs {
  option: PricingOption;
  schedule: OffpeakSchedule;
  /** Paris calendar day of the interval start. */
  date: string;
  /** Interval start, `HH:MM` Paris wall clock. */
  localStart: string;
  tempoColorOf: (tempoDay: string) => TempoColorCode | undefined;
}

/** The tariff period an interval is billed in, decided by its start; null when it cannot be told (EJP, unknown Tempo colour). */
export function tariffOfInterval(args: TariffOfIntervalArgs): TariffName | null {
  const { option, schedule, date, localStart } = args;
  const minute = minuteOfDay(localStart);
  switch (option) {
    case 'BASE':
      return 'base';
    case 'HC_HP':
      return isOffpeak(schedule, isoWeekdayOf(date), minute) ? 'hc' : 'hp';
    case 'HC_WEEKEND': {
      const isoWeekday = isoWeekdayOf(date);
      return isoWeekday >= 6 || isOffpeak(schedule, isoWeekday, minute) ? 'hc' : 'hp';
    }
    case 'TEMPO': {
      const color = args.tempoColorOf(tempoDayOf(date, localStart));
      if (color === undefined) return null;
      const tariffs = TEMPO_TARIFFS[color];
      if (!tariffs) return null;
      return minute >= TEMPO_DAY_START_MINUTE && minute < TEMPO_HP_END_MINUTE ? tariffs.hp : tariffs.hc;
    }
    case 'EJP':
      return null;
  }
}
