import { describe, expect, it } from 'vitest';
import {
  createCostAggregator,
  energyCost,
  productionRevenue,
  subscriptionPerDay,
  subscriptionPerHour,
} from '../../src/domain/costs.js';
import type { CostAggregatorOptions, CostBucket } from '../../src/domain/costs.js';
import { NO_CONFIGURED_PRICES, priceTimeline } from '../../src/domain/offer-prices.js';
import type { ConfiguredPrices, OfferPriceRow } from '../../src/domain/offer-prices.js';
import type { OfferType, PriceColumn } from '../../src/domain/offer-types.js';
import { parseOffpeakHours } from '../../src/domain/offpeak-hours.js';
import { parisLocalToUtcMs, parisMidnightUtcMs } from '../../src/domain/paris-time.js';
import { tariffRulesOf } from '../../src/domain/tariff-periods.js';
import type { TempoColorCode } from '../../src/domain/vocabulary.js';

const HALF_HOUR_MS = 30 * 60_000;
const SUBSCRIPTION = 15.74;
const at = (date: string, time: string) => parisLocalToUtcMs(date, time);

function priceRow(
  validFrom: string | null,
  prices: Partial<Record<PriceColumn, number | null>>,
  subscriptionPrice: number | null = SUBSCRIPTION,
): OfferPriceRow {
  return {
    validFrom: validFrom === null ? null : new Date(validFrom),
    validTo: null,
    subscriptionPrice,
    prices,
  };
}

interface Setup {
  offerType: OfferType;
  rows?: OfferPriceRow[];
  configured?: ConfiguredPrices;
  bucket?: 'hour' | 'day';
  colors?: Record<string, TempoColorCode>;
}

function aggregator({
  offerType,
  rows = [],
  configured = NO_CONFIGURED_PRICES,
  bucket = 'hour',
  colors = {},
}: Setup) {
  const options: CostAggregatorOptions = {
    rules: tariffRulesOf({
      offerType,
      schedule: parseOffpeakHours({ ranges: ['22:30-06:30'] })!,
      tempoColorOf: (day) => colors[day],
    }),
    prices: priceTimeline(rows),
    configured,
    bucket,
  };
  return createCostAggregator(options);
}

const costs = (buckets: CostBucket[]) =>
  buckets.map((bucket) => bucket.tariffs.map((t) => [t.tariff, t.wh, t.cost]));

describe('unit costs', () => {
  it('prices energy and production by the kWh', () => {
    expect(energyCost(1500, 0.2)).toBeCloseTo(0.3, 12);
    expect(productionRevenue(2000, 0.1276)).toBeCloseTo(0.2552, 12);
  });

  it('prorates the subscription × 12 / 365 a day, spread evenly over the real hours of the day', () => {
    expect(subscriptionPerDay(SUBSCRIPTION)).toBeCloseTo((15.74 * 12) / 365, 12);
    expect(subscriptionPerHour(SUBSCRIPTION, 23) * 23).toBeCloseTo(subscriptionPerDay(SUBSCRIPTION), 12);
    expect(subscriptionPerHour(SUBSCRIPTION, 25) * 25).toBeCloseTo(subscriptionPerDay(SUBSCRIPTION), 12);
  });
});

