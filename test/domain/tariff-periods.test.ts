import { describe, expect, it } from 'vitest';
import { OFFER_TYPES, normalizeOfferType, tariffPeriodsOf } from '../../src/domain/offer-types.js';
import type { BillingRule, OfferType, TariffPeriod } from '../../src/domain/offer-types.js';
import { parseOffpeakHours } from '../../src/domain/offpeak-hours.js';
import type { OffpeakSchedule } from '../../src/domain/offpeak-hours.js';
import { minuteOfDay } from '../../src/domain/paris-time.js';
import {
  chooseOffpeakSchedule,
  energyDatesOfTempoDay,
  parisDayAt,
  parisDayOfDate,
  parisMinuteAt,
  tariffRulesOf,
} from '../../src/domain/tariff-periods.js';
import type { HalfHourBilling, TariffRulesInput, ZenFlexDayType } from '../../src/domain/tariff-periods.js';
import type { TempoColorCode } from '../../src/domain/vocabulary.js';

// 2025-01-10 is a Friday, 01-11 a Saturday, 01-12 a Sunday, 01-13 a Monday.
const offpeak2230 = parseOffpeakHours({ ranges: ['22:30-06:30'] })!;
const colors: Record<string, TempoColorCode> = {
  '2025-01-09': 'WHITE',
  '2025-01-10': 'RED',
  '2025-01-11': 'BLUE',
  '2025-03-29': 'WHITE',
  '2025-03-30': 'BLUE',
};

function rulesFor(offerType: OfferType, extra: Partial<TariffRulesInput> = {}) {
  return tariffRulesOf({ offerType, schedule: offpeak2230, tempoColorOf: (day) => colors[day], ...extra });
}

function outcome(offerType: OfferType, date: string, time: string, extra: Partial<TariffRulesInput> = {}) {
  const rules = rulesFor(offerType, extra);
  if (rules.kind !== 'split') throw new Error(`${offerType} is not split`);
  return rules.billingAt(parisDayOfDate(date), minuteOfDay(time));
}

function billing(...args: Parameters<typeof outcome>): BillingRule {
  const result: HalfHourBilling = outcome(...args);
  if ('awaiting' in result) throw new Error(`awaiting ${result.day}`);
  return result;
}

function tariffOf(...args: Parameters<typeof outcome>) {
  const result = outcome(...args);
  return 'awaiting' in result ? result : result.tariff;
}

describe('normalizeOfferType', () => {
  it.each<[string | null, OfferType | null]>([
    ['HC/HP', 'HC_HP'],
    ['HCHP', 'HC_HP'],
    ['hp-hc', 'HC_HP'],
    ['HC/HP WEEKEND', 'HC_WEEKEND'],
    ['hc_nuit_weekend', 'HC_NUIT_WEEKEND'],
    ['Base Weekend', 'BASE_WEEKEND'],
    ['WEEKEND', 'WEEKEND'],
    ['zen-flex', 'ZEN_FLEX'],
    ['Seasonal', 'SEASONAL'],
    ['', null],
    [null, null],
    ['TEMPO_PLUS', null],
  ])('%j → %j', (raw, expected) => {
    expect(normalizeOfferType(raw)).toBe(expected);
  });

  it('reads every offer type as itself', () => {
    for (const offerType of OFFER_TYPES) expect(normalizeOfferType(offerType)).toBe(offerType);
  });
});

describe('tariffPeriodsOf', () => {
  it.each<[OfferType, TariffPeriod[]]>([
    ['BASE', ['base']],
    ['BASE_WEEKEND', ['weekday', 'weekend']],
    ['HC_HP', ['hc', 'hp']],
    ['HC_WEEKEND', ['hc', 'hp']],
    ['HC_NUIT_WEEKEND', ['hc', 'hp']],
    ['WEEKEND', ['weekday_hc', 'weekday_hp', 'weekend_hc', 'weekend_hp']],
    ['TEMPO', ['blue_hc', 'blue_hp', 'white_hc', 'white_hp', 'red_hc', 'red_hp']],
    ['SEASONAL', ['winter_hc', 'winter_hp', 'summer_hc', 'summer_hp']],
    ['EJP', ['normal', 'peak']],
    ['ZEN_FLEX', ['eco_hc', 'eco_hp', 'sobriety_hc', 'sobriety_hp']],
  ])('%s → %j', (offerType, tariffs) => {
    expect(tariffPeriodsOf(offerType)).toEqual(tariffs);
  });
});

