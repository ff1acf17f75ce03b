/**
 * Pure building of the hourly long-term statistics: readings → energy (and cost) per hour and series → rows
 * `{start, state, sum}` continuing a running total.
 */
import { floorToHourMs, parisMidnightUtcMs } from '../../domain/paris-time.js';
import { DuplicateGuard, SkipCounter, toDailyEnergy, toInterval } from '../../domain/readings.js';
import type { OffpeakSchedule, PricingOption, TariffName } from '../../domain/tariffs.js';
import { tariffOfInterval } from '../../domain/tariffs.js';
import type { DailyRow, DetailedRow } from '../../query/types.js';
import type { TempoColorCode } from '../../domain/vocabulary.js';
import type { SeriesSpec } from './format.js';
import { isoHour } from './format.js';

export const HOUR_MS = 3_600_000;

/** What one PDL direction feeds: the all-energy series, and for consumption its tariff and cost series. */
export interface DirectionSeries {
  energy: SeriesSpec;
  tariffs: ReadonlyMap<TariffName, SeriesSpec>;
  /** Cost series of the tariffs whose price is known, with that price in €/kWh. */
  costs: ReadonlyMap<TariffName, { series: SeriesSpec; price: number }>;
}

export interface TariffRules {
  option: PricingOption;
  schedule: OffpeakSchedule;
  tempoColorOf: (tempoDay: string) => TempoColorCode | undefined;
}

export interface AggregatedDirection {
  /** Statistic id → Wh (energy series) or EUR (cost series) per hour; only statistics with some hour. */
  sums: ReadonlyMap<string, HourlySums>;
  /** The same as plain maps, statistic id → hour start (ms) → value (built when first read). */
  readonly hourly: Map<string, Map<number, number>>;
  /** Days with a daily value but no load curve: written whole at their first hour, in the energy series only. */
  notSplitDays: string[];
  /** Load-curve intervals whose tariff could not be told (unknown Tempo colour, EJP): energy series only. */
  unclassifiedIntervals: number;
  skipped: SkipCounter;
}

/** Hours per block of `HourlySums`: 1024 hours, about six weeks. */
const BLOCK_HOURS = 1024;

interface HourBlock {
  values: Float64Array;
  present: Uint8Array;
}

/**
 * Blocks of `HourlySums` handed back once a PDL direction is imported, for the next one: the typed arrays
 * live outside the JavaScript heap and are only freed by a full collection, so reusing them keeps memory flat
 * however many PDLs a pass exports.
 */
export class HourBlockPool {
  private readonly free: HourBlock[] = [];

  take(): HourBlock {
    const block = this.free.pop();
    if (!block) return { values: new Float64Array(BLOCK_HOURS), present: new Uint8Array(BLOCK_HOURS) };
    block.present.fill(0);
    return block;
  }

  give(blocks: Iterable<HourBlock>): void {
    for (const block of blocks) this.free.push(block);
  }
}

/**
 * One statistic's value per hour start: what a `Map<number, number>` would hold, in arrays of consecutive
 * hours (a map keyed by instants costs a hash and an allocation per hour, and the load curve of years has
 * tens of thousands of them). A start that is not a whole hour, which Linky data never produces, is kept
 * aside in a map.
 */
export class HourlySums {
  private readonly blocks = new Map<number, HourBlock>();
  private released = false;
  private readonly unaligned = new Map<number, number>();
  private lastBlockIndex = Number.NaN;
  private lastBlock: HourBlock | undefined;
  private empty = true;

  constructor(private readonly pool: HourBlockPool | null = null) {}

  get isEmpty(): boolean {
    return this.empty;
  }