describe('createCostAggregator', () => {
  const hcHpRow = priceRow('2024-08-01T00:00:00Z', { hc_price: 0.2, hp_price: 0.3 });

  it('splits an hour between its tariffs by each half-hour start, and costs each', () => {
    const costing = aggregator({ offerType: 'HC_HP', rows: [hcHpRow] });
    costing.add(at('2025-01-08', '22:00'), 400);
    costing.add(at('2025-01-08', '22:30'), 600);
    const [hour] = costing.finish();
    expect(hour).toMatchObject({ startMs: at('2025-01-08', '22:00'), date: '2025-01-08', wh: 1000 });
    expect(costs([hour!])).toEqual([
      [
        ['hc', 600, 0.6 * 0.2],
        ['hp', 400, 0.4 * 0.3],
      ],
    ]);
    expect(hour!.energyCost).toBeCloseTo(0.12 + 0.12, 12);
    expect(hour!.subscription).toBeCloseTo(subscriptionPerDay(SUBSCRIPTION) / 24, 12);
  });

  it('changes price at Paris midnight, where MyElectricalData stored a UTC midnight', () => {
    const rows = [
      priceRow('2024-08-01T00:00:00Z', { base_price: 0.2 }),
      priceRow('2025-02-01T00:00:00Z', { base_price: 0.25 }),
    ];
    const costing = aggregator({ offerType: 'BASE', rows, bucket: 'day' });
    costing.add(at('2025-01-31', '23:30'), 1000);
    costing.add(at('2025-02-01', '00:00'), 1000);
    const days = costing.finish();
    expect(days.map((day) => [day.date, day.startMs, day.energyCost])).toEqual([
      ['2025-01-31', parisMidnightUtcMs('2025-01-31'), 0.2],
      ['2025-02-01', parisMidnightUtcMs('2025-02-01'), 0.25],
    ]);
    expect(days[0]!.subscription).toBeCloseTo(subscriptionPerDay(SUBSCRIPTION), 12);
    expect(costing.report().oldestPriceUsedBefore).toBeNull();
  });

  it('bills a Tempo night by its colour and each half-hour by the price in force at it', () => {
    const old = { tempo_red_hc: 0.15, tempo_blue_hp: 0.16 };
    const rows = [
      priceRow('2024-08-01T00:00:00Z', old),
      priceRow('2025-02-01T00:00:00Z', { tempo_red_hc: 0.18, tempo_blue_hp: 0.19 }),
    ];
    const colors: Record<string, TempoColorCode> = { '2025-01-31': 'RED', '2025-02-01': 'BLUE' };
    const costing = aggregator({ offerType: 'TEMPO', rows, colors });
    for (const time of ['23:30']) costing.add(at('2025-01-31', time), 1000);
    for (const time of ['00:00', '05:30', '06:00']) costing.add(at('2025-02-01', time), 1000);
    expect(costs(costing.finish())).toEqual([
      [['red_hc', 1000, 0.15]],
      [['red_hc', 1000, 0.18]],
      [['red_hc', 1000, 0.18]],
      [['blue_hp', 1000, 0.19]],
    ]);
  });

  it('leaves a half-hour without its Tempo colour out of every tariff, and reports the day', () => {
    const rows = [priceRow(null, { tempo_blue_hc: 0.13 })];
    const costing = aggregator({ offerType: 'TEMPO', rows, colors: { '2025-01-10': 'BLUE' } });
    costing.add(at('2025-01-11', '05:30'), 500);
    costing.add(at('2025-01-11', '06:00'), 700);
    const buckets = costing.finish();
    expect(buckets.map((b) => [b.wh, b.awaitingWh, b.tariffs.map((t) => t.tariff)])).toEqual([
      [500, 0, ['blue_hc']],
      [700, 700, []],
    ]);
    expect(costing.report().awaitingDays).toEqual(['2025-01-11']);
  });

  it("prices half-hours before the oldest row with that row's prices, and says from when", () => {
    const costing = aggregator({
      offerType: 'BASE',
      rows: [priceRow('2025-02-01T00:00:00Z', { base_price: 0.25 })],
    });
    costing.add(at('2025-01-15', '12:00'), 2000);
    const [hour] = costing.finish();
    expect(hour!.energyCost).toBeCloseTo(0.5, 12);
    expect(hour!.subscription).not.toBeNull();
    expect(costing.report().oldestPriceUsedBefore).toBe('2025-02-01');
  });

  it('leaves a tariff without a price uncosted, never at zero, and reports it', () => {
    const costing = aggregator({ offerType: 'HC_HP', rows: [priceRow(null, { hp_price: 0.3 })] });
    costing.add(at('2025-01-08', '23:00'), 1000);
    costing.add(at('2025-01-08', '12:00'), 1000);
    const buckets = costing.finish();
    expect(buckets.map((b) => b.tariffs)).toEqual([
      [{ tariff: 'hp', wh: 1000, cost: 0.3, unpricedWh: 0 }],
      [{ tariff: 'hc', wh: 1000, cost: 0, unpricedWh: 1000 }],
    ]);
    expect(costing.report()).toMatchObject({ unpricedTariffs: ['hc'], configuredTariffs: [] });
  });

  it('takes a missing price from the configured prices, and reports it', () => {
    const configured = { byTariff: { hc: 0.21 }, subscription: 20 };
    const costing = aggregator({ offerType: 'HC_HP', rows: [priceRow(null, { hp_price: 0.3 })], configured });
    costing.add(at('2025-01-08', '23:00'), 1000);
    const [hour] = costing.finish();
    expect(hour!.tariffs).toEqual([{ tariff: 'hc', wh: 1000, cost: 0.21, unpricedWh: 0 }]);
    // The offer's subscription wins over the configured one.
    expect(hour!.subscription).toBeCloseTo(subscriptionPerDay(SUBSCRIPTION) / 24, 12);
    expect(costing.report()).toMatchObject({ unpricedTariffs: [], configuredTariffs: ['hc'] });
  });

  it('prices everything from the configured prices when the PDL has no selected offer', () => {
    const costing = aggregator({
      offerType: 'BASE',
      configured: { byTariff: { base: 0.2 }, subscription: 12 },
    });
    costing.add(at('2025-01-08', '12:00'), 1000);
    const [hour] = costing.finish();
    expect(hour!.energyCost).toBeCloseTo(0.2, 12);
    expect(hour!.subscription).toBeCloseTo(subscriptionPerDay(12) / 24, 12);
    expect(costing.report().subscriptionUnknown).toBe(false);
  });

  it('has no subscription share at all when no price is known for it', () => {
    const costing = aggregator({ offerType: 'BASE' });
    costing.add(at('2025-01-08', '12:00'), 1000);
    expect(costing.finish()[0]).toMatchObject({ subscription: null, energyCost: 0 });
    expect(costing.report()).toMatchObject({ subscriptionUnknown: true, unpricedTariffs: ['base'] });
  });

  it.each([
    ['2025-03-30', 23],
    ['2025-10-26', 25],
  ])('spreads the subscription of %s over its %i hours', (date, hours) => {
    const costing = aggregator({ offerType: 'BASE', rows: [priceRow(null, { base_price: 0.2 })] });
    const start = parisMidnightUtcMs(date);
    for (let ms = start; ms < parisMidnightUtcMs(date) + hours * 3_600_000; ms += HALF_HOUR_MS)
      costing.add(ms, 100);
    const buckets = costing.finish();
    expect(buckets).toHaveLength(hours);
    expect(new Set(buckets.map((b) => b.date))).toEqual(new Set([date]));
    const total = buckets.reduce((sum, b) => sum + b.subscription!, 0);
    expect(total).toBeCloseTo(subscriptionPerDay(SUBSCRIPTION), 12);
    expect(buckets.reduce((sum, b) => sum + b.wh, 0)).toBe(hours * 200);
  });

  it('keeps the two 02:00 hours of the autumn day apart', () => {
    const costing = aggregator({ offerType: 'BASE', rows: [priceRow(null, { base_price: 0.2 })] });
    costing.add(Date.parse('2025-10-26T00:00:00Z'), 100);
    costing.add(Date.parse('2025-10-26T01:00:00Z'), 300);
    expect(costing.finish().map((b) => [b.startMs, b.wh])).toEqual([
      [Date.parse('2025-10-26T00:00:00Z'), 100],
      [Date.parse('2025-10-26T01:00:00Z'), 300],
    ]);
  });

  it('counts an unsplit offer in the total only, and reports why', () => {
    const costing = aggregator({
      offerType: 'EJP',
      rows: [priceRow(null, { ejp_normal: 0.15, ejp_peak: 0.9 })],
    });
    costing.add(at('2025-01-08', '12:00'), 1000);
    const [hour] = costing.finish();
    expect(hour).toMatchObject({ wh: 1000, unsplitWh: 1000, tariffs: [], energyCost: 0 });
    expect(hour!.subscription).not.toBeNull();
    expect(costing.report().unsplit?.reason).toBe('ejp_peak_days_not_stored');
  });

  it('hands out each bucket once, as soon as a later one is started', () => {
    const costing = aggregator({ offerType: 'BASE', rows: [priceRow(null, { base_price: 0.2 })] });
    costing.add(at('2025-01-08', '10:00'), 1);
    costing.add(at('2025-01-08', '10:30'), 2);
    expect(costing.takeCompleted()).toEqual([]);
    costing.add(at('2025-01-08', '11:00'), 4);
    expect(costing.takeCompleted().map((b) => b.wh)).toEqual([3]);
    expect(costing.takeCompleted()).toEqual([]);
    expect(costing.finish().map((b) => b.wh)).toEqual([4]);
  });
});
