import { describe, expect, it } from 'vitest';
import { BILLING_RULES } from '../../src/domain/offer-types.js';
import {
  configuredPricesFor,
  oldestPriceDate,
  parsePriceOverrides,
  parseProductionPrice,
  priceRowAt,
  priceTimeline,
  productionPriceFor,
  unitPriceOf,
  validityStartMs,
} from '../../src/domain/offer-prices.js';
import type { OfferPriceRow } from '../../src/domain/offer-prices.js';

const PDL = '12345678901234';
const OTHER_PDL = '98765432109876';

function row(validFrom: string | null, validTo: string | null, basePrice: number | null): OfferPriceRow {
  return {
    validFrom: validFrom === null ? null : new Date(validFrom),
    validTo: validTo === null ? null : new Date(validTo),
    subscriptionPrice: 15,
    prices: { base_price: basePrice },
  };
}

describe('validityStartMs', () => {
  it('reads a UTC midnight as the Paris midnight starting that date', () => {
    expect(validityStartMs(new Date('2025-02-01T00:00:00Z'))).toBe(Date.parse('2025-01-31T23:00:00Z'));
    expect(validityStartMs(new Date('2025-08-01T00:00:00Z'))).toBe(Date.parse('2025-07-31T22:00:00Z'));
  });

  it('takes any other instant as it is, and no bound as the beginning of time', () => {
    expect(validityStartMs(new Date('2025-01-31T23:00:00Z'))).toBe(Date.parse('2025-01-31T23:00:00Z'));
    expect(validityStartMs(new Date('2025-02-03T10:17:00Z'))).toBe(Date.parse('2025-02-03T10:17:00Z'));
    expect(validityStartMs(null)).toBe(-Infinity);
  });
});

describe('priceRowAt', () => {
  const old = row('2024-08-01T00:00:00Z', '2025-02-01T00:00:00Z', 0.2);
  const current = row('2025-02-01T00:00:00Z', null, 0.25);
  const timeline = priceTimeline([current, old]);

  it('gives the row in force, a price change at Paris midnight', () => {
    expect(priceRowAt(timeline, Date.parse('2025-01-31T22:30:00Z'))).toEqual({
      row: old,
      beforeOldest: false,
    });
    expect(priceRowAt(timeline, Date.parse('2025-01-31T23:00:00Z'))).toEqual({
      row: current,
      beforeOldest: false,
    });
    expect(priceRowAt(timeline, Date.parse('2030-01-01T00:00:00Z'))?.row).toBe(current);
  });

  it('stands the oldest row in before its start, and says so with its first day', () => {
    expect(priceRowAt(timeline, Date.parse('2024-07-31T21:30:00Z'))).toEqual({
      row: old,
      beforeOldest: true,
    });
    expect(priceRowAt(timeline, Date.parse('2024-07-31T22:00:00Z'))).toEqual({
      row: old,
      beforeOldest: false,
    });
    expect(oldestPriceDate(timeline)).toBe('2024-08-01');
  });

  it('lets the later start win where a row was closed when the scraper ran, days after the new start', () => {
    const closedLate = row('2024-08-01T00:00:00Z', '2025-02-03T10:17:00Z', 0.2);
    const overlapping = priceTimeline([closedLate, current]);
    expect(priceRowAt(overlapping, Date.parse('2025-02-02T12:00:00Z'))?.row).toBe(current);
  });

  it('keeps the last row in force after it was closed with no successor', () => {
    const closed = priceTimeline([old]);
    expect(priceRowAt(closed, Date.parse('2025-06-01T00:00:00Z'))).toEqual({ row: old, beforeOldest: false });
  });

  it('has no row for an offer without any, and no oldest date for a row valid since ever', () => {
    expect(priceRowAt(priceTimeline([]), 0)).toBeNull();
    const unbounded = priceTimeline([row(null, null, 0.2)]);
    expect(priceRowAt(unbounded, 0)?.beforeOldest).toBe(false);
    expect(oldestPriceDate(unbounded)).toBeNull();
  });
});

describe('unitPriceOf', () => {
  const weekendHc = BILLING_RULES.HC_WEEKEND.weekendHc;

  it('takes the first price column set', () => {
    const prices = { hc_price: 0.16, hc_price_weekend: 0.12 };
    expect(unitPriceOf(weekendHc, { ...row(null, null, null), prices })).toBe(0.12);
    expect(unitPriceOf(weekendHc, { ...row(null, null, null), prices: { hc_price: 0.16 } })).toBe(0.16);
  });

  it('has no price when no column is set or the value is not a price', () => {
    expect(unitPriceOf(weekendHc, row(null, null, 0.2))).toBeNull();
    const bad = { ...row(null, null, null), prices: { hc_price: -1, hc_price_weekend: Number.NaN } };
    expect(unitPriceOf(weekendHc, bad)).toBeNull();
  });
});

