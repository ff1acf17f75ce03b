import { describe, expect, it } from 'vitest';
import type { EcowattDay, Pdl } from '../../../src/query/types.js';
import {
  METRICS,
  countPasses,
  ecowattSamples,
  exportRunSamples,
  pdlLabels,
  tempoColorSamples,
} from '../../../src/destinations/victoriametrics/samples.js';
import { dstDays, parisInstant, parisMidnight } from './expected-samples.js';

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