describe('billing of a half-hour, per offer type', () => {
  it('BASE is always base, at base_price', () => {
    expect(billing('BASE', '2025-01-11', '03:00')).toEqual({ tariff: 'base', priceColumns: ['base_price'] });
  });

  it('BASE_WEEKEND splits by the local calendar day', () => {
    expect(tariffOf('BASE_WEEKEND', '2025-01-10', '23:30')).toBe('weekday');
    expect(tariffOf('BASE_WEEKEND', '2025-01-11', '00:00')).toBe('weekend');
    expect(tariffOf('BASE_WEEKEND', '2025-01-12', '23:30')).toBe('weekend');
    expect(tariffOf('BASE_WEEKEND', '2025-01-13', '00:00')).toBe('weekday');
    expect(billing('BASE_WEEKEND', '2025-01-11', '12:00').priceColumns).toEqual([
      'base_price_weekend',
      'base_price',
    ]);
  });

  it("HC_HP follows the PDL's hours, start included and end excluded", () => {
    expect(tariffOf('HC_HP', '2025-01-10', '22:00')).toBe('hp');
    expect(tariffOf('HC_HP', '2025-01-10', '22:30')).toBe('hc');
    expect(tariffOf('HC_HP', '2025-01-11', '06:00')).toBe('hc');
    expect(tariffOf('HC_HP', '2025-01-11', '06:30')).toBe('hp');
    expect(tariffOf('HC_HP', '2025-01-11', '12:00')).toBe('hp');
  });

  it('HC_WEEKEND: the whole weekend is off-peak at the weekend price, weekdays by the PDL', () => {
    expect(billing('HC_WEEKEND', '2025-01-11', '12:00')).toEqual({
      tariff: 'hc',
      priceColumns: ['hc_price_weekend', 'hc_price'],
    });
    expect(billing('HC_WEEKEND', '2025-01-12', '18:30').tariff).toBe('hc');
    expect(billing('HC_WEEKEND', '2025-01-13', '23:00')).toEqual({
      tariff: 'hc',
      priceColumns: ['hc_price'],
    });
    expect(billing('HC_WEEKEND', '2025-01-13', '12:00')).toEqual({
      tariff: 'hp',
      priceColumns: ['hp_price'],
    });
    expect(tariffOf('HC_WEEKEND', '2025-01-10', '22:00')).toBe('hp');
  });

  it("HC_NUIT_WEEKEND: fixed 23:00–06:00 on weekdays and the whole weekend, the PDL's hours ignored", () => {
    expect(tariffOf('HC_NUIT_WEEKEND', '2025-01-10', '22:30')).toBe('hp');
    expect(tariffOf('HC_NUIT_WEEKEND', '2025-01-10', '23:00')).toBe('hc');
    expect(tariffOf('HC_NUIT_WEEKEND', '2025-01-10', '05:30')).toBe('hc');
    expect(tariffOf('HC_NUIT_WEEKEND', '2025-01-10', '06:00')).toBe('hp');
    expect(tariffOf('HC_NUIT_WEEKEND', '2025-01-11', '12:00')).toBe('hc');
    expect(tariffOf('HC_NUIT_WEEKEND', '2025-01-12', '23:30')).toBe('hc');
    expect(tariffOf('HC_NUIT_WEEKEND', '2025-01-13', '06:00')).toBe('hp');
    expect(billing('HC_NUIT_WEEKEND', '2025-01-11', '12:00').priceColumns).toEqual(['hc_price']);
  });

  it("WEEKEND: weekday or weekend by the local day, HC by the PDL's hours", () => {
    expect(tariffOf('WEEKEND', '2025-01-10', '12:00')).toBe('weekday_hp');
    expect(tariffOf('WEEKEND', '2025-01-10', '23:00')).toBe('weekday_hc');
    expect(tariffOf('WEEKEND', '2025-01-11', '05:30')).toBe('weekend_hc');
    expect(tariffOf('WEEKEND', '2025-01-11', '12:00')).toBe('weekend_hp');
    expect(billing('WEEKEND', '2025-01-12', '12:00').priceColumns).toEqual(['hp_price_weekend', 'hp_price']);
    expect(billing('WEEKEND', '2025-01-10', '12:00').priceColumns).toEqual(['hp_price']);
  });

  it('TEMPO: the Tempo day runs 06:00 → 06:00, HC 22:00–06:00 whatever the PDL', () => {
    expect(tariffOf('TEMPO', '2025-01-10', '05:30')).toBe('white_hc');
    expect(tariffOf('TEMPO', '2025-01-10', '06:00')).toBe('red_hp');
    expect(tariffOf('TEMPO', '2025-01-10', '22:00')).toBe('red_hc');
    expect(tariffOf('TEMPO', '2025-01-11', '05:30')).toBe('red_hc');
    expect(tariffOf('TEMPO', '2025-01-11', '06:00')).toBe('blue_hp');
    expect(billing('TEMPO', '2025-01-10', '12:00').priceColumns).toEqual(['tempo_red_hp']);
  });

  it('TEMPO: a missing colour is never guessed, the half-hour waits for it', () => {
    expect(tariffOf('TEMPO', '2025-01-09', '05:30')).toEqual({ awaiting: 'tempo_color', day: '2025-01-08' });
    expect(tariffOf('TEMPO', '2025-01-12', '06:00')).toEqual({ awaiting: 'tempo_color', day: '2025-01-12' });
    expect(tariffOf('TEMPO', '2025-01-12', '05:30')).toBe('blue_hc');
  });

  it("SEASONAL: winter is November to March by the local month, HC by the PDL's hours", () => {
    expect(tariffOf('SEASONAL', '2025-03-31', '12:00')).toBe('winter_hp');
    expect(tariffOf('SEASONAL', '2025-03-31', '23:00')).toBe('winter_hc');
    expect(tariffOf('SEASONAL', '2025-04-01', '00:00')).toBe('summer_hc');
    expect(tariffOf('SEASONAL', '2025-10-31', '12:00')).toBe('summer_hp');
    expect(tariffOf('SEASONAL', '2025-11-01', '12:00')).toBe('winter_hp');
    expect(billing('SEASONAL', '2025-07-01', '12:00').priceColumns).toEqual(['hp_price_summer']);
  });

  it('SEASONAL with a peak-day price is unsplit: its peak days are not stored', () => {
    const rules = rulesFor('SEASONAL', { hasPeakDayPrice: true });
    expect(rules).toMatchObject({ kind: 'unsplit', reason: 'seasonal_peak_days_not_stored' });
  });

  it('EJP is unsplit: its peak days are not stored', () => {
    const rules = rulesFor('EJP');
    expect(rules.kind).toBe('unsplit');
    expect(rules.kind === 'unsplit' && rules.reason).toBe('ejp_peak_days_not_stored');
    expect(rules.kind === 'unsplit' && rules.message).toMatch(/EJP peak days/);
  });

  it('ZEN_FLEX is unsplit without a stored calendar', () => {
    expect(rulesFor('ZEN_FLEX')).toMatchObject({ kind: 'unsplit', reason: 'zen_flex_days_not_stored' });
  });

  it('ZEN_FLEX with a calendar: Sobriété weekdays, weekends always Éco, HC fixed 22:00–06:00', () => {
    const days: Record<string, ZenFlexDayType> = { '2025-01-10': 'SOBRIETY', '2025-01-11': 'SOBRIETY' };
    const zenFlexDayOf = (date: string) => days[date] ?? (date === '2025-01-13' ? 'ECO' : undefined);
    const zen = (date: string, time: string) => tariffOf('ZEN_FLEX', date, time, { zenFlexDayOf });
    expect(zen('2025-01-10', '12:00')).toBe('sobriety_hp');
    expect(zen('2025-01-10', '22:00')).toBe('sobriety_hc');
    expect(zen('2025-01-11', '12:00')).toBe('eco_hp');
    expect(zen('2025-01-13', '05:30')).toBe('eco_hc');
    expect(zen('2025-01-14', '12:00')).toEqual({ awaiting: 'zen_flex_day', day: '2025-01-14' });
    expect(billing('ZEN_FLEX', '2025-01-10', '12:00', { zenFlexDayOf }).priceColumns).toEqual([
      'hp_price_summer',
      'hp_price_winter',
    ]);
  });
});

