import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, parisParts } from '../../../src/domain/paris-time.js';
import { DEMO_PDL, generateMedData } from '../../support/generate-med-data.js';
import { changeTempoPrices, expectedTempoDayCosts } from '../../support/expected-day-costs.js';
import { runCli } from '../../support/run-cli.js';
import { createTestDatabase } from '../../support/test-database.js';
import type { TestDatabase } from '../../support/test-database.js';
import { startJeedomStandin } from '../../jeedom-standin/jeedom-standin.js';
import type { JeedomStandin } from '../../jeedom-standin/jeedom-standin.js';

/**
 * Costs in Jeedom (issue 11, item 6) on a TEMPO PDL whose offer changed price in the middle of the range: the
 * daily cost command's history (at each day's date) and the month's cost equal the costs recomputed from the
 * database; a Tempo colour published late re-sends its days.
 */

const PDL = DEMO_PDL.usagePointId;
const PDL_EQ = `med_export_pdl_${PDL}`;
const today = parisParts(new Date()).date;
const FIRST_DAY = addDays(today, -75);
const LAST_DAY = addDays(today, -2);
const CHANGE_DAY = addDays(today, -40);
// The command keeps 3 decimals (commands.ts, EUR_DECIMALS).
const HALF_MILLI_EURO = 5e-4 + 1e-9;

let database: TestDatabase;
let standin: JeedomStandin;
let env: Record<string, string>;
let deletedColor: { id: string; date: Date; color: string };

function history(logicalId: string): Map<string, number> {
  const equipment = standin.equipmentByLogicalId(PDL_EQ)!;
  const command = standin.commandByLogicalId(equipment.id, logicalId);
  expect(command, logicalId).toBeDefined();
  return new Map(standin.history(command!.id).map((point) => [point.datetime, Number(point.value)]));
}

async function expectCostHistory(): Promise<void> {
  const expected = await expectedTempoDayCosts(database, PDL);
  const daily = history('consumption_cost_daily');
  expect([...daily.keys()]).toEqual([...expected.keys()].map((date) => `${date} 00:00:00`));
  for (const day of expected.values())
    expect(Math.abs(daily.get(`${day.date} 00:00:00`)! - day.costEur), day.date).toBeLessThan(
      HALF_MILLI_EURO,
    );

  const months = new Map<string, number>();
  for (const day of expected.values())
    months.set(day.date.slice(0, 7), (months.get(day.date.slice(0, 7)) ?? 0) + day.costEur);
  const monthly = history('consumption_cost_month');
  expect([...monthly.keys()]).toEqual([...months.keys()].map((month) => `${month}-01 00:00:00`));
  for (const [month, cost] of months)
    expect(Math.abs(monthly.get(`${month}-01 00:00:00`)! - cost), month).toBeLessThan(HALF_MILLI_EURO);
}

beforeAll(async () => {
  database = await createTestDatabase();
  await generateMedData(database, {
    pdls: [DEMO_PDL],
    from: FIRST_DAY,
    to: LAST_DAY,
    tempoTo: addDays(today, 1),
    detailed: true,
    seed: 5,
    tempo: true,
    offers: true,
  });
  await changeTempoPrices(database, PDL, CHANGE_DAY);
  // Each day's rows written when MyElectricalData's sync fetched them, so that the next run sees no change in
  // the energy itself: only the colour's arrival can re-send a day.
  // Counted from the Paris date of the data, not PostgreSQL's `current_date` (UTC, a day behind from 23:00 UTC).
  await database.query(
    `update consumption_data set updated_at = now() - interval '1 day' * ($1::date - date)`,
    [today],
  );
  // A non-blue colour missing at the first run (the Tempo sync failed that day), published afterwards.
  const [colour] = await database.query<{ id: string; date: Date; color: string }>(
    `select id, date, color from tempo_days where color <> 'BLUE' and id between $1 and $2 order by id limit 1`,
    [addDays(FIRST_DAY, 5), addDays(LAST_DAY, -5)],
  );
  deletedColor = colour!;
  await database.query('delete from tempo_days where id = $1', [deletedColor.id]);
  standin = await startJeedomStandin();
  env = {
    DATABASE_URL: database.url,
    JEEDOM_ENABLED: 'true',
    JEEDOM_URL: standin.url,
    JEEDOM_API_KEY: standin.apiKey,
    JEEDOM_OBJECT_ID: String(standin.addObject('Maison').id),
    JEEDOM_EXPORT_DATA: 'consumption_daily,consumption_monthly',
  };
}, 120_000);

afterAll(async () => {
  await standin?.close();
  await database?.close();
});

describe('costs in Jeedom', () => {
  it('historises each day’s cost at its date and each month’s, at the price valid then', async () => {
    const result = await runCli(['export', '--destination', 'jeedom', '--force'], env);
    expect(result.exitCode).toBe(0);
    expect(CHANGE_DAY > FIRST_DAY && CHANGE_DAY < LAST_DAY).toBe(true);
    await expectCostHistory();
    const [log] = await database.query<{
      details: { costs?: Record<string, { awaiting_tempo_colour?: unknown }> };
    }>(`select details from export_logs where destination = 'jeedom' order by started_at desc limit 1`);
    expect(log!.details.costs?.[PDL]?.awaiting_tempo_colour).toMatchObject({ last: deletedColor.id });
  });

  it('a Tempo colour published late re-sends the costs of its days on the next run', async () => {
    const before = history('consumption_cost_daily').get(`${deletedColor.id} 00:00:00`)!;
    await database.query('insert into tempo_days (id, date, color) values ($1, $2, $3)', [
      deletedColor.id,
      deletedColor.date,
      deletedColor.color,
    ]);
    const result = await runCli(['export', '--destination', 'jeedom', '--force'], env);
    expect(result.exitCode).toBe(0);
    await expectCostHistory();
    expect(history('consumption_cost_daily').get(`${deletedColor.id} 00:00:00`)).toBeGreaterThan(before);
  });
});
