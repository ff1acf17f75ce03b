import { describe, expect, it } from 'vitest';
import {
  dailyPoint,
  detailedPoint,
  ecowattPoints,
  encodeLine,
  encodePoint,
  encodePoints,
  energySeriesKey,
  escapeTagValue,
  formatFieldValue,
  formatFloat,
  formatInteger,
  formatStringField,
  formatTimestamp,
  monthlyPoint,
  nameProblem,
  seriesKey,
  tempoPoint,
} from '../../../src/destinations/influxdb/encode.js';
import type { Point } from '../../../src/destinations/influxdb/encode.js';
import { parisLocalToUtcMs, parisMidnightUtcMs } from '../../../src/domain/index.js';
import type { IntervalReading } from '../../../src/domain/index.js';

const PDL = '12345678901234';

describe('line protocol escaping', () => {
  it('escapes comma, equals sign and space in tag values, and nothing else', () => {
    expect(escapeTagValue('plain')).toBe('plain');
    expect(escapeTagValue('a,b=c d')).toBe('a\\,b\\=c\\ d');
    expect(escapeTagValue('été "quoted"')).toBe('été\\ "quoted"');
  });

  it('refuses tag values it cannot write the same way on 1.x and 2.x', () => {
    expect(() => escapeTagValue('')).toThrow(RangeError);
    expect(() => escapeTagValue('two\nlines')).toThrow(RangeError);
    expect(() => escapeTagValue('carriage\rreturn')).toThrow(RangeError);
    expect(() => escapeTagValue('back\\slash')).toThrow(RangeError);
  });

  it('quotes string fields, escaping double quotes and backslashes', () => {
    expect(formatStringField('BLEU')).toBe('"BLEU"');
    expect(formatStringField('say "hi"')).toBe('"say \\"hi\\""');
    expect(formatStringField('C:\\path')).toBe('"C:\\\\path"');
    expect(formatStringField('')).toBe('""');
    expect(() => formatStringField('a\nb')).toThrow(RangeError);
  });

  it('checks names: letters first, no leading underscore, no "time" key', () => {
    expect(nameProblem('consumption', 'measurement')).toBeNull();
    expect(nameProblem('energy_wh', 'field key')).toBeNull();
    expect(nameProblem('_measurement', 'measurement')).toMatch(/must match/);
    expect(nameProblem('_field', 'field key')).toMatch(/must match/);
    expect(nameProblem('with space', 'tag key')).toMatch(/must match/);
    expect(nameProblem('', 'tag key')).toMatch(/must match/);
    expect(nameProblem('time', 'tag key')).toMatch(/reserved/);
    expect(nameProblem('time', 'field key')).toMatch(/reserved/);
    expect(nameProblem('time', 'measurement')).toBeNull();
  });
});

describe('field values and timestamps', () => {
  it('writes floats as bare numbers, the shortest text that reads back the same', () => {
    expect(formatFloat(1234)).toBe('1234');
    expect(formatFloat(0.1)).toBe('0.1');
    expect(formatFloat(-2.5)).toBe('-2.5');
    expect(formatFloat(-0)).toBe('0');
    expect(formatFloat(1e-7)).toBe('1e-7');
    expect(formatFloat(1.5e21)).toBe('1.5e+21');
    expect(Number(formatFloat(0.1 + 0.2))).toBe(0.1 + 0.2);
  });

  it('refuses NaN and the infinities', () => {
    for (const value of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      expect(() => formatFloat(value)).toThrow(RangeError);
    }
  });

  it('writes integers with the i suffix, within int64', () => {
    expect(formatInteger(3n)).toBe('3i');
    expect(formatInteger(-1n)).toBe('-1i');
    expect(formatInteger(2n ** 63n - 1n)).toBe('9223372036854775807i');
    expect(() => formatInteger(2n ** 63n)).toThrow(RangeError);
    expect(() => formatInteger(-(2n ** 63n) - 1n)).toThrow(RangeError);
  });

  it('tells the three field types apart by their JavaScript type', () => {
    expect(formatFieldValue(2)).toBe('2');
    expect(formatFieldValue(2n)).toBe('2i');
    expect(formatFieldValue('2')).toBe('"2"');
  });

  it('writes whole milliseconds InfluxDB can hold as nanoseconds', () => {
    expect(formatTimestamp(1_700_000_000_000)).toBe('1700000000000');
    expect(formatTimestamp(0)).toBe('0');
    expect(formatTimestamp(-86_400_000)).toBe('-86400000');
    expect(formatTimestamp(9_223_372_036_854)).toBe('9223372036854');
    expect(() => formatTimestamp(9_223_372_036_855)).toThrow(RangeError);
    expect(() => formatTimestamp(1.5)).toThrow(RangeError);
    expect(() => formatTimestamp(Number.NaN)).toThrow(RangeError);
  });
});