describe('daylight-saving days', () => {
  function halfHoursOf(date: string): number[] {
    const day = parisDayOfDate(date);
    const starts: number[] = [];
    for (let ms = day.startMs; ms < day.endMs; ms += 30 * 60_000) starts.push(ms);
    return starts;
  }

  function countTariffs(offerType: OfferType, date: string, schedule: OffpeakSchedule) {
    const rules = tariffRulesOf({ offerType, schedule, tempoColorOf: (day) => colors[day] });
    if (rules.kind !== 'split') throw new Error('not split');
    const counts: Record<string, number> = {};
    for (const ms of halfHoursOf(date)) {
      const day = parisDayAt(ms);
      const result = rules.billingAt(day, parisMinuteAt(day, ms));
      const key = 'awaiting' in result ? 'awaiting' : result.tariff;
      counts[key] = (counts[key] ?? 0) + 1;
    }
    return counts;
  }

  const offpeak2200 = parseOffpeakHours({ ranges: ['22:00-06:00'] })!;

  it('the spring day has 46 half-hours, 02:00–03:00 missing from the off-peak night', () => {
    expect(halfHoursOf('2025-03-30')).toHaveLength(46);
    expect(countTariffs('HC_HP', '2025-03-30', offpeak2200)).toEqual({ hc: 14, hp: 32 });
  });

  it('the autumn day has 50 half-hours, 02:00–03:00 counted twice in the off-peak night', () => {
    expect(halfHoursOf('2025-10-26')).toHaveLength(50);
    expect(countTariffs('HC_HP', '2025-10-26', offpeak2200)).toEqual({ hc: 18, hp: 32 });
  });

  it("the spring day's Tempo night until 06:00 is the previous day's colour", () => {
    expect(countTariffs('TEMPO', '2025-03-30', offpeak2200)).toEqual({
      white_hc: 10,
      blue_hp: 32,
      blue_hc: 4,
    });
  });

  it('reads the wall minute across the change (03:00 CEST follows 01:30 CET)', () => {
    const day = parisDayOfDate('2025-03-30');
    expect(parisMinuteAt(day, Date.parse('2025-03-30T00:30:00Z'))).toBe(90);
    expect(parisMinuteAt(day, Date.parse('2025-03-30T01:00:00Z'))).toBe(180);
    const autumn = parisDayOfDate('2025-10-26');
    expect(parisMinuteAt(autumn, Date.parse('2025-10-26T00:30:00Z'))).toBe(150);
    expect(parisMinuteAt(autumn, Date.parse('2025-10-26T01:30:00Z'))).toBe(150);
  });

  it('knows the length of each day', () => {
    const hours = (date: string) => {
      const day = parisDayOfDate(date);
      return (day.endMs - day.startMs) / 3_600_000;
    };
    expect([hours('2025-03-30'), hours('2025-10-26'), hours('2025-06-01')]).toEqual([23, 25, 24]);
    expect(parisDayAt(Date.parse('2025-03-29T23:00:00Z'))).toMatchObject({
      date: '2025-03-30',
      previousDate: '2025-03-29',
      isoWeekday: 7,
      month: 3,
    });
  });
});

describe('energyDatesOfTempoDay', () => {
  it("a Tempo day's colour bills its own day from 06:00 and the next until 06:00", () => {
    expect(energyDatesOfTempoDay('2025-02-28')).toEqual(['2025-02-28', '2025-03-01']);
    expect(energyDatesOfTempoDay('2024-12-31')).toEqual(['2024-12-31', '2025-01-01']);
  });
});

describe('chooseOffpeakSchedule', () => {
  const offerSchedules = { monday: '22:00-06:00', tuesday: '22:00-06:00' };

  it("prefers the PDL's off-peak hours", () => {
    expect(chooseOffpeakSchedule({ ranges: ['22:30-06:30'] }, offerSchedules)).toEqual({
      schedule: offpeak2230,
      source: 'pdl',
    });
  });

  it("falls back on the offer's hc_schedules, then on nothing", () => {
    expect(chooseOffpeakSchedule(null, offerSchedules)?.source).toBe('offer');
    expect(chooseOffpeakSchedule('garbage', null)).toBeNull();
  });
});
