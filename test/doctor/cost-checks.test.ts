import { describe, expect, it } from 'vitest';
import { checkCosts } from '../../src/doctor/cost-checks.js';
import { checkContract } from '../../src/doctor/pdl-checks.js';
import { parseOffpeakHours } from '../../src/domain/offpeak-hours.js';
import { tariffRulesOf } from '../../src/domain/tariff-periods.js';
import type { OfferType } from '../../src/domain/offer-types.js';
import { pdlCostsOf } from '../../src/engines/costs/pdl-costs.js';
import type { OfferPriceHistory, Pdl } from '../../src/query/types.js';

const PDL = '12345678901234';

function costsOf(offerType: OfferType, validFrom: Date | null, peakDayPrice?: number) {
  const prices = {
    hc_price: 0.2,
    hp_price: 0.27,
    ejp_normal: 0.15,
    ejp_peak: 0.9,
    peak_day_price: peakDayPrice,
  };
  return pdlCostsOf({
    offerType,
    rules: tariffRulesOf({
      offerType,
      schedule: parseOffpeakHours('22:00-06:00')!,
      tempoColorOf: () => undefined,
      hasPeakDayPrice: peakDayPrice !== undefined,
    }),
    rows: [{ validFrom, validTo: null, subscriptionPrice: 15, prices }],
    configured: { byTariff: {}, subscription: null },
    productionPrice: null,
  });
}

describe('checkCosts', () => {
  it('says nothing of an offer priced since before the first consumption', () => {
    expect(checkCosts(PDL, costsOf('HC_HP', new Date('2024-01-01T00:00:00Z')), '2024-03-01')).toEqual([]);
    expect(checkCosts(PDL, costsOf('HC_HP', null), '2024-03-01')).toEqual([]);
    expect(checkCosts(PDL, null, '2024-03-01')).toEqual([]);
  });

  it('names the oldest price day, as a Paris day, when consumption starts before it', () => {
    // MyElectricalData writes a first day as its UTC midnight: read as that date's Paris midnight.
    const [finding] = checkCosts(PDL, costsOf('HC_HP', new Date('2025-02-01T00:00:00Z')), '2024-11-10');
    expect(finding).toMatchObject({
      code: 'before_oldest_price',
      message: 'costs before 2025-02-01 use the oldest price known for this offer',
      meaning:
        'consumption from 2024-11-10 to 2025-01-31 is costed at the prices in force from 2025-02-01, not at those billed then',
    });
  });

  it('says why an EJP or a peak-day SEASONAL offer is exported unsplit, and what it means', () => {
    for (const [offerType, peak] of [
      ['EJP', undefined],
      ['SEASONAL', 0.8],
    ] as const) {
      const [finding] = checkCosts(PDL, costsOf(offerType, null, peak), '2024-01-01');
      expect(finding!.code).toBe('unsplit_offer');
      expect(finding!.message).toMatch(/^energy is exported unsplit: .*peak days/);
      expect(finding!.meaning).toMatch(/no per-tariff energy and no energy cost/);
    }
    expect(checkCosts(PDL, costsOf('SEASONAL', null), '2024-01-01')).toEqual([]);
  });
});

describe('checkContract with configured prices', () => {
  const pdl: Pdl = {
    usagePointId: PDL,
    name: null,
    pricingOption: 'HC_HP',
    offpeakHours: null,
    hasConsumption: true,
    hasProduction: false,
    isActive: true,
    selectedOfferId: 'o',
  };
  const offer: OfferPriceHistory = {
    offerType: 'HC_HP',
    name: 'Heures creuses',
    providerId: 'edf',
    powerKva: 6,
    rows: [
      {
        id: 'o',
        validFrom: null,
        validTo: null,
        subscriptionPrice: 15,
        hcSchedules: null,
        prices: { hc_price: 0.2 },
      },
    ],
  };

  it('reports a tariff without a price only when MED_PRICES gives none either', () => {
    const [finding] = checkContract(pdl, offer);
    expect(finding).toMatchObject({ code: 'offer_without_price', message: expect.stringContaining('hp') });
    expect(finding!.action).toContain('{"hp": 0.2}');
    expect(checkContract(pdl, offer, { byTariff: { hp: 0.27 }, subscription: null })).toEqual([]);
  });
});
