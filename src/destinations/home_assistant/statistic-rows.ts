/**
 * The rows `{start, state, sum}` of a statistic, continuing the running total Home Assistant holds, built from
 * its hourly sums all at once or as the hours become final.
 */
import { isoHour, type RowsChunk } from './encode.js';
import { HourlySums } from './hourly-sums.js';

export interface StatisticRow {
  start: string;
  state: number;
  sum: number;
}

export interface BuiltRows {
  rows: StatisticRow[];
  /** Start (ms) of each row, parallel to `rows`. */
  starts: number[];
}

const round = (value: number, decimals: number): number => {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor || 0;
};

/** The hours from `fromMs` on, in order, and what each holds. */
function sortedHours(
  hours: HourlySums | ReadonlyMap<number, number> | undefined,
  fromMs: number,
): { starts: number[]; values: number[] } {
  if (hours instanceof HourlySums) return hours.sorted(fromMs);
  const starts = [...(hours?.keys() ?? [])].filter((start) => start >= fromMs).sort((a, b) => a - b);
  return { starts, values: starts.map((start) => hours!.get(start)!) };
}

/**
 * `state` and `sum` of consecutive rows: `state` is the hour's kWh (or EUR), `sum` the running total
 * continuing `baseSum`, the sum Home Assistant holds for the hour just before the first row. Energy is
 * accumulated in Wh and divided once, so sums do not drift; money is kept to the micro-euro.
 */
class RunningSum {
  state = 0;
  sum = 0;
  private cumulative = 0;

  constructor(
    private readonly unit: 'kWh' | 'EUR',
    private readonly baseSum: number,
  ) {}

  /** Moves to the next row, whose hour holds `value` (Wh or EUR). */
  next(value: number): void {
    if (this.unit === 'kWh') {
      this.cumulative += value;
      this.state = round(value / 1000, 6);
      this.sum = round(this.baseSum + this.cumulative / 1000, 6);
    } else {
      this.state = round(value, 6);
      this.cumulative += this.state;
      this.sum = round(this.baseSum + this.cumulative, 6);
    }
  }
}

/** The rows of the hours from `fromMs` on, in order (see `RunningSum`). */
export function buildRows(
  hours: HourlySums | ReadonlyMap<number, number> | undefined,
  unit: 'kWh' | 'EUR',
  fromMs: number,
  baseSum: number,
): BuiltRows {
  const { starts, values } = sortedHours(hours, fromMs);
  const running = new RunningSum(unit, baseSum);
  const rows = starts.map((start, index): StatisticRow => {
    running.next(values[index]!);
    return { start: isoHour(start), state: running.state, sum: running.sum };
  });
  return { rows, starts };
}

/**
 * One statistic's rows from `fromMs` on, as JSON text `size` rows at a time (the rows of `buildRows`: no row
 * object, and each import message is serialized once; the text is what `JSON.stringify` writes). Hours are
 * taken in as they become final (`advance`), so the first chunks can be imported while later hours are still
 * being summed; the chunks are the same whenever the hours come in.
 */
export class RowStream {
  private readonly hours: HourlySums | undefined;
  /** Final hours not taken yet. */
  private available = 0;
  /** The next row starts at or after this. */
  private nextMs: number;
  /** Hours before this were counted in `available`. */
  private advancedTo: number;
  private readonly running: RunningSum;

  constructor(
    hours: HourlySums | ReadonlyMap<number, number> | undefined,
    unit: 'kWh' | 'EUR',
    fromMs: number,
    baseSum: number,
    private readonly size: number,
  ) {
    if (hours === undefined || hours instanceof HourlySums) this.hours = hours;
    else {
      this.hours = new HourlySums();
      for (const start of [...hours.keys()].sort((a, b) => a - b)) this.hours.add(start, hours.get(start)!);
    }
    this.nextMs = fromMs;
    this.advancedTo = fromMs;
    this.running = new RunningSum(unit, baseSum);
  }

  /** Takes in the hours before `beforeMs`, which will not change any more. */
  advance(beforeMs: number): void {
    if (!(beforeMs > this.advancedTo)) return;
    this.available += this.hours?.count(this.advancedTo, beforeMs) ?? 0;
    this.advancedTo = beforeMs;
  }

  /** The next `size` rows, or with `last` (every hour is in) the remaining ones; null when there are not enough. */
  take(last: boolean): RowsChunk | null {
    if (this.available === 0 || (this.available < this.size && !last) || !this.hours) return null;
    const starts: number[] = [];
    const values: number[] = [];
    this.hours.collect(this.nextMs, this.advancedTo, starts, values, this.size);
    const count = starts.length;
    const states = new Array<number>(count);
    const sums = new Array<number>(count);
    for (let index = 0; index < count; index++) {
      this.running.next(values[index]!);
      states[index] = this.running.state;
      sums[index] = this.running.sum;
    }
    const lastStartMs = starts[count - 1]!;
    this.available -= count;
    // Hour starts are whole milliseconds: the next row starts at least 1 ms later.
    this.nextMs = lastStartMs + 1;
    return { starts, states, sums, count, firstStartMs: starts[0]!, lastStartMs };
  }
}

/** Every chunk of a `RowStream` over hours that are all final. */
export function* rowChunks(
  hours: HourlySums | ReadonlyMap<number, number> | undefined,
  unit: 'kWh' | 'EUR',
  fromMs: number,
  baseSum: number,
  size: number,
): Generator<RowsChunk> {
  const stream = new RowStream(hours, unit, fromMs, baseSum, size);
  stream.advance(Number.POSITIVE_INFINITY);
  for (let chunk = stream.take(true); chunk; chunk = stream.take(true)) yield chunk;
}

/** Consecutive slices of at most `size` items. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let index = 0; index < items.length; index += size) out.push(items.slice(index, index + size));
  return out;
}
