import { createHash } from 'node:crypto';
import {
  DuplicateGuard,
  addDays,
  firstDayOfMonth,
  monthOf,
  parisMidnightUtcMs,
  toDailyEnergy,
  toInterval,
} from '../../domain/index.js';
import type { SkipCounter } from '../../domain/index.js';
import type { DateRange, DetailedRow, QueryLayer } from '../../query/types.js';
import type { EnergyDirection } from '../../domain/vocabulary.js';
import type { BatchSender, Series } from './batch-sender.js';
import type { TariffDays } from './tariff-days.js';
import type { EnergyType } from './writer.js';

/**
 * What one energy stream (a PDL, a direction, a granularity) sends in a pass.
 *
 * A time-series server may keep every sample it receives (VictoriaMetrics without deduplication does), so
 * sending a day again can store a duplicate. Days are sent when they are new or changed (the core's change
 * window), and a fingerprint of what was sent per day (per month for totals) lets a pass skip a day whose rows
 * were rewritten with the same content: MyElectricalData re-fetches recent days, and the core re-reads a safety
 * margin before its watermark.
 */
export interface StreamPlan {
  /** Every row: the stream's first pass. */
  full: boolean;
  /** Days with rows (of either granularity) inserted or updated since the last confirmed delivery, sorted. */
  changedDates: readonly string[];
  /** The change window's start: a day is only sent if one of this granularity's own rows changed after it. */
  changedSince: Date | null;
  /**
   * Every day from this one on is sent again, whatever its fingerprint: `--since`, or where an interrupted
   * backfill stopped.
   */
  resendFrom: string | null;
  /** Fingerprints of what earlier passes sent, by day (`YYYY-MM-DD`) or month (`YYYY-MM`). */
  sent: Readonly<Record<string, string>>;
  /**
   * Fingerprints of days from this one on are kept for the next pass, besides the days handled now; monthly
   * fingerprints are all kept (a few dozen).
   */
  keepFrom: string;
}

export interface StreamInput {
  query: QueryLayer;
  sender: BatchSender;
  usagePointId: string;
  /** The stream's series, from the destination's schema. */
  series: Series;
  /** Detailed streams: where the power of each interval goes too, when the destination stores it. */
  powerSeries: Series | null;
  direction: EnergyDirection;
  type: EnergyType;
  plan: StreamPlan;
  skipped: SkipCounter;
  /** For a detailed stream: its rows, when readDetailedRows started reading them earlier. */
  detailedRows?: AsyncIterableIterator<DetailedRow[]>;
  /**
   * A consumption load curve's tariff samples (see tariff-days.ts), which ride on it: `detailedRows` then also
   * holds the days only they need (a first pass that prices them, a Tempo colour that arrived).
   */
  tariffs?: TariffDays;
  /**
   * Called after a batch was accepted with the last day (or month) whose samples are now all accepted, and the
   * fingerprints of the units up to it (to keep if the pass fails later in this stream).
   */
  onConfirmed(unit: string, fingerprints: Record<string, string>): void;
}

/** Sorted dates → ranges of consecutive days. */
export function consecutiveRanges(dates: readonly string[]): Required<DateRange>[] {
  const ranges: Required<DateRange>[] = [];
  for (const date of dates) {
    const last = ranges[ranges.length - 1];
    if (last && addDays(last.to, 1) === date) last.to = date;
    else if (!last || date > last.to) ranges.push({ from: date, to: date });
  }
  return ranges;
}

/** Each run of changed days before `from`, then everything from `from` on (changed days after it included). */
export function dailySelectionRanges(changedDates: readonly string[], from: string | null): DateRange[] {
  const before = from === null ? changedDates : changedDates.filter((date) => date < from);
  const ranges: DateRange[] = consecutiveRanges(before);
  if (from !== null) ranges.push({ from });
  return ranges;
}

/**
 * Whole months, since a total depends on all its days: the month of each changed day (the current month,
 * growing day by day, included), and every month from `from`'s on.
 */
export function monthlySelectionRanges(changedDates: readonly string[], from: string | null): DateRange[] {
  const openFrom = from === null ? null : firstDayOfMonth(from);
  const months = new Set<string>();
  for (const date of changedDates) if (openFrom === null || date < openFrom) months.add(monthOf(date));
  const ranges: DateRange[] = [...months]
    .sort()
    .map((month) => ({ from: `${month}-01`, to: addDays(firstDayOfMonth(addDays(`${month}-28`, 4)), -1) }));
  if (openFrom !== null) ranges.push({ from: openFrom });
  return ranges;
}

function digest(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('base64url').slice(0, 10);
}

function detailedFingerprint(rows: readonly DetailedRow[]): string {
  return digest(rows.map((row) => [row.intervalStart, row.value, lengthOf(row.rawData)]));
}

function lengthOf(rawData: unknown): unknown {
  return typeof rawData === 'object' && rawData !== null
    ? (rawData as Record<string, unknown>)['interval_length']
    : rawData;
}

