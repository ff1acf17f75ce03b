import { describe, expect, it } from 'vitest';
import type { TempoColorCode } from '../../src/domain/vocabulary.js';
import { isOffpeak, parseOffpeakHours, parseOffpeakRanges } from '../../src/domain/offpeak-hours.js';
import type { OffpeakRange, OffpeakSchedule } from '../../src/domain/offpeak-hours.js';
import { normalizeOfferType, tariffPeriodsOf } from '../../src/domain/offer-types.js';
import type { OfferType } from '../../src/domain/offer-types.js';
import { minuteOfDay } from '../../src/domain/paris-time.js';
import { parisDayOfDate, tariffRulesOf, tempoDayOfMinute } from '../../src/domain/tariff-periods.js';

const range = (startMinute: number, endMinute: number): OffpeakRange => ({ startMinute, endMinute });
const H22_00 = 22 * 60;
const H22_30 = 22 * 60 + 30;
const H06_00 = 6 * 60;
const H06_30 = 6 * 60 + 30;
const H12_30 = 12 * 60 + 30;
const H14_30 = 14 * 60 + 30;

function everyDay(ranges: OffpeakRange[]): OffpeakRange[][] {
  return [[], ranges, ranges, ranges, ranges, ranges, ranges, ranges];
}

describe('normalizeOfferType: the legacy spellings of the five options Home Assistant knew', () => {
  it.each<[string | null, OfferType | null]>([
    ['BASE', 'BASE'],
    ['base', 'BASE'],
    [' Base ', 'BASE'],
    ['HC_HP', 'HC_HP'],
    ['HC/HP', 'HC_HP'],
    ['HCHP', 'HC_HP'],
    ['hc-hp', 'HC_HP'],
    ['Hc Hp', 'HC_HP'],
    ['HP/HC', 'HC_HP'],
    ['TEMPO', 'TEMPO'],
    ['tempo', 'TEMPO'],
    ['EJP', 'EJP'],
    ['ejp', 'EJP'],
    ['HC_WEEKEND', 'HC_WEEKEND'],
    ['hc-weekend', 'HC_WEEKEND'],
    ['HCWEEKEND', 'HC_WEEKEND'],
    ['HC/HP WEEKEND', 'HC_WEEKEND'],
    [null, null],
    ['', null],
    ['HC', null],
  ])('%j → %j', (raw, option) => {
    expect(normalizeOfferType(raw)).toBe(option);
  });
});

describe('parseOffpeakRanges', () => {
  it.each<[string, OffpeakRange[]]>([
    ['22:00-06:00', [range(H22_00, H06_00)]],
    ['22:30-06:30;12:30-14:30', [range(H22_30, H06_30), range(H12_30, H14_30)]],
    ['22:30-06:30, 12:30-14:30', [range(H22_30, H06_30), range(H12_30, H14_30)]],
    ['22h30-6h30', [range(H22_30, H06_30)]],
    ['22H30-6H30', [range(H22_30, H06_30)]],
    ['HC (22H30-6H30)', [range(H22_30, H06_30)]],
    ['hc(22h30-6h30)', [range(H22_30, H06_30)]],
    ['HC (1H30-7H30;12H30-14H30)', [range(90, 450), range(H12_30, H14_30)]],
    ['HC (22H30-6H30); HC (12H30-14H30)', [range(H22_30, H06_30), range(H12_30, H14_30)]],
    ['02h00-07h00', [range(120, 420)]],
    ['22h-6h', [range(H22_00, H06_00)]],
    ['22:00 - 06:00', [range(H22_00, H06_00)]],
    ['22:00:00-06:00:00', [range(H22_00, H06_00)]],
    ['12:00-24:00', [range(720, 1440)]],
    ['00:00-24:00', [range(0, 1440)]],
    ['23:00-00:00', [range(1380, 0)]],
  ])('%j', (text, ranges) => {
    expect(parseOffpeakRanges(text)).toEqual(ranges);
  });

  it.each([
    [''],
    ['   '],
    ['HC ()'],
    ['22:00'],
    ['22-6'],
    ['24:00-06:00'],
    ['25:00-06:00'],
    ['22:60-06:00'],
    ['22:00-24:30'],
    ['22:00-06:00-08:00'],
    ['22:00-06:00;garbage'],
    ['heures creuses'],
    ['22:00:30-06:00'],
  ])('%j → null', (text) => {
    expect(parseOffpeakRanges(text)).toBeNull();
  });
});

