import { oldestPriceDate } from '../domain/offer-prices.js';
import { addDays } from '../domain/paris-time.js';
import type { UnsplitReason } from '../domain/tariff-periods.js';
import type { PdlCosts } from '../engines/costs/pdl-costs.js';
import type { Finding } from './finding.js';

/** What MyElectricalData would need to store for the split, and what a user can do meanwhile. */
const UNSPLIT: Record<UnsplitReason, { cause: string; action: string }> = {
  ejp_peak_days_not_stored: {
    cause: 'MyElectricalData does not store EJP peak days, so no half-hour can be told normal or peak',
    action:
      'compare the total with the bill; per-tariff figures come once MyElectricalData stores the peak days',
  },
  seasonal_peak_days_not_stored: {
    cause:
      'this seasonal offer has a peak-day price and MyElectricalData does not store its peak days, so no half-hour can be told peak or not',
    action:
      'compare the total with the bill, or select the same offer without a peak-day price if that is the contract',
  },
  zen_flex_days_not_stored: {
    cause:
      'this MyElectricalData stores no Zen Flex calendar (no zen_flex_days table), so no day can be told Éco or Sobriété',
    action:
      'upgrade MyElectricalData to a version with zen_flex_days; until then compare the total with the bill',
  },
};

/**
 * The caveats of a PDL's costs, as every destination that prices energy computes them: an offer that cannot
 * be split, and consumption older than the oldest price known (costed at that price).
 */
export function checkCosts(
  usagePointId: string,
  costs: PdlCosts | null,
  firstConsumptionDay: string | null,
): Finding[] {
  if (costs === null) return [];
  const findings: Finding[] = [];
  if (costs.rules.kind === 'unsplit') {
    const { cause, action } = UNSPLIT[costs.rules.reason];
    findings.push({
      code: 'unsplit_offer',
      usagePointId,
      direction: 'consumption',
      message: `energy is exported unsplit: ${cause}`,
      meaning:
        'no per-tariff energy and no energy cost for this PDL, in any destination: only the total energy (and the subscription in the bill total)',
      action,
    });
  }
  const oldest = oldestPriceDate(costs.prices);
  if (oldest !== null && firstConsumptionDay !== null && firstConsumptionDay < oldest) {
    findings.push({
      code: 'before_oldest_price',
      usagePointId,
      direction: 'consumption',
      message: `costs before ${oldest} use the oldest price known for this offer`,
      meaning: `consumption from ${firstConsumptionDay} to ${addDays(oldest, -1)} is costed at the prices in force from ${oldest}, not at those billed then`,
      action: `to cost those days as billed, add the offer's earlier prices to MyElectricalData (an energy_offers row of the same provider, type, name and power whose valid_to is ${oldest}); otherwise compare bills from ${oldest} on`,
    });
  }
  return findings;
}
