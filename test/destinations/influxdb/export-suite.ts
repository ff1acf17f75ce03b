import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../support/run-cli.js';
import { DEMO_PDL, generateMedData } from '../../support/generate-med-data.js';
import { createTestDatabase } from '../../support/test-database.js';
import type { TestDatabase } from '../../support/test-database.js';
import {
  expectedEcowatt,
  expectedTempo,
  parisMidnight,
  shiftDate,
  todayInParis,
} from '../victoriametrics/expected-samples.js';
import { deadUrl } from './backends.js';
import type { BackendKind, InfluxBackend, StoredRow } from './backends.js';
import { medIntervalStart } from '../../support/med-interval-start.js';

/**
 * The "Done when" for one InfluxDB server: `test` passes; a first export stores every half-hour and day
 * at its instant with the database's energy, Tempo and EcoWatt; a second pass sends only what changed; a dead
 * server and a partial write exit 1 with an `error` row and a state that did not advance. What the server should
 * hold is recomputed here from the database rows with SQL, not with the exporter's code.
 */

const HOME = { ...DEMO_PDL, hasProduction: true };
const ALL_KINDS =
  'consumption_daily,consumption_monthly,consumption_detailed,production_daily,production_monthly,production_detailed,tempo,ecowatt';
const COLOR_NAMES: Record<string, string> = { BLUE: 'BLEU', WHITE: 'BLANC', RED: 'ROUGE' };
const COLOR_CODES: Record<string, number> = { BLUE: 1, WHITE: 2, RED: 3 };
type Direction = 'consumption' | 'production';

const today = todayInParis();
const lastDay = shiftDate(today, -2);
const firstDay = shiftDate(lastDay, -120);
const newDay = shiftDate(today, -1);

/** `timestamp → field` of the points whose tags are `tags`, failing on an instant stored twice. */
export function byInstant(
  rows: StoredRow[],
  tags: Record<string, string>,
  field: string,
): Map<number, unknown> {
  const result = new Map<number, unknown>();
  for (const row of rows) {
    if (!Object.entries(tags).every(([name, value]) => row.values[name] === value)) continue;
    if (result.has(row.timestampMs)) throw new Error(`${row.timestampMs} stored twice`);
    if (row.values[field] !== undefined) result.set(row.timestampMs, row.values[field]);
  }
  return result;
}

export async function expectedDaily(db: TestDatabase, direction: Direction): Promise<Map<number, number>> {
  const rows = await db.query<{ day: string; value: number }>(
    `select to_char(date, 'YYYY-MM-DD') as day, value from ${direction}_data
     where usage_point_id = $1 and granularity = 'daily' and value is not null`,
    [HOME.usagePointId],
  );
  return new Map(rows.map((row) => [parisMidnight(row.day), Number(row.value)]));
}

export async function expectedMonthly(db: TestDatabase, direction: Direction): Promise<Map<number, number>> {
  const rows = await db.query<{ month: string; total: string }>(
    `select to_char(date, 'YYYY-MM') as month, sum(value) as total from ${direction}_data
     where usage_point_id = $1 and granularity = 'daily' and value is not null group by 1`,
    [HOME.usagePointId],
  );
  return new Map(rows.map((row) => [parisMidnight(`${row.month}-01`), Number(row.total)]));
}

/** Each interval's energy (W × minutes / 60) and average power, at its start. */
export async function expectedDetailed(
  db: TestDatabase,
  direction: Direction,
): Promise<Map<number, { wh: number; w: number }>> {
  const rows = await db.query<{ day: string; start: string; value: number; length: string | null }>(
    `select to_char(date, 'YYYY-MM-DD') as day, interval_start as start, value,
       raw_data->>'interval_length' as length
     from ${direction}_data where usage_point_id = $1 and granularity = 'detailed' and value is not null`,
    [HOME.usagePointId],
  );
  const result = new Map<number, { wh: number; w: number }>();
  for (const row of rows) {
    const minutes = row.length === null ? 30 : Number(/^PT(\d+)M$/.exec(row.length)![1]);
    result.set(medIntervalStart(row.day, row.start, minutes), {
      wh: (Number(row.value) * minutes) / 60,
      w: Number(row.value),
    });
  }
  return result;
}

export function expectClose(actual: Map<number, unknown>, expected: Map<number, number>): void {
  expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [at, value] of expected) {
    expect(Math.abs(Number(actual.get(at)) - value)).toBeLessThanOrEqual(Math.abs(value) * 1e-12);
  }
}

async function logs(db: TestDatabase) {
  return db.query<{ status: string; records_exported: number; error_message: string | null }>(
    `select status, records_exported, error_message from export_logs
     where destination = 'influxdb' and status <> 'running' order by started_at, id`,
  );
}