  /** Hands the blocks to the pool; the sums must not be used any more. */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.pool?.give(this.blocks.values());
    this.blocks.clear();
    this.lastBlock = undefined;
    this.lastBlockIndex = Number.NaN;
  }

  /** Adds `value` to the hour starting at `startMs` (from 0 when the hour is new), like `map.set(h, (map.get(h) ?? 0) + value)`. */
  add(startMs: number, value: number): void {
    if (this.released) throw new Error('hourly sums used after release');
    this.empty = false;
    const hour = startMs / HOUR_MS;
    if (!Number.isInteger(hour)) {
      this.unaligned.set(startMs, (this.unaligned.get(startMs) ?? 0) + value);
      return;
    }
    const blockIndex = Math.floor(hour / BLOCK_HOURS);
    let block = this.lastBlock;
    if (blockIndex !== this.lastBlockIndex || !block) {
      block = this.blocks.get(blockIndex);
      if (!block) {
        block = this.pool
          ? this.pool.take()
          : { values: new Float64Array(BLOCK_HOURS), present: new Uint8Array(BLOCK_HOURS) };
        this.blocks.set(blockIndex, block);
      }
      this.lastBlockIndex = blockIndex;
      this.lastBlock = block;
    }
    const slot = hour - blockIndex * BLOCK_HOURS;
    if (block.present[slot] === 1) block.values[slot] = block.values[slot]! + value;
    else {
      block.present[slot] = 1;
      block.values[slot] = 0 + value;
    }
  }

  /** How many hours in [`fromMs`, `toMs`) hold a value. */
  count(fromMs: number, toMs: number): number {
    let count = 0;
    this.scan(fromMs, toMs, Number.POSITIVE_INFINITY, () => (count += 1));
    for (const start of this.unaligned.keys()) if (start >= fromMs && start < toMs) count += 1;
    return count;
  }

  /**
   * Appends the first `limit` hours in [`fromMs`, `toMs`), in order, to `starts` and what each holds to
   * `values`.
   */
  collect(
    fromMs: number,
    toMs: number,
    starts: number[],
    values: number[],
    limit = Number.POSITIVE_INFINITY,
  ): void {
    if (this.unaligned.size === 0) {
      this.scan(fromMs, toMs, limit, (start, value) => {
        starts.push(start);
        values.push(value);
      });
      return;
    }
    const added: [number, number][] = [];
    this.scan(fromMs, toMs, limit, (start, value) => added.push([start, value]));
    for (const [start, value] of this.unaligned)
      if (start >= fromMs && start < toMs) added.push([start, value]);
    added.sort((a, b) => a[0] - b[0]);
    for (const [start, value] of added.slice(0, limit)) {
      starts.push(start);
      values.push(value);
    }
  }

  /** Visits the first `limit` whole hours in [`fromMs`, `toMs`) holding a value, in order. */
  private scan(
    fromMs: number,
    toMs: number,
    limit: number,
    visit: (start: number, value: number) => void,
  ): void {
    if (!(fromMs < toMs) || !(limit > 0)) return;
    let visited = 0;
    for (const blockIndex of [...this.blocks.keys()].sort((a, b) => a - b)) {
      const firstHourMs = blockIndex * BLOCK_HOURS * HOUR_MS;
      if (firstHourMs >= toMs) return;
      if (firstHourMs + BLOCK_HOURS * HOUR_MS <= fromMs) continue;
      const block = this.blocks.get(blockIndex)!;
      const firstSlot = fromMs > firstHourMs ? Math.ceil((fromMs - firstHourMs) / HOUR_MS) : 0;
      for (let slot = firstSlot; slot < BLOCK_HOURS; slot++) {
        if (block.present[slot] !== 1) continue;
        const start = (blockIndex * BLOCK_HOURS + slot) * HOUR_MS;
        if (start >= toMs) return;
        visit(start, block.values[slot]!);
        if (++visited >= limit) return;
      }
    }
  }

  /** The hours from `fromMs` on, in order, and what each holds. */
  sorted(fromMs: number): { starts: number[]; values: number[] } {
    const starts: number[] = [];
    const values: number[] = [];
    this.collect(fromMs, Number.POSITIVE_INFINITY, starts, values);
    return { starts, values };
  }

  toMap(): Map<number, number> {
    const { starts, values } = this.sorted(Number.NEGATIVE_INFINITY);
    return new Map(starts.map((start, index) => [start, values[index]!]));
  }
}

interface TariffTarget {
  energy: HourlySums;
  cost: { sums: HourlySums; price: number } | null;
}

