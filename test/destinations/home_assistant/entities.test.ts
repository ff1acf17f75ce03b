import { describe, expect, it } from 'vitest';
import { liveEntities } from '../../../src/destinations/home_assistant/entities.js';
import type { CurrentValues } from '../../../src/engines/current-values/current-values.js';
import type { DataKind } from '../../../src/domain/vocabulary.js';

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

function valuesWith(yesterday: { date: string; wh: number } | null): CurrentValues {
  return {
    today: '2024-02-02',
    pdls: [
      {
        pdl,
        consumption: {
          latest: yesterday ?? { date: '2024-01-31', wh: 9000 },
          yesterday,
          month: { period: '2024-01', start: '2024-01-01', wh: 300_000, days: 31 },
          year: { period: '2024', start: '2024-01-01', wh: 300_000, days: 31 },
          skipped: 0,
        },
        production: null,
      },
    ],
    tempo: {
      today: { date: '2024-02-02', color: null },
      tomorrow: { date: '2024-02-03', color: null },
      remaining: { blue: 1, white: 1, red: 1, season: '2023-2024' },
      used: { blue: 1, white: 1, red: 1, season: '2023-2024' },
    },
    ecowatt: null,
  };
}

const kinds = new Set<DataKind>(['consumption_daily', 'consumption_monthly']);

describe('live entities on J-2 data', () => {
  it('shows the latest day with its date, last month to date, and no yesterday entity', () => {
    const entities = liveEntities(valuesWith(null), kinds, 'med');
    expect(entities.map((entity) => entity.objectId)).toEqual([
      'med_11111111111111_consumption_daily',
      'med_11111111111111_consumption_monthly',
      'med_11111111111111_consumption_yearly',
    ]);
    expect(entities[0]).toMatchObject({ state: '9', attributes: { date: '2024-01-31' } });
    expect(entities[1]).toMatchObject({ attributes: { month: '2024-01', days: 31 } });
  });

  it('adds the yesterday entity while J-1 is stored', () => {
    const entities = liveEntities(valuesWith({ date: '2024-02-01', wh: 8000 }), kinds, 'med');
    expect(entities.find((entity) => entity.objectId.endsWith('_yesterday'))).toMatchObject({
      state: '8',
      attributes: { date: '2024-02-01' },
    });
  });
});
