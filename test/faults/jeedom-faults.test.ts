import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { addDays, parisParts } from '../../src/domain/paris-time.js';
import { startJeedomStandin } from '../jeedom-standin/jeedom-standin.js';
import type { JeedomStandin } from '../jeedom-standin/jeedom-standin.js';
import { startFaultyProxy } from '../support/faulty-proxy.js';
import type { FaultyProxy } from '../support/faulty-proxy.js';
import { DEMO_PDL, generateMedData } from '../support/generate-med-data.js';
import { runCli } from '../support/run-cli.js';
import { createTestBroker } from '../support/test-broker.js';
import type { TestBroker } from '../support/test-broker.js';
import { createTestDatabase } from '../support/test-database.js';
import type { TestDatabase } from '../support/test-database.js';
import {
  closedPort,
  expectFailedRun,
  holdBackDays,
  lastLog,
  logRows,
  mqttEnv,
  storedState,
  writtenDayByDay,
} from './fault-harness.js';

/**
 * Jeedom (JSON-RPC, one request per value) behind a faulty TCP proxy or failing with HTTP 5xx, with the MQTT
 * destination in the same runs. Before each case some days are "published late" (their rows inserted now), so
 * the failed run has values to deliver that the next healthy run must bring; afterwards every historised
 * command holds exactly the database's values at their dates (recomputed with SQL), each date once.
 */

const DESTINATION = 'jeedom';
const PDL = DEMO_PDL.usagePointId;
const PDL_EQ = `med_export_pdl_${PDL}`;
const today = parisParts(new Date()).date;
const FRENCH: Record<string, string> = { BLUE: 'BLEU', WHITE: 'BLANC', RED: 'ROUGE' };

const LATE = {
  refused: [addDays(today, -4)],
  blackhole: [addDays(today, -6)],
  serverError: [addDays(today, -8)],
  cut: [-24, -23, -22, -21, -20, -19, -18, -17, -16, -15].map((days) => addDays(today, days)),
  revoked: [addDays(today, -10)],
};

let database: TestDatabase;
let standin: JeedomStandin;
let broker: TestBroker;
let proxy: FaultyProxy | null = null;
/** Puts days held back at the start into the database, as published late (updated_at now). */
let publishLate: (dates: readonly string[]) => Promise<void>;

function env(extra: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: database.url,
    JEEDOM_ENABLED: 'true',
    JEEDOM_URL: standin.url,
    JEEDOM_API_KEY: standin.apiKey,
    JEEDOM_TIMEOUT: '2',
    ...mqttEnv(broker),
    ...extra,
  };
}

const exportAll = (extra: Record<string, string> = {}) => runCli(['export', '--all', '--force'], env(extra));

/** A fresh proxy per case: a kept-alive connection of an earlier case must not dodge this one's fault. */
async function faultyProxy(): Promise<FaultyProxy> {
  const target = new URL(standin.url);
  proxy = await startFaultyProxy({ host: target.hostname, port: Number(target.port) });
  return proxy;
}

const proxiedUrl = (faulty: FaultyProxy) => `http://${faulty.host}:${faulty.port}`;

const midnight = (date: string) => `${date} 00:00:00`;

/** `datetime → value` of a command's history, failing on a datetime stored twice. */
function historyOf(equipmentLogicalId: string, logicalId: string): Map<string, string> {
  const equipment = standin.equipmentByLogicalId(equipmentLogicalId);
  expect(equipment, equipmentLogicalId).toBeDefined();
  const command = standin.commandByLogicalId(equipment!.id, logicalId);
  expect(command, logicalId).toBeDefined();
  const points = standin.history(command!.id);
  const history = new Map(points.map((point) => [point.datetime, String(point.value)]));
  expect(history.size, `${logicalId}: a date stored twice`).toBe(points.length);
  return history;
}

/** The database's daily energies (kWh), monthly and yearly totals, as Jeedom's history should show them. */
async function expectedEnergy(direction: 'consumption' | 'production', period: 'day' | 'month' | 'year') {
  const format = { day: 'YYYY-MM-DD', month: 'YYYY-MM-01', year: 'YYYY-01-01' }[period];
  const rows = await database.query<{ at: string; wh: string }>(
    `select to_char(date, '${format}') as at, sum(value) as wh from ${direction}_data
     where usage_point_id = $1 and granularity = 'daily' and value is not null and value >= 0
     group by 1 order by 1`,
    [PDL],
  );
  return new Map(rows.map((row) => [midnight(row.at), String(Number(row.wh) / 1000)]));
}

