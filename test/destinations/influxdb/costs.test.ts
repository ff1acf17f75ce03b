import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../support/run-cli.js';
import { HC_HP, TEMPO_PDL, createCostFixture } from '../../engines/timeseries-backfill/cost-fixture.js';
import type { CostFixture, ExpectedCosts } from '../../engines/timeseries-backfill/cost-fixture.js';
import { influxdb1 } from './backends.js';
import type { InfluxBackend, StoredRow } from './backends.js';

const PDLS = [TEMPO_PDL, HC_HP.usagePointId];

/** `tariff|granularity` → instant → the field's value, for one PDL's points of a measurement. */
function byTariff(rows: StoredRow[], pdl: string, field: string): Map<string, Map<number, number>> {
  const result = new Map<string, Map<number, number>>();
  for (const row of rows) {
    if (row.values['pdl'] !== pdl) continue;
    const key = `${row.values['tariff']}|${row.values['granularity']}`;
    let values = result.get(key);
    if (!values) result.set(key, (values = new Map()));
    values.set(row.timestampMs, Number(row.values[field]));
  }
  return result;
}

async function expectStored(server: InfluxBackend, pdl: string, expected: ExpectedCosts): Promise<void> {
  for (const [measurement, field, amount] of [
    ['tariff_energy', 'energy_wh', 'wh'],
    ['cost', 'eur', 'eur'],
  ] as const) {
    const stored = byTariff(await server.points(measurement), pdl, field);
    expect([...stored.keys()].sort(), `${measurement} ${pdl}`).toEqual([...expected.keys()].sort());
    for (const [key, amounts] of expected) {
      const values = stored.get(key)!;
      expect([...values.keys()].sort(), `${measurement} ${pdl} ${key}`).toEqual([...amounts.keys()].sort());
      for (const [at, value] of amounts) {
        expect(Math.abs(values.get(at)! - value[amount]), `${measurement} ${key} ${at}`).toBeLessThanOrEqual(
          Math.abs(value[amount]) * 1e-12 + 1e-12,
        );
      }
    }
  }
}

describe.skipIf(!influxdb1.available)(`costs in ${influxdb1.title}`, () => {
  let fixture: CostFixture;
  let server: InfluxBackend;
  let env: Record<string, string>;

  beforeAll(async () => {
    fixture = await createCostFixture();
    server = await influxdb1.start();
    env = {
      DATABASE_URL: fixture.db.url,
      INFLUXDB_ENABLED: 'true',
      ...server.env,
      INFLUXDB_EXPORT_DATA: 'consumption_daily,consumption_detailed,tempo',
    };
  }, 180_000);

  afterAll(async () => {
    await server?.close();
    await fixture?.db.close();
  });

  it('holds tariff_energy equal to the database and cost at the price valid at each half-hour', async () => {
    const result = await runCli(['export', '--all'], env);
    expect(result.exitCode, `${result.stdout}${result.stderr}`).toBe(0);
    for (const pdl of PDLS) await expectStored(server, pdl, await fixture.expected(pdl));
  });

  it('puts a Tempo colour published late in its tariff on the next pass, sending only its hours', async () => {
    const received = await server.receivedPoints();
    await fixture.restoreColour();
    const result = await runCli(['export', '--all', '--force'], env);
    expect(result.exitCode, `${result.stdout}${result.stderr}`).toBe(0);
    for (const pdl of PDLS) await expectStored(server, pdl, await fixture.expected(pdl));
    // The Tempo day itself (one point), the repaired hours (06:00 of the day to 06:00 the day after: 48
    // half-hours × energy and cost) and the two days' totals now complete; nothing of the load curve.
    const sent = (await server.receivedPoints()) - received;
    expect(sent).toBeGreaterThan(1 + 48 * 2);
    expect(sent).toBeLessThan(1 + 48 * 2 + 2 * 6 * 2 + 1);
  });
});
