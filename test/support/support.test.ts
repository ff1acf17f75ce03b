import { PGlite } from '@electric-sql/pglite';
import { connectAsync } from 'mqtt';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PDL, demoOptions, generateMedData } from './generate-med-data.js';
import type { GeneratedPdl } from './generate-med-data.js';
import { MED_SCHEMA_SQL } from './med-schema.js';
import { createTestBroker } from './test-broker.js';
import { createTestDatabase } from './test-database.js';
import type { TestDatabase } from './test-database.js';

const SOLAR_PDL: GeneratedPdl = {
  usagePointId: '09876543210987',
  name: 'Solaire',
  pricingOption: 'HC/HP',
  offpeakHours: { default: 'HC (22H00-6H00)' },
  hasProduction: true,
};

interface MeasureRow {
  date: string;
  granularity: 'daily' | 'detailed';
  interval_start: string | null;
  value: number | null;
  raw_data: { interval_length?: string } | null;
}

const MEASURES_SQL = `select to_char(date, 'YYYY-MM-DD') as date, granularity::text as granularity, interval_start,
  value, raw_data from consumption_data where usage_point_id = $1 order by date, interval_start`;

describe('MED schema', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.close());

  it('applies twice and creates every MyElectricalData table med-export reads, and export_configs', async () => {
    await database.query(MED_SCHEMA_SQL);
    const tables = await database.query<{ table_name: string }>(
      `select table_name from information_schema.tables where table_schema = 'public' order by table_name`,
    );
    expect(tables.map((row) => row.table_name)).toEqual([
      'consumption_data',
      'ecowatt',
      'energy_offers',
      'energy_providers',
      'export_configs',
      'pdls',
      'production_data',
      'tempo_days',
    ]);
  });

  it('accepts NULL measures, as damaged databases have them', async () => {
    await database.query(
      `insert into consumption_data (id, usage_point_id, date, granularity, interval_start, value)
       values ('null-measure', '00000000000000', '2024-01-01', 'detailed', '00:00', null)`,
    );
    const rows = await database.query(`select value from consumption_data where id = 'null-measure'`);
    expect(rows).toEqual([{ value: null }]);
  });
});

