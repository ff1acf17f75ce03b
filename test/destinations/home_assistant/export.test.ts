import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PDL, generateMedData, type GeneratedPdl } from '../../support/generate-med-data.js';
import { runCli } from '../../support/run-cli.js';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.js';
import { createTestBroker, type TestBroker } from '../../support/test-broker.js';
import {
  OLDER_HA_VERSION,
  startHomeAssistantStandin,
  type HomeAssistantStandin,
} from '../../home-assistant-standin/index.js';
import { expectedStatistics, nextDay, parisDayStart, type ExpectedPdl } from './expected.js';
import { medIntervalStart } from '../../support/med-interval-start.js';

/**
 * `med-export export` against the Home Assistant stand-in. Every expectation is recomputed from the
 * MyElectricalData tables (expected.ts); the stand-in is only read through its inspection API.
 */

const PREFIX = 'myelectricaldata';
const TEMPO_PDL = DEMO_PDL.usagePointId;
const HCHP: GeneratedPdl = {
  usagePointId: '98765432109876',
  name: null,
  pricingOption: 'HC/HP',
  offpeakHours: { default: 'HC (22H30-6H30)' },
  hasProduction: false,
  selectedOfferId: null,
};
const HCHP_PRICES = { hc: 0.2068, hp: 0.27 };

