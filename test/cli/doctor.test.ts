import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, parisDate } from '../../src/domain/paris-time.js';
import { DEMO_PDL, generateMedData } from '../support/generate-med-data.js';
import { createTestDatabase } from '../support/test-database.js';
import type { TestDatabase } from '../support/test-database.js';
import { runCli } from '../support/run-cli.js';

const PDL = DEMO_PDL.usagePointId;
const today = parisDate(new Date());
const TABLES_SQL = `select table_name from information_schema.tables where table_schema = 'public' order by 1`;

interface DoctorJson {
  ok: boolean;
  pdls: string[];
  findings: { code: string; usagePointId?: string; direction?: string; message: string }[];
}

async function tableNames(database: TestDatabase): Promise<string[]> {
  return (await database.query<{ table_name: string }>(TABLES_SQL)).map((row) => row.table_name);
}

describe("doctor, export --dry-run and export on MyElectricalData's database", () => {
  let database: TestDatabase;
  let env: Record<string, string>;
  const missingDay = addDays(today, -20);
  const uncolouredDay = addDays(today, -30);

  beforeAll(async () => {
    database = await createTestDatabase();
    await generateMedData(database, {
      pdls: [DEMO_PDL],
      from: addDays(today, -60),
      to: addDays(today, -2),
      detailed: false,
      tempo: true,
      tempoTo: addDays(today, 1),
      ecowatt: true,
      offers: true,
    });
    env = {
      DATABASE_URL: database.url,
      MQTT_ENABLED: 'true',
      MQTT_BROKER: 'mqtt://127.0.0.1:1',
    };
  });
  afterAll(() => database?.close());

  it('finds nothing on what MyElectricalData writes, and exits 0', async () => {
    const result = await runCli(['doctor', '--json'], env);
    expect(JSON.parse(result.stdout)).toEqual({ ok: true, pdls: [PDL], findings: [] });
    expect(result.exitCode).toBe(0);
  });

  it('names an injected missing day and a missing Tempo colour by date, and exits 1', async () => {
    await database.query(`delete from consumption_data where usage_point_id = $1 and date = $2::date`, [
      PDL,
      missingDay,
    ]);
    await database.query(`delete from tempo_days where id = $1`, [uncolouredDay]);
    const result = await runCli(['doctor'], env);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain(`[${PDL} consumption] 1 day(s) missing from the daily series`);
    expect(result.stdout).toContain(`: ${missingDay}\n`);
    expect(result.stdout).toContain(`no Tempo colour: ${uncolouredDay}\n`);
    expect(result.stdout).toMatch(/means: .*\n\s+do: /);
    const json = JSON.parse((await runCli(['doctor', '--json'], env)).stdout) as DoctorJson;
    expect(json.findings.map((finding) => finding.code).sort()).toEqual([
      'missing_days',
      'missing_tempo_colour',
    ]);
  });

  it("reports MyElectricalData's own MQTT export on the same topic prefix", async () => {
    await database.query(
      `insert into export_configs (id, name, export_type, config, is_enabled, export_consumption, export_production,
         export_detailed, export_count)
       values ('c1', 'Mon MQTT', 'mqtt', '{"broker": "mosquitto", "topic_prefix": "myelectricaldata"}', true, true,
         true, false, 0),
              ('c2', 'Off', 'mqtt', '{"broker": "mosquitto"}', false, true, true, false, 0)`,
    );
    const json = JSON.parse((await runCli(['doctor', '--json'], env)).stdout) as DoctorJson;
    const collisions = json.findings.filter((finding) => finding.code === 'export_collision');
    expect(collisions).toHaveLength(1);
    expect(collisions[0]!.message).toContain('"Mon MQTT"');
    expect(collisions[0]!.message).toContain(`myelectricaldata/${PDL}/consumption/`);
    const elsewhere = JSON.parse(
      (await runCli(['doctor', '--json'], { ...env, MQTT_TOPIC_PREFIX: 'med' })).stdout,
    ) as DoctorJson;
    expect(elsewhere.findings.map((finding) => finding.code)).not.toContain('export_collision');
    await database.query(`delete from export_configs`);
  });

  it('doctor and export --dry-run leave the list of tables unchanged', async () => {
    const before = await tableNames(database);
    expect(before).not.toContain('export_logs');
    await runCli(['doctor'], env);
    const dryRun = await runCli(['export', '--all', '--dry-run', '--json'], env);
    expect(dryRun.exitCode).toBe(0);
    expect(await tableNames(database)).toEqual(before);
  });
});

describe('a database that is not MyElectricalData', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase({ schema: false });
  });
  afterAll(() => database?.close());

  it.each([['export', '--all'], ['export', '--all', '--dry-run'], ['doctor'], ['migrate']])(
    '%s %s: a clear refusal, exit 1, and no table created',
    async (...args) => {
      const result = await runCli(args, {
        DATABASE_URL: database.url,
        MQTT_ENABLED: 'true',
        MQTT_BROKER: 'mqtt://127.0.0.1:1',
      });
      expect(result.exitCode).toBe(1);
      expect(result.stderr).toContain("is not MyElectricalData's database");
      expect(result.stderr).toContain(
        'consumption_data, ecowatt, energy_offers, pdls, production_data, tempo_days missing',
      );
      expect(await tableNames(database)).toEqual([]);
    },
  );
});