describe('generateMedData over 400 days', () => {
  const from = '2023-01-01';
  const to = '2024-02-04';
  let database: TestDatabase;
  let consumption: MeasureRow[];

  beforeAll(async () => {
    database = await createTestDatabase();
    const started = performance.now();
    const result = await generateMedData(database, {
      pdls: [SOLAR_PDL],
      from,
      to,
      seed: 7,
      tempo: true,
      ecowatt: true,
      offers: true,
    });
    console.info(`generated 400 days × 2 kinds in ${Math.round(performance.now() - started)} ms`, result);
    consumption = await database.query<MeasureRow>(MEASURES_SQL, [SOLAR_PDL.usagePointId]);
  });
  afterAll(() => database.close());

  it('reports what it wrote', async () => {
    const [counts] = await database.query<{ daily: string; detailed: string }>(
      `select count(*) filter (where granularity = 'daily') as daily,
              count(*) filter (where granularity = 'detailed') as detailed
       from (select granularity from consumption_data union all select granularity from production_data) m`,
    );
    expect(Number(counts?.daily)).toBe(800);
    // 400 days × 48, minus 2 for the missing spring hour, for consumption and production.
    expect(Number(counts?.detailed)).toBe(2 * (400 * 48 - 2));
  });

  it('stores one daily row per day', () => {
    const daily = consumption.filter((row) => row.granularity === 'daily');
    expect(daily).toHaveLength(400);
    expect(new Set(daily.map((row) => row.date)).size).toBe(400);
    expect(daily[0]?.date).toBe(from);
    expect(daily.at(-1)?.date).toBe(to);
  });

  it('makes each daily value the rounded sum of the day’s stored interval energy, but on the fall-back day', async () => {
    for (const table of ['consumption_data', 'production_data']) {
      const rows = await database.query<MeasureRow>(MEASURES_SQL.replace('consumption_data', table), [
        SOLAR_PDL.usagePointId,
      ]);
      const detailedWhByDay = new Map<string, number>();
      for (const row of rows) {
        if (row.granularity !== 'detailed') continue;
        const minutes = Number(/^PT(\d+)M$/.exec(row.raw_data?.interval_length ?? '')?.[1]);
        expect(minutes).toBe(30);
        detailedWhByDay.set(
          row.date,
          (detailedWhByDay.get(row.date) ?? 0) + ((row.value ?? 0) * minutes) / 60,
        );
      }
      const daily = rows.filter((row) => row.granularity === 'daily');
      expect(daily).toHaveLength(400);
      for (const row of daily) {
        // Enedis's daily energy counts the two CEST intervals MyElectricalData's upsert loses that day.
        if (row.date === '2023-10-29') expect(row.value).toBeGreaterThan(detailedWhByDay.get(row.date)!);
        else expect(row.value).toBe(Math.round(detailedWhByDay.get(row.date) ?? NaN));
      }
    }
  });

  it('labels DST days as MyElectricalData does: end stamp minus length on the wall clock', () => {
    const detailedOn = (date: string) =>
      consumption.filter((row) => row.date === date && row.granularity === 'detailed');
    const spring = detailedOn('2023-03-26');
    expect(spring).toHaveLength(46);
    const springLabels = spring.map((row) => row.interval_start);
    expect(springLabels.slice(0, 5)).toEqual(['00:00', '00:30', '01:00', '02:30', '03:00']);
    expect(springLabels).not.toContain('01:30');
    expect(springLabels).not.toContain('02:00');
    const gapRow = spring.find((row) => row.interval_start === '02:30') as unknown as { raw_data: unknown };
    expect(gapRow.raw_data).toMatchObject({
      date: '2023-03-26 03:00:00',
      interval_length: 'PT30M',
      measure_type: 'B',
    });
    const autumn = detailedOn('2023-10-29');
    expect(autumn).toHaveLength(48);
    expect(new Set(autumn.map((row) => row.interval_start)).size).toBe(48);
    // 01:30, 02:00 and 02:30 hold the later (CET) occurrences: their end stamps are CET wall times.
    const ends = Object.fromEntries(
      autumn.map((row) => [row.interval_start, (row.raw_data as unknown as { date: string }).date]),
    );
    expect(ends['01:30']).toBe('2023-10-29 02:00:00');
    expect(ends['02:30']).toBe('2023-10-29 03:00:00');
    expect(detailedOn('2023-06-15')).toHaveLength(48);
  });

  it('stores the values, sources and raw_data shapes MyElectricalData writes', async () => {
    const [daily] = await database.query<{ source: string; raw_data: unknown; value: number }>(
      `select source, raw_data, value from consumption_data where granularity = 'daily' and date = '2023-06-15'`,
    );
    expect(daily).toEqual({
      source: 'myelectricaldata',
      raw_data: { date: '2023-06-15', value: String(daily!.value) },
      value: daily!.value,
    });
    const sources = await database.query(`select distinct source from production_data`);
    expect(sources).toEqual([{ source: 'myelectricaldata' }]);
  });

  it('draws a plausible load and solar shape', async () => {
    const averageDailyWh = (month: string) => {
      const days = consumption.filter((row) => row.granularity === 'daily' && row.date.startsWith(month));
      return days.reduce((sum, row) => sum + (row.value ?? 0), 0) / days.length;
    };
    expect(averageDailyWh('2023-01')).toBeGreaterThan(1.5 * averageDailyWh('2023-07'));
    const minimumWatts = Math.min(...consumption.map((row) => row.value ?? Infinity));
    expect(minimumWatts).toBeGreaterThan(100);

    const solar = await database.query<{ night: number; noon: number; december_noon: number }>(
      `select max(value) filter (where interval_start in ('00:00', '03:00', '23:30')) as night,
              avg(value) filter (where interval_start = '14:00' and to_char(date, 'MM') = '06') as noon,
              avg(value) filter (where interval_start = '13:00' and to_char(date, 'MM') = '12') as december_noon
       from production_data where granularity = 'detailed'`,
    );
    expect(Number(solar[0]?.night)).toBe(0);
    expect(Number(solar[0]?.noon)).toBeGreaterThan(800);
    expect(Number(solar[0]?.noon)).toBeGreaterThan(2 * Number(solar[0]?.december_noon));
  });

  it('colours every day up to the day after `to` within the Tempo quotas', async () => {
    const days = await database.query<{ id: string; color: string; weekday: number; utc: string }>(
      `select id, color::text as color, extract(isodow from id::date)::int as weekday,
              to_char(date at time zone 'UTC', 'YYYY-MM-DD HH24:MI') as utc
       from tempo_days order by id`,
    );
    expect(days).toHaveLength(401);
    expect(days.at(-1)?.id).toBe('2024-02-05');
    // Client mode: the day at 00:00 UTC.
    expect(days.every((day) => day.utc === `${day.id} 00:00`)).toBe(true);
    const seasons = new Map<string, { RED: number; WHITE: number; BLUE: number }>();
    for (const day of days) {
      const [year, month] = day.id.split('-').map(Number) as [number, number];
      const season = String(month >= 9 ? year : year - 1);
      const counts = seasons.get(season) ?? { RED: 0, WHITE: 0, BLUE: 0 };
      counts[day.color as 'RED' | 'WHITE' | 'BLUE'] += 1;
      seasons.set(season, counts);
      if (day.color === 'RED') {
        expect(month >= 11 || month <= 3, `red day ${day.id} outside Nov–Mar`).toBe(true);
        expect(day.weekday, `red day ${day.id} on a weekend`).toBeLessThanOrEqual(5);
      }
    }
    for (const counts of seasons.values()) {
      expect(counts.RED).toBeLessThanOrEqual(22);
      expect(counts.WHITE).toBeLessThanOrEqual(43);
    }
    const fullSeason = seasons.get('2023');
    expect(fullSeason?.RED).toBeGreaterThan(5);
    expect(fullSeason?.WHITE).toBeGreaterThan(10);
  });

  it('stores one EcoWatt signal per day at Paris midnight in naive UTC, some revised later', async () => {
    const rows = await database.query<{
      periode: string;
      generated: string;
      dvalue: number;
      values: unknown;
      bounds: string;
    }>(
      `select to_char(periode, 'YYYY-MM-DD HH24:MI:SS') as periode,
              to_char(generation_datetime, 'YYYY-MM-DD HH24:MI:SS') as generated, dvalue, "values",
              hdebut || '-' || hfin || '/' || pas as bounds
       from ecowatt order by periode`,
    );
    expect(rows).toHaveLength(30);
    // Winter: Paris midnight is 23:00 UTC the day before (MyElectricalData apps/api/src/services/rte.py).
    expect(rows.every((row) => row.periode.endsWith(' 23:00:00'))).toBe(true);
    expect(rows.at(-1)?.periode).toBe('2024-02-06 23:00:00');
    const generatedTheDayBefore = rows.filter((row) => row.generated.endsWith(' 16:00:00'));
    expect(generatedTheDayBefore.length).toBeGreaterThan(0);
    expect(generatedTheDayBefore.length).toBeLessThan(rows.length);
    for (const row of rows) {
      const values = row.values as number[];
      expect(values).toHaveLength(24);
      expect(row.dvalue).toBe(Math.max(1, ...values));
      expect(row.bounds).toBe('0-23/60');
    }
  });

  it('selects the generated Tempo offer on the PDL', async () => {
    const rows = await database.query<{ name: string; tempo_red_hp: string; offpeak_hours: unknown }>(
      `select o.name, o.tempo_red_hp, p.offpeak_hours
       from pdls p join energy_offers o on o.id = p.selected_offer_id where p.usage_point_id = $1`,
      [SOLAR_PDL.usagePointId],
    );
    expect(rows).toHaveLength(1);
    expect(Number(rows[0]?.tempo_red_hp)).toBeGreaterThan(0.5);
    expect(rows[0]?.offpeak_hours).toEqual({ default: 'HC (22H00-6H00)' });
  });

  it('is deterministic and idempotent for a seed', async () => {
    const before = await database.query<{ total: string }>(
      `select sum(value)::text as total, count(*)::text as n from consumption_data`,
    );
    await generateMedData(database, { pdls: [SOLAR_PDL], from: '2023-06-01', to: '2023-06-10', seed: 7 });
    const after = await database.query<{ total: string }>(
      `select sum(value)::text as total, count(*)::text as n from consumption_data`,
    );
    expect(after).toEqual(before);
  });
});