const parisToday = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date());
const daysAgo = (days: number) =>
  new Date(Date.parse(`${parisToday}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);

const FIRST_DAY = daysAgo(430);
const DAILY_ONLY_DAY = daysAgo(60);
const LATE_DAY = daysAgo(40);
const CORRECTED_DAY = daysAgo(20);
const SECOND_CORRECTED_DAY = daysAgo(25);

let database: TestDatabase;
let standin: HomeAssistantStandin;
let env: Record<string, string>;
let lateRows: Record<string, unknown>[] = [];

async function exportRun(extra: Record<string, string> = {}, args: string[] = []) {
  return runCli(['export', '--all', '--force', ...args], { ...env, ...extra });
}

async function logs(): Promise<
  { status: string; error_message: string | null; details: Record<string, unknown> }[]
> {
  return database.query(
    `select status, error_message, details from export_logs where destination = 'home_assistant' order by started_at`,
  );
}

async function storedState(): Promise<{ state: unknown; watermark: Date | null } | undefined> {
  const [row] = await database.query<{ state: unknown; watermark: Date | null }>(
    `select state, watermark from export_state where destination = 'home_assistant'`,
  );
  return row;
}

async function expectations(): Promise<ExpectedPdl[]> {
  return [
    await expectedStatistics(database, { prefix: PREFIX, pdl: TEMPO_PDL }),
    await expectedStatistics(database, {
      prefix: PREFIX,
      pdl: HCHP.usagePointId,
      priceOverrides: HCHP_PRICES,
    }),
  ];
}

/** Every series holds exactly the expected hours and values, and its sums are continuous and monotonic. */
function expectStatisticsMatch(target: HomeAssistantStandin, expected: ExpectedPdl[]): void {
  for (const { series } of expected) {
    for (const [id, hours] of series) {
      const rows = target.statistics(id);
      expect(
        rows.map((row) => row.start),
        `hours of ${id}`,
      ).toEqual([...hours.keys()].sort((a, b) => a - b));
      for (const row of rows) {
        // kWh to the Wh (to the micro-euro for costs)
        expect(
          Math.abs(row.state! - hours.get(row.start)!),
          `${id} at ${new Date(row.start).toISOString()}`,
        ).toBeLessThan(1.5e-6);
      }
      let previous = 0;
      for (const [index, row] of rows.entries()) {
        expect(row.sum! - previous - row.state!, `${id} sum continuity at row ${index}`).toBeCloseTo(0, 5);
        expect(row.sum!).toBeGreaterThanOrEqual(previous - 1e-9);
        previous = row.sum!;
      }
    }
  }
}

beforeAll(async () => {
  database = await createTestDatabase();
  await generateMedData(database, {
    pdls: [DEMO_PDL, HCHP],
    from: FIRST_DAY,
    to: daysAgo(1),
    detailed: true,
    seed: 7,
    tempo: true,
    ecowatt: true,
    offers: true,
  });
  // Rows written as a sync would have: each day's rows the day after it.
  for (const table of ['consumption_data', 'production_data']) {
    await database.query(
      `update ${table} set updated_at = now() - interval '1 day' * (current_date - date) - interval '1 hour'`,
    );
  }
  // A day whose load curve never came: only its daily value.
  await database.query(`delete from consumption_data where date = $1 and granularity = 'detailed'`, [
    DAILY_ONLY_DAY,
  ]);
  // A day that will be published late, weeks after the first export.
  lateRows = await database.query(`select * from consumption_data where date = $1 and usage_point_id = $2`, [
    LATE_DAY,
    TEMPO_PDL,
  ]);
  await database.query(`delete from consumption_data where date = $1 and usage_point_id = $2`, [
    LATE_DAY,
    TEMPO_PDL,
  ]);

  standin = await startHomeAssistantStandin();
  env = {
    DATABASE_URL: database.url,
    HOME_ASSISTANT_ENABLED: 'true',
    HOME_ASSISTANT_URL: standin.url,
    HOME_ASSISTANT_TOKEN: standin.options.token,
    MED_PRICES: JSON.stringify(HCHP_PRICES),
    HOME_ASSISTANT_CHUNK_SIZE: '1500',
  };
});

afterAll(async () => {
  await standin?.close();
  await database?.close();
});

describe('med-export test --destination home_assistant', () => {
  it('passes every check against a ready Home Assistant', async () => {
    const result = await runCli(['test', '--destination', 'home_assistant'], env);
    expect(result.stdout).toContain('token accepted');
    expect(result.stdout).toContain(standin.options.haVersion);
    expect(result.stdout).toContain('recorder available');
    expect(result.exitCode).toBe(0);
  });

  it('says how to create a token when it is refused, without printing it', async () => {
    const result = await runCli(['test', '--destination', 'home_assistant'], {
      ...env,
      HOME_ASSISTANT_TOKEN: 'not-the-token-at-all',
    });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/✖ fail {2}token accepted/);
    expect(result.stdout).toContain('Long-lived access tokens');
    expect(result.stdout).not.toContain('not-the-token-at-all');
  });

  it('flags a user without administrator rights and a missing recorder', async () => {
    standin.options.isAdmin = false;
    standin.options.recorder = false;
    try {
      const result = await runCli(['test', '--destination', 'home_assistant'], env);
      expect(result.exitCode).toBe(1);
      expect(result.stdout).toMatch(/fail {2}administrator rights/);
      expect(result.stdout).toMatch(/fail {2}recorder available: the recorder integration is not loaded/);
    } finally {
      standin.options.isAdmin = true;
      standin.options.recorder = true;
    }
  });

  it('reports an unreachable address', async () => {
    const result = await runCli(['test', '--destination', 'home_assistant'], {
      ...env,
      HOME_ASSISTANT_URL: 'http://127.0.0.1:9',
    });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/fail {2}reach Home Assistant/);
  });
});

describe('med-export export to Home Assistant', () => {
  it('dry-run shows the import messages and stores nothing', async () => {
    const result = await exportRun({}, ['--dry-run', '--json']);
    expect(result.exitCode).toBe(0);
    const [outcome] = JSON.parse(result.stdout) as {
      payloads: { target: string; body: Record<string, unknown> }[];
    }[];
    const imports = outcome!.payloads.filter(
      (payload) => payload.body?.type === 'recorder/import_statistics',
    );
    expect(imports.length).toBeGreaterThan(0);
    expect(imports[0]!.body.metadata).toMatchObject({ has_sum: true, source: PREFIX, mean_type: 0 });
    expect(
      outcome!.payloads.some((payload) => payload.target.startsWith('POST /api/states/sensor.med_')),
    ).toBe(true);
    expect(standin.statisticIds()).toEqual([]);
    expect(standin.states().size).toBe(0);
  });

  it('first run imports the whole history: hourly energy, tariffs, costs, DST days, daily-only days', async () => {
    const result = await exportRun();
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    const expected = await expectations();
    expectStatisticsMatch(standin, expected);

    // the series the issue names, with the metadata the current version wants and no deprecation warning
    const tempoIds = ['blue_hc', 'blue_hp', 'white_hc', 'white_hp', 'red_hc', 'red_hp'];
    expect(standin.statisticIds()).toEqual(
      [
        `${PREFIX}:consumption_${TEMPO_PDL}`,
        `${PREFIX}:production_${TEMPO_PDL}`,
        ...tempoIds.map((tariff) => `${PREFIX}:consumption_${TEMPO_PDL}_${tariff}`),
        ...tempoIds.map((tariff) => `${PREFIX}:cost_${TEMPO_PDL}_${tariff}`),
        // the bill's total (energy at each tariff + the prorated subscription): its offer has a subscription
        `${PREFIX}:cost_${TEMPO_PDL}`,
        `${PREFIX}:consumption_${HCHP.usagePointId}`,
        `${PREFIX}:consumption_${HCHP.usagePointId}_hc`,
        `${PREFIX}:consumption_${HCHP.usagePointId}_hp`,
        `${PREFIX}:cost_${HCHP.usagePointId}_hc`,
        `${PREFIX}:cost_${HCHP.usagePointId}_hp`,
      ].sort(),
    );
    expect(standin.metadata(`${PREFIX}:consumption_${TEMPO_PDL}`)).toEqual({
      statistic_id: `${PREFIX}:consumption_${TEMPO_PDL}`,
      source: PREFIX,
      name: 'Linky Maison consumption',
      unit_of_measurement: 'kWh',
      has_sum: true,
      mean_type: 0,
      unit_class: 'energy',
    });
    expect(standin.metadata(`${PREFIX}:cost_${TEMPO_PDL}_red_hp`)).toMatchObject({
      unit_of_measurement: 'EUR',
      unit_class: null,
    });
    expect(standin.warnings()).toEqual([]);

    // costs are energy × the offer's (or the configured) price
    for (const { series, prices } of expected) {
      for (const [id, hours] of series) {
        const tariff = /^.*:cost_\d{14}_(.+)$/.exec(id)?.[1];
        if (!tariff) continue;
        const energy = standin.statistics(id.replace(':cost_', ':consumption_'));
        const energyByHour = new Map(energy.map((row) => [row.start, row.state!]));
        for (const row of standin.statistics(id)) {
          expect(row.state!).toBeCloseTo(energyByHour.get(row.start)! * prices[tariff]!, 5);
        }
        expect(hours.size).toBe(energy.length);
      }
    }

    // tariff series add up to the all-consumption series on days with detail
    for (const [pdl, { fullyClassifiedDays }] of [
      [TEMPO_PDL, expected[0]!],
      [HCHP.usagePointId, expected[1]!],
    ] as const) {
      const all = standin.statistics(`${PREFIX}:consumption_${pdl}`);
      const tariffs = standin
        .statisticIds()
        .filter((id) => id.startsWith(`${PREFIX}:consumption_${pdl}_`))
        .map((id) => new Map(standin.statistics(id).map((row) => [row.start, row.state!])));
      let checked = 0;
      for (const date of fullyClassifiedDays) {
        const start = parisDayStart(date);
        const end = parisDayStart(nextDay(date));
        for (const row of all.filter((r) => r.start >= start && r.start < end)) {
          const split = tariffs.reduce((total, hours) => total + (hours.get(row.start) ?? 0), 0);
          expect(split).toBeCloseTo(row.state!, 5);
          checked += 1;
        }
      }
      expect(checked).toBeGreaterThan(24 * 300);
    }

    // both daylight-saving days: 23 and 25 real hours between two Paris midnights
    const march = [...expected[0]!.detailedDays].filter((date) => date.slice(5, 7) === '03');
    const october = [...expected[0]!.detailedDays].filter((date) => date.slice(5, 7) === '10');
    const dstDays = [...march, ...october].filter(
      (date) => (parisDayStart(nextDay(date)) - parisDayStart(date)) / 3_600_000 !== 24,
    );
    expect(
      new Set(dstDays.map((date) => (parisDayStart(nextDay(date)) - parisDayStart(date)) / 3_600_000)),
    ).toEqual(new Set([23, 25]));
    for (const date of dstDays) {
      const start = parisDayStart(date);
      const end = parisDayStart(nextDay(date));
      const rows = await database.query<{ start: string }>(
        `select interval_start as start from consumption_data
         where usage_point_id = $1 and date = $2 and granularity = 'detailed'`,
        [TEMPO_PDL, date],
      );
      const hours = new Set(
        rows.map((row) => Math.floor(medIntervalStart(date, row.start, 30) / 3_600_000) * 3_600_000),
      );
      const stored = standin
        .statistics(`${PREFIX}:consumption_${TEMPO_PDL}`)
        .filter((r) => r.start >= start && r.start < end);
      expect(stored.length, date).toBe(hours.size);
      expect(stored.length).toBeLessThanOrEqual((end - start) / 3_600_000);
    }

    // the daily-only day: whole at its first hour in the all-consumption series, reported as not split
    const [dailyOnly] = await database.query<{ value: number }>(
      `select value from consumption_data where usage_point_id = $1 and date = $2 and granularity = 'daily'`,
      [TEMPO_PDL, DAILY_ONLY_DAY],
    );
    const dayStart = parisDayStart(DAILY_ONLY_DAY);
    const dayRows = standin
      .statistics(`${PREFIX}:consumption_${TEMPO_PDL}`)
      .filter((row) => row.start >= dayStart && row.start < parisDayStart(nextDay(DAILY_ONLY_DAY)));
    expect(dayRows.map((row) => [row.start, row.state])).toEqual([
      [dayStart, Number(dailyOnly!.value) / 1000],
    ]);
    const [log] = (await logs()).slice(-1);
    expect(log!.status).toBe('success');
    expect(log!.details.not_split_by_tariff).toMatchObject({
      [TEMPO_PDL]: { days: 1, first: DAILY_ONLY_DAY },
    });

    // live entities through REST, as no broker is configured
    const [latest] = await database.query<{ day: string; value: number }>(
      `select to_char(date, 'YYYY-MM-DD') as day, value from consumption_data
       where usage_point_id = $1 and granularity = 'daily' order by date desc limit 1`,
      [TEMPO_PDL],
    );
    const daily = standin.states().get(`sensor.med_${TEMPO_PDL}_consumption_daily`);
    expect(Number(daily?.state)).toBeCloseTo(Number(latest!.value) / 1000, 3);
    expect(daily?.attributes).toMatchObject({
      pdl: TEMPO_PDL,
      date: latest!.day,
      value_wh: Number(latest!.value),
      device_class: 'energy',
      state_class: 'total',
      unit_of_measurement: 'kWh',
      source: 'myelectricaldata',
    });
    for (const id of [
      `sensor.med_${TEMPO_PDL}_consumption_yesterday`,
      `sensor.med_${TEMPO_PDL}_consumption_monthly`,
      `sensor.med_${TEMPO_PDL}_production_daily`,
      'sensor.med_tempo_today',
      'sensor.med_tempo_tomorrow',
      'sensor.med_tempo_remaining_red',
      'sensor.med_ecowatt_current',
      'binary_sensor.med_ecowatt_alert',
    ]) {
      expect(standin.states().has(id), id).toBe(true);
    }
    expect(['BLEU', 'BLANC', 'ROUGE', 'INCONNU']).toContain(
      standin.states().get('sensor.med_tempo_tomorrow')?.state,
    );
  });

  it('an incremental run with no change re-sends the safety window and keeps every sum where it was', async () => {
    const id = `${PREFIX}:consumption_${TEMPO_PDL}`;
    const before = standin.statistics(id);
    // A jump inside the safety window (as a crash mid-import could leave): the window is re-sent and repairs it.
    standin.adjustSums(id, parisDayStart(daysAgo(3)), 7);
    const result = await exportRun();
    expect(result.exitCode).toBe(0);
    const after = standin.statistics(id);
    expect(after).toEqual(before);
  });

  it('a correction and a day published late weeks back re-import from there with continuous sums', async () => {
    const lastSumBefore = standin.statistics(`${PREFIX}:consumption_${TEMPO_PDL}`).at(-1)!.sum!;
    await database.query(
      `update consumption_data set value = value + 900, updated_at = now()
       where usage_point_id = $1 and date = $2 and granularity = 'detailed' and interval_start in ('08:00', '08:30')`,
      [TEMPO_PDL, CORRECTED_DAY],
    );
    await database.query(
      `insert into consumption_data (id, usage_point_id, date, granularity, interval_start, value, source, raw_data, updated_at)
       select r.id, r.usage_point_id, r.date, r.granularity::datagranularity, r.interval_start, r.value, r.source, r.raw_data, now()
       from json_to_recordset($1::json) as r(id varchar, usage_point_id varchar, date date, granularity text,
         interval_start varchar, value integer, source varchar, raw_data jsonb)`,
      [JSON.stringify(lateRows)],
    );
    const result = await exportRun();
    expect(result.exitCode).toBe(0);
    expectStatisticsMatch(standin, await expectations());
    const [late] = await database.query<{ value: number }>(
      `select value from consumption_data where usage_point_id = $1 and date = $2 and granularity = 'daily'`,
      [TEMPO_PDL, LATE_DAY],
    );
    // the late day's energy (and the 2 × 900 W × 30 min correction) now sit in every later sum
    const lastSumAfter = standin.statistics(`${PREFIX}:consumption_${TEMPO_PDL}`).at(-1)!.sum!;
    expect(lastSumAfter - lastSumBefore).toBeCloseTo((Number(late!.value) + 900) / 1000, 2);
  });

  it('a wrong token fails with an error row and no state advance; the next good run completes the history', async () => {
    await database.query(
      `update consumption_data set value = value + 1200, updated_at = now()
       where usage_point_id = $1 and date = $2 and granularity = 'detailed' and interval_start = '19:00'`,
      [HCHP.usagePointId, SECOND_CORRECTED_DAY],
    );
    const stateBefore = await storedState();
    const failed = await exportRun({ HOME_ASSISTANT_TOKEN: 'wrong-token-value' });
    expect(failed.exitCode).toBe(1);
    expect(failed.stdout + failed.stderr).not.toContain('wrong-token-value');
    const [log] = (await logs()).slice(-1);
    expect(log!.status).toBe('error');
    expect(log!.error_message).toMatch(/refused the token/);
    expect(await storedState()).toEqual(stateBefore);

    const good = await exportRun();
    expect(good.exitCode).toBe(0);
    expectStatisticsMatch(standin, await expectations());
  });

  it('an import refused part-way is recorded as partial and the next run completes it', async () => {
    await database.query(
      `update consumption_data set value = value + 700, updated_at = now()
       where usage_point_id = $1 and date = $2 and granularity = 'detailed' and interval_start = '12:00'`,
      [TEMPO_PDL, daysAgo(100)],
    );
    // Three chunks get through, the fourth is refused.
    standin.failNextImports(1, 'Database is locked', 3);
    const failed = await exportRun();
    expect(failed.exitCode).toBe(1);
    const [log] = (await logs()).slice(-1);
    expect(log!.status).toBe('partial');
    expect(log!.error_message).toContain('Database is locked');
    const good = await exportRun();
    expect(good.exitCode).toBe(0);
    expectStatisticsMatch(standin, await expectations());
  });

  it('--since re-imports from that day, repairing what lies before the safety window', async () => {
    const id = `${PREFIX}:consumption_${HCHP.usagePointId}_hc`;
    const before = standin.statistics(id);
    standin.adjustSums(id, parisDayStart(daysAgo(150)), 5);
    const result = await exportRun({}, ['--since', daysAgo(200)]);
    expect(result.exitCode).toBe(0);
    expect(standin.statistics(id)).toEqual(before);
  });

  it('continues from the sum Home Assistant holds, never from its own total', async () => {
    const id = `${PREFIX}:consumption_${HCHP.usagePointId}`;
    // As after a user's recorder/adjust_sum_statistics: Home Assistant's totals are 1000 kWh above ours.
    standin.adjustSums(id, Number.NEGATIVE_INFINITY, 1000);
    await database.query(
      `update consumption_data set value = value + 300, updated_at = now()
       where usage_point_id = $1 and date = $2 and granularity = 'detailed' and interval_start = '07:00'`,
      [HCHP.usagePointId, daysAgo(30)],
    );
    const result = await exportRun();
    expect(result.exitCode).toBe(0);
    const rows = standin.statistics(id);
    const reimportedFrom = parisDayStart(daysAgo(30));
    expect(rows.some((row) => row.start >= reimportedFrom)).toBe(true);
    expect(rows[0]!.sum! - rows[0]!.state!).toBeCloseTo(1000, 6);
    for (let index = 1; index < rows.length; index++) {
      expect(rows[index]!.sum! - rows[index - 1]!.sum! - rows[index]!.state!, `row ${index}`).toBeCloseTo(
        0,
        5,
      );
    }
  });

  it('an older Home Assistant gets has_mean metadata and the whole history of statistics it lacks', async () => {
    const older = await startHomeAssistantStandin({ haVersion: OLDER_HA_VERSION });
    try {
      const result = await exportRun({
        HOME_ASSISTANT_URL: older.url,
        HOME_ASSISTANT_TOKEN: older.options.token,
      });
      expect(result.stderr).toBe('');
      expect(result.exitCode).toBe(0);
      expect(older.receivedMetadata(`${PREFIX}:consumption_${TEMPO_PDL}`)).toEqual({
        has_mean: false,
        has_sum: true,
        name: 'Linky Maison consumption',
        source: PREFIX,
        statistic_id: `${PREFIX}:consumption_${TEMPO_PDL}`,
        unit_of_measurement: 'kWh',
      });
      expectStatisticsMatch(older, await expectations());
    } finally {
      await older.close();
    }
  });
});

describe('live entities through MQTT discovery', () => {
  let broker: TestBroker;
  let mqttEnv: Record<string, string>;

  beforeAll(async () => {
    broker = await createTestBroker();
    mqttEnv = {
      HOME_ASSISTANT_MQTT_BROKER: broker.url,
      HOME_ASSISTANT_DISCOVERY_PREFIX: broker.discoveryPrefix,
      HOME_ASSISTANT_MQTT_TOPIC_PREFIX: broker.topicPrefix,
    };
  });

  afterAll(async () => {
    await broker?.close();
  });

  it('announces the entities with their states, and removes the REST ones', async () => {
    const result = await exportRun(mqttEnv);
    expect(result.exitCode).toBe(0);
    const configs = await broker.retained(`${broker.discoveryPrefix}/#`);
    const topic = `${broker.discoveryPrefix}/sensor/med_export_med/med_${TEMPO_PDL}_consumption_daily/config`;
    const config = JSON.parse(configs.get(topic)!) as Record<string, unknown>;
    expect(config).toMatchObject({
      unique_id: `med_export_med_${TEMPO_PDL}_consumption_daily`,
      default_entity_id: `sensor.med_${TEMPO_PDL}_consumption_daily`,
      device_class: 'energy',
      state_class: 'total',
      unit_of_measurement: 'kWh',
      availability_topic: `${broker.topicPrefix}/status`,
      device: { name: 'Linky Maison', identifiers: [`med_export_med_${TEMPO_PDL}`] },
      origin: { name: 'med-export' },
    });
    expect(
      configs.has(`${broker.discoveryPrefix}/binary_sensor/med_export_med/med_ecowatt_alert/config`),
    ).toBe(true);

    const states = await broker.retained();
    expect(states.get(`${broker.topicPrefix}/status`)).toBe('online');
    const [latest] = await database.query<{ value: number }>(
      `select value from consumption_data where usage_point_id = $1 and granularity = 'daily' order by date desc limit 1`,
      [TEMPO_PDL],
    );
    const state = JSON.parse(states.get(config.state_topic as string)!) as {
      value: string;
      attributes: Record<string, unknown>;
    };
    expect(Number(state.value)).toBeCloseTo(Number(latest!.value) / 1000, 3);
    expect(state.attributes.value_wh).toBe(Number(latest!.value));
    // entities set through REST by the previous runs are gone
    expect(standin.states().size).toBe(0);
  });

  it('clears the discovery configs of a data kind that is no longer exported', async () => {
    const result = await exportRun({
      ...mqttEnv,
      HOME_ASSISTANT_STATISTICS: 'false',
      HOME_ASSISTANT_EXPORT_DATA:
        'consumption_daily,consumption_monthly,production_daily,production_monthly,tempo',
    });
    expect(result.exitCode).toBe(0);
    const configs = await broker.retained(`${broker.discoveryPrefix}/#`);
    expect([...configs.keys()].filter((topic) => topic.includes('ecowatt'))).toEqual([]);
    expect([...configs.keys()].some((topic) => topic.includes('tempo_today'))).toBe(true);
  });
});
