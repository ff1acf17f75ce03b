import { describe, expect, it } from 'vitest';
import { buildMqttMessages, countByKind } from '../../../src/destinations/mqtt/encode.js';
import type { DataKind } from '../../../src/domain/vocabulary.js';
import type { CurrentValues } from '../../../src/engines/current-values/current-values.js';

const now = new Date('2024-01-16T13:05:00Z');
const pdl = {
  usagePointId: '11111111111111',
  name: 'Maison',
  pricingOption: 'BASE',
  offpeakHours: null,
  hasConsumption: true,
  hasProduction: false,
  isActive: true,
  selectedOfferId: null,
};
const values: CurrentValues = {
  today: '2024-01-16',
  pdls: [
    {
      pdl,
      consumption: {
        latest: { date: '2024-01-15', wh: 15_2345 / 10 },
        yesterday: { date: '2024-01-15', wh: 1234.5 },
        month: { period: '2024-01', start: '2024-01-01', wh: 200_001, days: 15 },
        year: null,
        skipped: 0,
      },
      production: null,
    },
  ],
  tempo: {
    today: { date: '2024-01-16', color: 'RED' },
    tomorrow: { date: '2024-01-17', color: null },
    remaining: { blue: 200, white: 30, red: 10, season: '2023-2024' },
    used: { blue: 101, white: 13, red: 12, season: '2023-2024' },
  },
  ecowatt: {
    date: '2024-01-16',
    hour: 14,
    level: 2,
    nextHourLevel: 3,
    dayLevel: 3,
    message: 'Tension',
    forecast: [{ hour: 0, level: 1 }],
    alert: true,
  },
};
const everything = new Set<DataKind>(['consumption_daily', 'consumption_monthly', 'tempo', 'ecowatt']);

describe('buildMqttMessages', () => {
  const messages = buildMqttMessages(values, [], everything, 'med', now);
  const byTopic = new Map(messages.map((message) => [message.topic, message.payload]));

  it('gives kWh rounded to 3 decimals and the exact Wh', () => {
    expect(byTopic.get('med/11111111111111/consumption/yesterday')).toEqual({
      value: 1.235,
      unit: 'kWh',
      value_wh: 1234.5,
      date: '2024-01-15',
      pdl: '11111111111111',
      timestamp: '2024-01-16T13:05:00.000Z',
    });
    expect(byTopic.get('med/11111111111111/consumption/monthly')).toMatchObject({
      value: 200.001,
      value_wh: 200_001,
      month: '2024-01',
      days: 15,
    });
  });

  it('speaks French colours with the English code, INCONNU when unknown', () => {
    expect(byTopic.get('med/tempo/today')).toEqual({ color: 'ROUGE', color_code: 'RED', date: '2024-01-16' });
    expect(byTopic.get('med/tempo/tomorrow')).toEqual({
      color: 'INCONNU',
      color_code: 'UNKNOWN',
      date: '2024-01-17',
    });
    expect(byTopic.get('med/tempo/remaining')).toEqual({
      blue: 200,
      white: 30,
      red: 10,
      season: '2023-2024',
    });
  });

  it('publishes EcoWatt now and the forecast', () => {
    expect(byTopic.get('med/ecowatt/current')).toEqual({
      level: 2,
      message: 'Tension',
      date: '2024-01-16',
      hour: 14,
    });
    expect(byTopic.get('med/ecowatt/forecast')).toEqual([{ hour: 0, level: 1 }]);
  });

  it('publishes only the kinds asked for, and nothing for a PDL without production', () => {
    const onlyTempo = buildMqttMessages(
      values,
      [],
      new Set<DataKind>(['tempo', 'production_daily']),
      'med',
      now,
    );
    expect(onlyTempo.map((message) => message.topic)).toEqual([
      'med/tempo/today',
      'med/tempo/tomorrow',
      'med/tempo/remaining',
    ]);
  });

  it('counts messages per topic family for the run details', () => {
    expect(countByKind(messages, 'med')).toEqual({
      consumption_daily: 1,
      consumption_yesterday: 1,
      consumption_monthly: 1,
      tempo: 3,
      ecowatt: 2,
    });
  });
});

describe('buildMqttMessages on J-2 data, with costs', () => {
  // MyElectricalData on 2024-01-16 holds up to 2024-01-14: no yesterday.
  const j2: CurrentValues = {
    ...values,
    pdls: [
      {
        pdl,
        consumption: {
          latest: { date: '2024-01-14', wh: 10_000 },
          yesterday: null,
          month: { period: '2024-01', start: '2024-01-01', wh: 140_000, days: 14 },
          year: null,
          skipped: 0,
        },
        production: null,
      },
    ],
  };
  const day = {
    date: '2024-01-14',
    wh: 10_000,
    energyCostEur: 2.1234567,
    subscriptionEur: 0.5,
    costEur: 2.6234567,
    tariffs: [
      { tariff: 'hc' as const, wh: 4000, costEur: 0.8 },
      { tariff: 'hp' as const, wh: 6000, costEur: null },
    ],
    awaitingWh: 0,
  };
  const costs = new Map([
    [pdl.usagePointId, { days: new Map([[day.date, day]]), month: { ...day, period: '2024-01', days: 1 } }],
  ]);
  const byTopic = new Map(
    buildMqttMessages(j2, [], everything, 'med', now, costs).map((message) => [
      message.topic,
      message.payload,
    ]),
  );

  it('publishes the latest day with its date and no yesterday topic', () => {
    expect(byTopic.get('med/11111111111111/consumption/daily')).toMatchObject({
      date: '2024-01-14',
      value: 10,
    });
    expect(byTopic.has('med/11111111111111/consumption/yesterday')).toBe(false);
  });

  it('adds cost_eur, the subscription and each tariff, null where a tariff had no price', () => {
    expect(byTopic.get('med/11111111111111/consumption/daily')).toMatchObject({
      cost_eur: 2.623457,
      energy_cost_eur: 2.123457,
      subscription_eur: 0.5,
      tariffs: {
        hc: { value: 4, value_wh: 4000, cost_eur: 0.8 },
        hp: { value: 6, value_wh: 6000, cost_eur: null },
      },
    });
    expect(byTopic.get('med/11111111111111/consumption/monthly')).toMatchObject({
      month: '2024-01',
      cost_eur: 2.623457,
      cost_days: 1,
    });
  });
});