describe('parseOffpeakHours', () => {
  it.each<[string, unknown, OffpeakRange[][]]>([
    [
      'ranges',
      { ranges: ['22:00-06:00', '12:30-14:30'] },
      everyDay([range(H22_00, H06_00), range(H12_30, H14_30)]),
    ],
    ['ranges of objects', { ranges: [{ start: '22:30', end: '06:30' }] }, everyDay([range(H22_30, H06_30)])],
    ['default with HC wrapper', { default: 'HC (22H30-6H30)' }, everyDay([range(H22_30, H06_30)])],
    ['default lowercase h', { default: '02h00-07h00' }, everyDay([range(120, 420)])],
    ['array of start/end', [{ start: '22:00', end: '06:00' }], everyDay([range(H22_00, H06_00)])],
    [
      'array of several start/end',
      [
        { start: '01:30', end: '07:30' },
        { start: '12:30', end: '14:30' },
      ],
      everyDay([range(90, 450), range(H12_30, H14_30)]),
    ],
    ['array of strings', ['22:00-06:00'], everyDay([range(H22_00, H06_00)])],
    ['bare string', '22:00-06:00', everyDay([range(H22_00, H06_00)])],
  ])('reads %s', (_label, raw, byIsoWeekday) => {
    expect(parseOffpeakHours(raw)).toEqual({ byIsoWeekday });
  });

  it('reads an object keyed by English weekday, ranges separated by ; or ,', () => {
    const schedule = parseOffpeakHours({
      monday: '22:00-06:00',
      tuesday: 'HC (22H30-6H30)',
      wednesday: '22:30-06:30;12:30-14:30',
      thursday: '22:30-06:30,12:30-14:30',
      friday: '22h00-6h00',
      saturday: '00:00-24:00',
      sunday: '',
    });
    expect(schedule?.byIsoWeekday).toEqual([
      [],
      [range(H22_00, H06_00)],
      [range(H22_30, H06_30)],
      [range(H22_30, H06_30), range(H12_30, H14_30)],
      [range(H22_30, H06_30), range(H12_30, H14_30)],
      [range(H22_00, H06_00)],
      [range(0, 1440)],
      [],
    ]);
  });

  it('reads an object keyed by French weekday', () => {
    const schedule = parseOffpeakHours({
      Lundi: '22:00-06:00',
      mardi: '22:00-06:00',
      mercredi: '22:00-06:00',
      jeudi: '22:00-06:00',
      vendredi: '22:00-06:00',
      samedi: '12:00-16:00',
      dimanche: '12:00-16:00',
    });
    expect(schedule?.byIsoWeekday[1]).toEqual([range(H22_00, H06_00)]);
    expect(schedule?.byIsoWeekday[5]).toEqual([range(H22_00, H06_00)]);
    expect(schedule?.byIsoWeekday[6]).toEqual([range(720, 960)]);
    expect(schedule?.byIsoWeekday[7]).toEqual([range(720, 960)]);
  });

  it('reads MyElectricalData offpeak_hours_0…6, 0 being Monday', () => {
    const schedule = parseOffpeakHours({
      offpeak_hours_0: 'HC (1H00-7H00)',
      offpeak_hours_1: 'HC (2H00-8H00)',
      offpeak_hours_2: 'HC (3H00-9H00)',
      offpeak_hours_3: 'HC (4H00-10H00)',
      offpeak_hours_4: 'HC (5H00-11H00)',
      offpeak_hours_5: 'HC (6H00-12H00)',
      offpeak_hours_6: 'HC (7H00-13H00;20H00-22H00)',
    });
    expect(schedule?.byIsoWeekday).toEqual([
      [],
      [range(60, 420)],
      [range(120, 480)],
      [range(180, 540)],
      [range(240, 600)],
      [range(300, 660)],
      [range(360, 720)],
      [range(420, 780), range(1200, 1320)],
    ]);
  });

  it('leaves days missing from a by-weekday object without off-peak hours', () => {
    const schedule = parseOffpeakHours({ monday: '22:00-06:00', sunday: null });
    expect(schedule?.byIsoWeekday).toEqual([[], [range(H22_00, H06_00)], [], [], [], [], [], []]);
  });

  it.each([
    ['null', null],
    ['undefined', undefined],
    ['a number', 42],
    ['an empty object', {}],
    ['an unknown key', { hours: '22:00-06:00' }],
    ['empty ranges', { ranges: [] }],
    ['bad ranges', { ranges: ['22:00-06:00', 'soon'] }],
    ['ranges not an array', { ranges: '22:00-06:00' }],
    ['bad default', { default: 'HC (never)' }],
    ['bad weekday value', { monday: '22:00-06:00', tuesday: 'nope' }],
    ['weekday value of the wrong type', { monday: 22 }],
    ['weekdays all empty', { monday: '', tuesday: null }],
    ['object without end', [{ start: '22:00' }]],
    ['empty array', []],
    ['garbage string', 'tous les jours'],
  ])('gives null for %s', (_label, raw) => {
    expect(parseOffpeakHours(raw)).toBeNull();
  });
});

