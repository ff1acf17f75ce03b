import type { PriceOverrides, ProductionPrice } from '../domain/offer-prices.js';

/** Settings shared by the whole run (not specific to one destination). */
export interface RunSettings {
  /** PDL numbers to export (MED_PDL); empty means every active PDL. */
  pdls: readonly string[];
  /** Off-peak ranges used when a PDL's own `offpeak_hours` cannot be parsed, e.g. `22:00-06:00`. */
  defaultOffpeakHours: string;
  /** Prices standing in where a PDL's offer has none (MED_PRICES, alias HOME_ASSISTANT_PRICES). */
  prices: PriceOverrides;
  /** €/kWh paid for production (MED_PRODUCTION_PRICE); null: no revenue. */
  productionPrice: ProductionPrice | null;
}
