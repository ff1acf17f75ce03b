import { expect } from 'vitest';
import {
  byInstant,
  expectClose,
  expectedDaily,
  expectedDetailed,
  expectedMonthly,
} from '../../destinations/influxdb/export-suite.js';
import type { StoredRow } from '../../destinations/influxdb/backends.js';
import {
  backendTitle,
  influxdbAvailable,
  startInfluxdb,
} from '../../destinations/influxdb/influxdb-server.js';
import type { InfluxUnderTest } from '../../destinations/influxdb/influxdb-server.js';
import { expectedEcowatt, expectedTempo } from '../../destinations/victoriametrics/expected-samples.js';
import { DEMO_PDL } from '../../support/generate-med-data.js';
import type { TestDatabase } from '../../support/test-database.js';
import { holdBackDaysOf, startHttpGate } from '../fault-harness.js';
import type { FaultAdapter, LaterFault } from '../fault-suite.js';

/**
 * A real InfluxDB 1.x with `auth-enabled`, written to by a user of its own. Before each case some days are
 * "published late" (their rows inserted now); afterwards every point the database implies is stored at its
 * instant with its values (the export suite's SQL expectations), and nothing else. InfluxDB keeps one point per
 * series and instant (a re-sent point is written over: "Duplicate points" in the line-protocol reference), so a
 * batch sent again after a cut is never stored twice; the checks still fail on an instant found twice under the
 * same tags (byInstant), e.g. a point written under another tag set.
 */

const PDL = DEMO_PDL.usagePointId;
const DATABASE = 'myelectricaldata';
const ADMIN = { username: 'admin', password: 'admin-password-of-the-tests' };
const WRITER = 'med_export';
const REVOKED_PASSWORD = 'password-of-last-year';
const CURRENT_PASSWORD = 'password-after-the-rotation';
const MEASUREMENTS = ['consumption', 'production', 'monthly', 'tempo', 'ecowatt'] as const;
const COLOR_NAMES: Record<string, string> = { BLUE: 'BLEU', WHITE: 'BLANC', RED: 'ROUGE' };
const COLOR_CODES: Record<string, number> = { BLUE: 1, WHITE: 2, RED: 3 };

/** The days each case publishes late, in days before today. */
const LATE: Record<LaterFault, number[]> = {
  refused: [-4],
  neverAnswers: [-6],
  serverError: [-8],
  revoked: [-10],
  cut: [-20, -19, -18, -17, -16],
};

/** Every point of a measurement as `SELECT *` returns it (tags and fields as columns), in time order. */
async function pointsOf(server: InfluxUnderTest, measurement: string): Promise<StoredRow[]> {
  const series = (await server.query(`SELECT * FROM "${measurement}"`, DATABASE)).series?.[0];
  return (series?.values ?? []).map((row) => {
    const values: Record<string, string | number> = {};
    series!.columns.forEach((column, index) => {
      const value = row[index];
      if (column !== 'time' && (typeof value === 'string' || typeof value === 'number'))
        values[column] = value;
    });
    return { timestampMs: Number(row[0]), values };
  });
}

async function storedPoints(server: InfluxUnderTest): Promise<Record<string, StoredRow[]>> {
  const all: Record<string, StoredRow[]> = {};
  for (const measurement of MEASUREMENTS) all[measurement] = await pointsOf(server, measurement);
  return all;
}

/** Every energy point stored (all of them, or only those of a partial run) has the database's values. */
async function expectEnergy(
  database: TestDatabase,
  stored: Record<string, StoredRow[]>,
  complete: boolean,
): Promise<void> {
  const matches = (actual: Map<number, unknown>, expected: Map<number, number>, what: string) => {
    if (complete) return expectClose(actual, expected);
    for (const [at, value] of actual) {
      expect(expected.has(at), `${what} at ${new Date(at).toISOString()}`).toBe(true);
      expect(Math.abs(Number(value) - expected.get(at)!)).toBeLessThanOrEqual(
        Math.abs(value as number) * 1e-12,
      );
    }
  };
  for (const direction of ['consumption', 'production'] as const) {
    const rows = stored[direction]!;
    matches(
      byInstant(rows, { pdl: PDL, granularity: 'daily' }, 'energy_wh'),
      await expectedDaily(database, direction),
      `${direction} daily`,
    );
    const detailed = await expectedDetailed(database, direction);
    for (const [field, of] of [
      ['energy_wh', (value: { wh: number; w: number }) => value.wh],
      ['power_w', (value: { wh: number; w: number }) => value.w],
    ] as const) {
      matches(
        byInstant(rows, { pdl: PDL, granularity: 'detailed' }, field),
        new Map([...detailed].map(([at, value]) => [at, of(value)])),
        `${direction} detailed ${field}`,
      );
    }
  }
}