describe('isOffpeak', () => {
  const schedule: OffpeakSchedule = {
    byIsoWeekday: everyDay([range(H22_00, H06_00), range(H12_30, H14_30)]),
  };

  it.each([
    [0, true],
    [5 * 60 + 59, true],
    [H06_00, false],
    [12 * 60 + 29, false],
    [H12_30, true],
    [14 * 60 + 29, true],
    [H14_30, false],
    [21 * 60 + 59, false],
    [H22_00, true],
    [23 * 60 + 59, true],
  ])('minute %i → %s', (minute, expected) => {
    expect(isOffpeak(schedule, 3, minute)).toBe(expected);
  });

  it('handles a range ending at 24:00 and a range ending at midnight written 00:00', () => {
    const evening: OffpeakSchedule = { byIsoWeekday: everyDay([range(20 * 60, 1440)]) };
    expect(isOffpeak(evening, 1, 1439)).toBe(true);
    expect(isOffpeak(evening, 1, 0)).toBe(false);
    const wrapped: OffpeakSchedule = { byIsoWeekday: everyDay([range(20 * 60, 0)]) };
    expect(isOffpeak(wrapped, 1, 1439)).toBe(true);
    expect(isOffpeak(wrapped, 1, 0)).toBe(false);
    expect(isOffpeak(wrapped, 1, 19 * 60)).toBe(false);
  });

  it('is false on a day without ranges and for an out-of-range weekday', () => {
    const mondayOnly = parseOffpeakHours({ monday: '00:00-24:00' })!;
    expect(isOffpeak(mondayOnly, 1, 600)).toBe(true);
    expect(isOffpeak(mondayOnly, 2, 600)).toBe(false);
    expect(isOffpeak(mondayOnly, 9, 600)).toBe(false);
  });
});

/** The tariffs energy is split into: none when the offer cannot be split (EJP's peak days are not stored). */
const splitTariffs = (offerType: OfferType) => {
  const rules = tariffRulesOf({ offerType, schedule: { byIsoWeekday: [] }, tempoColorOf: () => undefined });
  return rules.kind === 'split' ? tariffPeriodsOf(offerType) : [];
};

describe('tariffs of the five options Home Assistant knew', () => {
  it.each<[OfferType, string[]]>([
    ['BASE', ['base']],
    ['HC_HP', ['hc', 'hp']],
    ['HC_WEEKEND', ['hc', 'hp']],
    ['TEMPO', ['blue_hc', 'blue_hp', 'white_hc', 'white_hp', 'red_hc', 'red_hp']],
    ['EJP', []],
  ])('%s → %j', (option, names) => {
    expect(splitTariffs(option)).toEqual(names);
  });
});

const tempoDayOf = (date: string, start: string) =>
  tempoDayOfMinute(parisDayOfDate(date), minuteOfDay(start));

describe('tempoDayOfMinute', () => {
  it.each([
    ['2025-01-10', '05:30', '2025-01-09'],
    ['2025-01-10', '05:59', '2025-01-09'],
    ['2025-01-10', '00:00', '2025-01-09'],
    ['2025-01-10', '06:00', '2025-01-10'],
    ['2025-01-10', '23:30', '2025-01-10'],
    ['2024-03-01', '00:00', '2024-02-29'],
    ['2025-01-01', '00:30', '2024-12-31'],
    ['2024-09-01', '05:30', '2024-08-31'],
  ])('%s %s belongs to %s', (date, start, tempoDay) => {
    expect(tempoDayOf(date, start)).toBe(tempoDay);
  });
});

