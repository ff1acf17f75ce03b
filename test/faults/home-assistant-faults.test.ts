import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { addDays, parisParts } from '../../src/domain/paris-time.js';
import { startHomeAssistantStandin } from '../home-assistant-standin/index.js';
import type { HomeAssistantStandin } from '../home-assistant-standin/index.js';
import { expectedStatistics } from '../destinations/home_assistant/expected.js';
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
  lastLog,
  logRows,
  mqttEnv,
  storedState,
  writtenDayByDay,
} from './fault-harness.js';

/**
 * Home Assistant (statistics over the WebSocket API, entities over REST) behind a faulty TCP proxy, with the
 * MQTT destination in the same runs. Each case changes the database first, so the failed run has something to
 * deliver that the next healthy run must bring, and checks the statistics against the database (expected.ts
 * recomputes them with SQL) after that run.
 */

const DESTINATION = 'home_assistant';
const PREFIX = 'myelectricaldata';
const PDL = DEMO_PDL.usagePointId;
const today = parisParts(new Date()).date;

let database: TestDatabase;
let standin: HomeAssistantStandin;
let broker: TestBroker;
let proxy: FaultyProxy | null = null;

function env(extra: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: database.url,
    HOME_ASSISTANT_ENABLED: 'true',
    HOME_ASSISTANT_URL: standin.url,
    HOME_ASSISTANT_TOKEN: standin.options.token,
    HOME_ASSISTANT_TIMEOUT: '2',
    // Two days of hours per import message: a history of a few weeks takes dozens of them.
    HOME_ASSISTANT_CHUNK_SIZE: '48',
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

/** A correction published by Enedis after the last export: 08:00-09:00 of that day is 1.2 kWh higher. */
async function correctDay(date: string): Promise<void> {
  await database.query(
    `update consumption_data set value = value + 1200, updated_at = now()
     where usage_point_id = $1 and date = $2 and granularity = 'detailed' and interval_start in ('08:00', '08:30')`,
    [PDL, date],
  );
}

/** Every statistic holds each expected hour once, with the database's energy, and sums that never jump. */
async function expectStatisticsMatchDatabase(): Promise<void> {
  const { series } = await expectedStatistics(database, { prefix: PREFIX, pdl: PDL });
  expect(standin.statisticIds()).toEqual([...series.keys()].sort());
  for (const [id, hours] of series) {
    const rows = standin.statistics(id);
    expect(
      rows.map((row) => row.start),
      `hours of ${id}`,
    ).toEqual([...hours.keys()].sort((a, b) => a - b));
    let previous = 0;
    for (const [index, row] of rows.entries()) {
      expect(Math.abs(row.state! - hours.get(row.start)!), `${id} at row ${index}`).toBeLessThan(1.5e-6);
      expect(row.sum! - previous - row.state!, `${id} sum continuity at row ${index}`).toBeCloseTo(0, 5);
      previous = row.sum!;
    }
  }
}

/** The next healthy run (straight to Home Assistant) delivers everything: no gap, no duplicate, sums right. */
async function expectRecovery(): Promise<void> {
  const result = await exportAll();
  expect(result.exitCode, result.stdout + result.stderr).toBe(0);
  expect((await lastLog(database, DESTINATION))?.status).toBe('success');
  expect((await lastLog(database, 'mqtt'))?.status).toBe('success');
  await expectStatisticsMatchDatabase();
  expect(standin.states().get(`sensor.med_${PDL}_consumption_daily`)).toBeDefined();
}

beforeAll(async () => {
  database = await createTestDatabase();
  await generateMedData(database, {
    pdls: [DEMO_PDL],
    from: addDays(today, -30),
    to: addDays(today, -1),
    detailed: true,
    seed: 11,
    tempo: true,
    ecowatt: true,
    offers: true,
  });
  await writtenDayByDay(database);
  standin = await startHomeAssistantStandin();
  broker = await createTestBroker();
});

afterEach(async () => {
  await proxy?.close();
  proxy = null;
});

afterAll(async () => {
  await standin?.close();
  await broker?.close();
  await database?.close();
});

describe('Home Assistant under network and server faults', () => {
  it('unreachable (closed port): error naming the address, nothing stored, then the whole history', async () => {
    const port = await closedPort();
    const result = await exportAll({ HOME_ASSISTANT_URL: `http://127.0.0.1:${port}` });
    await expectFailedRun(database, broker, DESTINATION, result, {
      rowsBefore: 0,
      status: 'error',
      message: [
        new RegExp(`http://127\\.0\\.0\\.1:${port}/ refused the connection`),
        /Home Assistant running/,
      ],
    });
    expect(await storedState(database, DESTINATION)).toBeNull();
    expect(standin.statisticIds()).toEqual([]);
    await expectRecovery();
  });

  it('connection refused by the proxy: error with the address and the option to check, state kept', async () => {
    await correctDay(addDays(today, -12));
    const faulty = await faultyProxy();
    faulty.mode = 'refuse';
    const before = await storedState(database, DESTINATION);
    const rowsBefore = (await logRows(database, DESTINATION)).length;
    const result = await exportAll({ HOME_ASSISTANT_URL: proxiedUrl(faulty) });
    await expectFailedRun(database, broker, DESTINATION, result, {
      rowsBefore,
      status: 'error',
      message: [new RegExp(`http://127\\.0\\.0\\.1:${faulty.port}/`), /HOME_ASSISTANT_URL/],
    });
    expect(faulty.connections).toBeGreaterThan(0);
    expect(await storedState(database, DESTINATION)).toEqual(before);
    await expectRecovery();
  });

  it('a Home Assistant that never answers: "timed out" after HOME_ASSISTANT_TIMEOUT, state kept', async () => {
    await correctDay(addDays(today, -9));
    const faulty = await faultyProxy();
    faulty.mode = 'blackhole';
    const before = await storedState(database, DESTINATION);
    const rowsBefore = (await logRows(database, DESTINATION)).length;
    const started = Date.now();
    const result = await exportAll({ HOME_ASSISTANT_URL: proxiedUrl(faulty) });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
    await expectFailedRun(database, broker, DESTINATION, result, {
      rowsBefore,
      status: 'error',
      message: [/timed out/, new RegExp(`127\\.0\\.0\\.1:${faulty.port}`)],
    });
    expect(await storedState(database, DESTINATION)).toEqual(before);
    await expectRecovery();
  });

  it('an import refused by Home Assistant (server error): no retry, error row, the next run delivers', async () => {
    await correctDay(addDays(today, -20));
    const before = await storedState(database, DESTINATION);
    const rowsBefore = (await logRows(database, DESTINATION)).length;
    const accepted = standin.acceptedImports();
    // The recorder fails the first import of the run (as when its database is locked).
    standin.failNextImports(1, 'Error while importing statistics: database is locked');
    const result = await exportAll();
    await expectFailedRun(database, broker, DESTINATION, result, {
      rowsBefore,
      status: 'error',
      message: [/database is locked/, new RegExp(`importing ${PREFIX}:\\w+`)],
    });
    // A refused import is not sent again in the same run: the run stops and the next one resumes.
    expect(standin.acceptedImports()).toBe(accepted);
    expect(await storedState(database, DESTINATION)).toEqual(before);
    await expectRecovery();
  });

  it('the connection cut in the middle of the imports: partial, only confirmed hours recorded, then resumed', async () => {
    await correctDay(addDays(today, -25));
    const faulty = await faultyProxy();
    faulty.mode = 'cut';
    // The handshake, the sum look-ups and a few import messages (about 4 kB each) get through.
    faulty.cutAfterBytes = 30_000;
    const before = (await storedState(database, DESTINATION))!;
    const rowsBefore = (await logRows(database, DESTINATION)).length;
    const accepted = standin.acceptedImports();
    const result = await exportAll({ HOME_ASSISTANT_URL: proxiedUrl(faulty) });
    const row = await expectFailedRun(database, broker, DESTINATION, result, {
      rowsBefore,
      status: 'partial',
      message: [/closed the WebSocket connection/, /importing myelectricaldata:/],
    });
    expect(standin.acceptedImports()).toBeGreaterThan(accepted);

    const after = (await storedState(database, DESTINATION))!;
    expect(after.watermark).toEqual(before.watermark);
    // Each statistic's "confirmed through" hour is one Home Assistant really holds, never beyond its last one.
    const through = after.state.statistics as Record<string, string>;
    let moved = 0;
    for (const [id, hour] of Object.entries(through)) {
      const rows = standin.statistics(id);
      expect(rows.some((stored) => stored.start === Date.parse(hour))).toBe(true);
      expect(Date.parse(hour)).toBeLessThanOrEqual(rows.at(-1)!.start);
      if (hour !== (before.state.statistics as Record<string, string>)[id]) moved += 1;
    }
    expect(moved).toBeGreaterThan(0);
    expect(Number(row.records_exported)).toBeGreaterThan(0);
    await expectRecovery();
  });

  it('the token revoked after a good run: error saying which option to fix, state kept, then delivered', async () => {
    await correctDay(addDays(today, -5));
    const before = await storedState(database, DESTINATION);
    const rowsBefore = (await logRows(database, DESTINATION)).length;
    const oldToken = standin.options.token;
    standin.options.token = 'a-new-long-lived-token';
    const result = await exportAll({ HOME_ASSISTANT_TOKEN: oldToken });
    await expectFailedRun(database, broker, DESTINATION, result, {
      rowsBefore,
      status: 'error',
      message: [/refused the token/, /HOME_ASSISTANT_TOKEN/],
    });
    expect(result.stdout + result.stderr).not.toContain(oldToken);
    expect(await storedState(database, DESTINATION)).toEqual(before);
    // The user puts the new token in the configuration (env() reads the stand-in's current one).
    await expectRecovery();
  });
});
