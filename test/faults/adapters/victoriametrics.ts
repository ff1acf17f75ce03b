import { expect } from 'vitest';
import {
  expectedDaily,
  expectedDetailed,
  expectedEcowatt,
  expectedTempo,
  findSeries,
  samplesByTimestamp,
} from '../../destinations/victoriametrics/expected-samples.js';
import {
  backendTitle,
  startVictoriaMetrics,
} from '../../destinations/victoriametrics/victoria-metrics-server.js';
import type { ExportedSeries } from '../../destinations/victoriametrics/victoria-metrics-server.js';
import { DEMO_PDL } from '../../support/generate-med-data.js';
import { holdBackDaysOf, startHttpGate } from '../fault-harness.js';
import type { FaultAdapter, LaterFault } from '../fault-suite.js';

/**
 * VictoriaMetrics behind vmauth with a bearer token. Before each case some days are "published late" (their
 * rows inserted now); afterwards every sample the database implies is stored exactly once, with its value.
 *
 * The monthly totals are left out: the current month's total is re-sent by design whenever a day of it changes
 * (docs/victoriametrics.md, "Corrections and deduplication"), so they cannot be "exactly once".
 */

const PDL = DEMO_PDL.usagePointId;
const TOKEN = 'writer-token-for-med-export';
const REVOKED_TOKEN = 'revoked-token-of-last-year';
/** VictoriaMetrics drops samples too far ahead; the destination holds EcoWatt days back until then. */
const FUTURE_MARGIN_MS = 36 * 3_600_000;

/** The days each case publishes late, in days before today. */
const LATE: Record<LaterFault, number[]> = {
  refused: [-4],
  neverAnswers: [-6],
  serverError: [-8],
  revoked: [-10],
  cut: [-20, -19, -18, -17, -16],
};

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

export const victoriaMetricsFaults: FaultAdapter = {
  id: 'victoriametrics',
  title: `VictoriaMetrics, against ${backendTitle},`,
  envPrefix: 'VICTORIAMETRICS',
  unconfirmedStateKeys: ['uncertain', 'uncertainSentAt'],
  data: { detailed: true, seed: 13, tempo: true, ecowatt: true },

  async start({ database, today }) {
    const deliverLater = await holdBackDaysOf(database, today, LATE);
    const vm = await startVictoriaMetrics({ proxyUsers: [{ token: TOKEN }] });
    const writeUrl = vm.proxyUrl!;
    const readAll = (): Promise<ExportedSeries[]> => vm.exportSeries('{__name__=~"myelectricaldata_.*"}');

    return {
      url: writeUrl,
      env: () => ({
        VICTORIAMETRICS_TOKEN: TOKEN,
        // About a day of load curve per request: a stream of several days takes several requests.
        VICTORIAMETRICS_BATCH_SIZE: '40',
        VICTORIAMETRICS_EXPORT_DATA:
          'consumption_daily,consumption_detailed,production_daily,production_detailed,tempo,ecowatt',
      }),
      deliverLater,
      stored: async () => sampleCount(await readAll()),

      /**
       * Every sample the database implies is stored, once: no gap, no duplicate, except `copies` samples a real
       * VictoriaMetrics kept from a request that was cut (see the cut case).
       */
      async expectAllDelivered(copies) {
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
      },

      messages: {
        unreachable: (port) => [
          new RegExp(`cannot reach http://127\\.0\\.0\\.1:${port}/api/v1/import/prometheus`),
          /connection refused \(is VictoriaMetrics running/,
        ],
        refused: (port) => [new RegExp(`cannot reach http://127\\.0\\.0\\.1:${port}/`), /connection reset/],
        neverAnswers: (port) => [new RegExp(`127\\.0\\.0\\.1:${port}`), /no answer within 2000 ms/],
      },

      async serverError() {
        const gate = await startHttpGate(writeUrl, {
          path: /\/api\/v1\/import/,
          status: 502,
          body: '<html><body><h1>502 Bad Gateway</h1></body></html>',
        });
        // Only the first import fails: a transient outage of the reverse proxy.
        gate.failing = (index) => index === 1;
        return {
          env: { VICTORIAMETRICS_URL: gate.url },
          message: [/accepted nothing/, new RegExp(`HTTP 502 from ${gate.url}/api/v1/import/prometheus`)],
          expectNotRetried: () => expect(gate.matched).toBe(1),
          close: () => gate.close(),
        };
      },

      revokeCredentials: (url) => ({
        env: { VICTORIAMETRICS_TOKEN: REVOKED_TOKEN },
        secret: REVOKED_TOKEN,
        // 401, or 400 "cannot find the provided auth token" from older vmauth (Debian 12's)
        message: [/HTTP 40[01]/, /credentials missing or rejected/, /VICTORIAMETRICS_TOKEN/, new RegExp(url)],
      }),

      cut: {
        // Tempo's counts and the consumption days go first, then the late days' load curve, one day per
        // request (about 750 bytes each): the cut falls among those requests.
        afterBytes: 3_300,
        message: (port) => [
          /stopped accepting samples after \d+/,
          new RegExp(`cannot reach http://127\\.0\\.0\\.1:${port}/`),
          /connection reset/,
        ],
        async expectPartial(row, before) {
          // Some, not all, of the late days' load curve went through before the cut.
          const accepted = (row.details['samples'] as Record<string, number>)['consumption_detailed'] ?? 0;
          expect(accepted).toBeGreaterThan(0);
          expect(accepted).toBeLessThan(LATE.cut.length * 48);
          // VictoriaMetrics holds what the log counts. A real one may also keep the complete lines of the
          // request that was cut (it ingests a body while it streams in): at most that one request, never
          // confirmed. The next run reads that request's span back and sends only what is missing, so no
          // sample is stored twice (issue 16); the days accepted before the cut are not sent again.
          const kept =
            sampleCount(await readAll()) - (before.stored as number) - Number(row.records_exported);
          expect(kept).toBeGreaterThanOrEqual(0);
          expect(kept).toBeLessThanOrEqual(48);
          if (vm.kind === 'fallback') expect(kept).toBe(0);
          return 0;
        },
      },

      close: () => vm.close(),
    };
  },
};
