import { configuredPricesFor } from '../domain/offer-prices.js';
import { normalizeOfferType } from '../domain/offer-types.js';
import { ENERGY_DIRECTIONS } from '../domain/vocabulary.js';
import type { HealthQueries } from '../query/health-queries.js';
import type { QueryLayer } from '../query/types.js';
import type { RunSettings } from '../config/run-settings.js';
import { loadPdlCosts } from '../engines/costs/pdl-costs.js';
import { checkCosts } from './cost-checks.js';
import { findExportCollisions } from './export-collisions.js';
import type { ExportTarget } from './export-collisions.js';
import type { Finding } from './finding.js';
import { checkContract } from './pdl-checks.js';
import { checkSeries, checkTempoColours } from './series-checks.js';

export interface DoctorInput {
  query: QueryLayer;
  health: HealthQueries;
  /** med-export's enabled destinations, for the collision check. */
  targets: readonly ExportTarget[];
  /** The run-wide settings: configured prices (MED_PRICES) and default off-peak hours, as export reads them. */
  settings: RunSettings;
  /** Paris date of today. */
  today: string;
  /** Only these PDLs (default: the active ones, as export does). */
  only?: readonly string[];
}

export interface DoctorReport {
  pdls: string[];
  findings: Finding[];
}

/** Everything `med-export doctor` checks, read-only. */
export async function runDoctor(input: DoctorInput): Promise<DoctorReport> {
  const { query, health, today } = input;
  const pdls = await query.listPdls(input.only);
  const findings: Finding[] = [];
  const tempoDays = await query.tempoDays();
  for (const pdl of pdls) {
    let firstConsumptionDay: string | null = null;
    for (const direction of ENERGY_DIRECTIONS) {
      if (direction === 'consumption' ? !pdl.hasConsumption : !pdl.hasProduction) continue;
      const days = await health.dayCounts(direction, pdl.usagePointId);
      if (direction === 'consumption') {
        firstConsumptionDay = days.find((day) => day.daily > 0 || day.detailed > 0)?.date ?? null;
      }
      findings.push(...checkSeries(pdl.usagePointId, direction, days, today));
      if (direction === 'consumption' && normalizeOfferType(pdl.pricingOption) === 'TEMPO') {
        const consumptionDays = days
          .filter((day) => day.daily > 0 || day.detailed > 0)
          .map((day) => day.date);
        findings.push(...checkTempoColours(pdl.usagePointId, consumptionDays, tempoDays));
      }
    }
    const offer =
      pdl.selectedOfferId === null ? undefined : await query.offerPriceHistory(pdl.selectedOfferId);
    findings.push(...checkContract(pdl, offer, configuredPricesFor(input.settings.prices, pdl.usagePointId)));
    // The cost caveats are those of a selected offer, whose prices (and their history) MyElectricalData keeps.
    if (offer) {
      const costs = await loadPdlCosts(query, input.settings, pdl);
      findings.push(...checkCosts(pdl.usagePointId, costs, firstConsumptionDay));
    }
  }
  const usagePointIds = pdls.map((pdl) => pdl.usagePointId);
  findings.push(...findExportCollisions(await health.enabledMedExports(), input.targets, usagePointIds));
  return { pdls: usagePointIds, findings };
}
