import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parisParts } from '../../src/domain/paris-time.js';
import { demoOptions, generateMedData } from '../support/generate-med-data.js';
import { startFaultyProxy } from '../support/faulty-proxy.js';
import type { FaultyProxy } from '../support/faulty-proxy.js';
import { runCli } from '../support/run-cli.js';
import { spawnCli, waitFor } from '../support/spawn-cli.js';
import { createTestBroker } from '../support/test-broker.js';
import type { TestBroker } from '../support/test-broker.js';
import { createTestDatabase } from '../support/test-database.js';
import type { TestDatabase } from '../support/test-database.js';

/**
 * What only MQTT runs meet: malformed daily rows, a run killed or stopped mid-export, two runs at once. The six
 * network and server faults run for MQTT from the shared table (destination-faults.test.ts).
 */
let database: TestDatabase;
let broker: TestBroker;
let proxy: FaultyProxy;
let env: Record<string, string>;

type LogRow = {
  status: string;
  error_message: string | null;
  records_exported: number;
  details: Record<string, unknown>;
};
const logRows = () =>
  database.query<LogRow>(
    'select status, error_message, records_exported, details from export_logs order by started_at',
  );

beforeAll(async () => {
  database = await createTestDatabase();
  await generateMedData(database, { ...demoOptions(parisParts(new Date()).date), detailed: false });
  broker = await createTestBroker();
  const target = new URL(broker.url);
  proxy = await startFaultyProxy({ host: target.hostname, port: Number(target.port) });
  env = {
    DATABASE_URL: database.url,
    MQTT_ENABLED: 'true',
    MQTT_BROKER: `mqtt://${proxy.host}:${proxy.port}`,
    MQTT_TOPIC_PREFIX: broker.topicPrefix,
    MQTT_TIMEOUT: '2',
  };
});

afterAll(async () => {
  await proxy?.close();
  await broker?.close();
  await database?.close();
});

beforeEach(() => {
  proxy.mode = 'pass';
  proxy.delayMs = 0;
});

async function expectRecovery(): Promise<void> {
  proxy.mode = 'pass';
  const before = (await broker.retained()).size;
  const result = await runCli(['export', '--all', '--force'], env);
  expect(result.exitCode).toBe(0);
  expect((await logRows()).at(-1)).toMatchObject({ status: 'success' });
  const retained = await broker.retained();
  expect(retained.size).toBeGreaterThanOrEqual(Math.max(before, 10));
  expect(retained.get(`${broker.topicPrefix}/status`)).toBe('online');
}

describe('MQTT under faults', () => {
  it('malformed rows are skipped, counted in the details, and the rest is exported', async () => {
    const pdl = '99999999999999';
    await database.query(
      "insert into pdls (id, usage_point_id, name, pricing_option, is_active, has_consumption) values ('bad', $1, 'Bad', 'BASE', true, true)",
      [pdl],
    );
    const day = (offset: number) => new Date(Date.now() - offset * 86_400_000).toISOString().slice(0, 10);
    await database.query(
      `insert into consumption_data (id, usage_point_id, date, granularity, interval_start, value, source) values
       ('b1', $1, $2::date, 'daily', null, null, 'x'), ('b2', $1, $3::date, 'daily', null, -5, 'x'),
       ('b3', $1, $4::date, 'daily', null, 999999999, 'x'), ('b4', $1, $5::date, 'daily', null, 4321, 'x')`,
      [pdl, day(5), day(4), day(3), day(6)],
    );
    const result = await runCli(['export', '--all', '--force'], env);
    expect(result.exitCode).toBe(0);
    expect((await logRows()).at(-1)!.details).toMatchObject({ skipped_daily_rows: 3 });
    const daily = (await broker.retained()).get(`${broker.topicPrefix}/${pdl}/consumption/daily`);
    expect(JSON.parse(daily!)).toMatchObject({ value_wh: 4321, date: day(6) });
  });

  it('SIGKILL in the middle of an export: the running row is closed as interrupted by the next run', async () => {
    proxy.mode = 'blackhole';
    const run = spawnCli(['export', '--all', '--force'], { ...env, MQTT_TIMEOUT: '60' });
    await waitFor(async () => (await logRows()).some((row) => row.status === 'running'));
    run.child.kill('SIGKILL');
    expect((await run.done).signal).toBe('SIGKILL');
    expect((await logRows()).at(-1)!.status).toBe('running');
    await expectRecovery();
    const rows = await logRows();
    expect(rows.filter((row) => row.status === 'running')).toEqual([]);
    expect(rows.at(-2)).toMatchObject({
      status: 'error',
      error_message: expect.stringMatching(/interrupted/),
    });
  });

  it('SIGTERM: the current step is abandoned, the run recorded, exit non-zero', async () => {
    proxy.mode = 'blackhole';
    const run = spawnCli(['export', '--all', '--force'], { ...env, MQTT_TIMEOUT: '60' });
    await waitFor(async () => (await logRows()).at(-1)?.status === 'running');
    run.child.kill('SIGTERM');
    const { code, stderr, stdout } = await run.done;
    expect(code, stdout + stderr).toBe(1);
    expect(stderr).toMatch(/received SIGTERM/);
    expect(stdout, stderr).toMatch(/stopped by SIGTERM/);
    expect((await logRows()).at(-1)).toMatchObject({
      status: 'error',
      error_message: expect.stringMatching(/stopped by SIGTERM/),
    });
    await expectRecovery();
  });

  it.runIf(process.env.MED_TEST_DATABASE_URL !== undefined)(
    'two export --all started together: one exports, the other is skipped, both exit 0 (real PostgreSQL)',
    async () => {
      proxy.delayMs = 1500;
      const before = (await logRows()).length;
      const runs = [
        spawnCli(['export', '--all', '--force'], env),
        spawnCli(['export', '--all', '--force'], env),
      ];
      const results = await Promise.all(runs.map((run) => run.done));
      expect(results.map((result) => result.code)).toEqual([0, 0]);
      const statuses = (await logRows())
        .slice(before)
        .map((row) => row.status)
        .sort();
      expect(statuses).toEqual(['skipped', 'success']);
    },
  );
});
