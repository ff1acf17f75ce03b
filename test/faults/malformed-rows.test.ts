import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, parisDate, parisLocalToUtcMs } from '../../src/domain/paris-time.js';
import { startHomeAssistantStandin } from '../home-assistant-standin/index.js';
import type { HomeAssistantStandin } from '../home-assistant-standin/index.js';
import { startVictoriaMetrics } from '../destinations/victoriametrics/victoria-metrics-server.js';
import type { VictoriaMetricsUnderTest } from '../destinations/victoriametrics/victoria-metrics-server.js';
import { generateMedData } from '../support/generate-med-data.js';
import { runCli } from '../support/run-cli.js';
import { createTestDatabase } from '../support/test-database.js';
import type { TestDatabase } from '../support/test-database.js';

/**
 * Damaged MyElectricalData rows (NULL, negative, absurd power, unknown interval_length, raw_data that is not an
 * object, the same interval stored twice under two spellings) are skipped and counted; the rest is exported.
 */
const PDL = '55555555555555';
const today = parisDate(Date.now());
const BAD_DAY = addDays(today, -3);
const BAD_ROWS: [string, number | null, unknown][] = [
  ['01:00', null, null],
  ['01:30', -40, null],
  ['02:00', 5_000_000, null],
  ['02:30', 800, { interval_length: 'PT7M' }],
  ['03:00', 800, 'PT30M'],
  ['3:30', 900, null],
];
const SKIPPED = {
  null_value: 1,
  negative_value: 1,
  absurd_power: 1,
  unknown_interval_length: 1,
  raw_data_not_object: 1,
  duplicate_interval: 1,
};

let database: TestDatabase;
let vm: VictoriaMetricsUnderTest;
let ha: HomeAssistantStandin;

beforeAll(async () => {
  database = await createTestDatabase();
  await generateMedData(database, {
    pdls: [
      { usagePointId: PDL, name: 'Damaged', pricingOption: 'BASE', offpeakHours: null, hasProduction: false },
    ],
    from: addDays(today, -6),
    to: addDays(today, -1),
  });
  // Replace the night of one day by damaged rows; '3:30' duplicates the generated '03:30' interval.
  await database.query(
    `delete from consumption_data where usage_point_id = $1 and date = $2::date and granularity = 'detailed'
     and interval_start in ('01:00', '01:30', '02:00', '02:30', '03:00')`,
    [PDL, BAD_DAY],
  );
  for (const [index, [start, value, raw]] of BAD_ROWS.entries()) {
    await database.query(
      `insert into consumption_data (id, usage_point_id, date, granularity, interval_start, value, source, raw_data)
       values ($1, $2, $3::date, 'detailed', $4, $5, 'test', $6::jsonb)`,
      [`bad-${index}`, PDL, BAD_DAY, start, value, raw === null ? null : JSON.stringify(raw)],
    );
  }
  vm = await startVictoriaMetrics();
  ha = await startHomeAssistantStandin();
});

afterAll(async () => {
  await ha?.close();
  await vm?.close();
  await database?.close();
});

describe('malformed MyElectricalData rows', () => {
  it('are skipped and counted by VictoriaMetrics and Home Assistant while the rest is exported', async () => {
    const result = await runCli(['export', '--all'], {
      DATABASE_URL: database.url,
      VICTORIAMETRICS_ENABLED: 'true',
      VICTORIAMETRICS_URL: vm.url,
      VICTORIAMETRICS_EXPORT_DATA: 'consumption_detailed',
      HOME_ASSISTANT_ENABLED: 'true',
      HOME_ASSISTANT_URL: ha.url,
      HOME_ASSISTANT_TOKEN: ha.options.token,
      HOME_ASSISTANT_EXPORT_DATA: 'consumption_detailed',
      HOME_ASSISTANT_ENTITIES: 'none',
    });
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    const details = await database.query<{ destination: string; details: Record<string, unknown> }>(
      "select destination, details from export_logs where status = 'success'",
    );
    const detailsOf = (id: string) => JSON.stringify(details.find((row) => row.destination === id)?.details);
    for (const [reason, count] of Object.entries(SKIPPED)) {
      expect(detailsOf('victoriametrics')).toContain(`"${reason}":${count}`);
      expect(detailsOf('home_assistant')).toContain(`"${reason}":${count}`);
    }

    // The good intervals of the damaged day reach VictoriaMetrics; none of the damaged ones does.
    const [series] = await vm.exportSeries(
      `{__name__="myelectricaldata_consumption_wh",type="detailed",pdl="${PDL}"}`,
    );
    const stored = new Set(series!.timestamps);
    const [good] = await database.query<{ count: string }>(
      `select count(*) from consumption_data where usage_point_id = $1 and granularity = 'detailed'
       and id not like 'bad-%'`,
      [PDL],
    );
    expect(stored.size).toBe(Number(good!.count));
    for (const start of ['01:00', '01:30', '02:00', '02:30', '03:00']) {
      expect(stored.has(parisLocalToUtcMs(BAD_DAY, start))).toBe(false);
    }
    expect(stored.has(parisLocalToUtcMs(BAD_DAY, '03:30'))).toBe(true);
  });
});
