/**
 * Costs by Paris day, for the destinations that show a day's or a month's cost (MQTT payloads, Jeedom
 * commands): the costs engine's day buckets (engines/costs, domain/costs) fed with the load curve, summed
 * into months. The same definition as Home Assistant's `cost_{pdl}`: each half-hour's energy at its tariff's
 * price valid then, plus the subscription prorated (`subscription_price × 12 / 365` a day).
 */
import type { CostBucket, CostReport } from '../../domain/costs.js';
import type { TariffPeriod } from '../../domain/offer-types.js';
import { DuplicateGuard, SkipCounter, toInterval } from '../../domain/readings.js';
import type { PdlCosts } from '../costs/pdl-costs.js';
import type { DateRange, QueryLayer } from '../../query/types.js';

export interface TariffCost {
  tariff: TariffPeriod;
  wh: number;
  /** € of the priced part of `wh`; null when none of it had a price. */
  costEur: number | null;
}

export interface CostFigures {
  /** Energy of the load curve (not the daily row): what the cost is computed from. */
  wh: number;
  /** Every tariff's energy cost. */
  energyCostEur: number;
  /** The subscription's share; null when no subscription price is known. */
  subscriptionEur: number | null;
  /** The bill's total: energy cost plus the subscription's share. */
  costEur: number;
  tariffs: TariffCost[];
  /** Energy waiting for its day's Tempo colour: in `wh`, not in any tariff or cost yet. */
  awaitingWh: number;
}

export interface DayCost extends CostFigures {
  date: string;
}

export interface PeriodCost extends CostFigures {
  /** `YYYY-MM` */
  period: string;
  /** Days of the period with a load curve, hence a cost. */
  days: number;
}

/**
 * Whether the PDL's costs add up to the bill's total, as Home Assistant's `cost_{pdl}` requires: an offer split
 * by tariff (an unsplit one has no energy cost) and a subscription price known.
 */
export function billsCosts(costs: PdlCosts | null): costs is PdlCosts {
  return costs !== null && costs.rules.kind === 'split' && costs.hasSubscription;
}

function dayCostOf(bucket: CostBucket): DayCost {
  return {
    date: bucket.date,
    wh: bucket.wh,
    energyCostEur: bucket.energyCost,
    subscriptionEur: bucket.subscription,
    costEur: bucket.energyCost + (bucket.subscription ?? 0),
    tariffs: bucket.tariffs.map((amount) => ({
      tariff: amount.tariff,
      wh: amount.wh,
      costEur: amount.unpricedWh < amount.wh ? amount.cost : null,
    })),
    awaitingWh: bucket.awaitingWh,
  };
}

/**
 * The consumption cost of each day of `range` that has a load curve, oldest first, and what the costs could
 * not use fully (for export_logs.details). Unusable or duplicate half-hours are left out, as everywhere.
 */
export async function dailyCosts(
  query: QueryLayer,
  costs: PdlCosts,
  usagePointId: string,
  range: DateRange = {},
): Promise<{ days: DayCost[]; report: CostReport; skipped: SkipCounter }> {
  const aggregator = costs.aggregator('day');
  const guard = new DuplicateGuard();
  const skipped = new SkipCounter();
  const days: DayCost[] = [];
  for await (const page of query.detailedPages('consumption', usagePointId, range)) {
    for (const row of page) {
      const parsed = toInterval(row);
      const reading = parsed.ok ? guard.check(parsed) : parsed;
      if (reading.ok) aggregator.add(reading.startMs, reading.wh);
      else skipped.add(reading.reason);
    }
    days.push(...aggregator.takeCompleted().map(dayCostOf));
  }
  days.push(...aggregator.finish().map(dayCostOf));
  return { days, report: aggregator.report(), skipped };
}

/** The days of `days` in the month `YYYY-MM`, summed; null when none has a cost. */
export function monthCost(days: readonly DayCost[], month: string): PeriodCost | null {
  const inMonth = days.filter((day) => day.date.startsWith(month));
  if (inMonth.length === 0) return null;
  const tariffs = new Map<TariffPeriod, TariffCost>();
  let subscriptionEur: number | null = null;
  for (const day of inMonth) {
    if (day.subscriptionEur !== null) subscriptionEur = (subscriptionEur ?? 0) + day.subscriptionEur;
    for (const amount of day.tariffs) {
      const total = tariffs.get(amount.tariff) ?? { tariff: amount.tariff, wh: 0, costEur: null };
      total.wh += amount.wh;
      if (amount.costEur !== null) total.costEur = (total.costEur ?? 0) + amount.costEur;
      tariffs.set(amount.tariff, total);
    }
  }
  const sum = (pick: (day: DayCost) => number) => inMonth.reduce((total, day) => total + pick(day), 0);
  return {
    period: month,
    days: inMonth.length,
    wh: sum((day) => day.wh),
    energyCostEur: sum((day) => day.energyCostEur),
    subscriptionEur,
    costEur: sum((day) => day.costEur),
    // In the offer's order, as each day lists them.
    tariffs: [...tariffs.values()],
    awaitingWh: sum((day) => day.awaitingWh),
  };
}
