import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../support/run-cli.js';
import { DEMO_PDL, generateMedData } from '../../support/generate-med-data.js';
import { createTestDatabase } from '../../support/test-database.js';
import type { TestDatabase } from '../../support/test-database.js';
import { influxdb1 } from './backends.js';
import { describeInfluxExport } from './export-suite.js';
import { startInfluxdb } from './influxdb-server.js';
import type { InfluxUnderTest } from './influxdb-server.js';

describeInfluxExport(influxdb1);

describe.skipIf(!influxdb1.available)(`INFLUXDB_CREATE_DATABASE against ${influxdb1.title}`, () => {
  let server: InfluxUnderTest;
  let db: TestDatabase;
  let env: Record<string, string>;

  beforeAll(async () => {
    server = await startInfluxdb();
    db = await createTestDatabase();
    await generateMedData(db, { pdls: [DEMO_PDL], from: '2024-06-01', to: '2024-06-10', detailed: false });
    env = {
      DATABASE_URL: db.url,
      INFLUXDB_ENABLED: 'true',
      INFLUXDB_URL: server.url,
      INFLUXDB_DATABASE: 'created',
      INFLUXDB_EXPORT_DATA: 'consumption_daily',
    };
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    await db?.close();
  });

  it('creates no database unless asked, and says how', async () => {
    const result = await runCli(['export', '--all'], env);
    expect(result.exitCode, `${result.stdout}${result.stderr}`).toBe(1);
    expect(`${result.stdout}${result.stderr}`).toMatch(/database not found.*INFLUXDB_CREATE_DATABASE=true/);
    expect((await server.query('SHOW DATABASES')).series?.[0]?.values ?? []).toEqual([]);
  });

  it('creates the database with INFLUXDB_CREATE_DATABASE=true, then writes to it', async () => {
    const result = await runCli(['export', '--all'], { ...env, INFLUXDB_CREATE_DATABASE: 'true' });
    expect(result.exitCode, `${result.stdout}${result.stderr}`).toBe(0);
    const answer = await server.query(`SELECT count("energy_wh") FROM "consumption"`, 'created');
    expect(answer.series?.[0]?.values?.[0]?.[1]).toBe(10);
  });
});