/** Every historised command holds the database's values at their dates, each date once, nothing else. */
async function expectHistoriesMatchDatabase(): Promise<void> {
  for (const direction of ['consumption', 'production'] as const) {
    for (const [command, period] of [
      ['daily', 'day'],
      ['month', 'month'],
      ['year', 'year'],
    ] as const) {
      expect(historyOf(PDL_EQ, `${direction}_${command}`), `${direction}_${command}`).toEqual(
        await expectedEnergy(direction, period),
      );
    }
  }
  const tempo = await database.query<{ id: string; color: string }>(
    'select id, color from tempo_days where id <= $1 order by id',
    [today],
  );
  expect(historyOf('med_export_tempo', 'tempo_today')).toEqual(
    new Map(tempo.map((day) => [midnight(day.id), FRENCH[day.color.trim().toUpperCase()]])),
  );
}

/** The next healthy run (straight to Jeedom) delivers everything. */
async function expectRecovery(): Promise<void> {
  const result = await exportAll();
  expect(result.exitCode, result.stdout + result.stderr).toBe(0);
  expect((await lastLog(database, DESTINATION))?.status).toBe('success');
  expect((await lastLog(database, 'mqtt'))?.status).toBe('success');
  await expectHistoriesMatchDatabase();
}

async function snapshot() {
  return {
    state: await storedState(database, DESTINATION),
    rowsBefore: (await logRows(database, DESTINATION)).length,
    history: historyOf(PDL_EQ, 'consumption_daily'),
  };
}

beforeAll(async () => {
  database = await createTestDatabase();
  await generateMedData(database, {
    pdls: [DEMO_PDL],
    from: addDays(today, -30),
    to: addDays(today, -1),
    detailed: false,
    seed: 17,
    tempo: true,
    ecowatt: true,
  });
  await writtenDayByDay(database);
  publishLate = await holdBackDays(database, Object.values(LATE).flat());
  standin = await startJeedomStandin();
  broker = await createTestBroker();
  // med-export's own tables, so the first case can read them before its run.
  expect((await runCli(['migrate'], { DATABASE_URL: database.url })).exitCode).toBe(0);
});

afterEach(async () => {
  standin.clearFailures();
  await proxy?.close();
  proxy = null;
});

afterAll(async () => {
  await standin?.close();
  await broker?.close();
  await database?.close();
});

