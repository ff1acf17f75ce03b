import type { OfferPriceRow } from '../domain/offer-prices.js';
import type { EnergyDirection, TempoColorCode } from '../domain/vocabulary.js';

/** What the query layer hands out: MyElectricalData rows, typed but not yet validated (see domain/readings). */

export interface Pdl {
  usagePointId: string;
  name: string | null;
  pricingOption: string | null;
  offpeakHours: unknown;
  hasConsumption: boolean;
  hasProduction: boolean;
  isActive: boolean;
  selectedOfferId: string | null;
}

export interface DailyRow {
  /** Europe/Paris calendar day, `YYYY-MM-DD`. */
  date: string;
  /** Energy of the day in Wh as stored (may be NULL or invalid in a damaged database). */
  value: number | null;
  updatedAt: Date;
}

export interface DetailedRow {
  date: string;
  /** Interval start as stored, normally `HH:MM` Europe/Paris wall-clock time. */
  intervalStart: string | null;
  /** Average power over the interval in W as stored. */
  value: number | null;
  /**
   * `raw_data` as stored, except that of an object only `interval_length` is read (the one key used), and that
   * no raw_data, a JSON null and an object without interval_length all read as `{}` (the default step).
   */
  rawData: unknown;
  updatedAt: Date;
}

export interface MonthlyTotal {
  /** `YYYY-MM` */
  month: string;
  wh: number;
  days: number;
}

export interface TempoDay {
  date: string;
  color: TempoColorCode;
}

export interface EcowattDay {
  /** The day the signal is for, `YYYY-MM-DD`. */
  date: string;
  generatedAt: Date;
  /** Day level: 1 normal, 2 tense, 3 critical. */
  level: number;
  message: string | null;
  /** The stored `values` column as is (see domain/ecowatt for its shapes). */
  hourlyValues: unknown;
}

export interface DateRange {
  /** Inclusive first day, `YYYY-MM-DD`. */
  from?: string;
  /** Inclusive last day, `YYYY-MM-DD`. */
  to?: string;
}

/** The only door to MyElectricalData's tables; read-only. */
export interface QueryLayer extends TariffQueries {
  listPdls(only?: readonly string[]): Promise<Pdl[]>;
  /** One row per day: of duplicates (see duplicateDailyRows), the newest `updated_at`. */
  dailyRows(direction: EnergyDirection, usagePointId: string, range?: DateRange): Promise<DailyRow[]>;
  /** Daily rows beyond the first of their day (a database without MyElectricalData's 20260223 migration). */
  duplicateDailyRows(direction: EnergyDirection, usagePointId: string, range?: DateRange): Promise<number>;
  /**
   * Detailed rows ordered by (date, interval_start), a page at a time so a long history never sits in memory:
   * whole days, about `pageSize` rows at 48 a day (at least one day).
   */
  detailedPages(
    direction: EnergyDirection,
    usagePointId: string,
    range?: DateRange,
    pageSize?: number,
  ): AsyncIterable<DetailedRow[]>;
  monthlyTotals(direction: EnergyDirection, usagePointId: string, range?: DateRange): Promise<MonthlyTotal[]>;
  /** Days (of either granularity) whose rows were inserted or updated after `since`. */
  changedDates(direction: EnergyDirection, usagePointId: string, since: Date): Promise<string[]>;
  /** The same days, each with its rows' latest `updated_at` (epoch µs, exact), so a later `since` can filter them. */
  changedDays(direction: EnergyDirection, usagePointId: string, since: Date): Promise<ChangedDay[]>;
  /**
   * The database's clock when a pass starts reading. Every row a later pass has not seen was committed after
   * this instant, so its `updated_at` is later than this minus the duration of the transaction that wrote it
   * (the safety margin). Unlike the largest `updated_at`, it moves forward at every pass, so the margin
   * never makes the same rows count as changed run after run.
   */
  changeCursor(): Promise<Date>;
  /**
   * How many rows PostgreSQL has counted inserted, updated and deleted in consumption_data and production_data,
   * as one text: the same text later means no row of theirs was written in between, so `changedDays` has nothing
   * to find. Null where the counts cannot say that (see the query).
   */
  writeCounts(): Promise<string | null>;
  tempoDays(range?: DateRange): Promise<TempoDay[]>;
  /** The newest signal of each Paris day (`periode` is naive UTC: the evening before, see domain/paris-time). */
  ecowattDays(range?: DateRange): Promise<EcowattDay[]>;
}

/** One `energy_offers` row of an offer's price history. */
export interface OfferPriceHistoryRow extends OfferPriceRow {
  id: string;
  /** `hc_schedules` as stored (json, by weekday; see domain/offpeak-hours for its shapes). */
  hcSchedules: unknown;
}

/** Every price row of an offer: same provider, offer type, name and power as the selected one. */
export interface OfferPriceHistory {
  /** `offer_type` as stored (see domain/offer-types' normalizeOfferType). */
  offerType: string;
  name: string;
  providerId: string | null;
  powerKva: number | null;
  /** Ordered by `valid_from`, a row without one first. */
  rows: OfferPriceHistoryRow[];
}

/** Reads added for tariffs and costs (issue 11). */
export interface TariffQueries {
  /** The price history of the offer `offerId` belongs to; null when that offer does not exist. */
  offerPriceHistory(offerId: string): Promise<OfferPriceHistory | null>;
  /** Tempo days (`YYYY-MM-DD`) whose row was inserted or updated after `since` (`tempo_days.updated_at`), sorted. */
  tempoDaysChangedSince(since: Date): Promise<string[]>;
}

export interface ChangedDay {
  date: string;
  /** The latest `updated_at` of the day's rows, microseconds since the epoch. */
  updatedUs: number;
}
