import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parisParts } from '../../../src/domain/paris-time.js';
import { demoOptions, generateMedData } from '../../support/generate-med-data.js';
import { runCli } from '../../support/run-cli.js';
import { createTestBroker, type TestBroker } from '../../support/test-broker.js';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.js';

/**
 * MQTT_USERNAME / MQTT_PASSWORD (and MQTT_PASSWORD_FILE) instead of credentials in the broker URL: a password
 * is taken as is, even with the characters a URL gives a meaning to.
 */

const USERNAME = 'med@home';
const PASSWORD = 'p@ss:w/rd#1%?';

let database: TestDatabase;
let broker: TestBroker;
let secrets: string;
let env: Record<string, string>;

beforeAll(async () => {
  database = await createTestDatabase();
  await generateMedData(database, demoOptions(parisParts(new Date()).date));
  broker = await createTestBroker({ credentials: { username: USERNAME, password: PASSWORD } });
  secrets = mkdtempSync(join(tmpdir(), 'med-mqtt-credentials-'));
  env = {
    DATABASE_URL: database.url,
    MQTT_ENABLED: 'true',
    MQTT_BROKER: broker.url,
    MQTT_TOPIC_PREFIX: broker.topicPrefix,
    MQTT_EXPORT_DATA: 'consumption_daily,tempo',
  };
});

afterAll(async () => {
  await broker?.close();
  await database?.close();
  if (secrets) rmSync(secrets, { recursive: true, force: true });
});

async function exportLogs(): Promise<unknown[]> {
  return database.query('select status, error_message, details from export_logs order by started_at');
}

describe('MQTT credentials outside the broker URL', () => {
  it('connects with MQTT_USERNAME and a MQTT_PASSWORD holding @, :, /, # and %, and never shows it', async () => {
    const result = await runCli(['export', '--all', '--force', '--verbose'], {
      ...env,
      MQTT_USERNAME: USERNAME,
      MQTT_PASSWORD: PASSWORD,
    });
    expect(result.exitCode).toBe(0);
    expect(result.stderr).not.toMatch(/unknown environment variable/);
    const retained = await broker.retained();
    expect(retained.get(`${broker.topicPrefix}/status`)).toBe('online');
    expect(retained.has(`${broker.topicPrefix}/tempo/today`)).toBe(true);
    const everything = result.stdout + result.stderr + JSON.stringify(await exportLogs());
    expect(everything).not.toContain(PASSWORD);
  });

  it('reads the password from MQTT_PASSWORD_FILE, and passes `test`', async () => {
    const file = join(secrets, 'mqtt_password');
    writeFileSync(file, `${PASSWORD}\n`);
    const prefix = `${broker.topicPrefix}/from_file`;
    const fileEnv = {
      ...env,
      MQTT_TOPIC_PREFIX: prefix,
      MQTT_USERNAME: USERNAME,
      MQTT_PASSWORD_FILE: file,
    };
    const result = await runCli(['export', '--all', '--force'], fileEnv);
    expect(result.exitCode).toBe(0);
    expect((await broker.retained()).has(`${prefix}/tempo/today`)).toBe(true);
    const test = await runCli(['test', '--destination', 'mqtt'], fileEnv);
    expect(test.stdout).toMatch(/2 checks passed/);
    expect(test.exitCode).toBe(0);
    expect(test.stdout).not.toContain(PASSWORD);
  });

  it.runIf(!process.env.MED_TEST_MQTT_URL)(
    'takes MQTT_PASSWORD over the password in the URL, and explains a wrong one without showing it',
    async () => {
      const wrong = 'Wr0ng@pass';
      const url = new URL(broker.url);
      url.username = encodeURIComponent(USERNAME);
      url.password = encodeURIComponent(PASSWORD);
      const result = await runCli(['export', '--all', '--force'], {
        ...env,
        MQTT_BROKER: url.href,
        MQTT_PASSWORD: wrong,
      });
      expect(result.exitCode).toBe(1);
      expect(result.stdout + result.stderr).toMatch(/rejected the credentials/);
      const everything = result.stdout + result.stderr + JSON.stringify(await exportLogs());
      expect(everything).not.toContain(wrong);
      expect(everything).not.toContain(PASSWORD);
    },
  );
});
