import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { addDays, parisParts } from '../../src/domain/paris-time.js';
import {
  expectedDaily,
  expectedDetailed,
  expectedEcowatt,
  expectedTempo,
  findSeries,
  samplesByTimestamp,
} from '../destinations/victoriametrics/expected-samples.js';
import {
  backendTitle,
  startVictoriaMetrics,
} from '../destinations/victoriametrics/victoria-metrics-server.js';
import type {
  ExportedSeries,
  VictoriaMetricsUnderTest,
} from '../destinations/victoriametrics/victoria-metrics-server.js';
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
  startHttpGate,
  storedState,
  writtenDayByDay,
} from './fault-harness.js';

/**
 * VictoriaMetrics (behind vmauth with a bearer token) behind a faulty TCP proxy or a 5xx gate, with the MQTT
 * destination in the same runs. Before each case some days are "published late" (their rows inserted now), so
 * the failed run has samples to deliver that the next healthy run must bring; afterwards every sample the
 * database implies is stored exactly once, with its value.
 *
 * The monthly totals are left out: the current month's total is re-sent by design whenever a day of it changes
 * (docs/victoriametrics.md, "Corrections and deduplication"), so they cannot be "exactly once".
 */

const DESTINATION = 'victoriametrics';
const PDL = DEMO_PDL.usagePointId;
const TOKEN = 'writer-token-for-med-export';
const today = parisParts(new Date()).date;
/** VictoriaMetrics drops samples too far ahead; the destination holds EcoWatt days back until then. */
const FUTURE_MARGIN_MS = 36 * 3_600_000;

const LATE = {
  refused: [addDays(today, -4)],
  blackhole: [addDays(today, -6)],
  serverError: [addDays(today, -8)],
  cut: [-20, -19, -18, -17, -16].map((days) => addDays(today, days)),
  revoked: [addDays(today, -10)],
};

let database: TestDatabase;
let vm: VictoriaMetricsUnderTest;
let writeUrl: string;
let broker: TestBroker;
let proxy: FaultyProxy | null = null;
/** Puts days held back at the start into the database, as published late (updated_at now). */
let publishLate: (dates: readonly string[]) => Promise<void>;

function env(extra: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: database.url,
    VICTORIAMETRICS_ENABLED: 'true',
    VICTORIAMETRICS_URL: writeUrl,
    VICTORIAMETRICS_TOKEN: TOKEN,
    VICTORIAMETRICS_TIMEOUT: '2',
    // About a day of load curve per request: a stream of several days takes several requests.
    VICTORIAMETRICS_BATCH_SIZE: '40',
    VICTORIAMETRICS_EXPORT_DATA:
      'consumption_daily,consumption_detailed,production_daily,production_detailed,tempo,ecowatt',
    ...mqttEnv(broker),
    ...extra,
  };
}

const exportAll = (extra: Record<string, string> = {}) => runCli(['export', '--all', '--force'], env(extra));

/** A fresh proxy per case: a kept-alive connection of an earlier case must not dodge this one's fault. */
async function faultyProxy(): Promise<FaultyProxy> {
  const target = new URL(writeUrl);
  proxy = await startFaultyProxy({ host: target.hostname, port: Number(target.port) });
  return proxy;
}

const proxiedUrl = (faulty: FaultyProxy) => `http://${faulty.host}:${faulty.port}`;

const readAll = (): Promise<ExportedSeries[]> => vm.exportSeries('{__name__=~"myelectricaldata_.*"}');
const sampleCount = (all: readonly ExportedSeries[]) =>
  all.reduce((total, series) => total + series.timestamps.length, 0);

/**
 * A stored series holds every expected timestamp with the expected value, and nothing else; returns how many
 * extra copies (same timestamp, same value) it holds.
 */
function expectSeries(
  series: ExportedSeries | undefined,
  expected: Map<number, number>,
  what: string,
): number {
  const stored = samplesByTimestamp(series);
  expect([...stored.keys()].sort(), what).toEqual([...expected.keys()].sort());
  let copies = 0;
  for (const [timestamp, values] of stored) {
    expect(values, `${what} at ${new Date(timestamp).toISOString()}`).toEqual(
      values.map(() => expected.get(timestamp)),
    );
    copies += values.length - 1;
  }
  return copies;
}

/**
 * Every sample the database implies is stored, once: no gap, no duplicate, except `copies` samples a real
 * VictoriaMetrics kept from a request that was cut (see the last case).
 */