describe('Jeedom under network and server faults', () => {
  it('unreachable (closed port): error naming the address and JEEDOM_URL, nothing created, then the backfill', async () => {
    const port = await closedPort();
    const result = await exportAll({ JEEDOM_URL: `http://127.0.0.1:${port}` });
    await expectFailedRun(database, broker, DESTINATION, result, {
      rowsBefore: 0,
      status: 'error',
      message: [
        new RegExp(`cannot reach Jeedom at http://127\\.0\\.0\\.1:${port}/core/api/jeeApi\\.php`),
        /ECONNREFUSED/,
        /check JEEDOM_URL/,
      ],
    });
    expect(await storedState(database, DESTINATION)).toBeNull();
    expect(standin.equipments()).toEqual([]);
    await expectRecovery();
  });

  it('connection closed by the proxy at once: error with the address and JEEDOM_URL, state kept', async () => {
    await publishLate(LATE.refused);
    const faulty = await faultyProxy();
    faulty.mode = 'refuse';
    const before = await snapshot();
    const result = await exportAll({ JEEDOM_URL: proxiedUrl(faulty) });
    await expectFailedRun(database, broker, DESTINATION, result, {
      rowsBefore: before.rowsBefore,
      status: 'error',
      message: [new RegExp(`cannot reach Jeedom at http://127\\.0\\.0\\.1:${faulty.port}/`), /JEEDOM_URL/],
    });
    expect(faulty.connections).toBeGreaterThan(0);
    expect(await storedState(database, DESTINATION)).toEqual(before.state);
    expect(historyOf(PDL_EQ, 'consumption_daily')).toEqual(before.history);
    await expectRecovery();
  });

  it('a Jeedom that never answers: given up after JEEDOM_TIMEOUT, saying which option raises it', async () => {
    await publishLate(LATE.blackhole);
    const faulty = await faultyProxy();
    faulty.mode = 'blackhole';
    const before = await snapshot();
    const started = Date.now();
    const result = await exportAll({ JEEDOM_URL: proxiedUrl(faulty) });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
    await expectFailedRun(database, broker, DESTINATION, result, {
      rowsBefore: before.rowsBefore,
      status: 'error',
      message: [
        /did not answer version within 2 s/,
        new RegExp(`127\\.0\\.0\\.1:${faulty.port}`),
        /JEEDOM_TIMEOUT/,
      ],
    });
    expect(await storedState(database, DESTINATION)).toEqual(before.state);
    expect(historyOf(PDL_EQ, 'consumption_daily')).toEqual(before.history);
    await expectRecovery();
  });

  it('a 503 from Jeedom: not retried in the run, error with the status and where to look, then delivered', async () => {
    await publishLate(LATE.serverError);
    const before = await snapshot();
    const received = standin.requests.length;
    standin.failRequests({
      method: 'version',
      times: 1,
      mode: { kind: 'http', status: 503, body: '<h1>Service Unavailable</h1>' },
    });
    const result = await exportAll();
    await expectFailedRun(database, broker, DESTINATION, result, {
      rowsBefore: before.rowsBefore,
      status: 'error',
      message: [/Jeedom answered HTTP 503 to version/, /Service Unavailable/, /http\.error log/],
    });
    // The run stopped at the refused call: nothing sent after it, nothing sent twice.
    expect(standin.requests.slice(received).map((request) => request.method)).toEqual(['version']);
    expect(await storedState(database, DESTINATION)).toEqual(before.state);
    expect(historyOf(PDL_EQ, 'consumption_daily')).toEqual(before.history);
    await expectRecovery();
  });

  it('the token revoked after a good run: the API key refused, naming JEEDOM_API_KEY, then delivered', async () => {
    await publishLate(LATE.revoked);
    const before = await snapshot();
    const oldKey = standin.apiKey;
    // The user regenerated the core API key in Jeedom; med-export still has the old one.
    standin.setApiKey('regeneratedCoreApiKey0123456789abcdefghijklmnopq');
    const result = await exportAll({ JEEDOM_API_KEY: oldKey });
    await expectFailedRun(database, broker, DESTINATION, result, {
      rowsBefore: before.rowsBefore,
      status: 'error',
      message: [/Jeedom refused the API key/, /JEEDOM_API_KEY/],
    });
    expect(result.stdout + result.stderr).not.toContain(oldKey);
    expect(await storedState(database, DESTINATION)).toEqual(before.state);
    expect(historyOf(PDL_EQ, 'consumption_daily')).toEqual(before.history);
    // The user puts the new key in the configuration (env() reads the stand-in's current one).
    await expectRecovery();
  });

  it('the connection cut in the middle of the values: partial, what Jeedom holds is right, then completed', async () => {
    await publishLate(LATE.cut);
    const faulty = await faultyProxy();
    faulty.mode = 'cut';
    // Each value is a request of about 370 bytes, sent by up to 4 workers on their own kept-alive connections:
    // the reads before (version, equipments, commands) and a few values pass on each before the cut.
    faulty.cutAfterBytes = 2_500;
    const before = await snapshot();
    const result = await exportAll({ JEEDOM_URL: proxiedUrl(faulty) });
    const row = await expectFailedRun(database, broker, DESTINATION, result, {
      rowsBefore: before.rowsBefore,
      status: 'partial',
      message: [new RegExp(`cannot reach Jeedom at http://127\\.0\\.0\\.1:${faulty.port}/`), /acknowledged/],
    });
    expect(row.error_message).toMatch(new RegExp(`after ${row.records_exported} value\\(s\\) acknowledged`));
    const after = (await storedState(database, DESTINATION))!;
    expect(after.watermark).toEqual(before.state!.watermark);
    // Some late days arrived, not all; every point Jeedom holds is the database's value.
    let arrived = 0;
    for (const direction of ['consumption', 'production'] as const) {
      const daily = historyOf(PDL_EQ, `${direction}_daily`);
      const expected = await expectedEnergy(direction, 'day');
      arrived += LATE.cut.filter((date) => daily.has(midnight(date))).length;
      for (const [datetime, value] of daily)
        expect(value, `${direction} ${datetime}`).toBe(expected.get(datetime));
    }
    expect(arrived).toBeLessThan(2 * LATE.cut.length);
    await expectRecovery();
  });
});
