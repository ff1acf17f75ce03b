import { isKnownPricingOption } from '../domain/med-pricing.js';
import { normalizePricingOption, parseOffpeakHours, tariffNames } from '../domain/tariffs.js';
import type { TariffName } from '../domain/tariffs.js';
import type { EnergyOffer, Pdl } from '../query/types.js';
import type { Finding } from './finding.js';

const PRICE_OF_TARIFF: Record<TariffName, keyof EnergyOffer> = {
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

/** A PDL's contract as MyElectricalData stores it: off-peak hours, pricing option, selected offer. */
export function checkContract(pdl: Pdl, offer: EnergyOffer | null | undefined): Finding[] {
  const usagePointId = pdl.usagePointId;
  const findings: Finding[] = [];
  const option = pdl.pricingOption === null ? null : normalizePricingOption(pdl.pricingOption);
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
  if (pdl.pricingOption !== null && !isKnownPricingOption(pdl.pricingOption)) {
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
  if (offer && option) {
    const unpriced = tariffNames(option).filter((tariff) => offer[PRICE_OF_TARIFF[tariff]] === null);
    if (unpriced.length > 0) {
      findings.push({
        code: 'offer_without_price',
        usagePointId,
        message: `the selected offer "${offer.name}" has no price for ${unpriced.join(', ')}`,
        meaning: `costs of ${unpriced.join(', ')} energy are not exported (the energy is)`,
        action: 'select an offer with every price in MyElectricalData, or complete that offer',
      });
    }
  }
  return findings;
}
