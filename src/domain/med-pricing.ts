import { normalizePricingOption } from './tariffs.js';

/**
 * The offer types MyElectricalData knows: its calculators (apps/api/src/services/offers/registry.py, one file
 * each in services/offers/) and the EDF scraper's BASE_WEEKEND, HC_WEEKEND, ZEN_FLEX. `pdls.pricing_option` is
 * set to the selected offer's type (apps/api/src/routers/pdl.py), so it can be any of them.
 */
export const MED_OFFER_TYPES = [
  'BASE',
  'HC_HP',
  'TEMPO',
  'EJP',
  'HC_NUIT_WEEKEND',
  'SEASONAL',
  'WEEKEND',
  'BASE_WEEKEND',
  'HC_WEEKEND',
  'ZEN_FLEX',
] as const;

const LETTERS_OF_KNOWN = new Set(MED_OFFER_TYPES.map((type) => type.replace(/[^A-Z]/g, '')));

/**
 * Whether a `pricing_option` is one MyElectricalData knows, in any spelling it has used (`HC/HP` and `HCHP`,
 * apps/api/src/services/exporters/home_assistant.py, the legacy gateway's values).
 */
export function isKnownPricingOption(raw: string): boolean {
  return (
    normalizePricingOption(raw) !== null || LETTERS_OF_KNOWN.has(raw.toUpperCase().replace(/[^A-Z]/g, ''))
  );
}
