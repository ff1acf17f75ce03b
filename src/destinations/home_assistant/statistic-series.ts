/** The long-term statistics this destination maintains: their ids, names and units. */
import type { TariffPeriod } from '../../domain/offer-types.js';
import type { Pdl } from '../../query/types.js';
import type { EnergyDirection } from '../../domain/vocabulary.js';
import { meterName } from '../../engines/ha-discovery/discovery-configs.js';

export type SeriesKind = 'energy' | 'tariff' | 'cost' | 'total_cost' | 'revenue';

/** One long-term statistic this destination maintains. */
export interface SeriesSpec {
  statisticId: string;
  name: string;
  unit: 'kWh' | 'EUR';
  kind: SeriesKind;
  usagePointId: string;
  direction: EnergyDirection;
  tariff?: TariffPeriod;
}

/** MyElectricalData's period names (offer-types.ts TARIFF_PERIODS) as a statistic's name shows them. */
const TARIFF_LABELS: Record<TariffPeriod, string> = {
  base: 'Base',
  hc: 'off-peak (HC)',
  hp: 'peak (HP)',
  blue_hc: 'Tempo blue off-peak',
  blue_hp: 'Tempo blue peak',
  white_hc: 'Tempo white off-peak',
  white_hp: 'Tempo white peak',
  red_hc: 'Tempo red off-peak',
  red_hp: 'Tempo red peak',
  weekday_hc: 'weekday off-peak',
  weekday_hp: 'weekday peak',
  weekend_hc: 'weekend off-peak',
  weekend_hp: 'weekend peak',
  weekday: 'weekday',
  weekend: 'weekend',
  winter_hc: 'winter off-peak',
  winter_hp: 'winter peak',
  summer_hc: 'summer off-peak',
  summer_hp: 'summer peak',
  normal: 'EJP normal',
  peak: 'EJP peak',
  eco_hc: 'Zen Flex Éco off-peak',
  eco_hp: 'Zen Flex Éco peak',
  sobriety_hc: 'Zen Flex Sobriété off-peak',
  sobriety_hp: 'Zen Flex Sobriété peak',
};

/** `{prefix}:consumption_{pdl}` / `{prefix}:production_{pdl}`: every kWh of the direction. */
export function energySeries(prefix: string, pdl: Pdl, direction: EnergyDirection): SeriesSpec {
  return {
    statisticId: `${prefix}:${direction}_${pdl.usagePointId}`,
    name: `${meterName(pdl)} ${direction}`,
    unit: 'kWh',
    kind: 'energy',
    usagePointId: pdl.usagePointId,
    direction,
  };
}

/** `{prefix}:consumption_{pdl}_{tariff}` */
export function tariffSeries(prefix: string, pdl: Pdl, tariff: TariffPeriod): SeriesSpec {
  return {
    statisticId: `${prefix}:consumption_${pdl.usagePointId}_${tariff}`,
    name: `${meterName(pdl)} consumption ${TARIFF_LABELS[tariff]}`,
    unit: 'kWh',
    kind: 'tariff',
    usagePointId: pdl.usagePointId,
    direction: 'consumption',
    tariff,
  };
}

/** `{prefix}:cost_{pdl}_{tariff}`, in EUR. */
export function costSeries(prefix: string, pdl: Pdl, tariff: TariffPeriod): SeriesSpec {
  return {
    statisticId: `${prefix}:cost_${pdl.usagePointId}_${tariff}`,
    name: `${meterName(pdl)} cost ${TARIFF_LABELS[tariff]}`,
    unit: 'EUR',
    kind: 'cost',
    usagePointId: pdl.usagePointId,
    direction: 'consumption',
    tariff,
  };
}

/** `{prefix}:cost_{pdl}`, in EUR: every tariff's energy cost plus the prorated subscription, as on the bill. */
export function totalCostSeries(prefix: string, pdl: Pdl): SeriesSpec {
  return {
    statisticId: `${prefix}:cost_${pdl.usagePointId}`,
    name: `${meterName(pdl)} cost`,
    unit: 'EUR',
    kind: 'total_cost',
    usagePointId: pdl.usagePointId,
    direction: 'consumption',
  };
}

/** `{prefix}:revenue_{pdl}`, in EUR: production at the configured price (MED_PRODUCTION_PRICE). */
export function revenueSeries(prefix: string, pdl: Pdl): SeriesSpec {
  return {
    statisticId: `${prefix}:revenue_${pdl.usagePointId}`,
    name: `${meterName(pdl)} production revenue`,
    unit: 'EUR',
    kind: 'revenue',
    usagePointId: pdl.usagePointId,
    direction: 'production',
  };
}
