import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../src/db/connect.js';
import type { Database } from '../../src/db/tables.js';
import { createQueryLayer } from '../../src/query/query-layer.js';
import type { QueryLayer } from '../../src/query/types.js';
import { createTestDatabase } from '../support/test-database.js';
import type { TestDatabase } from '../support/test-database.js';

const EDF = 'provider-edf';

describe('tariff queries', () => {
  let database: TestDatabase;
  let db: Kysely<Database>;
  let query: QueryLayer;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = connect(new URL(database.url), { maxConnections: 2 });
    query = createQueryLayer(db);
    const insert = (values: string) =>
      database.query(`insert into energy_offers (id, provider_id, name, offer_type, power_kva, subscription_price,
        tempo_blue_hc, tempo_red_hp, hc_price, hc_price_weekend, hc_schedules, valid_from, valid_to, is_active, created_at, updated_at)
        values ${values}`);
    await insert(`
      ('tempo-2024', '${EDF}', 'Tempo', 'TEMPO', 6, 15.50000, 0.12960, 0.70620, null, null, null,
        '2024-08-01T00:00:00Z', '2025-02-01T00:00:00Z', false, now(), now()),
      ('tempo-2025', '${EDF}', 'Tempo', 'TEMPO', 6, 15.74000, 0.12880, 0.75620, null, null,
        '{"monday": "22:00-06:00"}', '2025-02-01T00:00:00Z', null, true, now(), now()),
      ('tempo-2023', '${EDF}', 'Tempo', 'TEMPO', 6, 15.00000, 0.12000, 0.65000, null, null, null,
        null, '2024-08-01T00:00:00Z', false, now(), now()),
      ('tempo-9kva', '${EDF}', 'Tempo', 'TEMPO', 9, 19.00000, 0.12880, 0.75620, null, null, null,
        '2025-02-01T00:00:00Z', null, true, now(), now()),
      ('tempo-other', 'provider-other', 'Tempo', 'TEMPO', 6, 14.00000, 0.1, 0.7, null, null, null,
        '2025-02-01T00:00:00Z', null, true, now(), now()),
      ('hcwe-no-power', '${EDF}', 'Zen Week-End', 'HC_WEEKEND', null, 12.00000, null, null, 0.16080, 0.16080, null,
        '2025-02-01T00:00:00Z', null, true, now(), now())`);
    await database.query(
      `insert into tempo_days (id, date, color, updated_at) values
        ('2025-01-10', '2025-01-10T00:00:00Z', 'RED', '2025-01-09T10:30:00Z'),
        ('2025-01-11', '2025-01-11T00:00:00Z', 'BLUE', '2025-01-10T10:30:00Z'),
        ('2025-01-12', '2025-01-12T00:00:00Z', 'WHITE', '2025-01-13T08:00:00Z'),
        ('2025-01-13', '2025-01-13T00:00:00Z', 'BLUE', null)`,
    );
  });

  afterAll(async () => {
    await db?.destroy();
    await database?.close();
  });

  it("reads every price row of the selected offer's provider, type, name and power, oldest first", async () => {
    const history = await query.offerPriceHistory('tempo-2025');
    expect(history).toMatchObject({ offerType: 'TEMPO', name: 'Tempo', providerId: EDF, powerKva: 6 });
    expect(history!.rows.map((row) => row.id)).toEqual(['tempo-2023', 'tempo-2024', 'tempo-2025']);
    const [, old, current] = history!.rows;
    expect(old).toMatchObject({
      validFrom: new Date('2024-08-01T00:00:00Z'),
      validTo: new Date('2025-02-01T00:00:00Z'),
      subscriptionPrice: 15.5,
      hcSchedules: null,
    });
    expect(old!.prices).toMatchObject({ tempo_blue_hc: 0.1296, tempo_red_hp: 0.7062, base_price: null });
    expect(current).toMatchObject({
      validTo: null,
      subscriptionPrice: 15.74,
      hcSchedules: { monday: '22:00-06:00' },
    });
    expect(Object.keys(current!.prices)).toHaveLength(19);
  });

  it('finds the same history from an old row, and matches a missing power with a missing power', async () => {
    const fromOld = await query.offerPriceHistory('tempo-2023');
    expect(fromOld!.rows.map((row) => row.id)).toEqual(['tempo-2023', 'tempo-2024', 'tempo-2025']);
    const noPower = await query.offerPriceHistory('hcwe-no-power');
    expect(noPower).toMatchObject({ offerType: 'HC_WEEKEND', powerKva: null });
    expect(noPower!.rows.map((row) => [row.id, row.prices.hc_price_weekend])).toEqual([
      ['hcwe-no-power', 0.1608],
    ]);
  });

  it('has no history for an offer that does not exist', async () => {
    expect(await query.offerPriceHistory('gone')).toBeNull();
  });

  it('lists the Tempo days written after an instant', async () => {
    expect(await query.tempoDaysChangedSince(new Date('2025-01-09T12:00:00Z'))).toEqual([
      '2025-01-11',
      '2025-01-12',
    ]);
    expect(await query.tempoDaysChangedSince(new Date('2025-01-10T10:30:00Z'))).toEqual(['2025-01-12']);
    expect(await query.tempoDaysChangedSince(new Date('2025-02-01T00:00:00Z'))).toEqual([]);
  });

  it('sees a colour rewritten later', async () => {
    await database.query(`update tempo_days set color = 'WHITE', updated_at = now() where id = '2025-01-11'`);
    expect(await query.tempoDaysChangedSince(new Date(Date.now() - 60_000))).toEqual(['2025-01-11']);
  });
});