describe('the tariff of a half-hour, by its own start', () => {
  const offpeak2230: OffpeakSchedule = { byIsoWeekday: everyDay([range(H22_30, H06_30)]) };
  const colors: Record<string, TempoColorCode> = {
    '2025-01-09': 'WHITE',
    '2025-01-10': 'RED',
    '2025-01-11': 'BLUE',
  };
  /** The tariff, or null when it cannot be told (the offer is not split, the colour is unknown). */
  const tariff = (offerType: OfferType, date: string, localStart: string, schedule = offpeak2230) => {
    const rules = tariffRulesOf({ offerType, schedule, tempoColorOf: (day) => colors[day] });
    if (rules.kind === 'unsplit') return null;
    const billing = rules.billingAt(parisDayOfDate(date), minuteOfDay(localStart));
    return 'awaiting' in billing ? null : billing.tariff;
  };

  it('BASE is always base', () => {
    expect(tariff('BASE', '2025-01-10', '03:00')).toBe('base');
    expect(tariff('BASE', '2025-01-11', '18:00')).toBe('base');
  });

  it('HC_HP splits the 22:00 hour when off-peak starts at 22:30, by each interval start', () => {
    // 2025-01-08 is a Wednesday.
    expect(tariff('HC_HP', '2025-01-08', '21:30')).toBe('hp');
    expect(tariff('HC_HP', '2025-01-08', '22:00')).toBe('hp');
    expect(tariff('HC_HP', '2025-01-08', '22:15')).toBe('hp');
    expect(tariff('HC_HP', '2025-01-08', '22:30')).toBe('hc');
    expect(tariff('HC_HP', '2025-01-08', '23:30')).toBe('hc');
    expect(tariff('HC_HP', '2025-01-08', '00:00')).toBe('hc');
    expect(tariff('HC_HP', '2025-01-08', '06:00')).toBe('hc');
    expect(tariff('HC_HP', '2025-01-08', '06:30')).toBe('hp');
  });

  it('HC_HP follows a weekday schedule', () => {
    const schedule = parseOffpeakHours({ monday: '22:00-06:00', saturday: '12:00-18:00' })!;
    // 2025-01-06 is a Monday, 2025-01-11 a Saturday.
    expect(tariff('HC_HP', '2025-01-06', '22:00', schedule)).toBe('hc');
    expect(tariff('HC_HP', '2025-01-11', '22:00', schedule)).toBe('hp');
    expect(tariff('HC_HP', '2025-01-11', '12:00', schedule)).toBe('hc');
    expect(tariff('HC_HP', '2025-01-06', '12:00', schedule)).toBe('hp');
  });

  it('HC_WEEKEND makes Saturday and Sunday entirely off-peak', () => {
    // 2025-01-11 Saturday, 2025-01-12 Sunday, 2025-01-13 Monday, 2025-01-10 Friday.
    expect(tariff('HC_WEEKEND', '2025-01-11', '12:00')).toBe('hc');
    expect(tariff('HC_WEEKEND', '2025-01-11', '07:00')).toBe('hc');
    expect(tariff('HC_WEEKEND', '2025-01-12', '18:30')).toBe('hc');
    expect(tariff('HC_WEEKEND', '2025-01-13', '12:00')).toBe('hp');
    expect(tariff('HC_WEEKEND', '2025-01-13', '23:00')).toBe('hc');
    expect(tariff('HC_WEEKEND', '2025-01-10', '22:00')).toBe('hp');
    expect(tariff('HC_WEEKEND', '2025-01-10', '22:30')).toBe('hc');
  });

  it('TEMPO uses the Tempo day (06:00 → 06:00) colour and the fixed 22:00–06:00 off-peak hours', () => {
    expect(tariff('TEMPO', '2025-01-10', '05:30')).toBe('white_hc');
    expect(tariff('TEMPO', '2025-01-10', '00:00')).toBe('white_hc');
    expect(tariff('TEMPO', '2025-01-10', '06:00')).toBe('red_hp');
    expect(tariff('TEMPO', '2025-01-10', '21:30')).toBe('red_hp');
    // The PDL's 22:30 off-peak start does not apply to Tempo.
    expect(tariff('TEMPO', '2025-01-10', '22:00')).toBe('red_hc');
    expect(tariff('TEMPO', '2025-01-11', '05:30')).toBe('red_hc');
    expect(tariff('TEMPO', '2025-01-11', '06:00')).toBe('blue_hp');
    expect(tariff('TEMPO', '2025-01-11', '23:00')).toBe('blue_hc');
    expect(tariff('TEMPO', '2025-01-09', '12:00')).toBe('white_hp');
  });

  it('TEMPO gives null when the colour is unknown', () => {
    expect(tariff('TEMPO', '2025-01-09', '05:30')).toBeNull();
    expect(tariff('TEMPO', '2025-01-12', '06:00')).toBeNull();
    expect(tariff('TEMPO', '2025-01-12', '05:30')).toBe('blue_hc');
  });

  it('EJP is not split', () => {
    expect(tariff('EJP', '2025-01-10', '12:00')).toBeNull();
  });
});
