import { describe, expect, it } from 'vitest';
import type { EcowattDay, Pdl } from '../../../src/query/types.js';
import {
  METRICS,
  ecowattSamples,
  escapeLabelValue,
  exportRunSamples,
  extraLabelValues,
  extraLabelsProblem,
  formatSample,
  formatTimestamp,
  formatValue,
  labelNameProblem,
  pdlLabels,
  tempoColorSamples,
} from '../../../src/destinations/victoriametrics/encode.js';
import { countPasses } from '../../../src/destinations/victoriametrics/state.js';
import { dstDays, parisInstant, parisMidnight } from './expected-samples.js';
import { parseExposition } from './exposition-parser.js';
import { mulberry32 } from '../../support/seeded-random.js';

const T = Date.UTC(2024, 2, 31, 0, 0, 0) - 3_600_000; // a plausible ms instant

describe('escapeLabelValue (exposition format: \\\\, \\" and \\n)', () => {
  it.each([
    ['plain', 'plain'],
    ['', ''],
    ['a\\b', 'a\\\\b'],
    ['say "hi"', 'say \\"hi\\"'],
    ['two\nlines', 'two\\nlines'],
    ['\\n literally', '\\\\n literally'],
    ['ends with \\', 'ends with \\\\'],
    ['"', '\\"'],
    ['\\"', '\\\\\\"'],
    ['tab\tand\rcr', 'tab\tand\rcr'],
    ['Chez Mémé ⚡ {x="y"}, #1', 'Chez Mémé ⚡ {x=\\"y\\"}, #1'],
  ])('%j → %j', (raw, escaped) => {
    expect(escapeLabelValue(raw)).toBe(escaped);
  });
});

describe('formatSample', () => {
  it('writes name{labels} value timestamp in the given label order', () => {
    expect(
      formatSample({
        metric: 'myelectricaldata_consumption_wh',
        labels: { pdl: '12345678901234', type: 'daily' },
        value: 12345,
        timestampMs: T,
      }),
    ).toBe(`myelectricaldata_consumption_wh{pdl="12345678901234",type="daily"} 12345 ${T}`);
  });

  it('omits the braces when there is no label', () => {
    expect(formatSample({ metric: 'up', labels: {}, value: 1, timestampMs: T })).toBe(`up 1 ${T}`);
  });

  it('escapes label values', () => {
    const line = formatSample({ metric: 'm', labels: { pdl_name: 'a"b\\c\nd' }, value: 0.5, timestampMs: T });
    expect(line).toBe(`m{pdl_name="a\\"b\\\\c\\nd"} 0.5 ${T}`);
  });

  it.each(['1abc', 'with-dash', 'with space', '', 'é'])('refuses the metric name %j', (metric) => {
    expect(() => formatSample({ metric, labels: {}, value: 1, timestampMs: T })).toThrow(RangeError);
  });

  it('accepts colons in metric names but not in label names', () => {
    expect(formatSample({ metric: 'a:b', labels: {}, value: 1, timestampMs: T })).toBe(`a:b 1 ${T}`);
    expect(() => formatSample({ metric: 'm', labels: { 'a:b': 'x' }, value: 1, timestampMs: T })).toThrow(
      RangeError,
    );
  });

  it('refuses reserved label names', () => {
    expect(() => formatSample({ metric: 'm', labels: { __name__: 'x' }, value: 1, timestampMs: T })).toThrow(
      /reserved/,
    );
  });

  it('round-trips random label values, values and timestamps through an independent parser', () => {
    const random = mulberry32(20240331);
    const alphabet = [
      'a',
      'Z',
      '0',
      ' ',
      '\t',
      '"',
      '\\',
      '\n',
      '{',
      '}',
      ',',
      '=',
      '#',
      'é',
      '⚡',
      'n',
      '\r',
    ];
    for (let round = 0; round < 500; round++) {
      const labels: Record<string, string> = {};
      const labelCount = Math.floor(random() * 4);
      for (let index = 0; index < labelCount; index++) {
        let value = '';
        const length = 1 + Math.floor(random() * 12);
        for (let char = 0; char < length; char++) value += alphabet[Math.floor(random() * alphabet.length)];
        labels[`l${index}`] = value;
      }
      const value = Math.round((random() - 0.3) * 1e6) / (1 + Math.floor(random() * 7));
      const timestampMs = T + Math.floor(random() * 1e11);
      const parsed = parseExposition(formatSample({ metric: 'm_x', labels, value, timestampMs }));
      expect(parsed.invalid).toEqual([]);
      expect(parsed.samples).toEqual([{ metric: 'm_x', labels, value, timestampMs }]);
    }
  });
});

