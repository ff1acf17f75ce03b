import { parisIntervalStartUtcMs } from './paris-time.js';
import { MAX_PLAUSIBLE_POWER_W, intervalEnergyWh, intervalMinutes } from './units.js';

export type SkipReason =
  | 'null_value'
  | 'negative_value'
  | 'absurd_power'
  | 'unknown_interval_length'
  | 'bad_interval_start'
  | 'raw_data_not_object'
  | 'duplicate_interval';

export interface SkippedReading {
  ok: false;
  reason: SkipReason;
}

export interface IntervalReading {
  ok: true;
  /** Europe/Paris calendar day of the interval start, `YYYY-MM-DD`. */
  date: string;
  /** `interval_start` as MyElectricalData labels it (end minus length on the wall clock), as `HH:MM`. */
  localStart: string;
  startMs: number;
  endMs: number;
  minutes: number;
  /** Average power over the interval. */
  watts: number;
  /** Energy of the interval. */
  wh: number;
}

export interface DailyEnergy {
  ok: true;
  date: string;
  wh: number;
}

export interface DetailedRowInput {
  date: string;
  intervalStart: string | null;
  value: number | null;
  rawData: unknown;
}

export interface DailyRowInput {
  date: string;
  value: number | null;
}

const INTERVAL_START_PATTERN = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/;

/** Already `HH:MM` (00:00–23:59): what nearly every row holds, recognised without a regular expression. */
function isPlainTimeOfDay(text: string): boolean {
  if (text.length !== 5 || text.charCodeAt(2) !== 58) return false;
  const h1 = text.charCodeAt(0) - 48;
  const h2 = text.charCodeAt(1) - 48;
  const m1 = text.charCodeAt(3) - 48;
  const m2 = text.charCodeAt(4) - 48;
  if (!(h1 >= 0 && h1 <= 2 && h2 >= 0 && h2 <= 9 && m1 >= 0 && m1 <= 5 && m2 >= 0 && m2 <= 9)) return false;
  return h1 * 10 + h2 <= 23;
}

/** `H:MM`, `HH:MM` or `HH:MM:00` → `HH:MM`; null when it is not a time of day on a whole minute. */
export function normalizeIntervalStart(intervalStart: string | null): string | null {
  if (intervalStart === null) return null;
  if (isPlainTimeOfDay(intervalStart)) return intervalStart;
  const match = INTERVAL_START_PATTERN.exec(intervalStart.trim());
  if (!match) return null;
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  if (hours > 23 || minutes > 59 || (match[3] !== undefined && Number(match[3]) !== 0)) return null;
  return `${String(hours).padStart(2, '0')}:${match[2]}`;
}

function skipped(reason: SkipReason): SkippedReading {
  return { ok: false, reason };
}

/** A detailed (load curve) row as a usable reading, or the first reason it is not one. */
export function toInterval(row: DetailedRowInput): IntervalReading | SkippedReading {
  const localStart = normalizeIntervalStart(row.intervalStart);
  if (localStart === null) return skipped('bad_interval_start');
  const { rawData, value } = row;
  if (rawData !== null && rawData !== undefined && (typeof rawData !== 'object' || Array.isArray(rawData))) {
    return skipped('raw_data_not_object');
  }
  const minutes = intervalMinutes(rawData);
  if (minutes === null) return skipped('unknown_interval_length');
  if (value === null || Number.isNaN(value)) return skipped('null_value');
  if (value < 0) return skipped('negative_value');
  if (value > MAX_PLAUSIBLE_POWER_W) return skipped('absurd_power');
  const startMs = parisIntervalStartUtcMs(row.date, localStart, minutes);
  return {
    ok: true,
    date: row.date,
    localStart,
    startMs,
    endMs: startMs + minutes * 60_000,
    minutes,
    watts: value,
    wh: intervalEnergyWh(value, minutes),
  };
}

/** A daily row as a usable energy, or the reason it is not one. */
export function toDailyEnergy(row: DailyRowInput): DailyEnergy | SkippedReading {
  const { value } = row;
  if (value === null || Number.isNaN(value)) return skipped('null_value');
  if (value < 0) return skipped('negative_value');
  if (value > MAX_PLAUSIBLE_POWER_W * 24) return skipped('absurd_power');
  return { ok: true, date: row.date, wh: value };
}

/** Counts skipped rows by reason, for the run summary. */
export class SkipCounter {
  private readonly counts = new Map<SkipReason, number>();
  private count = 0;

  add(reason: SkipReason): void {
    this.counts.set(reason, (this.counts.get(reason) ?? 0) + 1);
    this.count += 1;
  }

  get total(): number {
    return this.count;
  }

  /** Only the reasons seen at least once. */
  toJSON(): Record<SkipReason, number> {
    return Object.fromEntries(this.counts) as Record<SkipReason, number>;
  }
}

/** How far behind the latest start a start is still remembered; rows come ordered by day, so one day is plenty. */
const DUPLICATE_HORIZON_MS = 3 * 86_400_000;

/**
 * Rejects a second reading with the same start instant in one stream (one guard per PDL and direction), e.g. the
 * same half-hour stored under `7:30` and `07:30`. MyElectricalData's own DST labels never collide (see
 * `parisIntervalStartUtcMs`).
 *
 * Starts are kept in two generations of about a horizon each, the older dropped whole when a new one begins:
 * every start within the horizon of the latest is remembered, and the sets stay small (deleting entries one by
 * one made a long stream's set reallocate its table over and over).
 */
export class DuplicateGuard {
  private recent = new Set<number>();
  private older = new Set<number>();
  /** The first start of the recent generation. */
  private recentFromMs = -Infinity;

  check(reading: IntervalReading): IntervalReading | SkippedReading {
    const { startMs } = reading;
    if (this.recent.has(startMs) || this.older.has(startMs)) return skipped('duplicate_interval');
    if (startMs - this.recentFromMs > DUPLICATE_HORIZON_MS) {
      // Everything in the older generation started before recentFromMs, over a horizon before this start.
      this.older = this.recent;
      this.recent = new Set();
      this.recentFromMs = startMs;
    }
    this.recent.add(startMs);
    return reading;
  }

  reset(): void {
    this.recent = new Set();
    this.older = new Set();
    this.recentFromMs = -Infinity;
  }
}