describe('parsePriceOverrides (MED_PRICES)', () => {
  it('reads prices by tariff and the subscription for every PDL, as an object or JSON text', () => {
    const expected = { all: { byTariff: { hc: 0.2068, hp: 0.27 }, subscription: 15.74 }, byPdl: {} };
    expect(parsePriceOverrides({ hc: 0.2068, hp: 0.27, subscription: 15.74 })).toEqual({
      ok: true,
      value: expected,
    });
    expect(parsePriceOverrides('{"hc": 0.2068, "hp": 0.27, "subscription": 15.74}')).toEqual({
      ok: true,
      value: expected,
    });
  });

  it('reads prices of one PDL, which win over the run-wide ones', () => {
    const parsed = parsePriceOverrides({ hc: 0.2, hp: 0.27, [PDL]: { hc: 0.18, subscription: 12 } });
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(configuredPricesFor(parsed.value, PDL)).toEqual({
      byTariff: { hc: 0.18, hp: 0.27 },
      subscription: 12,
    });
    expect(configuredPricesFor(parsed.value, OTHER_PDL)).toEqual({
      byTariff: { hc: 0.2, hp: 0.27 },
      subscription: null,
    });
  });

  it('is empty when not set', () => {
    for (const raw of [undefined, null, '']) {
      expect(parsePriceOverrides(raw)).toEqual({
        ok: true,
        value: { all: { byTariff: {}, subscription: null }, byPdl: {} },
      });
    }
  });

  it.each<[unknown, string]>([
    [{ hc: -0.1 }, 'MED_PRICES.hc must be a number ≥ 0, got -0.1'],
    [{ hc: '0.2' }, 'MED_PRICES.hc must be a number ≥ 0, got "0.2"'],
    [{ heures_creuses: 0.2 }, 'MED_PRICES: unknown key "heures_creuses"'],
    [{ [PDL]: 0.2 }, `MED_PRICES.${PDL} must be an object of prices`],
    [{ [PDL]: { [OTHER_PDL]: { hc: 0.2 } } }, `MED_PRICES.${PDL}: unknown key "${OTHER_PDL}"`],
    ['{hc: 0.2}', 'MED_PRICES is not valid JSON'],
    [[0.2], 'MED_PRICES must be an object of prices by tariff'],
  ])('rejects %j', (raw, error) => {
    const parsed = parsePriceOverrides(raw);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.error).toContain(error);
  });

  it('names the key it was given', () => {
    const parsed = parsePriceOverrides({ hc: -1 }, 'HOME_ASSISTANT_PRICES');
    expect(!parsed.ok && parsed.error).toMatch(/^HOME_ASSISTANT_PRICES\.hc/);
  });
});

describe('parseProductionPrice (MED_PRODUCTION_PRICE)', () => {
  it('reads one price for every PDL, as a number or text', () => {
    expect(parseProductionPrice(0.1276)).toEqual({ ok: true, value: { all: 0.1276, byPdl: {} } });
    expect(parseProductionPrice('0.1276')).toEqual({ ok: true, value: { all: 0.1276, byPdl: {} } });
  });

  it('reads prices by PDL, as an object or JSON text', () => {
    const value = { all: null, byPdl: { [PDL]: 0.13 } };
    expect(parseProductionPrice({ [PDL]: 0.13 })).toEqual({ ok: true, value });
    expect(parseProductionPrice(`{"${PDL}": 0.13}`)).toEqual({ ok: true, value });
    expect(productionPriceFor(value, PDL)).toBe(0.13);
    expect(productionPriceFor(value, OTHER_PDL)).toBeNull();
    expect(productionPriceFor({ all: 0.1, byPdl: {} }, OTHER_PDL)).toBe(0.1);
    expect(productionPriceFor(null, PDL)).toBeNull();
  });

  it('is absent when not set', () => {
    expect(parseProductionPrice(undefined)).toEqual({ ok: true, value: null });
    expect(parseProductionPrice('')).toEqual({ ok: true, value: null });
  });

  it.each<[unknown, string]>([
    [-0.1, 'must be a number ≥ 0'],
    ['cheap', 'must be a number ≥ 0'],
    [{ '1234': 0.1 }, '"1234" is not a 14-digit PDL'],
    [{ [PDL]: 'x' }, `MED_PRODUCTION_PRICE.${PDL} must be a number ≥ 0, got "x"`],
  ])('rejects %j', (raw, error) => {
    const parsed = parseProductionPrice(raw);
    expect(!parsed.ok && parsed.error).toContain(error);
  });
});
