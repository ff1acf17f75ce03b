import { describe, expect, it } from 'vitest';
import {
  DuplicateGuard,
  SkipCounter,
  normalizeIntervalStart,
  toDailyEnergy,
  toInterval,
} from '../../src/domain/readings.js';
import type { IntervalReading, SkipReason } from '../../src/domain/readings.js';

const row = (
  overrides: Partial<Parameters<typeof toInterval>[0]> = {},
): Parameters<typeof toInterval>[0] => ({
  date: '2024-06-10',
  intervalStart: '12:00',
  value: 1000,
  rawData: { interval_length: 'PT30M' },
  ...overrides,
});

function accepted(result: ReturnType<typeof toInterval>): IntervalReading {
  if (!result.ok) throw new Error(`skipped: ${result.reason}`);
  return result;
}

describe('toInterval', () => {
  it('turns a summer half hour into an instant range and energy', () => {
    expect(toInterval(row())).toEqual({
      ok: true,
      date: '2024-06-10',
      localStart: '12:00',
      startMs: Date.parse('2024-06-10T10:00:00Z'),
      endMs: Date.parse('2024-06-10T10:30:00Z'),
      minutes: 30,
      watts: 1000,
      wh: 500,
    });
  });

  it.each([
    ['PT10M', 10, 1000 / 6],
    ['PT15M', 15, 250],
    ['PT30M', 30, 500],
    ['PT60M', 60, 1000],
  ])('uses interval_length %s', (length, minutes, wh) => {
    const reading = accepted(toInterval(row({ rawData: { interval_length: length } })));
    expect(reading.minutes).toBe(minutes);
    expect(reading.wh).toBe(wh);
    expect(reading.endMs - reading.startMs).toBe(minutes * 60_000);
  });

  it('defaults to 30 minutes when raw_data is null or has no interval_length', () => {
    expect(accepted(toInterval(row({ rawData: null }))).minutes).toBe(30);
    expect(accepted(toInterval(row({ rawData: {} }))).minutes).toBe(30);
  });

  it('accepts H:MM and HH:MM:SS starts, normalized to HH:MM', () => {
    expect(accepted(toInterval(row({ intervalStart: '7:30' }))).localStart).toBe('07:30');
    expect(accepted(toInterval(row({ intervalStart: '07:30:00' }))).localStart).toBe('07:30');
    expect(accepted(toInterval(row({ intervalStart: '00:00' }))).startMs).toBe(
      Date.parse('2024-06-09T22:00:00Z'),
    );
  });

  it('places DST-day intervals on the right instants', () => {
    // MyElectricalData's fall-back 02:30 is the later (CET) occurrence (issue 10).
    const autumn = accepted(toInterval(row({ date: '2024-10-27', intervalStart: '02:30' })));
    expect(new Date(autumn.startMs).toISOString()).toBe('2024-10-27T01:30:00.000Z');
    expect(new Date(autumn.endMs).toISOString()).toBe('2024-10-27T02:00:00.000Z');
    const springGap = accepted(toInterval(row({ date: '2025-03-30', intervalStart: '02:30' })));
    expect(new Date(springGap.startMs).toISOString()).toBe('2025-03-30T00:30:00.000Z');
    const afterAutumn = accepted(toInterval(row({ date: '2024-10-27', intervalStart: '03:00' })));
    expect(new Date(afterAutumn.startMs).toISOString()).toBe('2024-10-27T02:00:00.000Z');
    const spring = accepted(toInterval(row({ date: '2025-03-30', intervalStart: '03:00' })));
    expect(new Date(spring.startMs).toISOString()).toBe('2025-03-30T01:00:00.000Z');
    const beforeSpring = accepted(toInterval(row({ date: '2025-03-30', intervalStart: '01:30' })));
    expect(new Date(beforeSpring.endMs).toISOString()).toBe('2025-03-30T01:00:00.000Z');
  });

  it('keeps the limits themselves', () => {
    expect(accepted(toInterval(row({ value: 0 }))).wh).toBe(0);
    expect(accepted(toInterval(row({ value: 100_000 }))).wh).toBe(50_000);
  });

  it.each<[string, Partial<Parameters<typeof toInterval>[0]>, SkipReason]>([
    ['null value', { value: null }, 'null_value'],
    ['NaN value', { value: NaN }, 'null_value'],
    ['negative value', { value: -1 }, 'negative_value'],
    ['absurd power', { value: 100_001 }, 'absurd_power'],
    ['infinite power', { value: Infinity }, 'absurd_power'],
    ['unknown interval length', { rawData: { interval_length: 'PT5M' } }, 'unknown_interval_length'],
    ['non-string interval length', { rawData: { interval_length: 30 } }, 'unknown_interval_length'],
    ['null interval start', { intervalStart: null }, 'bad_interval_start'],
    ['empty interval start', { intervalStart: '' }, 'bad_interval_start'],
    ['24:00 start', { intervalStart: '24:00' }, 'bad_interval_start'],
    ['minute 60', { intervalStart: '12:60' }, 'bad_interval_start'],
    ['French notation', { intervalStart: '12h30' }, 'bad_interval_start'],
    ['seconds not zero', { intervalStart: '12:30:15' }, 'bad_interval_start'],
    ['full timestamp', { intervalStart: '2024-06-10 12:30' }, 'bad_interval_start'],
    ['string raw_data', { rawData: '{"interval_length":"PT30M"}' }, 'raw_data_not_object'],
    ['number raw_data', { rawData: 30 }, 'raw_data_not_object'],
    ['array raw_data', { rawData: [{ interval_length: 'PT30M' }] }, 'raw_data_not_object'],
    ['boolean raw_data', { rawData: true }, 'raw_data_not_object'],
  ])('skips a row with %s', (_label, overrides, reason) => {
    expect(toInterval(row(overrides))).toEqual({ ok: false, reason });
  });
});

