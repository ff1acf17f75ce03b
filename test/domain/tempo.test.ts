import { describe, expect, it } from 'vitest';
import type { TempoDay } from '../../src/query/types.js';
import type { TempoColorCode } from '../../src/domain/vocabulary.js';
import {
  colorCode,
  frenchColor,
  tempoQuotas,
  tempoRemaining,
  tempoSeasonOf,
  tempoUsed,
} from '../../src/domain/tempo.js';

/** Every day from `from` to `to` inclusive, in the given colour. */
function run(from: string, to: string, color: TempoColorCode): TempoDay[] {
  const days: TempoDay[] = [];
  for (let ms = Date.parse(`${from}T00:00:00Z`); ms <= Date.parse(`${to}T00:00:00Z`); ms += 86_400_000) {
    days.push({ date: new Date(ms).toISOString().slice(0, 10), color });
  }
  return days;
}

describe('colour names', () => {
  it.each([
    ['BLUE', 'BLEU', 'BLUE'],
    ['WHITE', 'BLANC', 'WHITE'],
    ['RED', 'ROUGE', 'RED'],
    ['bleu', 'BLEU', 'BLUE'],
    ['Blanc', 'BLANC', 'WHITE'],
    ['ROUGE', 'ROUGE', 'RED'],
    [null, 'INCONNU', 'UNKNOWN'],
    [undefined, 'INCONNU', 'UNKNOWN'],
    ['', 'INCONNU', 'UNKNOWN'],
    ['GREEN', 'INCONNU', 'UNKNOWN'],
  ])('%j → %s / %s', (input, french, code) => {
    expect(frenchColor(input)).toBe(french);
    expect(colorCode(input)).toBe(code);
  });
});

describe('tempoSeasonOf', () => {
  it.each([
    ['2024-08-31', '2023-2024', '2023-09-01', '2024-08-31'],
    ['2024-09-01', '2024-2025', '2024-09-01', '2025-08-31'],
    ['2024-12-31', '2024-2025', '2024-09-01', '2025-08-31'],
    ['2025-01-01', '2024-2025', '2024-09-01', '2025-08-31'],
    ['2025-08-31', '2024-2025', '2024-09-01', '2025-08-31'],
    ['2025-09-01', '2025-2026', '2025-09-01', '2026-08-31'],
  ])('%s is in season %s', (date, label, start, end) => {
    expect(tempoSeasonOf(date)).toEqual({ label, start, end });
  });

  it('rejects a malformed date', () => {
    expect(() => tempoSeasonOf('2024-9-1')).toThrow(RangeError);
  });
});

describe('tempoQuotas', () => {
  it.each([
    ['2023-09-01', 301], // contains 2024-02-29
    ['2024-09-01', 300],
    ['2025-09-01', 300],
    ['2027-09-01', 301], // contains 2028-02-29
    ['2099-09-01', 300], // 2100 is not a leap year
  ])('season starting %s has %i blue days, 43 white, 22 red', (date, blue) => {
    expect(tempoQuotas(tempoSeasonOf(date))).toEqual({ blue, white: 43, red: 22 });
  });
});

describe('tempoRemaining / tempoUsed', () => {
  // Season 2024-2025 up to Saturday 2025-01-11: 133 days (30 + 31 + 30 + 31 + 11).
  const season: TempoDay[] = [
    ...run('2024-09-01', '2024-11-30', 'BLUE'),
    ...run('2024-12-01', '2024-12-10', 'WHITE'),
    ...run('2024-12-11', '2025-01-05', 'BLUE'),
    ...run('2025-01-06', '2025-01-11', 'RED'),
  ];
  const noise: TempoDay[] = [
    { date: '2024-08-31', color: 'RED' }, // previous season
    { date: '2024-08-30', color: 'WHITE' },
    { date: '2025-01-12', color: 'RED' }, // after tomorrow: not published yet for 2025-01-10
  ];

  it('spends the season up to and including tomorrow', () => {
    expect(season).toHaveLength(133);
    expect(tempoUsed('2025-01-10', [...noise, ...season])).toEqual({
      blue: 117,
      white: 10,
      red: 6,
      season: '2024-2025',
    });
    expect(tempoRemaining('2025-01-10', [...noise, ...season])).toEqual({
      blue: 183,
      white: 33,
      red: 16,
      season: '2024-2025',
    });
  });

  it('does not spend tomorrow before its colour is known', () => {
    const withoutTomorrow = season.filter((day) => day.date !== '2025-01-11');
    expect(tempoRemaining('2025-01-10', withoutTomorrow)).toEqual({
      blue: 183,
      white: 33,
      red: 17,
      season: '2024-2025',
    });
  });

  it('starts full on 1 September and counts 1 September itself', () => {
    expect(tempoRemaining('2024-09-01', [...noise, { date: '2024-09-01', color: 'BLUE' }])).toEqual({
      blue: 299,
      white: 43,
      red: 22,
      season: '2024-2025',
    });
    // On 31 August, tomorrow (1 September) belongs to the next season and is not spent.
    expect(tempoUsed('2024-08-31', [...noise, { date: '2024-09-01', color: 'BLUE' }])).toEqual({
      blue: 0,
      white: 1,
      red: 1,
      season: '2023-2024',
    });
  });

  it('ends the leap season 2023-2024 with 301 blue days spent', () => {
    const whole = [
      ...run('2023-09-01', '2024-01-21', 'BLUE'),
      ...run('2024-01-22', '2024-02-12', 'RED'),
      ...run('2024-02-13', '2024-03-26', 'WHITE'),
      ...run('2024-03-27', '2024-08-31', 'BLUE'),
    ];
    expect(whole).toHaveLength(366);
    expect(tempoUsed('2024-08-31', whole)).toEqual({ blue: 301, white: 43, red: 22, season: '2023-2024' });
    expect(tempoRemaining('2024-08-31', whole)).toEqual({ blue: 0, white: 0, red: 0, season: '2023-2024' });
  });

  it('never goes below zero and counts a repeated day once (last colour wins)', () => {
    const tooManyRed = run('2024-11-01', '2024-11-30', 'RED');
    expect(tempoRemaining('2024-12-15', tooManyRed)).toEqual({
      blue: 300,
      white: 43,
      red: 0,
      season: '2024-2025',
    });
    const repeated: TempoDay[] = [
      { date: '2024-11-05', color: 'WHITE' },
      { date: '2024-11-05', color: 'RED' },
    ];
    expect(tempoUsed('2024-11-10', repeated)).toEqual({ blue: 0, white: 0, red: 1, season: '2024-2025' });
  });

  it('accepts any iterable', () => {
    function* days(): Generator<TempoDay> {
      yield { date: '2025-02-01', color: 'WHITE' };
      yield { date: '2025-02-02', color: 'WHITE' };
    }
    expect(tempoRemaining('2025-02-02', days()).white).toBe(41);
  });
});
