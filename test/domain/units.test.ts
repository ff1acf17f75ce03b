import { describe, expect, it } from 'vitest';
import { MAX_PLAUSIBLE_POWER_W, intervalEnergyWh, intervalMinutes, whToKwh } from '../../src/domain/units.js';

describe('intervalMinutes', () => {
  it.each([
    [{ interval_length: 'PT10M' }, 10],
    [{ interval_length: 'PT15M' }, 15],
    [{ interval_length: 'PT30M' }, 30],
    [{ interval_length: 'PT60M' }, 60],
    [{ interval_length: 'PT1H' }, 60],
    [{ interval_length: 'pt30m' }, 30],
    [{ interval_length: ' PT15M ' }, 15],
    [{ interval_length: null }, 30],
    [{ other: 'x' }, 30],
    [{}, 30],
    [null, 30],
    [undefined, 30],
  ])('%j → %i', (rawData, minutes) => {
    expect(intervalMinutes(rawData)).toBe(minutes);
  });

  it.each([
    [{ interval_length: 'PT5M' }],
    [{ interval_length: 'PT45M' }],
    [{ interval_length: 'PT2H' }],
    [{ interval_length: '30' }],
    [{ interval_length: 30 }],
    [{ interval_length: '' }],
    ['PT30M'],
    [42],
    [['PT30M']],
  ])('%j → null', (rawData) => {
    expect(intervalMinutes(rawData)).toBeNull();
  });
});

describe('intervalEnergyWh', () => {
  it.each([
    // W, minutes, Wh
    [1200, 10, 200],
    [1000, 10, 500 / 3],
    [123, 10, 20.5],
    [1200, 15, 300],
    [1001, 15, 250.25],
    [1000, 30, 500],
    [1234.5, 30, 617.25],
    [1, 30, 0.5],
    [1000, 60, 1000],
    [1234.5, 60, 1234.5],
    [0, 30, 0],
  ])('%f W over %i min → %f Wh', (watts, minutes, wh) => {
    expect(intervalEnergyWh(watts, minutes)).toBe(wh);
  });

  it('sums a day of half hours at a constant 1 kW to 24 kWh', () => {
    let total = 0;
    for (let i = 0; i < 48; i++) total += intervalEnergyWh(1000, 30);
    expect(total).toBe(24_000);
  });

  it('sums a day of ten-minute intervals at 1 kW to 24 kWh within float error', () => {
    let total = 0;
    for (let i = 0; i < 144; i++) total += intervalEnergyWh(1000, 10);
    expect(whToKwh(total)).toBe(24);
  });
});

describe('whToKwh', () => {
  it.each([
    [1234.5, 3, 1.235],
    [1234.4999, 3, 1.234],
    [1234.5, 2, 1.23],
    [1235, 2, 1.24],
    [1234, 0, 1],
    [1500, 0, 2],
    [1499, 0, 1],
    [1250, 1, 1.3],
    [1.0005, 6, 0.001001],
    [1.005, 5, 0.00101],
    [2.5, 3, 0.003],
    [1000.5, 3, 1.001],
    [500 / 3, 3, 0.167],
    [0.1 + 0.2, 4, 0.0003],
    [1234.5, undefined, 1.235],
    [0, 3, 0],
    [123_456_789, 3, 123_456.789],
    [123_456_789.5, 3, 123_456.79],
    [1e-7, 10, 1e-10],
  ])('%f Wh at %s decimals → %f kWh', (wh, decimals, kwh) => {
    expect(whToKwh(wh, decimals)).toBe(kwh);
  });

  it('rounds negatives symmetrically and never returns -0', () => {
    expect(whToKwh(-1234.5)).toBe(-1.235);
    expect(whToKwh(-1234.4)).toBe(-1.234);
    expect(Object.is(whToKwh(-0.1), 0)).toBe(true);
    expect(Object.is(whToKwh(-0), 0)).toBe(true);
  });

  it('returns the nearest double to the decimal result for every Wh of the first 10 kWh', () => {
    const mismatches: number[] = [];
    for (let wh = 0; wh <= 10_000; wh++) {
      const text = String(wh).padStart(4, '0');
      const decimal = Number(`${text.slice(0, -3)}.${text.slice(-3)}`);
      if (whToKwh(wh) !== decimal) mismatches.push(wh);
      // Half a Wh more rounds up (half away from zero).
      const up = String(wh + 1).padStart(4, '0');
      if (whToKwh(wh + 0.5) !== Number(`${up.slice(0, -3)}.${up.slice(-3)}`)) mismatches.push(wh + 0.5);
    }
    expect(mismatches).toEqual([]);
  });
});

describe('MAX_PLAUSIBLE_POWER_W', () => {
  it('is 100 kW', () => {
    expect(MAX_PLAUSIBLE_POWER_W).toBe(100_000);
  });
});
