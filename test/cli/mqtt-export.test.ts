import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { parisParts, addDays } from '../../src/domain/paris-time.js';
import { latestStoredDay } from '../../src/domain/med-calendar.js';
import { DEMO_PDL, demoOptions, generateMedData } from '../support/generate-med-data.js';
import { createTestBroker } from '../support/test-broker.js';
import type { TestBroker } from '../support/test-broker.js';
import { createTestDatabase } from '../support/test-database.js';
import type { TestDatabase } from '../support/test-database.js';
import { runCli } from '../support/run-cli.js';

const PDL = DEMO_PDL.usagePointId;
const PASSWORD = 'Sup3r-s3cret-pw';

let database: TestDatabase;
let broker: TestBroker;
let env: Record<string, string>;
const today = parisParts(new Date()).date;

function brokerUrl(password = PASSWORD): string {
  const url = new URL(broker.url);
  if (broker.supportsAuth) {
    url.username = 'med';
    url.password = password;
  }
  return url.href;
}

async function logRows(): Promise<
  { status: string; error_message: string | null; records_exported: number; details: unknown }[]
> {
  // A dry run creates no table: no export_logs yet is no run recorded.
  const [exists] = await database.query<{ exists: boolean }>(
    "select to_regclass('export_logs') is not null as exists",
  );
  if (!exists?.exists) return [];
  return database.query(
    'select status, error_message, records_exported, details from export_logs order by started_at',
  );
}

beforeAll(async () => {
  database = await createTestDatabase();
  await generateMedData(database, demoOptions(today));
  broker = await createTestBroker({ credentials: { username: 'med', password: PASSWORD } });
  env = {
    DATABASE_URL: database.url,
    MQTT_ENABLED: 'true',
    MQTT_BROKER: brokerUrl(),
    MQTT_TOPIC_PREFIX: broker.topicPrefix,
    MQTT_EXPORT_DATA:
      'consumption_daily,consumption_monthly,consumption_detailed,production_daily,production_monthly,tempo,ecowatt',
  };
});

afterAll(async () => {
  await broker?.close();
  await database?.close();
});

