import { BILLING_RULES, normalizeOfferType } from '../domain/offer-types.js';
import type { BillingRule } from '../domain/offer-types.js';
import { NO_CONFIGURED_PRICES, unitPriceOf } from '../domain/offer-prices.js';
import type { ConfiguredPrices } from '../domain/offer-prices.js';
import { parseOffpeakHours } from '../domain/offpeak-hours.js';
import type { OfferPriceHistory, Pdl } from '../query/types.js';
import type { Finding } from './finding.js';

/**
 * A PDL's contract as MyElectricalData stores it: off-peak hours, pricing option, selected offer, and the
 * tariffs its newest prices leave unpriced that the configured prices (MED_PRICES) do not price either.
 */
export function checkContract(
  pdl: Pdl,
  offer: OfferPriceHistory | null | undefined,
  configured: ConfiguredPrices = NO_CONFIGURED_PRICES,
): Finding[] {
  const usagePointId = pdl.usagePointId;
  const findings: Finding[] = [];
  const option = normalizeOfferType(pdl.pricingOption);
  if (pdl.offpeakHours !== null && parseOffpeakHours(pdl.offpeakHours) === null) {
    findings.push({
      code: 'unparseable_offpeak_hours',
      usagePointId,
      message: `offpeak_hours ${JSON.stringify(pdl.offpeakHours).slice(0, 120)} cannot be read`,
      meaning: 'off-peak (HC) and peak (HP) energy is split with the configured default ranges instead',
      action:
        'set the off-peak hours in MyElectricalData (its next start re-reads them from the gateway), or the default ranges in med-export',
    });
  }
  if (pdl.pricingOption !== null && option === null) {
    findings.push({
      code: 'unknown_pricing_option',
      usagePointId,
      message: `pricing_option "${pdl.pricingOption}" is not one MyElectricalData knows`,
      meaning: 'energy is exported without a tariff split and without costs',
      action: 'select the contract again in MyElectricalData (its offer list sets pricing_option)',
    });
  }
  if (pdl.selectedOfferId !== null && offer === null) {
    findings.push({
      code: 'selected_offer_missing',
      usagePointId,
      message: `the selected offer ${pdl.selectedOfferId} no longer exists in energy_offers`,
      meaning: 'no costs are exported for this PDL',
      action: 'select an offer again in MyElectricalData',
    });
  }
  const newest = offer?.rows.at(-1);
  const offerType = offer ? normalizeOfferType(offer.offerType) : null;
  if (newest && offerType) {
    const rules: readonly BillingRule[] = Object.values(BILLING_RULES[offerType]);
    const unpriced = [
      ...new Set(
        rules
          .filter((rule) => unitPriceOf(rule, newest) === null)
          .map((rule) => rule.tariff)
          .filter((tariff) => configured.byTariff[tariff] === undefined),
      ),
    ];
    if (unpriced.length > 0) {
      findings.push({
        code: 'offer_without_price',
        usagePointId,
        message: `the selected offer "${offer!.name}" has no price for ${unpriced.join(', ')}`,
        meaning: `costs of ${unpriced.join(', ')} energy are not exported (the energy is): MED_PRICES has no price for ${unpriced.length > 1 ? 'them' : 'it'} either`,
        action: `select an offer with every price in MyElectricalData, complete that offer, or set MED_PRICES (e.g. {"${unpriced[0]}": 0.2})`,
      });
    }
  }
  return findings;
}