async function expectEverySampleOnce(copies = 0): Promise<void> {
  const all = await readAll();
  let found = 0;
  for (const direction of ['consumption', 'production'] as const) {
    for (const [type, expected] of [
      ['daily', await expectedDaily(database, direction, PDL)],
      ['detailed', await expectedDetailed(database, direction, PDL)],
    ] as const) {
      const series = findSeries(all, { __name__: `myelectricaldata_${direction}_wh`, pdl: PDL, type });
      found += expectSeries(series, expected, `${direction} ${type}`);
    }
  }
  const tempo = await expectedTempo(database);
  for (const [color, code] of [
    ['BLEU', 'BLUE'],
    ['BLANC', 'WHITE'],
    ['ROUGE', 'RED'],
  ] as const) {
    found += expectSeries(
      findSeries(all, { __name__: 'myelectricaldata_tempo_color', color }),
      new Map([...tempo].map(([at, dayColor]) => [at, dayColor === code ? 1 : 0])),
      `tempo ${color}`,
    );
  }
  const ecowatt = await expectedEcowatt(database, Date.now() + FUTURE_MARGIN_MS);
  for (const [name, expected] of [
    ['myelectricaldata_ecowatt_level', ecowatt.hours],
    ['myelectricaldata_ecowatt_day_level', ecowatt.days],
  ] as const) {
    found += expectSeries(findSeries(all, { __name__: name, region: 'france' }), expected, name);
  }
  expect(found, 'samples stored twice').toBe(copies);
}

/** The next healthy run (straight to vmauth) delivers everything, once. */
async function expectRecovery(copies = 0): Promise<void> {
  const result = await exportAll();
  expect(result.exitCode, result.stdout + result.stderr).toBe(0);
  expect((await lastLog(database, DESTINATION))?.status).toBe('success');
  expect((await lastLog(database, 'mqtt'))?.status).toBe('success');
  await expectEverySampleOnce(copies);
}

/** An `error` run stored nothing and left the state as it was. */
async function expectNothingStored(before: { samples: number; state: unknown }): Promise<void> {
  expect(sampleCount(await readAll())).toBe(before.samples);
  expect(await storedState(database, DESTINATION)).toEqual(before.state);
}

async function snapshot() {
  return {
    samples: sampleCount(await readAll()),
    state: await storedState(database, DESTINATION),
    rowsBefore: (await logRows(database, DESTINATION)).length,
  };
}

beforeAll(async () => {
  vm = await startVictoriaMetrics({ proxyUsers: [{ token: TOKEN }] });
  writeUrl = vm.proxyUrl!;
  database = await createTestDatabase();
  await generateMedData(database, {
    pdls: [DEMO_PDL],
    from: addDays(today, -30),
    to: addDays(today, -1),
    detailed: true,
    seed: 13,
    tempo: true,
    ecowatt: true,
  });
  await writtenDayByDay(database);
  publishLate = await holdBackDays(database, Object.values(LATE).flat());
  broker = await createTestBroker();
  // med-export's own tables, so the first case can read them before its run.
  expect((await runCli(['migrate'], { DATABASE_URL: database.url })).exitCode).toBe(0);
}, 120_000);

afterEach(async () => {
  await proxy?.close();
  proxy = null;
});

afterAll(async () => {
  await vm?.close();
  await broker?.close();
  await database?.close();
});

