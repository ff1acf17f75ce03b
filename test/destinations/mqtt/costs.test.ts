import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, parisParts } from '../../../src/domain/paris-time.js';
import { DEMO_PDL, generateMedData } from '../../support/generate-med-data.js';
import { changeTempoPrices, expectedTempoDayCosts } from '../../support/expected-day-costs.js';
import type { ExpectedDayCost } from '../../support/expected-day-costs.js';
import { createTestBroker } from '../../support/test-broker.js';
import type { TestBroker } from '../../support/test-broker.js';
import { createTestDatabase } from '../../support/test-database.js';
import type { TestDatabase } from '../../support/test-database.js';
import { runCli } from '../../support/run-cli.js';

/**
 * Costs in the MQTT payloads (issue 11, item 6) on a TEMPO PDL whose offer changed price in the middle of the
 * current month: `cost_eur` and the per-tariff breakdown of the latest day and of the month to date equal the
 * costs recomputed from the database.
 */

const PDL = DEMO_PDL.usagePointId;
const today = parisParts(new Date()).date;
// MyElectricalData stores up to J-2 (apps/api/src/services/sync.py, _sync_energy_data).
const LAST_DAY = addDays(today, -2);
const MONTH_START = `${LAST_DAY.slice(0, 7)}-01`;
// Mid-month when the month has days enough, else the month before's last week.
const CHANGE_DAY = LAST_DAY > addDays(MONTH_START, 2) ? addDays(MONTH_START, 2) : addDays(MONTH_START, -7);

let database: TestDatabase;
let broker: TestBroker;
let env: Record<string, string>;

beforeAll(async () => {
  database = await createTestDatabase();
  await generateMedData(database, {
    pdls: [DEMO_PDL],
    from: addDays(today, -60),
    to: LAST_DAY,
    tempoTo: addDays(today, 1),
    detailed: true,
    seed: 7,
    tempo: true,
    offers: true,
  });
  await changeTempoPrices(database, PDL, CHANGE_DAY);
  broker = await createTestBroker();
  env = {
    DATABASE_URL: database.url,
    MQTT_ENABLED: 'true',
    MQTT_BROKER: broker.url,
    MQTT_TOPIC_PREFIX: broker.topicPrefix,
    MQTT_EXPORT_DATA: 'consumption_daily,consumption_monthly',
  };
}, 120_000);

afterAll(async () => {
  await broker?.close();
  await database?.close();
});

interface CostPayload {
  cost_eur: number;
  subscription_eur: number;
  tariffs: Record<string, { value_wh: number; cost_eur: number }>;
}

function expectCosts(payload: CostPayload, days: readonly ExpectedDayCost[]): void {
  const sum = (pick: (day: ExpectedDayCost) => number) => days.reduce((total, day) => total + pick(day), 0);
  // Payload euros are rounded to the micro-euro.
  expect(Math.abs(payload.cost_eur - sum((day) => day.costEur))).toBeLessThan(1e-6);
  expect(Math.abs(payload.subscription_eur - sum((day) => day.subscriptionEur))).toBeLessThan(1e-6);
  const tariffs = new Set(days.flatMap((day) => [...day.tariffs.keys()]));
  expect(Object.keys(payload.tariffs).sort()).toEqual([...tariffs].sort());
  for (const tariff of tariffs) {
    const of = (day: ExpectedDayCost) => day.tariffs.get(tariff);
    expect(payload.tariffs[tariff]!.value_wh / 1000, tariff).toBeCloseTo(
      sum((day) => of(day)?.kwh ?? 0),
      9,
    );
    expect(
      Math.abs(payload.tariffs[tariff]!.cost_eur - sum((day) => of(day)?.costEur ?? 0)),
      tariff,
    ).toBeLessThan(1e-6);
  }
}

describe('costs in the MQTT payloads', () => {
  it('the latest day and the month to date carry cost_eur and the tariffs, at the price valid then', async () => {
    const result = await runCli(['export', '--all'], env);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    const retained = await broker.retained();
    const payload = (suffix: string) =>
      JSON.parse(
        retained.get(`${broker.topicPrefix}/${PDL}/consumption/${suffix}`) ?? 'null',
      ) as CostPayload & {
        date: string;
        month: string;
        cost_days: number;
      };
    const expected = await expectedTempoDayCosts(database, PDL);

    const daily = payload('daily');
    expect(daily.date).toBe(LAST_DAY);
    expectCosts(daily, [expected.get(LAST_DAY)!]);

    const monthly = payload('monthly');
    const month = LAST_DAY.slice(0, 7);
    const monthDays = [...expected.values()].filter((day) => day.date.startsWith(month));
    expect(monthly.month).toBe(month);
    expect(monthly.cost_days).toBe(monthDays.length);
    expectCosts(monthly, monthDays);
    // The price change is inside the range costed: both rows' prices are in it.
    if (CHANGE_DAY > MONTH_START) expect(monthDays.some((day) => day.date < CHANGE_DAY)).toBe(true);
  });
});
