import { describe, expect, it } from 'vitest';
import { collectCurrentValues } from '../../../src/engines/current-values/current-values.js';
import type { DailyRow, QueryLayer } from '../../../src/query/types.js';

const pdl = {
  usagePointId: '11111111111111',
  name: null,
  pricingOption: 'BASE',
  offpeakHours: null,
  hasConsumption: true,
  hasProduction: false,
  isActive: true,
  selectedOfferId: null,
};

/** A database holding daily rows up to `last`, 1000 Wh each, from 2023-12-01. */
function databaseUpTo(last: string): QueryLayer {
  const rows: DailyRow[] = [];
  for (let ms = Date.parse('2023-12-01T00:00:00Z'); ms <= Date.parse(`${last}T00:00:00Z`); ms += 86_400_000)
    rows.push({ date: new Date(ms).toISOString().slice(0, 10), value: 1000, updatedAt: new Date(0) });
  return {
    dailyRows: async () => rows,
    tempoDays: async () => [],
    ecowattDays: async () => [],
  } as unknown as QueryLayer;
}

describe('current values on J-2 data', () => {
  it('on the 2nd of a month, month and year to date are those of the latest day stored', async () => {
    const values = await collectCurrentValues(
      databaseUpTo('2023-12-31'),
      [pdl],
      new Date('2024-01-02T09:00:00Z'),
    );
    expect(values.pdls[0]!.consumption).toMatchObject({
      latest: { date: '2023-12-31', wh: 1000 },
      yesterday: null,
      month: { period: '2023-12', start: '2023-12-01', wh: 31_000, days: 31 },
      year: { period: '2023', wh: 31_000 },
    });
  });

  it('keeps yesterday when J-1 is stored', async () => {
    const values = await collectCurrentValues(
      databaseUpTo('2024-01-01'),
      [pdl],
      new Date('2024-01-02T09:00:00Z'),
    );
    expect(values.pdls[0]!.consumption).toMatchObject({
      latest: { date: '2024-01-01' },
      yesterday: { date: '2024-01-01', wh: 1000 },
      month: { period: '2024-01', days: 1 },
    });
  });
});