describe('lines', () => {
  it('sorts tags by key and escapes them once per series', () => {
    expect(seriesKey('consumption', { pdl: PDL, granularity: 'daily' })).toBe(
      `consumption,granularity=daily,pdl=${PDL}`,
    );
    expect(seriesKey('tempo', {})).toBe('tempo');
    expect(seriesKey('m', { b: 'x y', a: '1,2' })).toBe('m,a=1\\,2,b=x\\ y');
  });

  it('builds measurement, tags, fields and timestamp separated by single spaces', () => {
    const key = seriesKey('consumption', { pdl: PDL, granularity: 'detailed' });
    expect(encodeLine(key, { energy_wh: 250, power_w: 500 }, 1_700_000_000_000)).toBe(
      `consumption,granularity=detailed,pdl=${PDL} energy_wh=250,power_w=500 1700000000000`,
    );
  });

  it('refuses a point without fields, bad names and bad values', () => {
    expect(() => encodeLine('m', {}, 0)).toThrow(/at least one field/);
    expect(() => encodeLine('m', { time: 1 }, 0)).toThrow(/reserved/);
    expect(() => encodeLine('m', { v: Number.NaN }, 0)).toThrow(RangeError);
    expect(() => seriesKey('bad measurement', {})).toThrow(RangeError);
    expect(() => seriesKey('m', { _tag: 'x' })).toThrow(RangeError);
    expect(() => seriesKey('m', { tag: '' })).toThrow(RangeError);
  });

  it('ends every line of a body with a line feed', () => {
    const points: Point[] = [
      { measurement: 'a', tags: {}, fields: { v: 1 }, timestampMs: 1 },
      { measurement: 'b', tags: { t: 'x' }, fields: { s: 'y', i: 2n }, timestampMs: 2 },
    ];
    expect(encodePoints(points)).toBe('a v=1 1\nb,t=x s="y",i=2i 2\n');
    expect(encodePoints([])).toBe('');
  });
});

describe('the schema', () => {
  it('puts a day at its Paris midnight, tagged pdl and granularity=daily', () => {
    const point = dailyPoint('consumption', PDL, { ok: true, date: '2024-03-31', wh: 12345.5 });
    expect(point.timestampMs).toBe(Date.UTC(2024, 2, 30, 23));
    expect(encodePoint(point)).toBe(
      `consumption,granularity=daily,pdl=${PDL} energy_wh=12345.5 ${Date.UTC(2024, 2, 30, 23)}`,
    );
  });

  it('puts a half-hour at its start with its energy and average power', () => {
    const reading: IntervalReading = {
      ok: true,
      date: '2024-07-01',
      localStart: '00:30',
      startMs: parisLocalToUtcMs('2024-07-01', '00:30'),
      endMs: parisLocalToUtcMs('2024-07-01', '01:00'),
      minutes: 30,
      watts: 800,
      wh: 400,
    };
    expect(encodePoint(detailedPoint('production', PDL, reading))).toBe(
      `production,granularity=detailed,pdl=${PDL} energy_wh=400,power_w=800 ${Date.UTC(2024, 5, 30, 22, 30)}`,
    );
  });

  it('uses the same series key for a stream as the points do', () => {
    const point = dailyPoint('production', PDL, { ok: true, date: '2024-01-01', wh: 1 });
    expect(encodePoint(point).startsWith(`${energySeriesKey('production', 'daily', PDL)} `)).toBe(true);
  });

  it('puts a month at its first Paris midnight in "monthly", tagged by direction', () => {
    const point = monthlyPoint('consumption', PDL, { month: '2024-02', wh: 300_000, days: 29 });
    expect(encodePoint(point)).toBe(
      `monthly,direction=consumption,pdl=${PDL} energy_wh=300000 ${parisMidnightUtcMs('2024-02-01')}`,
    );
    expect(parisMidnightUtcMs('2024-02-01')).toBe(Date.UTC(2024, 0, 31, 23));
  });

  it('writes a Tempo day as its French colour and its code 1/2/3', () => {
    const at = parisMidnightUtcMs('2024-01-15');
    expect(encodePoint(tempoPoint({ date: '2024-01-15', color: 'BLUE' }))).toBe(
      `tempo color="BLEU",code=1i ${at}`,
    );
    expect(encodePoint(tempoPoint({ date: '2024-01-15', color: 'WHITE' }))).toBe(
      `tempo color="BLANC",code=2i ${at}`,
    );
    expect(encodePoint(tempoPoint({ date: '2024-01-15', color: 'RED' }))).toBe(
      `tempo color="ROUGE",code=3i ${at}`,
    );
  });

  const ecowatt = (date: string, level: number, hourlyValues: unknown) => ({
    date,
    generatedAt: new Date('2024-01-01T00:00:00Z'),
    level,
    message: null,
    hourlyValues,
  });

  it('writes an EcoWatt day and its 24 hours, each at its Paris hour', () => {
    const hours = Array.from({ length: 24 }, (_, hour) => (hour === 8 ? 3 : 1));
    const { points, skippedHours, hourlyUnreadable } = ecowattPoints(ecowatt('2024-01-10', 2, hours));
    expect(skippedHours).toBe(0);
    expect(hourlyUnreadable).toBe(false);
    expect(points).toHaveLength(25);
    expect(encodePoint(points[0]!)).toBe(
      `ecowatt,granularity=daily level=2i ${parisMidnightUtcMs('2024-01-10')}`,
    );
    expect(encodePoint(points[9]!)).toBe(`ecowatt,granularity=hourly level=3i ${Date.UTC(2024, 0, 10, 7)}`);
  });

  it('leaves out the hour the spring-forward day does not have, and unreadable hours', () => {
    const spring = ecowattPoints(ecowatt('2024-03-31', 1, new Array(24).fill(1)));
    expect(spring.skippedHours).toBe(1);
    expect(spring.points.filter((point) => point.tags['granularity'] === 'hourly')).toHaveLength(23);
    const unreadable = ecowattPoints(ecowatt('2024-01-10', 1, 'not json'));
    expect(unreadable).toMatchObject({ skippedHours: 24, hourlyUnreadable: true });
    expect(unreadable.points).toHaveLength(1);
    expect(ecowattPoints(ecowatt('2024-01-10', 7, new Array(24).fill(1))).points).toHaveLength(24);
  });
});