export const influxdbFaults: FaultAdapter = {
  id: 'influxdb',
  title: `InfluxDB, against ${backendTitle},`,
  envPrefix: 'INFLUXDB',
  unconfirmedStateKeys: ['uncertain', 'uncertainSentAt'],
  available: influxdbAvailable,
  data: { detailed: true, seed: 14, tempo: true, ecowatt: true },

  async start({ database, today }) {
    const holdBack = await holdBackDaysOf(database, today, LATE);
    const server = await startInfluxdb({
      admin: ADMIN,
      databases: [DATABASE],
      users: [
        {
          username: WRITER,
          password: REVOKED_PASSWORD,
          grants: [{ database: DATABASE, privilege: 'WRITE' }],
        },
      ],
    });
    let password = REVOKED_PASSWORD;

    return {
      url: server.url,
      env: () => ({
        INFLUXDB_DATABASE: DATABASE,
        INFLUXDB_USERNAME: WRITER,
        INFLUXDB_PASSWORD: password,
        // About a day of one direction's load curve (energy and power) per request.
        INFLUXDB_BATCH_SIZE: '96',
        INFLUXDB_EXPORT_DATA:
          'consumption_daily,consumption_monthly,consumption_detailed,production_daily,production_monthly,production_detailed,tempo,ecowatt',
      }),

      async deliverLater(fault) {
        await holdBack(fault);
        if (fault === 'revoked') {
          // The administrator rotates the password between two runs; the configuration still has the old one.
          password = CURRENT_PASSWORD;
          await server.query(`SET PASSWORD FOR "${WRITER}" = '${CURRENT_PASSWORD}'`);
        }
      },

      stored: () => storedPoints(server),

      async expectAllDelivered(copies) {
        // InfluxDB holds one point per series and instant: a point sent twice is written over, never kept twice.
        expect(copies).toBe(0);
        const stored = await storedPoints(server);
        await expectEnergy(database, stored, true);
        for (const direction of ['consumption', 'production'] as const) {
          expect(byInstant(stored['monthly']!, { pdl: PDL, direction }, 'energy_wh')).toEqual(
            await expectedMonthly(database, direction),
          );
        }
        const tempoDays = await expectedTempo(database);
        expect(byInstant(stored['tempo']!, {}, 'color')).toEqual(
          new Map([...tempoDays].map(([at, color]) => [at, COLOR_NAMES[color]])),
        );
        expect(byInstant(stored['tempo']!, {}, 'code')).toEqual(
          new Map([...tempoDays].map(([at, color]) => [at, COLOR_CODES[color]])),
        );
        const ecowatt = await expectedEcowatt(database, Number.POSITIVE_INFINITY);
        expect(byInstant(stored['ecowatt']!, { granularity: 'hourly' }, 'level')).toEqual(ecowatt.hours);
        expect(byInstant(stored['ecowatt']!, { granularity: 'daily' }, 'level')).toEqual(ecowatt.days);
      },

      messages: {
        unreachable: (port) => [
          new RegExp(`cannot reach http://127\\.0\\.0\\.1:${port}/ping`),
          /connection refused \(is InfluxDB running/,
        ],
        refused: (port) => [new RegExp(`cannot reach http://127\\.0\\.0\\.1:${port}/`), /connection reset/],
        neverAnswers: (port) => [new RegExp(`127\\.0\\.0\\.1:${port}`), /no answer within 2000 ms/],
      },

      async serverError() {
        const gate = await startHttpGate(server.url, {
          path: /^\/write/,
          status: 502,
          body: '<html><body><h1>502 Bad Gateway</h1></body></html>',
        });
        // Only the first write fails: a transient outage of the reverse proxy.
        gate.failing = (index) => index === 1;
        return {
          env: { INFLUXDB_URL: gate.url },
          message: [
            /InfluxDB accepted nothing/,
            new RegExp(`HTTP 502 from ${gate.url}/write\\?db=${DATABASE}`),
          ],
          expectNotRetried: () => expect(gate.matched).toBe(1),
          close: () => gate.close(),
        };
      },

      revokeCredentials: (url) => ({
        env: { INFLUXDB_PASSWORD: REVOKED_PASSWORD },
        secret: REVOKED_PASSWORD,
        message: [
          new RegExp(`HTTP 401 from ${url}/write`),
          /credentials missing or rejected/,
          /INFLUXDB_USERNAME\/INFLUXDB_PASSWORD/,
        ],
      }),

      cut: {
        // Past the /ping and the first writes, into the late days' load curve (one direction's day per request):
        // measured, 2,000 to 4,500 bytes cut among those requests; 1,200 cuts the first write, 6,000 lets the
        // whole late load curve through.
        afterBytes: 3_000,
        message: (port) => [
          /stopped accepting samples after \d+/,
          new RegExp(`cannot reach http://127\\.0\\.0\\.1:${port}/`),
          /connection reset/,
        ],
        async expectPartial(row) {
          // Some, not all, of the late days' load curve (energy and power, a sample each) went through.
          const accepted = (row.details['samples'] as Record<string, number>)['consumption_detailed'] ?? 0;
          expect(accepted).toBeGreaterThan(0);
          expect(accepted).toBeLessThan(LATE.cut.length * 48 * 2);
          // What InfluxDB stored of the partial run, the cut request included if it got any of it, is the
          // database's, each instant once per series (byInstant throws otherwise).
          await expectEnergy(database, await storedPoints(server), false);
          return 0;
        },
      },

      close: () => server.close(),
    };
  },
};