describe('generateMedData options', () => {
  let pglite: PGlite;
  beforeAll(async () => {
    pglite = new PGlite();
    await pglite.exec(MED_SCHEMA_SQL);
  });
  afterAll(() => pglite.close());

  it('honours the interval length on DST days and works over PGlite directly', async () => {
    for (const [intervalMinutes, usagePointId, springRows] of [
      [15, '11111111111111', 92],
      [60, '22222222222222', 23],
    ] as const) {
      const pdl = { ...DEMO_PDL, usagePointId, hasProduction: false };
      const result = await generateMedData(pglite, {
        pdls: [pdl],
        from: '2024-03-30',
        to: '2024-03-31',
        intervalMinutes,
      });
      expect(result).toEqual({
        detailedRows: (1440 / intervalMinutes) * 2 - 60 / intervalMinutes,
        dailyRows: 2,
      });
      const spring = await pglite.query<{ n: number; lengths: string[] }>(
        `select count(*)::int as n, array_agg(distinct raw_data->>'interval_length') as lengths
         from consumption_data where usage_point_id = $1 and date = '2024-03-31' and granularity = 'detailed'`,
        [usagePointId],
      );
      expect(spring.rows[0]).toEqual({ n: springRows, lengths: [`PT${intervalMinutes}M`] });
    }
  });

  it('can store daily rows only', async () => {
    const pdl = { ...DEMO_PDL, usagePointId: '44444444444444' };
    const result = await generateMedData(pglite, {
      pdls: [pdl],
      from: '2024-01-01',
      to: '2024-01-31',
      detailed: false,
    });
    expect(result).toEqual({ detailedRows: 0, dailyRows: 62 });
  });

  it('builds demo options covering more than 420 days up to J-2, Tempo up to tomorrow', () => {
    const options = demoOptions('2025-06-15');
    expect(options.to).toBe('2025-06-13');
    expect(options.tempoTo).toBe('2025-06-16');
    const days = (Date.parse(options.to) - Date.parse(options.from)) / 86_400_000 + 1;
    expect(days).toBeGreaterThanOrEqual(420);
    expect(options).toMatchObject({ intervalMinutes: 30, tempo: true, ecowatt: true, offers: true });
  });
});

