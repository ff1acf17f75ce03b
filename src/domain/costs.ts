/**
 * Costs as on the bill: each half-hour's energy at the price of its tariff in force then, plus the
 * subscription prorated by day; production revenue at a configured price.
 */
import { HOUR_MS } from './durations.js';
import type { BillingRule, TariffPeriod } from './offer-types.js';
import { oldestPriceDate, priceRowAt, unitPriceOf } from './offer-prices.js';
import type { ConfiguredPrices, OfferPriceRow, PriceTimeline } from './offer-prices.js';
import { floorToHourMs } from './paris-time.js';
import { parisDayAt, parisMinuteAt } from './tariff-periods.js';
import type { ParisDay, TariffRules, UnsplitReason } from './tariff-periods.js';

const WH_PER_KWH = 1000;
const MONTHS_PER_YEAR = 12;
const DAYS_PER_YEAR = 365;

/** € of energy at a €/kWh price. */
export function energyCost(wh: number, pricePerKwh: number): number {
  return (wh / WH_PER_KWH) * pricePerKwh;
}

/** € earned by produced energy at a €/kWh price. */
export function productionRevenue(wh: number, pricePerKwh: number): number {
  return (wh / WH_PER_KWH) * pricePerKwh;
}

/** € of subscription per day: `subscription_price × 12 / 365`, the same every day (leap years included). */
export function subscriptionPerDay(perMonth: number): number {
  return (perMonth * MONTHS_PER_YEAR) / DAYS_PER_YEAR;
}

/**
 * € of subscription per hour of a Paris day: the day's share spread evenly over its real hours, so a 23-hour
 * (spring) or 25-hour (autumn) day still adds up to exactly one day's share.
 */
export function subscriptionPerHour(perMonth: number, hoursInDay: number): number {
  return subscriptionPerDay(perMonth) / hoursInDay;
}

export interface TariffAmount {
  tariff: TariffPeriod;
  wh: number;
  /** € of the priced part of `wh`. */
  cost: number;
  /** Energy of this tariff that had no price (neither in the offer nor configured): not in `cost`. */
  unpricedWh: number;
}

export interface CostBucket {
  /** UTC start: of the hour, or of the Paris day (its midnight). */
  startMs: number;
  /** Paris day of the bucket. */
  date: string;
  /** All energy, split or not. */
  wh: number;
  /** Tariffs with energy in this bucket, in the offer's tariff order. */
  tariffs: TariffAmount[];
  /** Sum of the tariffs' costs. */
  energyCost: number;
  /** This bucket's share of the subscription; null when no subscription price is known. */
  subscription: number | null;
  /** Energy waiting for its day's Tempo colour (or Zen Flex type): in `wh` only. */
  awaitingWh: number;
  /** Energy of an offer that cannot be split: in `wh` only. */
  unsplitWh: number;
}

export interface CostReport {
  unsplit: { reason: UnsplitReason; message: string } | null;
  /** Tempo (or Zen Flex) days whose colour (type) was missing, sorted. */
  awaitingDays: string[];
  /** Tariffs with energy and no price at some half-hour, in the offer's order. */
  unpricedTariffs: TariffPeriod[];
  /** Tariffs priced, at some half-hour, from the configured prices. */
  configuredTariffs: TariffPeriod[];
  /** Whether some bucket had no subscription price. */
  subscriptionUnknown: boolean;
  /** Set when half-hours before the oldest price row were priced with it: that row's first day. */
  oldestPriceUsedBefore: string | null;
}

export interface CostAggregatorOptions {
  rules: TariffRules;
  /** The offer's price history; an empty timeline when the PDL has no selected offer. */
  prices: PriceTimeline;
  /** The configured prices for this PDL (see configuredPricesFor). */
  configured: ConfiguredPrices;
  bucket: 'hour' | 'day';
}

/** How one interval was billed (see CostAggregator.latest). */
export interface IntervalCharge {
  /** Null while its day awaits its Tempo colour (Zen Flex type), and for an offer that cannot be split. */
  tariff: TariffPeriod | null;
  /** € of the interval's energy; null when its tariff has no price (or it has no tariff). */
  cost: number | null;
}

export interface CostAggregator {
  /** A half-hour (or any interval) starting at `startMs` with `wh` of energy. */
  add(startMs: number, wh: number): void;
  /**
   * How the latest `add` billed its interval, for a destination that writes each half-hour: one object,
   * overwritten by every `add` (no object per interval), so read it before the next.
   */
  readonly latest: Readonly<IntervalCharge>;
  /** Buckets that ended before the latest one added to, in order; they are handed out once. */
  takeCompleted(): CostBucket[];
  /** Every bucket not yet handed out, in order. */
  finish(): CostBucket[];
  report(): CostReport;
}

interface OpenBucket extends CostBucket {
  amounts: Map<TariffPeriod, TariffAmount>;
}

type Price = { price: number; configured: boolean } | null;

/**
 * Turns a stream of intervals into per-hour (Home Assistant statistics) or per-day totals by tariff, with
 * costs. The Paris day is computed once per day and the price row once per change, never a Date per interval.
 */
