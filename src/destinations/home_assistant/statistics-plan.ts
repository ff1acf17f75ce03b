/**
 * Which statistics each PDL direction feeds: energy; for consumption its tariffs, their cost and the bill's
 * total; for production its revenue.
 */
import { productionPriceFor } from '../../domain/offer-prices.js';
import type { Pdl } from '../../query/types.js';
import type { EnergyDirection } from '../../domain/vocabulary.js';
import type { ExportContext } from '../../contract/destination.js';
import { loadPdlCosts } from '../../engines/costs/pdl-costs.js';
import type { PdlCosts } from '../../engines/costs/pdl-costs.js';
import type { HomeAssistantConfig } from './config.js';
import type { DirectionSeries } from './hour-aggregation.js';
import type { SeriesSpec } from './statistic-series.js';
import {
  costSeries,
  energySeries,
  revenueSeries,
  tariffSeries,
  totalCostSeries,
} from './statistic-series.js';

/** One PDL direction and the statistics it feeds. */
export interface DirectionPlan {
  pdl: Pdl;
  direction: EnergyDirection;
  series: DirectionSeries;
  /** Consumption: the PDL's tariff rules and prices. */
  costs: PdlCosts | null;
}

/** The PDL directions to import and the statistics each feeds, with their tariff rules and prices. */
export async function planDirections(
  ctx: ExportContext<HomeAssistantConfig>,
  pdls: readonly Pdl[],
): Promise<DirectionPlan[]> {
  const { config, exportData, query, settings } = ctx;
  const prefix = config.statistic_id_prefix;
  const plans: DirectionPlan[] = [];
  for (const pdl of pdls) {
    for (const direction of ['consumption', 'production'] as const) {
      const has = direction === 'consumption' ? pdl.hasConsumption : pdl.hasProduction;
      if (!has || !(exportData.has(`${direction}_detailed`) || exportData.has(`${direction}_daily`)))
        continue;
      const series: DirectionSeries = {
        energy: energySeries(prefix, pdl, direction),
        tariffs: new Map(),
        costs: new Map(),
        totalCost: null,
        revenue: null,
      };
      let costs: PdlCosts | null = null;
      if (direction === 'consumption') {
        const loaded = await loadPdlCosts(query, settings, pdl);
        costs = loaded;
        if (loaded?.rules.kind === 'split') {
          for (const tariff of loaded.rules.tariffs)
            series.tariffs.set(tariff, tariffSeries(prefix, pdl, tariff));
          for (const tariff of loaded.pricedTariffs)
            series.costs.set(tariff, costSeries(prefix, pdl, tariff));
          // The bill's total needs the subscription: without it, it would not be what the bill says.
          if (loaded.hasSubscription) series.totalCost = totalCostSeries(prefix, pdl);
        }
      } else {
        const price = productionPriceFor(settings.productionPrice, pdl.usagePointId);
        if (price !== null) series.revenue = { series: revenueSeries(prefix, pdl), price };
      }
      plans.push({ pdl, direction, series, costs });
    }
  }
  return plans;
}

export function allSeries(plan: DirectionPlan): SeriesSpec[] {
  const { series } = plan;
  return [
    series.energy,
    ...series.tariffs.values(),
    ...series.costs.values(),
    ...(series.totalCost ? [series.totalCost] : []),
    ...(series.revenue ? [series.revenue.series] : []),
  ];
}