describe('formatValue', () => {
  it.each([
    [0, '0'],
    [-0, '0'],
    [12345, '12345'],
    [0.5, '0.5'],
    [-2.25, '-2.25'],
    [1e-7, '1e-7'],
    [1.5e21, '1.5e+21'],
  ])('%d → %s', (value, text) => {
    expect(formatValue(value)).toBe(text);
  });

  it('keeps every binary digit: the text reads back as the same double', () => {
    for (const value of [1 / 3, 2 / 3, 123.456789, (1234 * 10) / 60, 0.1 + 0.2]) {
      expect(Number(formatValue(value))).toBe(value);
    }
  });

  it.each([NaN, Infinity, -Infinity])('refuses %d', (value) => {
    expect(() => formatValue(value)).toThrow(RangeError);
  });
});

describe('formatTimestamp', () => {
  it('writes whole milliseconds', () => {
    expect(formatTimestamp(T)).toBe(String(T));
  });

  it('refuses instants VictoriaMetrics would read as seconds (below 2^31 ms)', () => {
    expect(() => formatTimestamp(2 ** 31 - 1)).toThrow(RangeError);
    expect(formatTimestamp(2 ** 31)).toBe(String(2 ** 31));
  });

  it.each([T + 0.5, NaN, Infinity, -1])('refuses %d', (value) => {
    expect(() => formatTimestamp(value)).toThrow(RangeError);
  });
});

describe('labelNameProblem', () => {
  it.each(['env', 'host', '_x', 'A1_b2'])('accepts %j', (name) => {
    expect(labelNameProblem(name)).toBeNull();
  });

  it.each(['', '1x', 'a-b', 'a.b', 'a b', 'é', 'a:b'])('refuses %j', (name) => {
    expect(labelNameProblem(name)).toMatch(/must match/);
  });

  it('refuses names starting with __', () => {
    expect(labelNameProblem('__meta')).toMatch(/reserved/);
  });
});

describe('extraLabelsProblem / extraLabelValues', () => {
  const reserved = ['pdl', 'type'];

  it('accepts scalar values and writes them as text', () => {
    const labels = { env: 'prod', rack: 3, primary: true };
    expect(extraLabelsProblem(labels, reserved)).toBeNull();
    expect(extraLabelValues(labels)).toEqual({ env: 'prod', rack: '3', primary: 'true' });
  });

  it('refuses a label the exporter sets itself', () => {
    expect(extraLabelsProblem({ pdl: 'x' }, reserved)).toMatch(/"pdl" is set by med-export itself/);
  });

  it('refuses invalid names, nested values and empty values', () => {
    expect(extraLabelsProblem({ 'my-env': 'x' }, reserved)).toMatch(/must match/);
    expect(extraLabelsProblem({ env: { a: 1 } }, reserved)).toMatch(/text, number or boolean/);
    expect(extraLabelsProblem({ env: null }, reserved)).toMatch(/text, number or boolean/);
    expect(extraLabelsProblem({ env: '' }, reserved)).toMatch(/empty value/);
  });
});

const pdl = (name: string | null): Pdl => ({
  usagePointId: '12345678901234',
  name,
  pricingOption: null,
  offpeakHours: null,
  hasConsumption: true,
  hasProduction: false,
  isActive: true,
  selectedOfferId: null,
});

const ecowattDay = (date: string, levels: number[], level = 1): EcowattDay => ({
  date,
  generatedAt: new Date(0),
  level,
  message: null,
  hourlyValues: levels.map((hvalue, pas) => ({ pas, hvalue })),
});

describe('pdlLabels', () => {
  it('adds pdl_name only when asked for and the PDL has one', () => {
    expect(pdlLabels(pdl('Maison'), false)).toEqual({ pdl: '12345678901234' });
    expect(pdlLabels(pdl('Maison'), true)).toEqual({ pdl: '12345678901234', pdl_name: 'Maison' });
    expect(pdlLabels(pdl(null), true)).toEqual({ pdl: '12345678901234' });
    expect(pdlLabels(pdl('   '), true)).toEqual({ pdl: '12345678901234' });
  });
});

describe('tempoColorSamples', () => {
  it.each([
    ['BLUE', { BLEU: 1, BLANC: 0, ROUGE: 0 }],
    ['WHITE', { BLEU: 0, BLANC: 1, ROUGE: 0 }],
    ['RED', { BLEU: 0, BLANC: 0, ROUGE: 1 }],
  ] as const)('%s is one-hot over the French colour names at local midnight', (color, expected) => {
    const samples = tempoColorSamples({ date: '2024-03-31', color }, { env: 'x' });
    expect(Object.fromEntries(samples.map((sample) => [sample.labels['color'], sample.value]))).toEqual(
      expected,
    );
    for (const sample of samples) {
      expect(sample.metric).toBe(METRICS.tempoColor);
      expect(sample.timestampMs).toBe(parisMidnight('2024-03-31'));
      expect(sample.labels['env']).toBe('x');
    }
  });
});

