/** The long-term statistics this destination maintains: their ids, names and units. */
import type { TariffName } from '../../domain/tariffs.js';
import type { Pdl } from '../../query/types.js';
import type { EnergyDirection } from '../../domain/vocabulary.js';
import { meterName } from '../../engines/ha-discovery/discovery-configs.js';

/** Every tariff a statistic can be split into (domain/tariffs.ts `tariffNames`). */
export const ALL_TARIFFS: readonly TariffName[] = [
  'base',
  'hc',
  'hp',
  'blue_hc',
  'blue_hp',
  'white_hc',
  'white_hp',
  'red_hc',
  'red_hp',
];

export type SeriesKind = 'energy' | 'tariff' | 'cost';

/** One long-term statistic this destination maintains. */
export interface SeriesSpec {
  statisticId: string;
  name: string;
  unit: 'kWh' | 'EUR';
  kind: SeriesKind;
  usagePointId: string;
  direction: EnergyDirection;
  tariff?: TariffName;
}

const TARIFF_LABELS: Record<TariffName, string> = {
  base: 'Base',
  hc: 'off-peak (HC)',
  hp: 'peak (HP)',
  blue_hc: 'Tempo blue off-peak',
  blue_hp: 'Tempo blue peak',
  white_hc: 'Tempo white off-peak',
  white_hp: 'Tempo white peak',
  red_hc: 'Tempo red off-peak',
  red_hp: 'Tempo red peak',
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
export function tariffSeries(prefix: string, pdl: Pdl, tariff: TariffName): SeriesSpec {
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
export function costSeries(prefix: string, pdl: Pdl, tariff: TariffName): SeriesSpec {
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