async function generate(db: TestDatabase): Promise<void> {
  await generateMedData(db, {
    pdls: [HOME],
    from: firstDay,
    to: lastDay,
    detailed: true,
    seed: 14,
    tempo: true,
    ecowatt: true,
  });
  for (const table of ['consumption_data', 'production_data']) {
    await db.query(
      `update ${table} set updated_at = date + interval '30 hours', created_at = date + interval '30 hours'`,
    );
  }
}

export function describeInfluxExport(kind: BackendKind): void {
  describe.skipIf(!kind.available)(`InfluxDB export against ${kind.title}`, () => {
    let influx: InfluxBackend;
    let db: TestDatabase;
    let env: Record<string, string>;

    beforeAll(async () => {
      influx = await kind.start();
      db = await createTestDatabase();
      await generate(db);
      env = {
        DATABASE_URL: db.url,
        INFLUXDB_ENABLED: 'true',
        INFLUXDB_EXPORT_DATA: ALL_KINDS,
        INFLUXDB_BATCH_SIZE: '2000',
        ...influx.env,
      };
    }, 180_000);

    afterAll(async () => {
      await influx?.close();
      await db?.close();
    });

    it('passes `test`, detecting the API from /ping', async () => {
      const result = await runCli(['test', '--destination', 'influxdb'], env);
      expect(result.exitCode, `${result.stdout}${result.stderr}`).toBe(0);
      expect(await influx.receivedPoints()).toBe(0);
    });

    it('sends nothing in dry-run', async () => {
      const result = await runCli(['export', '--all', '--dry-run', '--json'], env);
      expect(result.exitCode, `${result.stdout}${result.stderr}`).toBe(0);
      expect(result.stdout).toContain(`consumption,granularity=daily,pdl=${HOME.usagePointId} energy_wh=`);
      expect(await influx.receivedPoints()).toBe(0);
      // A dry run writes nothing at all, not even med-export's own tables (issue 10).
      expect(await db.query("select to_regclass('export_state') as t")).toEqual([{ t: null }]);
    });

    it('stores every day and half-hour at its instant with the energy of the database', async () => {
      const result = await runCli(['export', '--all'], env);
      expect(result.exitCode, result.stderr).toBe(0);
      for (const direction of ['consumption', 'production'] as const) {
        const rows = await influx.points(direction);
        const pdl = HOME.usagePointId;
        const daily = await expectedDaily(db, direction);
        expect(daily.size).toBe(121);
        expect(byInstant(rows, { pdl, granularity: 'daily' }, 'energy_wh')).toEqual(daily);
        const detailed = await expectedDetailed(db, direction);
        const energy = new Map([...detailed].map(([at, value]) => [at, value.wh]));
        const power = new Map([...detailed].map(([at, value]) => [at, value.w]));
        expectClose(byInstant(rows, { pdl, granularity: 'detailed' }, 'energy_wh'), energy);
        expectClose(byInstant(rows, { pdl, granularity: 'detailed' }, 'power_w'), power);
        // count() and sum() over what the server stores, against the database's own.
        const stored = await influx.countAndSum(direction, { pdl, granularity: 'daily' });
        const [sql] = await db.query<{ count: string; sum: string }>(
          `select count(*) as count, sum(value) as sum from ${direction}_data
           where usage_point_id = $1 and granularity = 'daily' and value is not null`,
          [pdl],
        );
        expect(stored.count).toBe(Number(sql!.count));
        expect(stored.sum).toBeCloseTo(Number(sql!.sum), 6);
        expect(byInstant(await influx.points('monthly'), { pdl, direction }, 'energy_wh')).toEqual(
          await expectedMonthly(db, direction),
        );
      }

      const tempoDays = await expectedTempo(db);
      expect(tempoDays.size).toBeGreaterThan(100);
      const tempo = await influx.points('tempo');
      expect(byInstant(tempo, {}, 'color')).toEqual(
        new Map([...tempoDays].map(([at, color]) => [at, COLOR_NAMES[color]])),
      );
      expect(byInstant(tempo, {}, 'code')).toEqual(
        new Map([...tempoDays].map(([at, color]) => [at, COLOR_CODES[color]])),
      );
      const ecowatt = await expectedEcowatt(db, Number.POSITIVE_INFINITY);
      expect(ecowatt.hours.size).toBeGreaterThanOrEqual(24 * 20);
      const signals = await influx.points('ecowatt');
      expect(byInstant(signals, { granularity: 'hourly' }, 'level')).toEqual(ecowatt.hours);
      expect(byInstant(signals, { granularity: 'daily' }, 'level')).toEqual(ecowatt.days);

      expect(await influx.fieldTypes()).toEqual({
        consumption: { energy_wh: 'float', power_w: 'float' },
        production: { energy_wh: 'float', power_w: 'float' },
        monthly: { energy_wh: 'float' },
        tempo: { code: 'integer', color: 'string' },
        ecowatt: { level: 'integer' },
      });
      const [log] = await logs(db);
      expect(log?.status).toBe('success');
      expect(Number(log?.records_exported)).toBe(await influx.receivedPoints());
    });

    it('later sends only the new day, the corrected one, their months and the new Tempo day', async () => {
      const before = await influx.receivedPoints();
      await generateMedData(db, { pdls: [HOME], from: newDay, to: newDay, detailed: true, seed: 14 });
      const corrected = shiftDate(firstDay, 40);
      await db.query(
        `update consumption_data set value = value + 1000, updated_at = now()
         where usage_point_id = $1 and date = $2::date and granularity = 'daily'`,
        [HOME.usagePointId, corrected],
      );
      const tomorrow = shiftDate(today, 1);
      await db.query(
        `insert into tempo_days (id, date, color) values ($1, $2::timestamptz, 'RED')
         on conflict (id) do update set color = 'RED'`,
        [tomorrow, new Date(parisMidnight(tomorrow)).toISOString()],
      );

      const result = await runCli(['export', '--all', '--force'], env);
      expect(result.exitCode, result.stderr).toBe(0);

      let expectedLines = 1; // tomorrow's Tempo colour
      for (const direction of ['consumption', 'production'] as const) {
        const [intervals] = await db.query<{ count: string }>(
          `select count(*) as count from ${direction}_data
           where usage_point_id = $1 and date = $2::date and granularity = 'detailed'`,
          [HOME.usagePointId, newDay],
        );
        // The new day (daily, each interval's energy and power in one line), its month's new total.
        expectedLines += 1 + Number(intervals!.count) + 1;
        const rows = await influx.points(direction);
        const daily = byInstant(rows, { pdl: HOME.usagePointId, granularity: 'daily' }, 'energy_wh');
        expect(daily).toEqual(await expectedDaily(db, direction));
        expect(byInstant(await influx.points('monthly'), { direction }, 'energy_wh')).toEqual(
          await expectedMonthly(db, direction),
        );
      }
      // The corrected day and its month's total.
      expectedLines += 2;
      expect(await influx.receivedPoints()).toBe(before + expectedLines);
      expect(byInstant(await influx.points('tempo'), {}, 'color').get(parisMidnight(tomorrow))).toBe('ROUGE');
      expect((await logs(db)).map((row) => row.status)).toEqual(['success', 'success']);
    });

    it('sends nothing when nothing changed', async () => {
      const before = await influx.receivedPoints();
      const result = await runCli(['export', '--all', '--force'], env);
      expect(result.exitCode, result.stderr).toBe(0);
      expect(await influx.receivedPoints()).toBe(before);
    });
  });

  describe.skipIf(!kind.available)(`InfluxDB export failures against ${kind.title}`, () => {
    let db: TestDatabase;

    beforeAll(async () => {
      db = await createTestDatabase();
      await generate(db);
    }, 180_000);

    afterAll(async () => {
      await db?.close();
    });

    it('exits 1 with an error row when the server is dead', async () => {
      const result = await runCli(['export', '--all'], {
        DATABASE_URL: db.url,
        INFLUXDB_ENABLED: 'true',
        INFLUXDB_URL: await deadUrl(),
      });
      expect(result.exitCode, `${result.stdout}${result.stderr}`).toBe(1);
      expect(`${result.stdout}${result.stderr}`).toMatch(/connection refused/);
      const [row] = await logs(db);
      expect(row?.status).toBe('error');
      expect(row?.error_message).toMatch(/InfluxDB accepted nothing: cannot reach .*connection refused/);
      expect(await db.query(`select * from export_state where destination = 'influxdb'`)).toEqual([]);
    });

    it('stops at a partial write, keeping the state where the last whole batch left it', async () => {
      await db.query('delete from export_logs');
      // A retention of a day: the history's older points are dropped, recent ones stored.
      const influx = await kind.start({ retentionHours: 24 });
      try {
        const env = {
          DATABASE_URL: db.url,
          INFLUXDB_ENABLED: 'true',
          INFLUXDB_EXPORT_DATA: 'tempo',
          ...influx.env,
        };
        for (const run of [1, 2]) {
          const result = await runCli(['export', '--all', '--force'], env);
          const output = `${result.stdout}${result.stderr}`;
          expect(result.exitCode, `run ${run}: ${output}`).toBe(1);
          expect(output).toMatch(/partial write: points beyond retention policy dropped=\d+/);
          expect(output).toContain('DURATION INF');
        }
        const rows = await logs(db);
        expect(rows.map((row) => row.status)).toEqual(['error', 'error']);
        expect(rows[0]?.error_message).toMatch(/InfluxDB accepted nothing: .*beyond retention policy/);
        expect(await db.query(`select * from export_state where destination = 'influxdb'`)).toEqual([]);
      } finally {
        await influx.close();
      }
    });
  });
}
