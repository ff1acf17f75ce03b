import { createHash } from 'node:crypto';
import {
  DuplicateGuard,
  addDays,
  firstDayOfMonth,
  monthOf,
  toDailyEnergy,
  toInterval,
} from '../../domain/index.js';
import type { SkipCounter } from '../../domain/index.js';
import type { DateRange, DetailedRow, EnergyDirection, QueryLayer } from '../../query/types.js';
import type { BatchSender } from './batch-sender.js';
import { dailySample, detailedSample, monthlySample } from './samples.js';
import type { EnergyType, Labels } from './samples.js';

/**
 * What one energy stream (a PDL, a direction, a granularity) sends in a pass.
 *
 * VictoriaMetrics keeps every sample it receives, so sending a day again stores a duplicate. Days are sent
 * when they are new or changed (the core's change window), and a fingerprint of what was sent per day (per
 * month for totals) lets a pass skip a day whose rows were rewritten with the same content: MyElectricalData
 * re-fetches recent days, and the core re-reads a safety margin before its watermark.
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
  labels: Labels;
  extra: Labels;
  direction: EnergyDirection;
  type: EnergyType;
  plan: StreamPlan;
  skipped: SkipCounter;
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
 * Sends the stream's samples (the caller flushes the last batch); returns the fingerprints to keep for the next
 * pass.
 */
export async function sendEnergyStream(input: StreamInput): Promise<Record<string, string>> {
  const { plan, sender, direction, type, labels, extra, skipped } = input;
  const kind = `${direction}_${type}`;
  const byMonth = type === 'monthly';
  const unitOf = (date: string) => (byMonth ? date.slice(0, 7) : date);
  const resendFromUnit = plan.resendFrom === null ? null : unitOf(plan.resendFrom);
  const keepFromUnit = byMonth ? '' : plan.keepFrom;
  const kept: Record<string, string> = {};
  let lastUnit: string | null = null;

  /**
   * Whether a unit (day or month) is to be sent, remembering its fingerprint. `changedAt` (the newest
   * `updated_at` of the unit's rows) tells apart the granularity that changed: a corrected daily value must
   * not re-send the untouched load curve of that day.
   */
  const decide = (unit: string, fingerprint: string, changedAt?: Date): boolean => {
    if (!plan.full || unit >= keepFromUnit) kept[unit] = fingerprint;
    if (plan.full || (resendFromUnit !== null && unit >= resendFromUnit)) return true;
    if (changedAt !== undefined && plan.changedSince !== null && changedAt <= plan.changedSince) return false;
    return plan.sent[unit] !== fingerprint;
  };

  /** Before a unit's samples: a full batch goes out now, between two units. */
  const startUnit = async (unit: string) => {
    if ((await sender.flushIfFull()) && lastUnit !== null) {
      const through = lastUnit;
      input.onConfirmed(
        through,
        Object.fromEntries(Object.entries(kept).filter(([sent]) => sent <= through)),
      );
    }
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
        if (!decide(row.date, String(row.value), row.updatedAt)) continue;
        await startUnit(row.date);
        const reading = toDailyEnergy(row);
        if (!reading.ok) skipped.add(reading.reason);
        else sender.add(kind, dailySample(direction, labels, extra, reading));
      }
    }
  } else if (type === 'monthly') {
    for (const range of ranges) {
      for (const total of await input.query.monthlyTotals(direction, input.usagePointId, range)) {
        if (!decide(total.month, `${total.wh}/${total.days}`)) continue;
        await startUnit(total.month);
        sender.add(kind, monthlySample(direction, labels, extra, total));
      }
    }
  } else {
    const duplicates = new DuplicateGuard();
    let day: DetailedRow[] = [];
    const sendDay = async () => {
      const first = day[0];
      if (!first) return;
      const changedAt = day.reduce(
        (latest, row) => (row.updatedAt > latest ? row.updatedAt : latest),
        first.updatedAt,
      );
      if (!decide(first.date, detailedFingerprint(day), changedAt)) return;
      await startUnit(first.date);
      for (const row of day) {
        const interval = toInterval(row);
        const reading = interval.ok ? duplicates.check(interval) : interval;
        if (!reading.ok) skipped.add(reading.reason);
        else sender.add(kind, detailedSample(direction, labels, extra, reading));
      }
    };
    for (const range of ranges) {
      // Pages come ordered by day: a day's rows are gathered (one day at a time) to fingerprint it.
      for await (const page of input.query.detailedPages(direction, input.usagePointId, range)) {
        for (const row of page) {
          if (day.length > 0 && day[0]!.date !== row.date) {
            await sendDay();
            day = [];
          }
          day.push(row);
        }
      }
      await sendDay();
      day = [];
    }
  }

  for (const [unit, fingerprint] of Object.entries(plan.sent)) {
    if (unit >= keepFromUnit && !(unit in kept)) kept[unit] = fingerprint;
  }
  return kept;
}
