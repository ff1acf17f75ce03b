/**
 * A PDL's off-peak hours (`pdls.offpeak_hours`, an offer's `energy_offers.hc_schedules`) in every shape
 * MyElectricalData has stored, and whether a minute of a weekday falls in them.
 */

/** Off-peak period of a day in minutes; `endMinute` ≤ `startMinute` wraps past midnight, 1440 is 24:00. */
export interface OffpeakRange {
  startMinute: number;
  endMinute: number;
}

/** Off-peak ranges per ISO weekday (index 1 = Monday … 7 = Sunday; index 0 is unused and empty). */
export interface OffpeakSchedule {
  byIsoWeekday: readonly (readonly OffpeakRange[])[];
}

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