/**
 * Days of load curve read per query. Over the whole history, each keyset page makes PostgreSQL read and sort
 * every remaining row (the order on `coalesce(interval_start, '')` is not the index's); a window of days is an
 * index range of a few thousand rows (17 280 at most at a 10-minute step), sorted in memory, in one page.
 */
const WINDOW_DAYS = 120;

/**
 * Windows read ahead of the one being sent: PostgreSQL reads them (on a connection of their own) while this
 * process formats and sends, so that neither waits for the other.
 */
const WINDOWS_AHEAD = 1;

interface Window {
  to: string;
  pages: Promise<DetailedRow[][]>;
}

/**
 * The detailed rows of a range (the whole history without one), in `detailedPages`' order, read a window of
 * days at a time, the next windows already asked for. An empty window jumps to the next day that has rows, so a
 * gap in the history costs a few queries. A stream left early waits for the reads under way.
 */
async function* detailedWindows(
  query: QueryLayer,
  direction: EnergyDirection,
  usagePointId: string,
  range: DateRange | undefined,
): AsyncGenerator<DetailedRow[]> {
  const last = range?.to;
  const within = (day: string | undefined) =>
    day !== undefined && (last === undefined || day <= last) ? day : undefined;
  const firstDayFrom = async (from: string | undefined): Promise<string | undefined> => {
    const rest: DateRange = {};
    if (from !== undefined) rest.from = from;
    if (last !== undefined) rest.to = last;
    for await (const page of query.detailedPages(direction, usagePointId, rest, 1)) return page[0]?.date;
    return undefined;
  };
  const read = (from: string): Window => {
    let to = addDays(from, WINDOW_DAYS - 1);
    if (last !== undefined && last < to) to = last;
    const pages = (async () => {
      const all: DetailedRow[][] = [];
      for await (const page of query.detailedPages(direction, usagePointId, { from, to })) all.push(page);
      return all;
    })();
    // Awaited in turn; until then a failure must not count as unhandled.
    pages.catch(() => undefined);
    return { to, pages };
  };
  const queue: Window[] = [];
  let next = within(range?.from ?? (await firstDayFrom(undefined)));
  try {
    for (;;) {
      while (next !== undefined && queue.length <= WINDOWS_AHEAD) {
        const window = read(next);
        queue.push(window);
        next = within(addDays(window.to, 1));
      }
      const window = queue.shift();
      if (!window) return;
      const pages = await window.pages;
      if (pages.length > 0) {
        for (const page of pages) yield page;
        continue;
      }
      // A gap (or the end): the windows asked for after it may be empty too.
      await Promise.allSettled(queue.splice(0).map((pending) => pending.pages));
      const after = within(addDays(window.to, 1));
      next = after === undefined ? undefined : within(await firstDayFrom(after));
    }
  } finally {
    await Promise.allSettled(queue.map((pending) => pending.pages));
  }
}

/**
 * The rows a detailed stream sends, read from now on: its first windows are asked for at once, so PostgreSQL
 * reads them while the streams before it are sent. Hand them to sendEnergyStream (`detailedRows`), or `return()`
 * them if the pass stops before.
 */