describe('normalizeIntervalStart', () => {
  it('pads hours and drops zero seconds', () => {
    expect(normalizeIntervalStart('0:00')).toBe('00:00');
    expect(normalizeIntervalStart(' 9:30 ')).toBe('09:30');
    expect(normalizeIntervalStart('23:59:00')).toBe('23:59');
    expect(normalizeIntervalStart('123:00')).toBeNull();
  });
});

describe('toDailyEnergy', () => {
  it('keeps plausible days', () => {
    expect(toDailyEnergy({ date: '2024-01-01', value: 12_345 })).toEqual({
      ok: true,
      date: '2024-01-01',
      wh: 12_345,
    });
    expect(toDailyEnergy({ date: '2024-01-01', value: 0 })).toEqual({ ok: true, date: '2024-01-01', wh: 0 });
    expect(toDailyEnergy({ date: '2024-01-01', value: 2_400_000 })).toEqual({
      ok: true,
      date: '2024-01-01',
      wh: 2_400_000,
    });
  });

  it.each<[number | null, SkipReason]>([
    [null, 'null_value'],
    [NaN, 'null_value'],
    [-0.5, 'negative_value'],
    [2_400_001, 'absurd_power'],
  ])('skips %s as %s', (value, reason) => {
    expect(toDailyEnergy({ date: '2024-01-01', value })).toEqual({ ok: false, reason });
  });
});

describe('SkipCounter', () => {
  it('counts by reason and reports only the reasons seen', () => {
    const counter = new SkipCounter();
    expect(counter.total).toBe(0);
    expect(counter.toJSON()).toEqual({});
    counter.add('null_value');
    counter.add('absurd_power');
    counter.add('null_value');
    expect(counter.total).toBe(3);
    expect(counter.toJSON()).toEqual({ null_value: 2, absurd_power: 1 });
    expect(JSON.parse(JSON.stringify({ skipped: counter }))).toEqual({
      skipped: { null_value: 2, absurd_power: 1 },
    });
  });
});

describe('DuplicateGuard', () => {
  it('rejects a second reading starting at the same instant', () => {
    const guard = new DuplicateGuard();
    const first = accepted(toInterval(row({ date: '2025-03-30', intervalStart: '7:30' })));
    const again = accepted(toInterval(row({ date: '2025-03-30', intervalStart: '07:30' })));
    expect(guard.check(first)).toBe(first);
    expect(guard.check(again)).toEqual({ ok: false, reason: 'duplicate_interval' });
    const next = accepted(toInterval(row({ date: '2025-03-30', intervalStart: '08:00' })));
    expect(guard.check(next)).toBe(next);
  });

  it("keeps every row of MyElectricalData's spring-forward day (46, none a duplicate)", () => {
    const guard = new DuplicateGuard();
    const labels = halfHourLabels().filter((label) => label !== '01:30' && label !== '02:00');
    expect(labels).toHaveLength(46);
    const starts = labels.map((label) => {
      const reading = guard.check(accepted(toInterval(row({ date: '2025-03-30', intervalStart: label }))));
      expect(reading.ok).toBe(true);
      return (reading as IntervalReading).startMs;
    });
    // 46 consecutive half-hours from Paris midnight (23:00 UTC the day before) to the next one (22:00 UTC).
    expect(starts[0]).toBe(Date.parse('2025-03-29T23:00:00Z'));
    starts.forEach((start, index) => expect(start).toBe(starts[0]! + index * 1_800_000));
  });

  it("places MyElectricalData's 48 fall-back rows on their real instants", () => {
    const guard = new DuplicateGuard();
    const starts = halfHourLabels().map((label) => {
      const reading = guard.check(accepted(toInterval(row({ date: '2025-10-26', intervalStart: label }))));
      expect(reading.ok).toBe(true);
      return new Date((reading as IntervalReading).startMs).toISOString().slice(11, 16);
    });
    // 23:30 and 00:00 UTC are the two intervals MyElectricalData's upsert loses.
    expect(starts.slice(0, 8)).toEqual([
      '22:00',
      '22:30',
      '23:00',
      '00:30',
      '01:00',
      '01:30',
      '02:00',
      '02:30',
    ]);
    expect(starts.at(-1)).toBe('22:30');
  });

  it('lets the autumn 02:00 and 03:00 rows through (an hour apart)', () => {
    const guard = new DuplicateGuard();
    for (const start of ['01:30', '02:00', '02:30', '03:00', '03:30']) {
      expect(guard.check(accepted(toInterval(row({ date: '2024-10-27', intervalStart: start })))).ok).toBe(
        true,
      );
    }
  });

  it('still catches recent duplicates after a long stream, and forgets after reset', () => {
    const guard = new DuplicateGuard();
    let date = '2024-04-01'; // 150 days without a DST change
    let last: IntervalReading | undefined;
    for (let day = 0; day < 150; day++) {
      for (let half = 0; half < 48; half++) {
        const start = `${String(half >> 1).padStart(2, '0')}:${half % 2 ? '30' : '00'}`;
        last = accepted(toInterval(row({ date, intervalStart: start })));
        expect(guard.check(last).ok).toBe(true);
      }
      date = new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    }
    expect(guard.check(last!)).toEqual({ ok: false, reason: 'duplicate_interval' });
    guard.reset();
    expect(guard.check(last!).ok).toBe(true);
  });
});

function halfHourLabels(): string[] {
  return Array.from(
    { length: 48 },
    (_, half) => `${String(half >> 1).padStart(2, '0')}:${half % 2 ? '30' : '00'}`,
  );
}
