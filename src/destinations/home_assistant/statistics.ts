/**
 * Pure building of the hourly long-term statistics: readings → energy (and cost) per hour and series → rows
 * `{start, state, sum}` continuing a running total.
 */
import { floorToHourMs, parisMidnightUtcMs } from '../../domain/paris-time.js';
import { DuplicateGuard, SkipCounter, toDailyEnergy, toInterval } from '../../domain/readings.js';
import type { OffpeakSchedule, PricingOption, TariffName } from '../../domain/tariffs.js';
import { tariffOfInterval } from '../../domain/tariffs.js';
import type { DailyRow, DetailedRow, TempoColorCode } from '../../query/types.js';
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
  /** Statistic id → hour start (ms) → Wh (energy series) or EUR (cost series). */
  hourly: Map<string, Map<number, number>>;
  /** Days with a daily value but no load curve: written whole at their first hour, in the energy series only. */
  notSplitDays: string[];
  /** Load-curve intervals whose tariff could not be told (unknown Tempo colour, EJP): energy series only. */
  unclassifiedIntervals: number;
  skipped: SkipCounter;
}

/**
 * Sums readings into hours. Each interval goes to the hour containing its own start (Europe/Paris → UTC, so
 * both daylight-saving days come out right: the instants are real, the hours are real) and to the tariff its
 * own start falls in, so an hour can feed both `hc` and `hp`. Days without any usable interval fall back to
 * their daily value, placed at the day's first hour.
 */
export class DirectionAggregator {
  private readonly hourly = new Map<string, Map<number, number>>();
  private readonly detailedDays = new Set<string>();
  private readonly dailyEnergies: { date: string; wh: number }[] = [];
  private readonly guard = new DuplicateGuard();
  private readonly skipped = new SkipCounter();
  private unclassified = 0;

  constructor(
    private readonly series: DirectionSeries,
    private readonly rules: TariffRules | null,
  ) {}

  addDetailedRow(row: DetailedRow): void {
    const parsed = toInterval(row);
    const reading = parsed.ok ? this.guard.check(parsed) : parsed;
    if (!reading.ok) {
      this.skipped.add(reading.reason);
      return;
    }
    this.detailedDays.add(reading.date);
    const hour = floorToHourMs(reading.startMs);
    this.add(this.series.energy.statisticId, hour, reading.wh);
    if (!this.rules || this.series.tariffs.size === 0) return;
    const tariff = tariffOfInterval({
      option: this.rules.option,
      schedule: this.rules.schedule,
      date: reading.date,
      localStart: reading.localStart,
      tempoColorOf: this.rules.tempoColorOf,
    });
    const tariffSpec = tariff === null ? undefined : this.series.tariffs.get(tariff);
    if (!tariff || !tariffSpec) {
      this.unclassified += 1;
      return;
    }
    this.add(tariffSpec.statisticId, hour, reading.wh);
    const cost = this.series.costs.get(tariff);
    if (cost) this.add(cost.series.statisticId, hour, (reading.wh / 1000) * cost.price);
  }

  addDailyRow(row: DailyRow): void {
    const reading = toDailyEnergy(row);
    if (reading.ok) this.dailyEnergies.push({ date: reading.date, wh: reading.wh });
    else this.skipped.add(reading.reason);
  }

  finish(): AggregatedDirection {
    const notSplitDays: string[] = [];
    for (const day of this.dailyEnergies) {
      if (this.detailedDays.has(day.date)) continue;
      this.add(this.series.energy.statisticId, parisMidnightUtcMs(day.date), day.wh);
      notSplitDays.push(day.date);
    }
    return {
      hourly: this.hourly,
      notSplitDays,
      unclassifiedIntervals: this.unclassified,
      skipped: this.skipped,
    };
  }

  private add(statisticId: string, hourMs: number, value: number): void {
    let hours = this.hourly.get(statisticId);
    if (!hours) {
      hours = new Map();
      this.hourly.set(statisticId, hours);
    }
    hours.set(hourMs, (hours.get(hourMs) ?? 0) + value);
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

/**
 * The rows of the hours from `fromMs` on, in order. `state` is the hour's kWh (or EUR), `sum` the running
 * total continuing `baseSum`, the sum Home Assistant holds for the hour just before `fromMs`. Energy is
 * accumulated in Wh and divided once, so sums do not drift; money is kept to the micro-euro.
 */
export function buildRows(
  hours: ReadonlyMap<number, number> | undefined,
  unit: 'kWh' | 'EUR',
  fromMs: number,
  baseSum: number,
): BuiltRows {
  const starts = [...(hours?.keys() ?? [])].filter((start) => start >= fromMs).sort((a, b) => a - b);
  const rows: StatisticRow[] = [];
  if (unit === 'kWh') {
    let cumulativeWh = 0;
    for (const start of starts) {
      const wh = hours!.get(start)!;
      cumulativeWh += wh;
      rows.push({
        start: isoHour(start),
        state: round(wh / 1000, 6),
        sum: round(baseSum + cumulativeWh / 1000, 6),
      });
    }
  } else {
    let cumulative = 0;
    for (const start of starts) {
      const eur = round(hours!.get(start)!, 6);
      cumulative += eur;
      rows.push({ start: isoHour(start), state: eur, sum: round(baseSum + cumulative, 6) });
    }
  }
  return { rows, starts };
}

/** Consecutive slices of at most `size` items. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let index = 0; index < items.length; index += size) out.push(items.slice(index, index + size));
  return out;
}
