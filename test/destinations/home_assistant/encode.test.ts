import { describe, expect, it } from 'vitest';
import { hcHpCosts } from './hc-hp-costs.js';
import type { DetailedRow, Pdl } from '../../../src/query/types.js';
import {
  buildDiscoveryConfigs,
  orphanDiscoveryTopics,
} from '../../../src/engines/ha-discovery/discovery-configs.js';
import { mqttTopicDiscoveryEntities } from '../../../src/destinations/mqtt/discovery.js';
import { acceptsMeanType, statisticMetadata } from '../../../src/destinations/home_assistant/encode.js';
import {
  costSeries,
  energySeries,
  tariffSeries,
} from '../../../src/destinations/home_assistant/statistic-series.js';
import { importStartMs } from '../../../src/destinations/home_assistant/state.js';
import { DirectionAggregator } from '../../../src/destinations/home_assistant/hour-aggregation.js';
import { buildRows, chunks } from '../../../src/destinations/home_assistant/statistic-rows.js';
import { parseDatetime } from '../../home-assistant-standin/voluptuous.js';
import { parisInstant } from './expected.js';

const PDL: Pdl = {
  usagePointId: '12345678901234',
  name: 'Maison',
  pricingOption: 'HC/HP',
  offpeakHours: null,
  hasConsumption: true,
  hasProduction: false,
  isActive: true,
  selectedOfferId: null,
};

const HOUR = 3_600_000;

function row(date: string, intervalStart: string, watts: number): DetailedRow {
  return { date, intervalStart, value: watts, rawData: { interval_length: 'PT30M' }, updatedAt: new Date(0) };
}

function hcHpAggregator(offpeak: string) {
  const hc = tariffSeries('med', PDL, 'hc');
  const hp = tariffSeries('med', PDL, 'hp');
  const aggregator = new DirectionAggregator(
    {
      energy: energySeries('med', PDL, 'consumption'),
      tariffs: new Map([
        ['hc', hc],
        ['hp', hp],
      ]),
      costs: new Map([['hp', costSeries('med', PDL, 'hp')]]),
      totalCost: null,
      revenue: null,
    },
    hcHpCosts(offpeak, { hp: 0.25 }),
  );
  return { aggregator, hc, hp };
}