export function readDetailedRows(
  query: QueryLayer,
  direction: EnergyDirection,
  usagePointId: string,
  plan: Pick<StreamPlan, 'full' | 'changedDates' | 'resendFrom'>,
): AsyncIterableIterator<DetailedRow[]> {
  const ranges: (DateRange | undefined)[] = plan.full
    ? [undefined]
    : dailySelectionRanges(plan.changedDates, plan.resendFrom);
  const source = (async function* () {
    for (const range of ranges) yield* detailedWindows(query, direction, usagePointId, range);
  })();
  let first: Promise<IteratorResult<DetailedRow[]>> | null = source.next();
  first.catch(() => undefined);
  const takeFirst = () => {
    const result = first;
    first = null;
    return result;
  };
  return {
    next: () => takeFirst() ?? source.next(),
    async return() {
      await takeFirst()?.catch(() => undefined);
      return source.return(undefined);
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

/**
 * Sends the stream's samples (the caller flushes the last batch); returns the fingerprints to keep for the next
 * pass. `onConfirmed` runs as the server accepts the batches, which may be after this returns.
 */
export async function sendEnergyStream(input: StreamInput): Promise<Record<string, string>> {
  const { plan, sender, direction, type, series, powerSeries, skipped } = input;
  const kind = `${direction}_${type}`;
  const byMonth = type === 'monthly';
  const unitOf = (date: string) => (byMonth ? date.slice(0, 7) : date);
  const resendFromUnit = plan.resendFrom === null ? null : unitOf(plan.resendFrom);
  const keepFromUnit = byMonth ? '' : plan.keepFrom;
  const kept: Record<string, string> = {};
  let lastUnit: string | null = null;

  /**
   * Whether a unit (day or month) is to be sent, remembering its fingerprint (computed only when it is needed).
   * `changedAt` (the newest `updated_at` of the unit's rows) tells apart the granularity that changed: a
   * corrected daily value must not re-send the untouched load curve of that day.
   */
  const decide = (unit: string, fingerprintOf: () => string, changedAt?: () => Date): boolean => {
    if (plan.full || (resendFromUnit !== null && unit >= resendFromUnit)) {
      if (!plan.full || unit >= keepFromUnit) kept[unit] = fingerprintOf();
      return true;
    }
    const fingerprint = fingerprintOf();
    kept[unit] = fingerprint;
    if (changedAt !== undefined && plan.changedSince !== null && changedAt() <= plan.changedSince)
      return false;
    return plan.sent[unit] !== fingerprint;
  };

  /** Before a unit's samples: a full batch goes out now, between two units. */
  const startUnit = async (unit: string) => {
    if (sender.full && lastUnit !== null) {
      const through = lastUnit;
      const accepted = Object.fromEntries(Object.entries(kept).filter(([sent]) => sent <= through));
      sender.whenAccepted(() => input.onConfirmed(through, accepted));
    }
    await sender.flushIfFull();
    lastUnit = unit;
  };

  const ranges: (DateRange | undefined)[] = plan.full
    ? [undefined]
    : byMonth
      ? monthlySelectionRanges(plan.changedDates, plan.resendFrom)
      : dailySelectionRanges(plan.changedDates, plan.resendFrom);

  if (type === 'daily') {
    for (const range of ranges) {
      for (const row of await input.query.dailyRows(direction, input.usagePointId, range)) {
        if (
          !decide(
            row.date,
            () => String(row.value),
            () => row.updatedAt,
          )
        )
          continue;
        await startUnit(row.date);
        const reading = toDailyEnergy(row);
        if (!reading.ok) skipped.add(reading.reason);
        else sender.addValue(kind, series, reading.wh, parisMidnightUtcMs(reading.date));
      }
    }
  } else if (type === 'monthly') {
    for (const range of ranges) {
      for (const total of await input.query.monthlyTotals(direction, input.usagePointId, range)) {
        if (!decide(total.month, () => `${total.wh}/${total.days}`)) continue;
        await startUnit(total.month);
        sender.addValue(kind, series, total.wh, parisMidnightUtcMs(`${total.month}-01`));
      }
    }
  } else {
    const duplicates = new DuplicateGuard();
    let day: DetailedRow[] = [];
    const latestUpdate = (rows: readonly DetailedRow[]) => {
      let latest = rows[0]!.updatedAt;
      for (const row of rows) if (row.updatedAt > latest) latest = row.updatedAt;
      return latest;
    };
    const { tariffs } = input;
    // Each interval's energy and power: one point, one line where the format allows it.
    const point = powerSeries === null ? null : sender.point(series, powerSeries);
    // The days this stream's own plan reads; the others were read for the tariff samples only.
    const energyDates = tariffs && !plan.full ? new Set(plan.changedDates) : null;
    const isEnergyDay = (date: string) =>
      energyDates === null || energyDates.has(date) || (resendFromUnit !== null && date >= resendFromUnit);
    const sendDay = async (rows: readonly DetailedRow[]) => {
      const first = rows[0];
      if (!first) return;
      const sendsEnergy =
        isEnergyDay(first.date) &&
        decide(
          first.date,
          () => detailedFingerprint(rows),
          () => latestUpdate(rows),
        );
      const tariffDay = tariffs ? tariffs.day(first.date, sendsEnergy) : null;
      if (!sendsEnergy && tariffDay === null) return;
      await startUnit(first.date);
      for (const row of rows) {
        const interval = toInterval(row);
        const reading = interval.ok ? duplicates.check(interval) : interval;
        if (!reading.ok) {
          if (sendsEnergy) skipped.add(reading.reason);
        } else {
          if (sendsEnergy) {
            if (point !== null) sender.addPoint(kind, point, reading.wh, reading.watts, reading.startMs);
            else sender.addValue(kind, series, reading.wh, reading.startMs);
          }
          if (tariffDay !== null) tariffDay.add(reading.startMs, reading.wh);
        }
      }
      tariffDay?.end();
    };
    // Pages come ordered by day (the ranges too): a day's rows are gathered, one day at a time, to fingerprint it.
    const pages = input.detailedRows ?? readDetailedRows(input.query, direction, input.usagePointId, plan);
    for await (const page of pages) {
      for (const row of page) {
        if (day.length > 0 && day[0]!.date !== row.date) {
          await sendDay(day);
          day = [];
        }
        day.push(row);
      }
    }
    await sendDay(day);
  }

  for (const [unit, fingerprint] of Object.entries(plan.sent)) {
    if (unit >= keepFromUnit && !(unit in kept)) kept[unit] = fingerprint;
  }
  return kept;
}