describe(`VictoriaMetrics under network and server faults, against ${backendTitle}`, () => {
  it('unreachable (closed port): "connection refused" with the URL, nothing stored, then the backfill', async () => {
    const port = await closedPort();
    const before = await snapshot();
    const result = await exportAll({ VICTORIAMETRICS_URL: `http://127.0.0.1:${port}` });
    await expectFailedRun(database, broker, DESTINATION, result, {
      rowsBefore: before.rowsBefore,
      status: 'error',
      message: [
        new RegExp(`cannot reach http://127\\.0\\.0\\.1:${port}/api/v1/import/prometheus`),
        /connection refused \(is VictoriaMetrics running/,
      ],
    });
    expect(before.state).toBeNull();
    await expectNothingStored(before);
    await expectRecovery();
  });

  it('connection closed by the proxy at once: error with the URL and what to check, state kept', async () => {
    await publishLate(LATE.refused);
    const faulty = await faultyProxy();
    faulty.mode = 'refuse';
    const before = await snapshot();
    const result = await exportAll({ VICTORIAMETRICS_URL: proxiedUrl(faulty) });
    await expectFailedRun(database, broker, DESTINATION, result, {
      rowsBefore: before.rowsBefore,
      status: 'error',
      message: [new RegExp(`cannot reach http://127\\.0\\.0\\.1:${faulty.port}/`), /connection reset/],
    });
    expect(faulty.connections).toBeGreaterThan(0);
    await expectNothingStored(before);
    await expectRecovery();
  });

  it('a server that never answers: given up after VICTORIAMETRICS_TIMEOUT, state kept', async () => {
    await publishLate(LATE.blackhole);
    const faulty = await faultyProxy();
    faulty.mode = 'blackhole';
    const before = await snapshot();
    const started = Date.now();
    const result = await exportAll({ VICTORIAMETRICS_URL: proxiedUrl(faulty) });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
    await expectFailedRun(database, broker, DESTINATION, result, {
      rowsBefore: before.rowsBefore,
      status: 'error',
      message: [new RegExp(`127\\.0\\.0\\.1:${faulty.port}`), /no answer within 2000 ms/],
    });
    await expectNothingStored(before);
    await expectRecovery();
  });

  it('a 502 from the reverse proxy: not retried in the run, error with the status, the next run delivers', async () => {
    await publishLate(LATE.serverError);
    const gate = await startHttpGate(writeUrl, {
      path: /\/api\/v1\/import/,
      status: 502,
      body: '<html><body><h1>502 Bad Gateway</h1></body></html>',
    });
    try {
      // Only the first import fails: a transient outage.
      gate.failing = (index) => index === 1;
      const before = await snapshot();
      const result = await exportAll({ VICTORIAMETRICS_URL: gate.url });
      await expectFailedRun(database, broker, DESTINATION, result, {
        rowsBefore: before.rowsBefore,
        status: 'error',
        message: [/accepted nothing/, new RegExp(`HTTP 502 from ${gate.url}/api/v1/import/prometheus`)],
      });
      // The run stops at the refused batch: no resend, nothing after it.
      expect(gate.matched).toBe(1);
      await expectNothingStored(before);
    } finally {
      await gate.close();
    }
    await expectRecovery();
  });

  it('the token revoked after a good run: refused, naming the option to fix, nothing stored, then delivered', async () => {
    await publishLate(LATE.revoked);
    const before = await snapshot();
    const result = await exportAll({ VICTORIAMETRICS_TOKEN: 'revoked-token-of-last-year' });
    await expectFailedRun(database, broker, DESTINATION, result, {
      rowsBefore: before.rowsBefore,
      status: 'error',
      // 401, or 400 "cannot find the provided auth token" from older vmauth (Debian 12's)
      message: [
        /HTTP 40[01]/,
        /credentials missing or rejected/,
        /VICTORIAMETRICS_TOKEN/,
        new RegExp(writeUrl),
      ],
    });
    expect(result.stdout + result.stderr).not.toContain('revoked-token-of-last-year');
    await expectNothingStored(before);
    await expectRecovery();
  });

  it('the connection cut in the middle of a stream: partial, the accepted days not sent twice afterwards', async () => {
    await publishLate(LATE.cut);
    const faulty = await faultyProxy();
    faulty.mode = 'cut';
    // Tempo's counts and the consumption days go first, then the late days' load curve, one day per request
    // (about 750 bytes each): the cut falls among those requests.
    faulty.cutAfterBytes = 3_300;
    const before = await snapshot();
    const result = await exportAll({ VICTORIAMETRICS_URL: proxiedUrl(faulty) });
    const row = await expectFailedRun(database, broker, DESTINATION, result, {
      rowsBefore: before.rowsBefore,
      status: 'partial',
      message: [
        /stopped accepting samples after \d+/,
        new RegExp(`cannot reach http://127\\.0\\.0\\.1:${faulty.port}/`),
        /connection reset/,
      ],
    });
    // Some, not all, of the late days' load curve went through before the cut.
    const accepted = (row.details['samples'] as Record<string, number>)['consumption_detailed'] ?? 0;
    expect(accepted).toBeGreaterThan(0);
    expect(accepted).toBeLessThan(LATE.cut.length * 48);
    expect((await storedState(database, DESTINATION))!.watermark).toEqual(before.state!.watermark);

    // VictoriaMetrics holds what the log counts. A real one may also keep the complete lines of the request
    // that was cut (it ingests a body while it streams in): at most that one request, never confirmed.
    const kept = sampleCount(await readAll()) - before.samples - Number(row.records_exported);
    expect(kept).toBeGreaterThanOrEqual(0);
    expect(kept).toBeLessThanOrEqual(48);
    if (vm.kind === 'fallback') expect(kept).toBe(0);
    // Those are the only samples the next run stores a second time (same value): the days accepted before
    // the cut are not sent again.
    await expectRecovery(kept);
  });
});