describe('export --all to MQTT', () => {
  it('dry-run sends nothing and records nothing', async () => {
    const result = await runCli(['export', '--all', '--dry-run', '--json'], env);
    expect(result.exitCode).toBe(0);
    const [mqtt] = JSON.parse(result.stdout) as { payloads: { target: string }[] }[];
    expect(mqtt!.payloads.map((payload) => payload.target)).toContain(
      `${broker.topicPrefix}/${PDL}/consumption/daily`,
    );
    expect(await broker.retained()).toEqual(new Map());
    expect(await logRows()).toEqual([]);
  });

  it('publishes the topics with the values of the database', async () => {
    const result = await runCli(['export', '--all'], env);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    const retained = await broker.retained();
    const payload = (suffix: string) => JSON.parse(retained.get(`${broker.topicPrefix}/${suffix}`) ?? 'null');

    const [latest] = await database.query<{ day: string; value: number }>(
      `select to_char(date, 'YYYY-MM-DD') as day, value from consumption_data
       where usage_point_id = $1 and granularity = 'daily' order by date desc limit 1`,
      [PDL],
    );
    expect(payload(`${PDL}/consumption/daily`)).toMatchObject({
      value_wh: latest!.value,
      value: Math.round(latest!.value) / 1000,
      unit: 'kWh',
      date: latest!.day,
      pdl: PDL,
    });
    // MyElectricalData stores up to J-2: `…/daily` is that day, with its date, and no `…/yesterday` exists.
    expect(latest!.day).toBe(latestStoredDay(today));
    expect(retained.has(`${broker.topicPrefix}/${PDL}/consumption/yesterday`)).toBe(false);

    // Month to date follows the latest day stored (on the 1st and 2nd of a month, still the month before).
    const month = latest!.day.slice(0, 7);
    const [monthRow] = await database.query<{ wh: string; days: string }>(
      `select sum(value) as wh, count(*) as days from consumption_data
       where usage_point_id = $1 and granularity = 'daily' and to_char(date, 'YYYY-MM') = $2`,
      [PDL, month],
    );
    expect(payload(`${PDL}/consumption/monthly`)).toMatchObject({
      value_wh: Number(monthRow!.wh),
      days: Number(monthRow!.days),
      month,
    });
    expect(payload(`${PDL}/production/daily`)).toMatchObject({ unit: 'kWh', pdl: PDL });

    const detailed = payload(`${PDL}/consumption/detailed`) as {
      date: string;
      intervals: { value_wh: number }[];
    };
    const [detailSum] = await database.query<{ wh: string }>(
      `select sum(value * 30 / 60.0) as wh from consumption_data
       where usage_point_id = $1 and granularity = 'detailed' and date = $2::date`,
      [PDL, detailed.date],
    );
    expect(detailed.intervals.reduce((sum, interval) => sum + interval.value_wh, 0)).toBeCloseTo(
      Number(detailSum!.wh),
      6,
    );

    const colors = await database.query<{ id: string; color: string }>(
      'select id, color from tempo_days where id in ($1, $2)',
      [today, addDays(today, 1)],
    );
    const french: Record<string, string> = { BLUE: 'BLEU', WHITE: 'BLANC', RED: 'ROUGE' };
    const todayColor = colors.find((row) => row.id === today)?.color;
    expect(payload('tempo/today')).toEqual({
      color: todayColor ? french[todayColor] : 'INCONNU',
      color_code: todayColor ?? 'UNKNOWN',
      date: today,
    });
    expect(payload('tempo/remaining')).toHaveProperty('season');
    expect(retained.get(`${broker.topicPrefix}/status`)).toBe('online');

    const rows = await logRows();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      status: 'success',
      error_message: null,
      records_exported: retained.size - 1,
    });
  });

  it('sends nothing again within the interval, and again with --force', async () => {
    await clearTopic(`${broker.topicPrefix}/tempo/today`);
    const notDue = await runCli(['export', '--all'], env);
    expect(notDue.exitCode).toBe(0);
    expect(notDue.stdout).toMatch(/mqtt: not due until/);
    expect((await broker.retained()).has(`${broker.topicPrefix}/tempo/today`)).toBe(false);
    expect(await logRows()).toHaveLength(1);

    const forced = await runCli(['export', '--all', '--force'], env);
    expect(forced.exitCode).toBe(0);
    expect((await broker.retained()).has(`${broker.topicPrefix}/tempo/today`)).toBe(true);
    expect((await logRows()).map((row) => row.status)).toEqual(['success', 'success']);
  });

  it('shows the runs with logs', async () => {
    const result = await runCli(['logs', '--last', '10'], env);
    expect(result.exitCode).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/WHEN\s+DESTINATION\s+STATUS\s+RECORDS\s+DURATION\s+ERROR/);
    expect(lines.slice(1).filter((line) => /\bmqtt\s+success\b/.test(line))).toHaveLength(2);
    const json = await runCli(['logs', '--json', '--status', 'error'], env);
    expect(JSON.parse(json.stdout)).toEqual([]);
  });

  it('records an error without advancing state when the broker refuses, and delivers on the next run', async () => {
    const [before] = await database.query<{ updated_at: Date }>(
      "select updated_at from export_state where destination = 'mqtt'",
    );
    const refused = await runCli(['export', '--all', '--force'], {
      ...env,
      MQTT_BROKER: 'mqtt://127.0.0.1:1',
    });
    expect(refused.exitCode).toBe(1);
    expect(refused.stdout).toMatch(/refused the connection/);
    const rows = await logRows();
    expect(rows.at(-1)).toMatchObject({ status: 'error', records_exported: 0 });
    expect(rows.at(-1)!.error_message).toMatch(/refused the connection/);
    const [after] = await database.query<{ updated_at: Date }>(
      "select updated_at from export_state where destination = 'mqtt'",
    );
    expect(after!.updated_at).toEqual(before!.updated_at);

    await clearTopic(`${broker.topicPrefix}/tempo/today`);
    // The failed run is not a success: the destination is due again without --force.
    const next = await runCli(['export', '--all'], env);
    expect(next.stdout).toMatch(/mqtt: not due/);
    const recovered = await runCli(['export', '--all', '--force'], env);
    expect(recovered.exitCode).toBe(0);
    expect((await broker.retained()).has(`${broker.topicPrefix}/tempo/today`)).toBe(true);
  });

  it.runIf(broker?.supportsAuth ?? !process.env.MED_TEST_MQTT_URL)(
    'explains rejected credentials and never prints the password',
    async () => {
      const wrong = 'Wr0ng-pass-123';
      const result = await runCli(['export', '--all', '--force', '--verbose'], {
        ...env,
        MQTT_BROKER: brokerUrl(wrong),
      });
      expect(result.exitCode).toBe(1);
      expect(result.stdout).toMatch(/rejected the credentials/);
      const everything = result.stdout + result.stderr + JSON.stringify(await logRows());
      expect(everything).not.toContain(wrong);
      expect(everything).not.toContain(PASSWORD);
      const test = await runCli(['test', '--destination', 'mqtt'], { ...env, MQTT_BROKER: brokerUrl(wrong) });
      expect(test.exitCode).toBe(1);
      expect(test.stdout).toMatch(/fail.*rejected the credentials/);
      expect(test.stdout).not.toContain(wrong);
    },
  );

  it('publishes Home Assistant discovery configs for its topics, and clears those no longer exported', async () => {
    const discoveryEnv = {
      ...env,
      MQTT_HA_DISCOVERY: 'true',
      MQTT_HA_DISCOVERY_PREFIX: broker.discoveryPrefix,
    };
    expect((await runCli(['export', '--all', '--force'], discoveryEnv)).exitCode).toBe(0);
    const configs = await broker.retained(`${broker.discoveryPrefix}/#`);
    const states = await broker.retained();
    const parsed = [...configs.values()].map((payload) => JSON.parse(payload) as Record<string, string>);
    expect(parsed.length).toBeGreaterThan(5);
    for (const config of parsed) {
      expect(states.has(config.state_topic!), config.state_topic).toBe(true);
      expect(config.availability_topic ?? JSON.stringify(config)).toContain(`${broker.topicPrefix}/status`);
    }
    const tempoConfigs = [...configs.keys()].filter((topic) => topic.includes('tempo'));
    expect(tempoConfigs.length).toBeGreaterThan(0);

    const withoutTempo = {
      ...discoveryEnv,
      MQTT_EXPORT_DATA: 'consumption_daily,consumption_monthly,ecowatt',
    };
    expect((await runCli(['export', '--all', '--force'], withoutTempo)).exitCode).toBe(0);
    const after = await broker.retained(`${broker.discoveryPrefix}/#`);
    expect([...after.keys()].filter((topic) => topic.includes('tempo'))).toEqual([]);
    expect(after.size).toBeGreaterThan(0);
  });

  it('test --destination mqtt passes against the broker, even when disabled', async () => {
    const result = await runCli(['test', '--destination', 'mqtt'], { ...env, MQTT_ENABLED: 'false' });
    expect(result.stdout).toMatch(/2 checks passed/);
    expect(result.exitCode).toBe(0);
  });

  it('closes a run left running by a killed process', async () => {
    await database.query("insert into export_logs (destination, status) values ('mqtt', 'running')");
    const result = await runCli(['export', '--destination', 'mqtt', '--force'], env);
    expect(result.exitCode).toBe(0);
    const rows = await logRows();
    expect(rows.filter((row) => row.status === 'running')).toEqual([]);
    expect(rows.some((row) => row.status === 'error' && /interrupted/.test(row.error_message ?? ''))).toBe(
      true,
    );
  });

  it.runIf(process.env.MED_TEST_DATABASE_URL !== undefined)(
    'skips a destination another process is exporting to (advisory lock, real PostgreSQL)',
    async () => {
      const holder = new pg.Client({ connectionString: database.url });
      await holder.connect();
      try {
        await holder.query("select pg_advisory_lock(hashtext('med-export:mqtt'))");
        const result = await runCli(['export', '--all', '--force'], env);
        expect(result.exitCode).toBe(0);
        expect(result.stdout).toMatch(/mqtt: skipped, already running/);
        expect((await logRows()).at(-1)).toMatchObject({ status: 'skipped' });
      } finally {
        await holder.end();
      }
    },
  );
});

async function clearTopic(topic: string): Promise<void> {
  const { connectAsync } = await import('mqtt');
  const url = new URL(brokerUrl());
  const client = await connectAsync(broker.url, {
    ...(broker.supportsAuth ? { username: url.username, password: decodeURIComponent(url.password) } : {}),
  });
  await client.publishAsync(topic, '', { retain: true, qos: 1 });
  await client.endAsync();
}