describe('ecowattSamples', () => {
  const levels = Array.from({ length: 24 }, (_, hour) => (hour === 19 ? 3 : hour >= 8 && hour <= 9 ? 2 : 1));

  it('puts each hourly level at its Paris hour and the day level at midnight', () => {
    const result = ecowattSamples(ecowattDay('2024-01-15', levels, 3), {});
    const hourly = result.samples.filter((sample) => sample.metric === METRICS.ecowattLevel);
    expect(hourly.map((sample) => sample.timestampMs)).toEqual(
      levels.map((_, hour) => parisInstant('2024-01-15', `${String(hour).padStart(2, '0')}:00`)),
    );
    expect(hourly.map((sample) => sample.value)).toEqual(levels);
    const daily = result.samples.filter((sample) => sample.metric === METRICS.ecowattDayLevel);
    expect(daily).toEqual([
      {
        metric: METRICS.ecowattDayLevel,
        labels: { region: 'france' },
        value: 3,
        timestampMs: parisMidnight('2024-01-15'),
      },
    ]);
    expect(result.skippedHours).toBe(0);
  });

  it('leaves out the hour that does not exist on the spring-forward day instead of doubling 03:00', () => {
    const [spring] = dstDays('2024-03-01', '2024-04-01').spring;
    const result = ecowattSamples(ecowattDay(spring!, levels), {});
    const hourly = result.samples.filter((sample) => sample.metric === METRICS.ecowattLevel);
    expect(hourly).toHaveLength(23);
    expect(new Set(hourly.map((sample) => sample.timestampMs)).size).toBe(23);
    expect(result.skippedHours).toBe(1);
  });

  it('keeps 24 distinct hours on the fall-back day', () => {
    const [autumn] = dstDays('2024-10-01', '2024-11-01').autumn;
    const hourly = ecowattSamples(ecowattDay(autumn!, levels), {}).samples.filter(
      (sample) => sample.metric === METRICS.ecowattLevel,
    );
    expect(new Set(hourly.map((sample) => sample.timestampMs)).size).toBe(24);
  });

  it('still sends the day level when the hourly values are unreadable', () => {
    const result = ecowattSamples({ ...ecowattDay('2024-01-15', [], 2), hourlyValues: 'garbage' }, {});
    expect(result.hourlyUnreadable).toBe(true);
    expect(result.samples.map((sample) => sample.metric)).toEqual([METRICS.ecowattDayLevel]);
  });
});

describe('export counters', () => {
  it('grow across passes and per status, without touching the previous totals', () => {
    const first = countPasses({ passes: {}, records: {} }, [
      { destination: 'victoriametrics', status: 'success', records: 10, durationMs: 1500 },
    ]);
    const second = countPasses(first, [
      { destination: 'victoriametrics', status: 'success', records: 5, durationMs: 500 },
      { destination: 'mqtt', status: 'error', records: 0, durationMs: 20 },
    ]);
    expect(first).toEqual({ passes: { victoriametrics: { success: 1 } }, records: { victoriametrics: 10 } });
    expect(second).toEqual({
      passes: { victoriametrics: { success: 2 }, mqtt: { error: 1 } },
      records: { victoriametrics: 15, mqtt: 0 },
    });
  });

  it('become export_total, export_records_total and export_duration_seconds samples', () => {
    const passes = [{ destination: 'mqtt', status: 'error', records: 0, durationMs: 2500 }];
    const counters = countPasses({ passes: { mqtt: { success: 4 } }, records: { mqtt: 99 } }, passes);
    const samples = exportRunSamples(passes, counters, 1_700_000_000_000, { env: 'x' });
    expect(samples).toEqual([
      {
        metric: METRICS.exportTotal,
        labels: { destination: 'mqtt', status: 'success', env: 'x' },
        value: 4,
        timestampMs: 1_700_000_000_000,
      },
      {
        metric: METRICS.exportTotal,
        labels: { destination: 'mqtt', status: 'error', env: 'x' },
        value: 1,
        timestampMs: 1_700_000_000_000,
      },
      {
        metric: METRICS.exportDuration,
        labels: { destination: 'mqtt', env: 'x' },
        value: 2.5,
        timestampMs: 1_700_000_000_000,
      },
      {
        metric: METRICS.exportRecords,
        labels: { destination: 'mqtt', env: 'x' },
        value: 99,
        timestampMs: 1_700_000_000_000,
      },
    ]);
  });
});