describe('hourly aggregation', () => {
  it('puts each interval in the hour of its own start, and in the tariff of its own start', () => {
    const { aggregator, hc, hp } = hcHpAggregator('22:30-06:30');
    aggregator.addDetailedRow(row('2025-01-15', '22:00', 1000)); // 500 Wh, peak
    aggregator.addDetailedRow(row('2025-01-15', '22:30', 2000)); // 1000 Wh, off-peak
    const { hourly } = aggregator.finish();
    const hour = parisInstant('2025-01-15', '22:00');
    expect(hourly.get('med:consumption_12345678901234')).toEqual(new Map([[hour, 1500]]));
    expect(hourly.get(hp.statisticId)).toEqual(new Map([[hour, 500]]));
    expect(hourly.get(hc.statisticId)).toEqual(new Map([[hour, 1000]]));
    expect(hourly.get('med:cost_12345678901234_hp')).toEqual(new Map([[hour, 0.125]]));
  });

  it('gives the spring-forward day 23 hours and puts a day without load curve whole at its first hour', () => {
    const { aggregator } = hcHpAggregator('22:00-06:00');
    for (let minute = 0; minute < 1440; minute += 30) {
      if (minute >= 120 && minute < 180) continue; // 02:00–03:00 does not exist on 2025-03-30
      const time = `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
      aggregator.addDetailedRow(row('2025-03-30', time, 100));
    }
    aggregator.addDailyRow({ date: '2025-03-30', value: 99_999, updatedAt: new Date(0) });
    aggregator.addDailyRow({ date: '2025-03-31', value: 7000, updatedAt: new Date(0) });
    const result = aggregator.finish();
    const all = result.hourly.get('med:consumption_12345678901234')!;
    const springDay = [...all.keys()].filter((start) => start < parisInstant('2025-03-31', '00:00'));
    expect(springDay).toHaveLength(23);
    expect(all.get(parisInstant('2025-03-31', '00:00'))).toBe(7000);
    expect(result.notSplitDays).toEqual(['2025-03-31']);
  });

  it('builds rows whose sums continue the base and chunks them', () => {
    const hours = new Map([
      [3 * HOUR, 250],
      [HOUR, 1000],
      [2 * HOUR, 500],
    ]);
    const { rows } = buildRows(hours, 'kWh', 2 * HOUR, 10);
    expect(rows).toEqual([
      { start: '1970-01-01T02:00:00+00:00', state: 0.5, sum: 10.5 },
      { start: '1970-01-01T03:00:00+00:00', state: 0.25, sum: 10.75 },
    ]);
    expect(parseDatetime(rows[0]!.start)).toMatchObject({ ms: 2 * HOUR, naive: false, minute: 0 });
    expect(chunks([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
  });
});

describe('where an import starts', () => {
  const base = {
    firstRun: false,
    existsInHomeAssistant: true,
    throughMs: 100 * HOUR,
    earliestChangeMs: null,
    overlapStartMs: 90 * HOUR,
    resendFromMs: null,
  };
  it('takes the earliest of the hour after the last confirmed one, changes, the safety window and --since', () => {
    expect(importStartMs(base)).toBe(90 * HOUR);
    expect(importStartMs({ ...base, earliestChangeMs: 20 * HOUR })).toBe(20 * HOUR);
    expect(importStartMs({ ...base, resendFromMs: 5 * HOUR })).toBe(5 * HOUR);
    expect(importStartMs({ ...base, throughMs: 50 * HOUR })).toBe(51 * HOUR);
  });
  it('sends the whole history to a statistic Home Assistant lacks, or on the first run', () => {
    expect(importStartMs({ ...base, existsInHomeAssistant: false })).toBe(-Infinity);
    expect(importStartMs({ ...base, firstRun: true })).toBe(-Infinity);
    expect(importStartMs({ ...base, throughMs: undefined })).toBe(-Infinity);
  });
});

describe('statistics metadata per Home Assistant version', () => {
  it('uses mean_type/unit_class from 2025.11 and has_mean before', () => {
    expect(acceptsMeanType('2025.10.4')).toBe(false);
    expect(acceptsMeanType('2025.11.0b2')).toBe(true);
    expect(acceptsMeanType('2026.1.0')).toBe(true);
    const series = costSeries('med', PDL, 'hp');
    expect(statisticMetadata(series, 'med', '2025.12.0')).toEqual({
      has_sum: true,
      name: 'Linky Maison cost peak (HP)',
      source: 'med',
      statistic_id: 'med:cost_12345678901234_hp',
      unit_of_measurement: 'EUR',
      mean_type: 0,
      unit_class: null,
    });
    expect(statisticMetadata(series, 'med', '2024.6.0')).not.toHaveProperty('mean_type');
    expect(statisticMetadata(series, 'med', '2024.6.0')).toHaveProperty('has_mean', false);
  });
});

describe('MQTT discovery', () => {
  it('announces the generic MQTT destination topics and finds orphans', () => {
    const entities = mqttTopicDiscoveryEntities([PDL], new Set(['consumption_daily', 'tempo']), 'med', 'med');
    const configs = buildDiscoveryConfigs(entities, {
      discoveryPrefix: 'homeassistant',
      nodeId: 'med_export_mqtt',
      availabilityTopic: 'med/status',
    });
    const daily = configs.find((config) =>
      config.topic.endsWith('/med_12345678901234_consumption_daily/config'),
    );
    expect(daily).toEqual({
      topic: 'homeassistant/sensor/med_export_mqtt/med_12345678901234_consumption_daily/config',
      payload: expect.objectContaining({
        state_topic: 'med/12345678901234/consumption/daily',
        value_template: '{{ value_json.value }}',
        default_entity_id: 'sensor.med_12345678901234_consumption_daily',
        availability_topic: 'med/status',
        origin: expect.objectContaining({ name: 'med-export' }),
      }),
    });
    expect(orphanDiscoveryTopics(['a', 'b', 'c'], ['b'])).toEqual(['a', 'c']);
  });
});
