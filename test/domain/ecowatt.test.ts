import { describe, expect, it } from 'vitest';
import { alertFrom, levelAt, parseHourlyLevels } from '../../src/domain/ecowatt.js';

const levels = [1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 3, 2, 1, 1, 1, 1, 1, 1, 2, 2, 1, 1, 1, 1];

describe('parseHourlyLevels', () => {
  it('reads an array of numbers', () => {
    expect(parseHourlyLevels(levels)).toEqual(levels);
  });

  it("reads RTE's array of { pas, hvalue }, in any order", () => {
    const rte = levels.map((hvalue, pas) => ({ pas, hvalue })).reverse();
    expect(parseHourlyLevels(rte)).toEqual(levels);
  });

  it('reads an object keyed by hour', () => {
    expect(parseHourlyLevels(Object.fromEntries(levels.map((level, hour) => [String(hour), level])))).toEqual(
      levels,
    );
  });

  it('reads numeric strings and a JSON text', () => {
    expect(parseHourlyLevels(levels.map(String))).toEqual(levels);
    expect(parseHourlyLevels(JSON.stringify(levels))).toEqual(levels);
  });

  it('accepts RTE v5 level 0 (low-carbon hour)', () => {
    const withLowCarbon = [0, 0, 0, 0, 0, ...levels.slice(5)];
    expect(parseHourlyLevels(withLowCarbon)).toEqual(withLowCarbon);
  });

  it.each([
    ['null', null],
    ['a number', 2],
    ['a non-JSON text', 'green'],
    ['an empty array', []],
    ['23 hours', levels.slice(1)],
    ['25 hours', [...levels, 1]],
    ['a level 4', [...levels.slice(0, 23), 4]],
    ['a level -1', [-1, ...levels.slice(1)]],
    ['a fractional level', [1.5, ...levels.slice(1)]],
    ['a null level', [null, ...levels.slice(1)]],
    ['a repeated pas', levels.map((hvalue, pas) => ({ pas: pas === 5 ? 4 : pas, hvalue }))],
    ['a pas of 24', levels.map((hvalue, pas) => ({ pas: pas + 1, hvalue }))],
    ['objects without hvalue', levels.map((value, pas) => ({ pas, value }))],
    [
      'an object missing hour 23',
      Object.fromEntries(levels.slice(0, 23).map((level, hour) => [String(hour), level])),
    ],
    [
      'an object with a non-hour key',
      { ...Object.fromEntries(levels.slice(1).map((l, h) => [String(h + 1), l])), x: 1 },
    ],
  ])('gives null for %s', (_label, raw) => {
    expect(parseHourlyLevels(raw)).toBeNull();
  });
});

describe('levelAt', () => {
  it('gives the level of an hour, null outside 0–23', () => {
    expect(levelAt(levels, 0)).toBe(1);
    expect(levelAt(levels, 10)).toBe(3);
    expect(levelAt(levels, 23)).toBe(1);
    expect(levelAt(levels, 24)).toBeNull();
    expect(levelAt(levels, -1)).toBeNull();
  });
});

describe('alertFrom', () => {
  it.each([
    [0, true],
    [8, true],
    [11, true],
    [12, true],
    [19, true],
    [20, false],
    [23, false],
  ])('from %i:00 → %s', (hour, expected) => {
    expect(alertFrom(levels, hour)).toBe(expected);
  });

  it('is false on a calm day and true for a critical last hour', () => {
    expect(alertFrom(new Array<number>(24).fill(1), 0)).toBe(false);
    expect(alertFrom([...new Array<number>(23).fill(1), 3], 23)).toBe(true);
    expect(alertFrom([...new Array<number>(23).fill(0), 2], 5)).toBe(true);
  });
});