/**
 * Sums readings into hours. Each interval goes to the hour containing its own start (Europe/Paris → UTC, so
 * both daylight-saving days come out right: the instants are real, the hours are real) and to the tariff its
 * own start falls in, so an hour can feed both `hc` and `hp`. Days without any usable interval fall back to
 * their daily value, placed at the day's first hour.
 *
 * Given the daily rows first, then the load curve ordered by day (as the query layer returns both),
 * `settledBeforeMs` tells which hours are final while the load curve is still being read, so their rows can
 * be imported meanwhile.
 */
export class DirectionAggregator {
  private readonly sums = new Map<string, HourlySums>();
  private readonly detailedDays = new Set<string>();
  private lastDetailedDay: string | null = null;
  private readonly dailyEnergies: { date: string; wh: number }[] = [];
  /** Daily values already placed or set aside (their day is before every load-curve row still to come). */
  private dailyPlaced = 0;
  private readonly notSplitDays: string[] = [];
  /** The day of the latest load-curve row (read or skipped); rows come ordered by day. */
  private lastRowDay: string | null = null;
  /** Hours before this instant were declared final by `settledBeforeMs`. */
  private settledMs = Number.NEGATIVE_INFINITY;
  /** Daily rows came out of day order: nothing is final before `finish`. */
  private dailyUnordered = false;
  private readonly guard = new DuplicateGuard();
  private readonly skipped = new SkipCounter();
  private unclassified = 0;
  private readonly energy: HourlySums;
  private readonly tariffTargets = new Map<TariffName, TariffTarget>();
  private readonly splits: boolean;

  constructor(
    series: DirectionSeries,
    private readonly rules: TariffRules | null,
    private readonly pool: HourBlockPool | null = null,
  ) {
    this.energy = this.sumsOf(series.energy.statisticId);
    for (const [tariff, spec] of series.tariffs) {
      const cost = series.costs.get(tariff);
      this.tariffTargets.set(tariff, {
        energy: this.sumsOf(spec.statisticId),
        cost: cost ? { sums: this.sumsOf(cost.series.statisticId), price: cost.price } : null,
      });
    }
    this.splits = rules !== null && series.tariffs.size > 0;
  }

  addDetailedRow(row: DetailedRow): void {
    if (this.lastRowDay === null || row.date > this.lastRowDay) this.lastRowDay = row.date;
    else if (row.date < this.lastRowDay && this.settledMs > Number.NEGATIVE_INFINITY) {
      // Hours already declared final could change: never expected (the query orders the rows by day).
      throw new Error(`load curve rows out of day order (${row.date} after ${this.lastRowDay})`);
    }
    const parsed = toInterval(row);
    const reading = parsed.ok ? this.guard.check(parsed) : parsed;
    if (!reading.ok) {
      this.skipped.add(reading.reason);
      return;
    }
    if (reading.date !== this.lastDetailedDay) {
      this.detailedDays.add(reading.date);
      this.lastDetailedDay = reading.date;
    }
    const hour = floorToHourMs(reading.startMs);
    this.energy.add(hour, reading.wh);
    if (!this.splits) return;
    const rules = this.rules!;
    const tariff = tariffOfInterval({
      option: rules.option,
      schedule: rules.schedule,
      date: reading.date,
      localStart: reading.localStart,
      tempoColorOf: rules.tempoColorOf,
    });
    const target = tariff === null ? undefined : this.tariffTargets.get(tariff);
    if (!target) {
      this.unclassified += 1;
      return;
    }
    target.energy.add(hour, reading.wh);
    if (target.cost) target.cost.sums.add(hour, (reading.wh / 1000) * target.cost.price);
  }

  addDailyRow(row: DailyRow): void {
    const reading = toDailyEnergy(row);
    if (!reading.ok) {
      this.skipped.add(reading.reason);
      return;
    }
    const previous = this.dailyEnergies[this.dailyEnergies.length - 1];
    if (previous && reading.date < previous.date) this.dailyUnordered = true;
    this.dailyEnergies.push({ date: reading.date, wh: reading.wh });
  }

