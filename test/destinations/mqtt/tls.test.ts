import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, parisParts } from '../../../src/domain/paris-time.js';
import { DEMO_PDL, generateMedData } from '../../support/generate-med-data.js';
import { runCli } from '../../support/run-cli.js';
import { createTestBroker } from '../../support/test-broker.js';
import type { TestBroker } from '../../support/test-broker.js';
import { createTestDatabase } from '../../support/test-database.js';
import type { TestDatabase } from '../../support/test-database.js';
import { startTlsTunnel } from '../../support/tls-proxy.js';
import type { TlsProxy } from '../../support/tls-proxy.js';

/** The broker behind a TLS endpoint whose certificate a throwaway CA signed: `mqtts://`, verified by default. */
describe('MQTT over TLS (mqtts://)', () => {
  const today = parisParts(new Date()).date;
  let database: TestDatabase;
  let broker: TestBroker;
  let tunnel: TlsProxy;
  let env: Record<string, string>;

  beforeAll(async () => {
    database = await createTestDatabase();
    await generateMedData(database, { pdls: [DEMO_PDL], from: addDays(today, -5), to: addDays(today, -2) });
    broker = await createTestBroker();
    const plain = new URL(broker.url);
    tunnel = await startTlsTunnel({ host: plain.hostname, port: Number(plain.port) });
    env = {
      DATABASE_URL: database.url,
      MQTT_ENABLED: 'true',
      MQTT_BROKER: tunnel.url,
      MQTT_TOPIC_PREFIX: broker.topicPrefix,
      MQTT_EXPORT_DATA: 'consumption_daily',
    };
  }, 120_000);

  afterAll(async () => {
    await tunnel?.close();
    await broker?.close();
    await database?.close();
  });

  const dailyTopic = () => `${broker.topicPrefix}/${DEMO_PDL.usagePointId}/consumption/daily`;

  it('refuses a certificate it cannot verify, publishes nothing, and names the option to set', async () => {
    const result = await runCli(['export', '--all', '--force'], env);
    expect(result.exitCode, result.stdout + result.stderr).toBe(1);
    expect(result.stderr).toContain('MQTT_CA_CERT');
    expect((await broker.retained()).has(dailyTopic())).toBe(false);
  });

  it('trusts the CA given in MQTT_CA_CERT, or skips verification when told to', async () => {
    const trusts: Record<string, string>[] = [{ MQTT_CA_CERT: tunnel.caFile }, { MQTT_TLS_INSECURE: 'true' }];
    for (const trust of trusts) {
      const result = await runCli(['export', '--all', '--force'], { ...env, ...trust });
      expect(result.exitCode, result.stdout + result.stderr).toBe(0);
      // The broker acknowledged every publish through the tunnel (QoS 1).
      expect(result.stdout).toMatch(/✔ mqtt: \d+ messages under /);
      expect(JSON.parse((await broker.retained()).get(dailyTopic())!)).toMatchObject({ unit: 'kWh' });
    }
  });
});
