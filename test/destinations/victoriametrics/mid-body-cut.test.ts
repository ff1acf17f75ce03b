import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, parisParts } from '../../../src/domain/paris-time.js';
import { startFaultyProxy } from '../../support/faulty-proxy.js';
import { DEMO_PDL, generateMedData } from '../../support/generate-med-data.js';
import { runCli } from '../../support/run-cli.js';
import { createTestDatabase } from '../../support/test-database.js';
import type { TestDatabase } from '../../support/test-database.js';
import { expectedDaily, expectedDetailed, findSeries, samplesByTimestamp } from './expected-samples.js';
import { backendTitle, startVictoriaMetrics } from './victoria-metrics-server.js';
import type { ExportedSeries, VictoriaMetricsUnderTest } from './victoria-metrics-server.js';

/**
 * A request cut in the middle of its body: a real VictoriaMetrics stores the complete lines it received before
 * the cut (it parses a body while it streams in), though it never answered. The next run reads that batch's
 * series and span back and sends only what is missing: no sample is stored twice, none is lost.
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
  vm = await startVictoriaMetrics({ proxyUsers: [{ token: TOKEN }] });
  database = await createTestDatabase();
  await generateMedData(database, {
    pdls: [DEMO_PDL],
    from: addDays(today, -20),
    to: addDays(today, -1),
    detailed: true,
    seed: 16,
  });
}, 120_000);

afterAll(async () => {
  await vm?.close();
  await database?.close();
});

describe(`a batch cut mid-body, against ${backendTitle}`, () => {
  it('is read back by the next run, which sends only what VictoriaMetrics lacks: every sample once', async () => {
    const target = new URL(vm.proxyUrl!);
    const proxy = await startFaultyProxy({ host: target.hostname, port: Number(target.port) });
    proxy.mode = 'cut';
    // Inside the body of the fifth request (a few hundred bytes each, gzip), where a real VictoriaMetrics has
    // already stored the first 33 lines of it (found by trying cut points with this seed).
    proxy.cutAfterBytes = 3_445;
    // Both runs use the proxy's address: the same target, so the second resumes from what the first confirmed.
    const url = `http://${proxy.host}:${proxy.port}`;
    const cut = await runCli(['export', '--all'], env(url)).catch(async (error: unknown) => {
      await proxy.close();
      throw error;
    });
    expect(cut.exitCode, cut.stdout + cut.stderr).toBe(1);
    proxy.dropConnections();
    proxy.mode = 'pass';
    const [row] = await database.query<{ status: string; records_exported: number }>(
      `select status, records_exported from export_logs where destination = 'victoriametrics'`,
    );
    expect(row?.status).toBe('partial');
    // What the cut request left behind beyond what was confirmed: a real VictoriaMetrics keeps some.
    const kept = sampleCount(await readAll()) - Number(row!.records_exported);
    if (vm.kind === 'real') expect(kept).toBeGreaterThan(0);

    const next = await runCli(['export', '--all', '--force'], env(url)).finally(() => proxy.close());
    expect(next.exitCode, next.stdout + next.stderr).toBe(0);

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
  });
});