  /**
   * Every hour before the returned instant is final: the load curve has moved on to a later day (and the
   * daily value of each earlier day without load curve has been placed). −∞ while nothing is.
   */
  settledBeforeMs(): number {
    const day = this.lastRowDay;
    if (day === null || this.dailyUnordered) return this.settledMs;
    let beforeMs: number;
    try {
      beforeMs = parisMidnightUtcMs(day);
    } catch {
      return this.settledMs;
    }
    if (beforeMs <= this.settledMs) return this.settledMs;
    this.placeDailyValues(day);
    this.settledMs = beforeMs;
    return beforeMs;
  }

  /** The daily value of each day before `beforeDay` (all with null) that has no load curve, at its first hour. */
  private placeDailyValues(beforeDay: string | null): void {
    for (; this.dailyPlaced < this.dailyEnergies.length; this.dailyPlaced++) {
      const day = this.dailyEnergies[this.dailyPlaced]!;
      if (beforeDay !== null && day.date >= beforeDay) return;
      if (this.detailedDays.has(day.date)) continue;
      this.energy.add(parisMidnightUtcMs(day.date), day.wh);
      this.notSplitDays.push(day.date);
    }
  }

  /** Hands every statistic's blocks to the pool: nothing of this aggregator may be used any more. */
  release(): void {
    for (const hours of this.sums.values()) hours.release();
  }

  /** The sums of a statistic this aggregator feeds (empty until its first hour). */
  hoursOf(statisticId: string): HourlySums | undefined {
    return this.sums.get(statisticId);
  }

  finish(): AggregatedDirection {
    this.placeDailyValues(null);
    const notSplitDays = [...this.notSplitDays];
    // A statistic without any hour is left out, as if never written to.
    const sums = new Map([...this.sums].filter(([, hours]) => !hours.isEmpty));
    let hourly: Map<string, Map<number, number>> | undefined;
    return {
      sums,
      get hourly() {
        hourly ??= new Map([...sums].map(([id, hours]) => [id, hours.toMap()]));
        return hourly;
      },
      notSplitDays,
      unclassifiedIntervals: this.unclassified,
      skipped: this.skipped,
    };
  }

  private sumsOf(statisticId: string): HourlySums {
    const hours = new HourlySums(this.pool);
    this.sums.set(statisticId, hours);
    return hours;
  }
}

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

/** Consecutive rows of a statistic, ready to be written in an import message (`importMessage`). */
export interface RowsChunk {
  starts: number[];
  states: number[];
  sums: number[];
  count: number;
  firstStartMs: number;
  lastStartMs: number;
}

/** What `JSON.stringify` writes for a number. */
const jsonNumber = (value: number): string => (Number.isFinite(value) ? String(value) : 'null');

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

/** Longest text of a row besides its two numbers: `{"start":"…","state":,"sum":},` (`isoHour` writes at most 28 characters). */
const ROW_FRAME_BYTES = 60;
/** Longest number text: `writeMicros` writes at most 17 characters, `String` at most 24. */
const NUMBER_BYTES = 24;
const ROW_START = asciiBytes('{"start":"');
const ROW_STATE = asciiBytes('","state":');
const ROW_SUM = asciiBytes(',"sum":');
/** What `isoHour` writes after the hour of a whole hour. */
const WHOLE_HOUR_END = ':00:00+00:00';
const HOUR_END = asciiBytes(`${WHOLE_HOUR_END}","state":`);
const DAY_MS = 86_400_000;
const CHAR_0 = 48;
const CHAR_T = 84;
const CHAR_COMMA = 44;
const CHAR_CLOSE_BRACE = 125;
const CHAR_CLOSE_BRACKET = 93;

/**
 * The JSON of an import message holding `chunk`, as UTF-8 bytes: `head` (`{…,"stats":[`), the rows
 * `{"start":…,"state":…,"sum":…}` separated by commas, then `]}`. Exactly what `JSON.stringify` writes for
 * the message, produced without a string per row (an import is hundreds of kB, its rows pure ASCII).
 */
