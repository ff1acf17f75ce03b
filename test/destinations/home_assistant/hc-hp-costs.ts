import type { TariffPeriod } from '../../../src/domain/offer-types.js';
import { parseOffpeakHours } from '../../../src/domain/offpeak-hours.js';
import { tariffRulesOf } from '../../../src/domain/tariff-periods.js';
import { pdlCostsOf, type PdlCosts } from '../../../src/engines/costs/pdl-costs.js';

/** An HC_HP PDL without a selected offer, priced by configured prices only. */
export function hcHpCosts(offpeak: string, prices: Partial<Record<TariffPeriod, number>>): PdlCosts {
  return pdlCostsOf({
    offerType: 'HC_HP',
    rules: tariffRulesOf({
      offerType: 'HC_HP',
      schedule: parseOffpeakHours(offpeak)!,
      tempoColorOf: () => undefined,
    }),
    rows: [],
    configured: { byTariff: prices, subscription: null },
    productionPrice: null,
  });
}
