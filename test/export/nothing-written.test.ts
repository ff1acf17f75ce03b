import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PDL, generateMedData } from '../support/generate-med-data.js';
import { runCli } from '../support/run-cli.js';
import { createTestDatabase } from '../support/test-database.js';
import type { TestDatabase } from '../support/test-database.js';
import {
  expectedDaily,
  findSeries,
  parisMidnight,
  samplesByTimestamp,
} from '../destinations/victoriametrics/expected-samples.js';
import { startVictoriaMetrics } from '../destinations/victoriametrics/victoria-metrics-server.js';
import type { VictoriaMetricsUnderTest } from '../destinations/victoriametrics/victoria-metrics-server.js';

const onServer = process.env['MED_TEST_DATABASE_URL'] !== undefined;
/** Longer than the quiet time every other session must keep before the counts are trusted (query-layer.ts). */
const QUIET_MS = 16_000;
const SKIPPED = 'no consumption or production row written since the last pass';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The runner skips looking for changed days when PostgreSQL counted no write to MyElectricalData's tables since
 * the last pass: only on a server (PGlite counts nothing), and only once every other session has been quiet.
 */
describe.runIf(onServer)('a pass after nothing was written', () => {
  let database: TestDatabase;
  let vm: VictoriaMetricsUnderTest;
  /** MyElectricalData's session: every write of the test goes through it, its counts handed over at once. */
  let writer: pg.Client;
  let env: Record<string, string>;

  const write = (statement: string, params?: unknown[]) =>
    writer.query(statement, params).then(() => writer.query('select pg_stat_force_next_flush()'));

  beforeAll(async () => {
    database = await createTestDatabase();
    writer = new pg.Client({ connectionString: database.url, application_name: 'myelectricaldata' });
    await writer.connect();
    await generateMedData(
      { query: (statement, params) => writer.query(statement, params) },
      { pdls: [DEMO_PDL], from: '2025-01-01', to: '2025-01-20', detailed: false },
    );
    await write(`update consumption_data set updated_at = now() - interval '1 day'`);
    vm = await startVictoriaMetrics();
    env = {
      DATABASE_URL: database.url,
      VICTORIAMETRICS_ENABLED: 'true',
      VICTORIAMETRICS_URL: vm.url,
      VICTORIAMETRICS_EXPORT_DATA: 'consumption_daily',
    };
  }, 60_000);

  afterAll(async () => {
    await writer?.end();
    await vm?.close();
    await database?.close();
  });

  const pass = async () => {
    const result = await runCli(['export', '--all', '--force', '--verbose'], env);
    expect(result.exitCode, result.stderr).toBe(0);
    return result.stderr;
  };

  it('looks for no changed day, and still sends the next change once PostgreSQL has counted it', async () => {
    await pass();
    await sleep(QUIET_MS);
    // The first pass that can trust the counts records them; the next one, with the same counts, skips.
    expect(await pass()).not.toContain(SKIPPED);
    expect(await pass()).toContain(SKIPPED);

    await write(
      `update consumption_data set value = value + 1000, updated_at = now()
       where usage_point_id = $1 and date = '2025-01-05' and granularity = 'daily'`,
      [DEMO_PDL.usagePointId],
    );
    await sleep(QUIET_MS);
    expect(await pass()).not.toContain(SKIPPED);

    const series = findSeries(await vm.exportSeries('{__name__="myelectricaldata_consumption_wh"}'), {
      pdl: DEMO_PDL.usagePointId,
      type: 'daily',
    });
    const expected = await expectedDaily(database, 'consumption', DEMO_PDL.usagePointId);
    const corrected = parisMidnight('2025-01-05');
    // No -dedup.minScrapeInterval: the old value stays beside the corrected one; every other day was sent once.
    const stored = samplesByTimestamp(series);
    expect(stored.get(corrected)).toHaveLength(2);
    expect(stored.get(corrected)).toContain(expected.get(corrected));
    stored.delete(corrected);
    expected.delete(corrected);
    expect(stored).toEqual(new Map([...expected].map(([at, value]) => [at, [value]])));
  }, 120_000);
});
