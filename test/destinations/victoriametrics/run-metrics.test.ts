import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parisDate, addDays } from '../../../src/domain/paris-time.js';
import { DEMO_PDL, generateMedData } from '../../support/generate-med-data.js';
import { runCli } from '../../support/run-cli.js';
import { createTestBroker } from '../../support/test-broker.js';
import type { TestBroker } from '../../support/test-broker.js';
import { createTestDatabase } from '../../support/test-database.js';
import type { TestDatabase } from '../../support/test-database.js';
import { backendTitle, startVictoriaMetrics } from './victoria-metrics-server.js';
import type { VictoriaMetricsUnderTest } from './victoria-metrics-server.js';

let database: TestDatabase;
let broker: TestBroker;
let vm: VictoriaMetricsUnderTest;

beforeAll(async () => {
  database = await createTestDatabase();
  const today = parisDate(Date.now());
  await generateMedData(database, {
    pdls: [DEMO_PDL],
    from: addDays(today, -20),
    to: addDays(today, -1),
    detailed: false,
  });
  broker = await createTestBroker();
  vm = await startVictoriaMetrics();
});

afterAll(async () => {
  await vm?.close();
  await broker?.close();
  await database?.close();
});

describe(`the pass's own figures in VictoriaMetrics (${backendTitle})`, () => {
  it('counts every destination of the pass, the ones that failed included', async () => {
    const env = {
      DATABASE_URL: database.url,
      MQTT_ENABLED: 'true',
      MQTT_BROKER: broker.url,
      MQTT_TOPIC_PREFIX: broker.topicPrefix,
      VICTORIAMETRICS_ENABLED: 'true',
      VICTORIAMETRICS_URL: vm.url,
    };
    expect((await runCli(['export', '--all'], env)).exitCode).toBe(0);
    const failed = await runCli(['export', '--all', '--force'], {
      ...env,
      MQTT_BROKER: 'mqtt://127.0.0.1:1',
    });
    expect(failed.exitCode).toBe(1);

    const series = await vm.exportSeries('{__name__="myelectricaldata_export_total"}');
    const latest = (destination: string, status: string) => {
      const found = series.find(
        (entry) => entry.metric.destination === destination && entry.metric.status === status,
      );
      return found ? found.values[found.values.length - 1] : undefined;
    };
    expect(latest('mqtt', 'success')).toBe(1);
    expect(latest('mqtt', 'error')).toBe(1);
    expect(latest('victoriametrics', 'success')).toBe(2);

    const [mqttLog] = await database.query<{ records_exported: number }>(
      "select records_exported from export_logs where destination = 'mqtt' and status = 'success'",
    );
    const records = await vm.exportSeries(
      '{__name__="myelectricaldata_export_records_total",destination="mqtt"}',
    );
    expect(records[0]!.values.at(-1)).toBe(mqttLog!.records_exported);
  });
});
