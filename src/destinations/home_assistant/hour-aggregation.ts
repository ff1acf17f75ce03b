/**
 * The aggregation of a PDL direction's readings (half-hours of the load curve, daily values) into the hours of
 * its statistics: energy per hour, per tariff, their cost, the bill's total, the production revenue.
 */
import type { CostAggregator, CostBucket, CostReport } from '../../domain/costs.js';
import { productionRevenue } from '../../domain/costs.js';
import type { TariffPeriod } from '../../domain/offer-types.js';
import { floorToHourMs, parisMidnightUtcMs } from '../../domain/paris-time.js';
import { DuplicateGuard, SkipCounter, toDailyEnergy, toInterval } from '../../domain/readings.js';
import type { PdlCosts } from '../../engines/costs/pdl-costs.js';
import type { DailyRow, DetailedRow } from '../../query/types.js';
import { HourlySums, type HourBlockPool } from './hourly-sums.js';
import type { SeriesSpec } from './statistic-series.js';

/** What one PDL direction feeds: the all-energy series; for consumption its tariffs' energy and cost, and the
 * bill's total; for production its revenue. */
export interface DirectionSeries {
  energy: SeriesSpec;
  tariffs: Map<TariffPeriod, SeriesSpec>;
  /** Cost series of the tariffs priced at some instant. */
  costs: Map<TariffPeriod, SeriesSpec>;
  /** `cost_{pdl}`: energy cost plus the prorated subscription. */
  totalCost: SeriesSpec | null;
  /** `revenue_{pdl}` and the €/kWh it is paid. */
  revenue: { series: SeriesSpec; price: number } | null;
}

export interface AggregatedDirection {
  /** Statistic id → Wh (energy series) or EUR (cost series) per hour; only statistics with some hour. */
  sums: ReadonlyMap<string, HourlySums>;
  /** The same as plain maps, statistic id → hour start (ms) → value (built when first read). */
  readonly hourly: Map<string, Map<number, number>>;
  /** Days with a daily value but no load curve: written whole at their first hour, in the energy series only. */
  notSplitDays: string[];
  /** What the costs could not use fully (awaiting colours, unpriced tariffs…); null when not split. */
  costReport: CostReport | null;
  skipped: SkipCounter;
}

interface TariffTarget {
  energy: HourlySums;
  cost: HourlySums | null;
}

/**
 * Sums readings into hours. Each interval goes to the hour containing its own start (Europe/Paris → UTC, so
 * both daylight-saving days come out right: the instants are real, the hours are real) and to the tariff its
 * own start falls in (domain/costs.ts, priced as it was then), so an hour can feed both `hc` and `hp`. Days without any usable interval fall back to
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
  private readonly energy: HourlySums;
  private readonly tariffTargets = new Map<TariffPeriod, TariffTarget>();
  private readonly totalCost: HourlySums | null;
  private readonly revenue: { sums: HourlySums; price: number } | null;
  private readonly costs: CostAggregator | null;
  /** The day of the latest interval handed to `costs`, whose last hour it may still hold. */
  private lastCostDay: string | null = null;

  constructor(
    series: DirectionSeries,
    costs: PdlCosts | null,
    private readonly pool: HourBlockPool | null = null,
  ) {
    this.energy = this.sumsOf(series.energy.statisticId);
    for (const [tariff, spec] of series.tariffs) {
      const cost = series.costs.get(tariff);
      this.tariffTargets.set(tariff, {
        energy: this.sumsOf(spec.statisticId),
        cost: cost ? this.sumsOf(cost.statisticId) : null,
      });
    }
    this.totalCost = series.totalCost ? this.sumsOf(series.totalCost.statisticId) : null;
    this.revenue = series.revenue
      ? { sums: this.sumsOf(series.revenue.series.statisticId), price: series.revenue.price }
      : null;
    this.costs = costs?.rules.kind === 'split' && series.tariffs.size > 0 ? costs.aggregator('hour') : null;
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
    if (this.revenue) this.revenue.sums.add(hour, productionRevenue(reading.wh, this.revenue.price));
    if (!this.costs) return;
    this.costs.add(reading.startMs, reading.wh);
    this.lastCostDay = reading.date;
  }

  /** Hours the cost aggregator closed, into the tariff, cost and total series. */
  private place(buckets: readonly CostBucket[]): void {
    for (const bucket of buckets) {
      for (const amount of bucket.tariffs) {
        const target = this.tariffTargets.get(amount.tariff);
        if (!target) continue;
        target.energy.add(bucket.startMs, amount.wh);
        // An hour whose energy had no price at all has no cost, rather than a silent zero.
        if (target.cost && amount.unpricedWh < amount.wh) target.cost.add(bucket.startMs, amount.cost);
      }
      if (this.totalCost) this.totalCost.add(bucket.startMs, bucket.energyCost + (bucket.subscription ?? 0));
    }
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
    // The cost aggregator may still hold the last hour of the latest day it was given.
    const day =
      this.lastCostDay !== null && this.lastRowDay !== null && this.lastCostDay < this.lastRowDay
        ? this.lastCostDay
        : this.lastRowDay;
    if (day === null || this.dailyUnordered) return this.settledMs;
    let beforeMs: number;
    try {
      beforeMs = parisMidnightUtcMs(day);
    } catch {
      return this.settledMs;
    }
    if (beforeMs <= this.settledMs) return this.settledMs;
    this.placeDailyValues(day);
    if (this.costs) this.place(this.costs.takeCompleted());
    this.settledMs = beforeMs;
    return beforeMs;
  }

  /** The daily value of each day before `beforeDay` (all with null) that has no load curve, at its first hour. */
  private placeDailyValues(beforeDay: string | null): void {
    for (; this.dailyPlaced < this.dailyEnergies.length; this.dailyPlaced++) {
      const day = this.dailyEnergies[this.dailyPlaced]!;
      if (beforeDay !== null && day.date >= beforeDay) return;
      if (this.detailedDays.has(day.date)) continue;
      const firstHour = parisMidnightUtcMs(day.date);
      this.energy.add(firstHour, day.wh);
      if (this.revenue) this.revenue.sums.add(firstHour, productionRevenue(day.wh, this.revenue.price));
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
    if (this.costs) this.place(this.costs.finish());
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
      costReport: this.costs?.report() ?? null,
      skipped: this.skipped,
    };
  }

  private sumsOf(statisticId: string): HourlySums {
    const hours = new HourlySums(this.pool);
    this.sums.set(statisticId, hours);
    return hours;
  }
}
