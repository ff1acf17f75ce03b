import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parisParts } from '../../src/domain/paris-time.js';
import { destinationIds } from '../../src/destinations/registry.js';
import { demoOptions, generateMedData } from '../support/generate-med-data.js';
import { runCli } from '../support/run-cli.js';
import { createTestBroker } from '../support/test-broker.js';
import type { TestBroker } from '../support/test-broker.js';
import { createTestDatabase } from '../support/test-database.js';
import type { TestDatabase } from '../support/test-database.js';

const PASSWORD = 'St4tus-secret';
let database: TestDatabase;
let broker: TestBroker;
let env: Record<string, string>;

interface StatusRow {
  destination: string;
  enabled: boolean;
  target: string;
  last_success: string | null;
  last_error: { at: string; message: string } | null;
  next_due_at: string | null;
}

async function status(extra: Record<string, string> = {}) {
  const result = await runCli(['status', '--json'], { ...env, ...extra });
  return { ...result, rows: JSON.parse(result.stdout || '[]') as StatusRow[] };
}

beforeAll(async () => {
  database = await createTestDatabase();
  await generateMedData(database, demoOptions(parisParts(new Date()).date));
  broker = await createTestBroker({ credentials: { username: 'med', password: PASSWORD } });
  const url = new URL(broker.url);
  if (broker.supportsAuth) {
    url.username = 'med';
    url.password = PASSWORD;
  }
  env = {
    DATABASE_URL: database.url,
    MQTT_ENABLED: 'true',
    MQTT_BROKER: url.href,
    MQTT_TOPIC_PREFIX: broker.topicPrefix,
  };
});

afterAll(async () => {
  await broker?.close();
  await database?.close();
});

describe('med-export status', () => {
  it('before any export: every destination, never exported, and no table created', async () => {
    const { exitCode, rows } = await status();
    expect(exitCode).toBe(0);
    expect(rows.map((row) => row.destination)).toEqual([...destinationIds]);
    expect(rows.find((row) => row.destination === 'mqtt')).toMatchObject({
      enabled: true,
      last_success: null,
    });
    const text = await runCli(['status'], env);
    expect(text.stdout).toMatch(/never exported/);
    const [tables] = await database.query<{ found: boolean }>(
      "select to_regclass('export_logs') is not null or to_regclass('export_state') is not null as found",
    );
    expect(tables!.found).toBe(false);
  });

  it("after an export: mqtt's last success, its target without the password, when it is due next", async () => {
    const before = Date.now();
    expect((await runCli(['export', '--all'], env)).exitCode).toBe(0);
    const { exitCode, rows, stdout } = await status();
    expect(exitCode).toBe(0);
    const mqtt = rows.find((row) => row.destination === 'mqtt')!;
    expect(Date.parse(mqtt.last_success!)).toBeGreaterThanOrEqual(before - 1000);
    expect(mqtt.target).toBe(
      `${new URL(broker.url).href.replace(/\/$/, '')} topic_prefix=${broker.topicPrefix}`,
    );
    expect(Date.parse(mqtt.next_due_at!) - Date.parse(mqtt.last_success!)).toBe(60 * 60_000);
    expect(stdout).not.toContain(PASSWORD);
    expect(rows.find((row) => row.destination === 'jeedom')).toMatchObject({
      enabled: false,
      last_success: null,
    });
  });

  it('exits 1 when a destination’s last run failed, with its message', async () => {
    const closed = 'mqtt://127.0.0.1:1';
    expect((await runCli(['export', '--all', '--force'], { ...env, MQTT_BROKER: closed })).exitCode).toBe(1);
    const { exitCode, rows } = await status({ MQTT_BROKER: closed });
    expect(exitCode).toBe(1);
    const mqtt = rows.find((row) => row.destination === 'mqtt')!;
    expect(mqtt.last_error!.message).toMatch(/refused the connection/);
    expect(mqtt.last_success).not.toBeNull();
    const text = await runCli(['status'], { ...env, MQTT_BROKER: closed });
    expect(text.stdout).toMatch(
      /last error\s+\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} \S+: .*refused the connection/,
    );
  });
});
