/**
 * What every destination that splits energy by tariff needs of one PDL: its offer's tariff rules (with the Tempo
 * colours known), its price history, the configured prices that stand in, and the production price.
 */
import { BILLING_RULES, normalizeOfferType } from '../../domain/offer-types.js';
import type { BillingRule, OfferType, TariffPeriod } from '../../domain/offer-types.js';
import {
  configuredPricesFor,
  priceTimeline,
  productionPriceFor,
  unitPriceOf,
} from '../../domain/offer-prices.js';
import type { ConfiguredPrices, OfferPriceRow, PriceTimeline } from '../../domain/offer-prices.js';
import { chooseOffpeakSchedule, tariffRulesOf } from '../../domain/tariff-periods.js';
import type { TariffRules } from '../../domain/tariff-periods.js';
import { parseOffpeakHours } from '../../domain/offpeak-hours.js';
import { createCostAggregator } from '../../domain/costs.js';
import type { CostAggregator } from '../../domain/costs.js';
import { addDays } from '../../domain/paris-time.js';
import type { TempoColorCode } from '../../domain/vocabulary.js';
import type { RunSettings } from '../../config/run-settings.js';
import type { Pdl, QueryLayer } from '../../query/types.js';

export interface PdlCosts {
  /** The PDL's offer type: its selected offer's, else `pdls.pricing_option`. */
  offerType: OfferType;
  rules: TariffRules;
  /** Tariffs priced at some instant, by a price row of the offer or the configured prices, in the offer's order. */
  pricedTariffs: TariffPeriod[];
  /** Whether a subscription price is known at some instant (a price row's, or configured). */
  hasSubscription: boolean;
  /** €/kWh paid for this PDL's production; null: no revenue. */
  productionPrice: number | null;
  prices: PriceTimeline;
  configured: ConfiguredPrices;
  /**
   * A TEMPO offer's colours as its rules read them (undefined while unknown): what a destination remembers of
   * the days it sent, to tell a colour that arrived or changed from a row merely rewritten.
   */
  tempoColorOf?: (tempoDay: string) => TempoColorCode | undefined;
  /** A fresh aggregator of this PDL's consumption into hours or days, by tariff, with costs. */
  aggregator(bucket: 'hour' | 'day'): CostAggregator;
}

/** The tariffs a price row (or the configured prices) can price. */
function pricedTariffsOf(
  offerType: OfferType,
  rows: readonly OfferPriceRow[],
  configured: ConfiguredPrices,
): TariffPeriod[] {
  const rules: readonly BillingRule[] = Object.values(BILLING_RULES[offerType]);
  const priced = new Set<TariffPeriod>();
  for (const billing of rules) {
    if (configured.byTariff[billing.tariff] !== undefined) priced.add(billing.tariff);
    else if (rows.some((row) => unitPriceOf(billing, row) !== null)) priced.add(billing.tariff);
  }
  return [...new Set(rules.map((billing) => billing.tariff))].filter((tariff) => priced.has(tariff));
}

export interface PdlCostsInput {
  offerType: OfferType;
  rules: TariffRules;
  /** The offer's price rows (empty without a selected offer). */
  rows: readonly OfferPriceRow[];
  configured: ConfiguredPrices;
  productionPrice: number | null;
  tempoColorOf?: (tempoDay: string) => TempoColorCode | undefined;
}

/** A PDL's costs from its rules, price rows and configured prices. */
export function pdlCostsOf(input: PdlCostsInput): PdlCosts {
  const { offerType, rules, rows, configured } = input;
  const prices = priceTimeline(rows);
  return {
    offerType,
    rules,
    pricedTariffs: pricedTariffsOf(offerType, rows, configured),
    hasSubscription: configured.subscription !== null || rows.some((row) => row.subscriptionPrice !== null),
    productionPrice: input.productionPrice,
    prices,
    configured,
    ...(input.tempoColorOf ? { tempoColorOf: input.tempoColorOf } : {}),
    aggregator: (bucket) => createCostAggregator({ rules, prices, configured, bucket }),
  };
}

/**
 * One PDL's costs, for consumption read from `fromDay` on (the whole history without it): the Tempo colours
 * from the day before, since a Tempo day runs 06:00 → 06:00. An unknown colour stays unknown (never BLUE).
 */
export async function loadPdlCosts(
  query: QueryLayer,
  settings: RunSettings,
  pdl: Pdl,
  fromDay?: string,
): Promise<PdlCosts | null> {
  const history = pdl.selectedOfferId ? await query.offerPriceHistory(pdl.selectedOfferId) : null;
  const offerType = normalizeOfferType(history?.offerType ?? null) ?? normalizeOfferType(pdl.pricingOption);
  if (offerType === null) return null;
  const rows = history?.rows ?? [];
  const colors = new Map<string, TempoColorCode>();
  if (offerType === 'TEMPO') {
    for (const day of await query.tempoDays(fromDay ? { from: addDays(fromDay, -1) } : {}))
      colors.set(day.date, day.color);
  }
  // The newest row's hc_schedules: the offer's current hours, when the PDL has none of its own.
  const schedule = chooseOffpeakSchedule(pdl.offpeakHours, rows[rows.length - 1]?.hcSchedules ?? null)
    ?.schedule ??
    parseOffpeakHours(settings.defaultOffpeakHours) ?? { byIsoWeekday: [] };
  const tempoColorOf = (tempoDay: string) => colors.get(tempoDay);
  const rules = tariffRulesOf({
    offerType,
    schedule,
    tempoColorOf,
    hasPeakDayPrice: rows.some((row) => row.prices.peak_day_price != null),
  });
  return pdlCostsOf({
    offerType,
    rules,
    rows,
    configured: configuredPricesFor(settings.prices, pdl.usagePointId),
    productionPrice: productionPriceFor(settings.productionPrice, pdl.usagePointId),
    ...(offerType === 'TEMPO' ? { tempoColorOf } : {}),
  });
}
