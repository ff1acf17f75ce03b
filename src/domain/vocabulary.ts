/** The names med-export and MyElectricalData share, as values (for validation) and as types. */

export const DATA_KINDS = [
  'consumption_daily',
  'consumption_monthly',
  'consumption_detailed',
  'production_daily',
  'production_monthly',
  'production_detailed',
  'tempo',
  'ecowatt',
] as const;
export type DataKind = (typeof DATA_KINDS)[number];

export const ENERGY_DIRECTIONS = ['consumption', 'production'] as const;
export type EnergyDirection = (typeof ENERGY_DIRECTIONS)[number];

/** `tempo_days.color` as MyElectricalData stores it. */
export const TEMPO_COLOR_CODES = ['BLUE', 'WHITE', 'RED'] as const;
export type TempoColorCode = (typeof TEMPO_COLOR_CODES)[number];
