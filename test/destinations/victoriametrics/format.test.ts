import { describe, expect, it } from 'vitest';
import {
  escapeLabelValue,
  extraLabelValues,
  extraLabelsProblem,
  formatSample,
  formatTimestamp,
  formatValue,
  labelNameProblem,
} from '../../../src/destinations/victoriametrics/format.js';
import { parseExposition } from './exposition-parser.js';

const T = Date.UTC(2024, 2, 31, 0, 0, 0) - 3_600_000; // a plausible ms instant

/** Seeded pseudo-random generator, so a failing case can be replayed. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

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