describe('createTestDatabase', () => {
  it('isolates each database and serves several pooled connections', async () => {
    const [first, second] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    try {
      expect(first.url).not.toBe(second.url);
      await first.query(
        `insert into pdls (id, usage_point_id, name) values ('only-in-first', '33333333333333', 'first')`,
      );
      expect(await second.query(`select id from pdls`)).toEqual([]);
      expect(await first.query(`select id from pdls`)).toEqual([{ id: 'only-in-first' }]);

      const pool = new pg.Pool({ connectionString: first.url, max: 5 });
      try {
        const answers = await Promise.all(
          Array.from({ length: 5 }, (_, index) => pool.query('select $1::int as n', [index])),
        );
        expect(answers.map((answer) => answer.rows[0].n)).toEqual([0, 1, 2, 3, 4]);
      } finally {
        await pool.end();
      }
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });

  it.runIf(Boolean(process.env['MED_TEST_DATABASE_URL']))('drops its database on close', async () => {
    const database = await createTestDatabase();
    const name = new URL(database.url).pathname.slice(1);
    await database.close();
    const admin = new pg.Client({ connectionString: process.env['MED_TEST_DATABASE_URL'] });
    await admin.connect();
    try {
      const rows = await admin.query('select 1 from pg_database where datname = $1', [name]);
      expect(rows.rowCount).toBe(0);
    } finally {
      await admin.end();
    }
  });
});

describe('createTestBroker', () => {
  it('keeps retained messages per topic prefix and clears them on close', async () => {
    const [first, second] = await Promise.all([createTestBroker(), createTestBroker()]);
    try {
      expect(first.topicPrefix).not.toBe(second.topicPrefix);
      expect(first.discoveryPrefix).toBe(`${first.topicPrefix}_ha`);
      for (const broker of [first, second]) {
        const client = await connectAsync(broker.url, { reconnectPeriod: 0 });
        await client.publishAsync(`${broker.topicPrefix}/state`, broker.topicPrefix, {
          retain: true,
          qos: 1,
        });
        await client.publishAsync(`${broker.topicPrefix}/not-retained`, 'x', { qos: 1 });
        await client.publishAsync(`${broker.discoveryPrefix}/sensor/x/config`, '{}', {
          retain: true,
          qos: 1,
        });
        await client.endAsync();
      }
      expect(await first.retained()).toEqual(new Map([[`${first.topicPrefix}/state`, first.topicPrefix]]));
      expect(await second.retained()).toEqual(new Map([[`${second.topicPrefix}/state`, second.topicPrefix]]));
      expect(await first.retained(`${first.discoveryPrefix}/#`)).toEqual(
        new Map([[`${first.discoveryPrefix}/sensor/x/config`, '{}']]),
      );

      await first.close();
      expect(await second.retained(`${first.topicPrefix}/#`)).toEqual(new Map());
      expect(await second.retained(`${first.discoveryPrefix}/#`)).toEqual(new Map());
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });

  it.skipIf(Boolean(process.env['MED_TEST_MQTT_URL']))(
    'rejects wrong credentials (aedes only: a shared Mosquitto cannot be reconfigured per test)',
    async () => {
      const broker = await createTestBroker({ credentials: { username: 'med', password: 'secret' } });
      try {
        expect(broker.supportsAuth).toBe(true);
        await expect(
          connectAsync(broker.url, { username: 'med', password: 'wrong', reconnectPeriod: 0 }),
        ).rejects.toMatchObject({ code: 4 });
        const client = await connectAsync(broker.url, {
          username: 'med',
          password: 'secret',
          reconnectPeriod: 0,
        });
        await client.endAsync();
      } finally {
        await broker.close();
      }
    },
  );
});