export function createCostAggregator(options: CostAggregatorOptions): CostAggregator {
  const { rules, prices, configured } = options;
  const tariffOrder = new Map(
    (rules.kind === 'split' ? rules.tariffs : []).map((tariff, index) => [tariff, index]),
  );
  const open = new Map<number, OpenBucket>();
  let latestStart = -Infinity;
  let day: ParisDay | null = null;
  let row: OfferPriceRow | null = null;
  let rowFromMs = Infinity;
  let rowUntilMs = -Infinity;
  let priceCache = new Map<BillingRule, Price>();
  let oldestUsed = false;
  let subscriptionUnknown = false;
  const awaitingDays = new Set<string>();
  const unpriced = new Set<TariffPeriod>();
  const configuredUsed = new Set<TariffPeriod>();
  const latest: IntervalCharge = { tariff: null, cost: null };

  const startsAfter = (index: number) => prices.entries[index + 1]?.fromMs ?? Infinity;

  /** Moves the current row to the one in force at `utcMs` (a binary search only when it changed). */
  const rowAt = (utcMs: number): OfferPriceRow | null => {
    if (utcMs >= rowFromMs && utcMs < rowUntilMs) return row;
    const found = priceRowAt(prices, utcMs);
    priceCache = new Map();
    if (!found) {
      row = null;
      rowFromMs = -Infinity;
      rowUntilMs = Infinity;
      return null;
    }
    row = found.row;
    const index = prices.entries.findIndex((entry) => entry.row === found.row);
    rowFromMs = found.beforeOldest ? -Infinity : prices.entries[index]!.fromMs;
    rowUntilMs = found.beforeOldest ? prices.entries[0]!.fromMs : startsAfter(index);
    return row;
  };

  const noteOldest = (utcMs: number) => {
    if (!oldestUsed && prices.entries.length > 0 && utcMs < prices.entries[0]!.fromMs) oldestUsed = true;
  };

  const priceOf = (billing: BillingRule, utcMs: number): Price => {
    const current = rowAt(utcMs);
    let price = priceCache.get(billing);
    if (price === undefined) {
      const fromOffer = current ? unitPriceOf(billing, current) : null;
      const fromConfig = configured.byTariff[billing.tariff];
      price =
        fromOffer !== null
          ? { price: fromOffer, configured: false }
          : fromConfig !== undefined
            ? { price: fromConfig, configured: true }
            : null;
      priceCache.set(billing, price);
    }
    if (price !== null && !price.configured) noteOldest(utcMs);
    return price;
  };

  const subscriptionAt = (utcMs: number): number | null => {
    const current = rowAt(utcMs);
    if (current?.subscriptionPrice != null && Number.isFinite(current.subscriptionPrice)) {
      noteOldest(utcMs);
      return current.subscriptionPrice;
    }
    return configured.subscription;
  };

  const openBucket = (startMs: number, currentDay: ParisDay): OpenBucket => {
    const perMonth = subscriptionAt(startMs);
    if (perMonth === null) subscriptionUnknown = true;
    const hoursInDay = (currentDay.endMs - currentDay.startMs) / HOUR_MS;
    const bucket: OpenBucket = {
      startMs,
      date: currentDay.date,
      wh: 0,
      tariffs: [],
      energyCost: 0,
      subscription:
        perMonth === null
          ? null
          : options.bucket === 'hour'
            ? subscriptionPerHour(perMonth, hoursInDay)
            : subscriptionPerDay(perMonth),
      awaitingWh: 0,
      unsplitWh: 0,
      amounts: new Map(),
    };
    open.set(startMs, bucket);
    return bucket;
  };

  const close = (bucket: OpenBucket): CostBucket => {
    const { amounts, ...closed } = bucket;
    closed.tariffs = [...amounts.values()].sort(
      (a, b) => (tariffOrder.get(a.tariff) ?? 0) - (tariffOrder.get(b.tariff) ?? 0),
    );
    return closed;
  };

  const take = (before: number): CostBucket[] => {
    const done = [...open.values()]
      .filter((bucket) => bucket.startMs < before)
      .sort((a, b) => a.startMs - b.startMs);
    for (const bucket of done) open.delete(bucket.startMs);
    return done.map(close);
  };

  return {
    latest,

    add(startMs, wh) {
      latest.tariff = null;
      latest.cost = null;
      if (!day || startMs < day.startMs || startMs >= day.endMs) day = parisDayAt(startMs);
      const bucketStart = options.bucket === 'hour' ? floorToHourMs(startMs) : day.startMs;
      const bucket = open.get(bucketStart) ?? openBucket(bucketStart, day);
      if (bucketStart > latestStart) latestStart = bucketStart;
      bucket.wh += wh;
      if (rules.kind === 'unsplit') {
        bucket.unsplitWh += wh;
        return;
      }
      const billing = rules.billingAt(day, parisMinuteAt(day, startMs));
      if ('awaiting' in billing) {
        bucket.awaitingWh += wh;
        awaitingDays.add(billing.day);
        return;
      }
      let amount = bucket.amounts.get(billing.tariff);
      if (!amount) {
        amount = { tariff: billing.tariff, wh: 0, cost: 0, unpricedWh: 0 };
        bucket.amounts.set(billing.tariff, amount);
      }
      amount.wh += wh;
      latest.tariff = billing.tariff;
      const price = priceOf(billing, startMs);
      if (price === null) {
        amount.unpricedWh += wh;
        unpriced.add(billing.tariff);
        return;
      }
      if (price.configured) configuredUsed.add(billing.tariff);
      const cost = energyCost(wh, price.price);
      latest.cost = cost;
      amount.cost += cost;
      bucket.energyCost += cost;
    },

    takeCompleted: () => take(latestStart),

    finish: () => take(Infinity),

    report() {
      const ordered = (tariffs: Set<TariffPeriod>) =>
        [...tariffs].sort((a, b) => (tariffOrder.get(a) ?? 0) - (tariffOrder.get(b) ?? 0));
      return {
        unsplit: rules.kind === 'unsplit' ? { reason: rules.reason, message: rules.message } : null,
        awaitingDays: [...awaitingDays].sort(),
        unpricedTariffs: ordered(unpriced),
        configuredTariffs: ordered(configuredUsed),
        subscriptionUnknown,
        oldestPriceUsedBefore: oldestUsed ? oldestPriceDate(prices) : null,
      };
    },
  };
}
