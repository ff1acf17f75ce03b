import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parisParts } from '../../../src/domain/paris-time.js';
import { DEMO_PDL, demoOptions, generateMedData } from '../../support/generate-med-data.js';
import { runCli } from '../../support/run-cli.js';
import { createTestBroker, type TestBroker } from '../../support/test-broker.js';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.js';
import { startHomeAssistantStandin, type HomeAssistantStandin } from '../../home-assistant-standin/index.js';

/**
 * The live entities' broker with HOME_ASSISTANT_MQTT_USERNAME / HOME_ASSISTANT_MQTT_PASSWORD instead of
 * credentials in HOME_ASSISTANT_MQTT_BROKER: the password is taken as is, `@` and all.
 */

const USERNAME = 'ha-med';
const PASSWORD = 'my@pass/word#2%';

let database: TestDatabase;
let standin: HomeAssistantStandin;
let broker: TestBroker;
let env: Record<string, string>;

beforeAll(async () => {
  database = await createTestDatabase();
  await generateMedData(database, demoOptions(parisParts(new Date()).date));
  standin = await startHomeAssistantStandin({ mqttIntegration: true });
  broker = await createTestBroker({ credentials: { username: USERNAME, password: PASSWORD } });
  env = {
    DATABASE_URL: database.url,
    HOME_ASSISTANT_ENABLED: 'true',
    HOME_ASSISTANT_URL: standin.url,
    HOME_ASSISTANT_TOKEN: standin.options.token,
    HOME_ASSISTANT_STATISTICS: 'false',
    HOME_ASSISTANT_ENTITIES: 'mqtt',
    HOME_ASSISTANT_MQTT_BROKER: broker.url,
    HOME_ASSISTANT_MQTT_USERNAME: USERNAME,
    HOME_ASSISTANT_MQTT_PASSWORD: PASSWORD,
    HOME_ASSISTANT_DISCOVERY_PREFIX: broker.discoveryPrefix,
    HOME_ASSISTANT_MQTT_TOPIC_PREFIX: broker.topicPrefix,
  };
});

afterAll(async () => {
  await broker?.close();
  await standin?.close();
  await database?.close();
});

describe('Home Assistant live entities on a broker with separate credentials', () => {
  it('announces the entities and their states, and never shows the password', async () => {
    const result = await runCli(['export', '--all', '--force', '--verbose'], env);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).not.toMatch(/unknown environment variable/);
    const configs = await broker.retained(`${broker.discoveryPrefix}/#`);
    expect(
      configs.has(
        `${broker.discoveryPrefix}/sensor/med_export_med/med_${DEMO_PDL.usagePointId}_consumption_daily/config`,
      ),
    ).toBe(true);
    expect((await broker.retained()).get(`${broker.topicPrefix}/status`)).toBe('online');
    const logs = await database.query('select error_message, details from export_logs');
    expect(result.stdout + result.stderr + JSON.stringify(logs)).not.toContain(PASSWORD);
  });

  it('test --destination home_assistant connects to that broker', async () => {
    const result = await runCli(['test', '--destination', 'home_assistant'], env);
    expect(result.stdout).toMatch(/pass {2}MQTT broker .* for the entities/);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).not.toContain(PASSWORD);
  });
});
