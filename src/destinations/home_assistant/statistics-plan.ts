/** Which statistics each PDL direction feeds: energy, and for consumption its tariffs and their cost. */
import type { PricingOption, TariffName } from '../../domain/tariffs.js';
import { normalizePricingOption, parseOffpeakHours, tariffNames } from '../../domain/tariffs.js';
import type { EnergyOffer, Pdl } from '../../query/types.js';
import type { EnergyDirection } from '../../domain/vocabulary.js';
import type { ExportContext } from '../../contract/destination.js';
import type { HomeAssistantConfig } from './config.js';
import type { DirectionSeries, TariffRules } from './hour-aggregation.js';
import type { SeriesSpec } from './statistic-series.js';
import { costSeries, energySeries, tariffSeries } from './statistic-series.js';

/** One PDL direction and the statistics it feeds. */
export interface DirectionPlan {
  pdl: Pdl;
  direction: EnergyDirection;
  series: DirectionSeries;
  rules: TariffRules | null;
}

type PriceKey = keyof Omit<EnergyOffer, 'id' | 'name'>;

const OFFER_PRICE: Record<TariffName, PriceKey> = {
  base: 'basePrice',
  hc: 'hcPrice',
  hp: 'hpPrice',
  blue_hc: 'tempoBlueHc',
  blue_hp: 'tempoBlueHp',
  white_hc: 'tempoWhiteHc',
  white_hp: 'tempoWhiteHp',
  red_hc: 'tempoRedHc',
  red_hp: 'tempoRedHp',
};

/** €/kWh of a tariff: the PDL's selected offer in `energy_offers`, else the configured override; never guessed. */
export function priceOf(
  tariff: TariffName,
  offer: EnergyOffer | null,
  overrides: Record<string, unknown> | undefined,
): number | null {
  const fromOffer = offer?.[OFFER_PRICE[tariff]];
  if (typeof fromOffer === 'number' && Number.isFinite(fromOffer) && fromOffer >= 0) return fromOffer;
  const override = overrides?.[tariff];
  return typeof override === 'number' ? override : null;
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
      const energy = energySeries(prefix, pdl, direction);
      const tariffs = new Map<TariffName, SeriesSpec>();
      const costs = new Map<TariffName, { series: SeriesSpec; price: number }>();
      let rules: TariffRules | null = null;
      const option: PricingOption | null =
        direction === 'consumption' ? normalizePricingOption(pdl.pricingOption) : null;
      if (option && tariffNames(option).length > 0) {
        const offer = pdl.selectedOfferId ? await query.energyOffer(pdl.selectedOfferId) : null;
        for (const tariff of tariffNames(option)) {
          tariffs.set(tariff, tariffSeries(prefix, pdl, tariff));
          const price = priceOf(tariff, offer, config.prices);
          if (price !== null) costs.set(tariff, { series: costSeries(prefix, pdl, tariff), price });
        }
        const schedule = parseOffpeakHours(pdl.offpeakHours) ??
          parseOffpeakHours(settings.defaultOffpeakHours) ?? { byIsoWeekday: [] };
        rules = { option, schedule, tempoColorOf: () => undefined };
      }
      plans.push({ pdl, direction, series: { energy, tariffs, costs }, rules });
    }
  }
  return plans;
}

export function allSeries(plan: DirectionPlan): SeriesSpec[] {
  return [
    plan.series.energy,
    ...plan.series.tariffs.values(),
    ...[...plan.series.costs.values()].map((c) => c.series),
  ];
}