export function importMessage(head: Buffer, chunk: RowsChunk): Buffer {
  const { starts, states, sums, count } = chunk;
  const out = Buffer.allocUnsafe(head.length + count * (ROW_FRAME_BYTES + 2 * NUMBER_BYTES) + 2);
  let at = head.copy(out, 0);
  // The date of the last whole hour written as `YYYY-MM-DDTHH:00:00+00:00`: the next hours of that day only
  // need their hour.
  let day = Number.NaN;
  let dayText = '';
  for (let index = 0; index < count; index++) {
    if (index > 0) out[at++] = CHAR_COMMA;
    at = put(out, at, ROW_START);
    const start = starts[index]!;
    const startDay = Math.floor(start / DAY_MS);
    const hour = (start - startDay * DAY_MS) / HOUR_MS;
    const wholeHour = Number.isInteger(hour);
    if (startDay !== day || !wholeHour) {
      const text = isoHour(start);
      if (wholeHour && text.length === 25 && text.endsWith(WHOLE_HOUR_END)) {
        day = startDay;
        dayText = text;
      } else {
        day = Number.NaN;
        at += out.write(text, at, 'latin1');
        at = put(out, at, ROW_STATE);
      }
    }
    if (startDay === day && wholeHour) {
      for (let char = 0; char < 10; char++) out[at++] = dayText.charCodeAt(char);
      out[at++] = CHAR_T;
      out[at++] = CHAR_0 + Math.floor(hour / 10);
      out[at++] = CHAR_0 + (hour % 10);
      at = put(out, at, HOUR_END);
    }
    at = writeMicros(out, at, states[index]!);
    at = put(out, at, ROW_SUM);
    at = writeMicros(out, at, sums[index]!);
    out[at++] = CHAR_CLOSE_BRACE;
  }
  out[at++] = CHAR_CLOSE_BRACKET;
  out[at++] = CHAR_CLOSE_BRACE;
  return out.subarray(0, at);
}

function asciiBytes(text: string): Uint8Array {
  return Uint8Array.from(text, (char) => char.charCodeAt(0));
}

/** `bytes` written into `out` at `at`; returns the position after them. */
function put(out: Buffer, at: number, bytes: Uint8Array): number {
  for (let index = 0; index < bytes.length; index++) out[at + index] = bytes[index]!;
  return at + bytes.length;
}

/**
 * `jsonNumber` of a value rounded to 6 decimals, written into `out` at `at` from its integer count of
 * millionths (much cheaper than the shortest-round-trip conversion); returns the position after it. Exact:
 * when `value` is the double nearest to n / 10⁶ (checked) and below 10⁹ (its spacing is then under 10⁻⁶), the
 * shortest decimal that reads back as `value` is n / 10⁶ without its trailing zeros, which is what `String`
 * writes (in fixed notation from 10⁻⁶ up to 10²¹).
 */
function writeMicros(out: Buffer, at: number, value: number): number {
  const magnitude = Math.abs(value);
  let micros = Number.NaN;
  if (magnitude < 1e9 && value !== 0) {
    micros = Math.round(magnitude * 1e6);
    if (micros / 1e6 !== magnitude) micros = Number.NaN;
  }
  if (Number.isNaN(micros)) return at + out.write(jsonNumber(value), at, 'latin1');
  if (value < 0) out[at++] = 45; // '-'
  // micros < 10¹⁵: the division errs by less than 10⁻⁶, so the floor is exact; both parts are 32-bit integers.
  const integer = Math.floor(micros / 1e6);
  let fraction = micros - integer * 1e6;
  at = writeDigits(out, at, integer);
  if (fraction === 0) return at;
  let digits = 6;
  for (let tenth = (fraction / 10) | 0; fraction === tenth * 10; tenth = (fraction / 10) | 0) {
    fraction = tenth;
    digits -= 1;
  }
  out[at++] = 46; // '.'
  // `digits` fraction digits, leading zeros included.
  for (let place = digits - 1; place >= 0; place--) {
    const tenth = (fraction / 10) | 0;
    out[at + place] = CHAR_0 + fraction - tenth * 10;
    fraction = tenth;
  }
  return at + digits;
}

/** The decimal digits of a non-negative integer below 10⁹ written at `at`; returns the position after them. */
function writeDigits(out: Buffer, at: number, integer: number): number {
  let length = 1;
  for (let bound = 10; bound <= integer; bound *= 10) length += 1;
  for (let place = length - 1; place >= 0; place--) {
    const tenth = (integer / 10) | 0;
    out[at + place] = CHAR_0 + integer - tenth * 10;
    integer = tenth;
  }
  return at + length;
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
