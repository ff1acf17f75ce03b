import { createServer, request as httpRequest } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { addDays, parisParts } from '../../../src/domain/paris-time.js';
import { startFaultyProxy } from '../../support/faulty-proxy.js';
import { forwardRequest } from '../../support/forward-request.js';
import { DEMO_PDL, generateMedData } from '../../support/generate-med-data.js';
import { runCli } from '../../support/run-cli.js';
import { createTestDatabase } from '../../support/test-database.js';
import type { TestDatabase } from '../../support/test-database.js';
import { expectedDaily, expectedDetailed, findSeries, samplesByTimestamp } from './expected-samples.js';
import { backendTitle, startVictoriaMetrics } from './victoria-metrics-server.js';
import type { ExportedSeries, VictoriaMetricsUnderTest } from './victoria-metrics-server.js';

/**
 * A request cut in the middle of its body: a real VictoriaMetrics stores the complete lines it received before
 * the cut (it parses a body while it streams in), though it never answered; or a request stored whole whose
 * answer was lost. The next run reads that batch's series and span back and sends only what is missing: no
 * sample is stored twice (VictoriaMetrics keeps a sample sent twice twice), none is lost.
 */

const PDL = DEMO_PDL.usagePointId;
const TOKEN = 'writer-token-for-med-export';
const today = parisParts(new Date()).date;

let database: TestDatabase;
let vm: VictoriaMetricsUnderTest;

const env = (url: string) => ({
  DATABASE_URL: database.url,
  VICTORIAMETRICS_ENABLED: 'true',
  VICTORIAMETRICS_URL: url,
  VICTORIAMETRICS_TOKEN: TOKEN,
  VICTORIAMETRICS_TIMEOUT: '5',
  // About a day of load curve per request, so the cut falls inside one of many requests.
  VICTORIAMETRICS_BATCH_SIZE: '40',
  VICTORIAMETRICS_EXPORT_DATA: 'consumption_daily,consumption_detailed,production_daily,production_detailed',
});

const readAll = (): Promise<ExportedSeries[]> => vm.exportSeries('{__name__=~"myelectricaldata_.*"}');
const sampleCount = (all: readonly ExportedSeries[]) =>
  all.reduce((total, series) => total + series.timestamps.length, 0);

beforeAll(async () => {
  database = await createTestDatabase();
  await generateMedData(database, {
    pdls: [DEMO_PDL],
    from: addDays(today, -20),
    to: addDays(today, -1),
    detailed: true,
    seed: 16,
  });
}, 120_000);

beforeEach(async () => {
  vm = await startVictoriaMetrics({ proxyUsers: [{ token: TOKEN }] });
  // Each case starts from a fresh server and no state (the tables exist once a run migrated the database).
  await database.query(
    `do $$ begin if to_regclass('export_logs') is not null then delete from export_logs; delete from export_state; end if; end $$`,
  );
});

afterEach(async () => {
  await vm?.close();
});

afterAll(async () => {
  await database?.close();
});

/**
 * An export through `url`, which fails it; then, once `heal` made `url` healthy, another one through the same
 * address (the same target, so it resumes from what the first kept). Returns the first run's log row and how many
 * samples VictoriaMetrics held beyond those it confirmed.
 */
async function failThenResume(url: string, heal: () => void) {
  const failed = await runCli(['export', '--all'], env(url));
  expect(failed.exitCode, failed.stdout + failed.stderr).toBe(1);
  heal();
  const [row] = await database.query<{ status: string; records_exported: number }>(
    `select status, records_exported from export_logs where destination = 'victoriametrics'`,
  );
  const kept = sampleCount(await readAll()) - Number(row!.records_exported);
  const next = await runCli(['export', '--all', '--force'], env(url));
  expect(next.exitCode, next.stdout + next.stderr).toBe(0);
  return { row: row!, kept };
}

/** Forwards to `target`, but ends the connection of the first import once VictoriaMetrics answered it. */
async function answerLosingProxy(target: string) {
  let imports = 0;
  const server: Server = createServer((incoming, outgoing) => {
    if (incoming.url?.includes('/api/v1/import') && ++imports === 1) {
      const forwarded = httpRequest(
        `${target}${incoming.url}`,
        { method: incoming.method, headers: incoming.headers },
        (answer) => {
          answer.resume();
          outgoing.destroy();
        },
      );
      forwarded.on('error', () => outgoing.destroy());
      incoming.pipe(forwarded);
      return;
    }
    forwardRequest(target, incoming, outgoing);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** VictoriaMetrics holds every sample of the history exactly once. */
async function expectEverySampleOnce(): Promise<void> {
  const all = await readAll();
  for (const direction of ['consumption', 'production'] as const) {
    for (const [type, expected] of [
      ['daily', await expectedDaily(database, direction, PDL)],
      ['detailed', await expectedDetailed(database, direction, PDL)],
    ] as const) {
      const stored = samplesByTimestamp(
        findSeries(all, { __name__: `myelectricaldata_${direction}_wh`, pdl: PDL, type }),
      );
      expect([...stored.keys()].sort(), `${direction} ${type}`).toEqual([...expected.keys()].sort());
      for (const [timestamp, values] of stored) {
        expect(values, `${direction} ${type} at ${new Date(timestamp).toISOString()}`).toEqual([
          expected.get(timestamp),
        ]);
      }
    }
  }
}

describe(`a batch cut mid-body, against ${backendTitle}`, () => {
  it('is read back by the next run, which sends only what VictoriaMetrics lacks: every sample once', async () => {
    const target = new URL(vm.proxyUrl!);
    const proxy = await startFaultyProxy({ host: target.hostname, port: Number(target.port) });
    proxy.mode = 'cut';
    // Inside the body of the fifth request (a few hundred bytes each, gzip), where a real VictoriaMetrics has
    // already stored the first 33 lines of it (found by trying cut points with this seed).
    proxy.cutAfterBytes = 3_445;
    const { row, kept } = await failThenResume(`http://${proxy.host}:${proxy.port}`, () => {
      proxy.dropConnections();
      proxy.mode = 'pass';
    }).finally(() => proxy.close());
    expect(row.status).toBe('partial');
    // What the cut request left behind beyond what was confirmed: a real VictoriaMetrics keeps some.
    if (vm.kind === 'real') expect(kept).toBeGreaterThan(0);
    await expectEverySampleOnce();
  });

  it('the answer to the first request lost: nothing confirmed, and what it stored is not sent twice', async () => {
    const proxy = await answerLosingProxy(vm.proxyUrl!);
    const { row, kept } = await failThenResume(proxy.url, () => {}).finally(() => proxy.close());
    expect(row).toMatchObject({ status: 'error', records_exported: 0 });
    expect(kept).toBeGreaterThan(0);
    await expectEverySampleOnce();
  });
});
