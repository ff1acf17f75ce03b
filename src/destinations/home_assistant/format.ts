import { dateOfDayNumber } from '../../domain/paris-time.js';
import type { TariffName } from '../../domain/tariffs.js';
import type { Pdl } from '../../query/types.js';
import type { EnergyDirection } from '../../domain/vocabulary.js';

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

/** "Linky Maison" when the PDL has a label, "Linky 12345678901234" otherwise. */
export function meterName(pdl: Pick<Pdl, 'usagePointId' | 'name'>): string {
  const label = pdl.name?.trim();
  return `Linky ${label ? label : pdl.usagePointId}`;
}

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

/**
 * The release whose `recorder/import_statistics` accepts `mean_type` and `unit_class` (and no longer requires
 * `has_mean`): Home Assistant 2025.11. Source: home-assistant/developers.home-assistant
 * blog/2025-10-16-recorder-statistics-api-changes.md, home-assistant/core
 * homeassistant/components/recorder/websocket_api.py `ws_import_statistics`. Older releases declare
 * `vol.Required("has_mean"): bool` and nothing else optional, so the new keys are refused as extra keys; newer
 * ones log a deprecation for imports without them, announced to stop working in 2026.11.
 */
export const MEAN_TYPE_SINCE = { year: 2025, month: 11 };

/** `2025.11.2`, `2025.11.0b3`, `2026.1.0.dev0` → whether it is at least `MEAN_TYPE_SINCE`. */
export function acceptsMeanType(haVersion: string): boolean {
  const match = /^(\d+)\.(\d+)/.exec(haVersion);
  if (!match) return true; // an unknown format is a development build: newer than any release we know
  const year = Number(match[1]);
  const month = Number(match[2]);
  return year > MEAN_TYPE_SINCE.year || (year === MEAN_TYPE_SINCE.year && month >= MEAN_TYPE_SINCE.month);
}

/**
 * The `metadata` of `recorder/import_statistics` for this Home Assistant version. An external statistic's
 * `source` must equal the part of its id before the colon (recorder/statistics.py
 * `async_add_external_statistics`). `unit_class` names the unit converter: `energy` for kWh; EUR has none, so
 * it is null (recorder/statistics.py `_async_import_statistics` refuses an unknown class).
 */
export function statisticMetadata(
  series: SeriesSpec,
  source: string,
  haVersion: string,
): Record<string, unknown> {
  const metadata: Record<string, unknown> = {
    has_sum: true,
    name: series.name,
    source,
    statistic_id: series.statisticId,
    unit_of_measurement: series.unit,
  };
  if (acceptsMeanType(haVersion)) {
    metadata.mean_type = 0;
    metadata.unit_class = series.unit === 'kWh' ? 'energy' : null;
  } else {
    metadata.has_mean = false;
  }
  return metadata;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** 10000-01-01, the first day `toISOString` writes with a six-digit year. */
const FIRST_DAY_OF_YEAR_10000 = 2_932_897;
const HOUR_TEXT = Array.from({ length: 24 }, (_, hour) => `T${hour < 10 ? '0' : ''}${hour}:00:00+00:00`);

/**
 * An hour start as Home Assistant's `cv.datetime` wants it: ISO 8601 with an explicit UTC offset. Called once
 * per imported row, so whole hours of years 1970–9999 are written from the (cached) day text, without a Date.
 */
export function isoHour(ms: number): string {
  const day = Math.floor(ms / DAY_MS);
  const hour = (ms - day * DAY_MS) / HOUR_MS;
  if (day >= 0 && day < FIRST_DAY_OF_YEAR_10000 && Number.isInteger(hour)) {
    return dateOfDayNumber(day) + HOUR_TEXT[hour]!;
  }
  return new Date(ms).toISOString().replace('.000Z', '+00:00');
}
