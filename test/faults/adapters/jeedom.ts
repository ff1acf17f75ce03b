import { expect } from 'vitest';
import { addDays } from '../../../src/domain/paris-time.js';
import { startJeedomStandin } from '../../jeedom-standin/jeedom-standin.js';
import type { JeedomStandin } from '../../jeedom-standin/jeedom-standin.js';
import { DEMO_PDL } from '../../support/generate-med-data.js';
import type { TestDatabase } from '../../support/test-database.js';
import { holdBackDaysOf } from '../fault-harness.js';
import type { FaultAdapter, LaterFault } from '../fault-suite.js';

/**
 * Jeedom (JSON-RPC, one request per value). Before each case some days are "published late" (their rows
 * inserted now); afterwards every historised command holds exactly the database's values at their dates
 * (recomputed with SQL), each date once.
 */

const PDL = DEMO_PDL.usagePointId;
const PDL_EQ = `med_export_pdl_${PDL}`;
const FRENCH: Record<string, string> = { BLUE: 'BLEU', WHITE: 'BLANC', RED: 'ROUGE' };
const midnight = (date: string) => `${date} 00:00:00`;

/** The days each case publishes late, in days before today. */
const LATE: Record<LaterFault, number[]> = {
  refused: [-4],
  neverAnswers: [-6],
  serverError: [-8],
  revoked: [-10],
  cut: [-24, -23, -22, -21, -20, -19, -18, -17, -16, -15],
};

/** `datetime → value` of a command's history, failing on a datetime stored twice. */
function historyOf(
  standin: JeedomStandin,
  equipmentLogicalId: string,
  logicalId: string,
): Map<string, string> {
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
async function expectedEnergy(
  database: TestDatabase,
  direction: 'consumption' | 'production',
  period: 'day' | 'month' | 'year',
): Promise<Map<string, string>> {
  const format = { day: 'YYYY-MM-DD', month: 'YYYY-MM-01', year: 'YYYY-01-01' }[period];
  const rows = await database.query<{ at: string; wh: string }>(
    `select to_char(date, '${format}') as at, sum(value) as wh from ${direction}_data
     where usage_point_id = $1 and granularity = 'daily' and value is not null and value >= 0
     group by 1 order by 1`,
    [PDL],
  );
  return new Map(rows.map((row) => [midnight(row.at), String(Number(row.wh) / 1000)]));
}

export const jeedomFaults: FaultAdapter = {
  id: 'jeedom',
  title: 'Jeedom',
  envPrefix: 'JEEDOM',
  data: { detailed: false, seed: 17, tempo: true, ecowatt: true },

  async start({ database, today }) {
    const deliverLater = await holdBackDaysOf(database, today, LATE);
    const standin = await startJeedomStandin();

    return {
      url: standin.url,
      env: () => ({ JEEDOM_API_KEY: standin.apiKey }),
      deliverLater,

      // Before the first run Jeedom holds no equipment; after it, the daily consumption must not move.
      stored: async () =>
        standin.equipments().length === 0
          ? { equipments: [] }
          : { history: historyOf(standin, PDL_EQ, 'consumption_daily') },

      async expectAllDelivered() {
        for (const direction of ['consumption', 'production'] as const) {
          for (const [command, period] of [
            ['daily', 'day'],
            ['month', 'month'],
            ['year', 'year'],
          ] as const) {
            expect(historyOf(standin, PDL_EQ, `${direction}_${command}`), `${direction}_${command}`).toEqual(
              await expectedEnergy(database, direction, period),
            );
          }
        }
        const tempo = await database.query<{ id: string; color: string }>(
          'select id, color from tempo_days where id <= $1 order by id',
          [today],
        );
        expect(historyOf(standin, 'med_export_tempo', 'tempo_today')).toEqual(
          new Map(tempo.map((day) => [midnight(day.id), FRENCH[day.color.trim().toUpperCase()]])),
        );
      },

      messages: {
        unreachable: (port) => [
          new RegExp(`cannot reach Jeedom at http://127\\.0\\.0\\.1:${port}/core/api/jeeApi\\.php`),
          /ECONNREFUSED/,
          /check JEEDOM_URL/,
        ],
        refused: (port) => [
          new RegExp(`cannot reach Jeedom at http://127\\.0\\.0\\.1:${port}/`),
          /JEEDOM_URL/,
        ],
        neverAnswers: (port) => [
          /did not answer version within 2 s/,
          new RegExp(`127\\.0\\.0\\.1:${port}`),
          /JEEDOM_TIMEOUT/,
        ],
      },

      async serverError() {
        const received = standin.requests.length;
        standin.failRequests({
          method: 'version',
          times: 1,
          mode: { kind: 'http', status: 503, body: '<h1>Service Unavailable</h1>' },
        });
        return {
          message: [/Jeedom answered HTTP 503 to version/, /Service Unavailable/, /http\.error log/],
          expectNotRetried: () =>
            expect(standin.requests.slice(received).map((request) => request.method)).toEqual(['version']),
        };
      },

      revokeCredentials() {
        const oldKey = standin.apiKey;
        // The user regenerated the core API key in Jeedom; med-export still has the old one.
        standin.setApiKey('regeneratedCoreApiKey0123456789abcdefghijklmnopq');
        return {
          env: { JEEDOM_API_KEY: oldKey },
          secret: oldKey,
          message: [/Jeedom refused the API key/, /JEEDOM_API_KEY/],
        };
      },

      cut: {
        // Each value is a request of about 370 bytes, sent by up to 4 workers on their own kept-alive
        // connections: the reads before (version, equipments, commands) and a few values pass on each.
        afterBytes: 2_500,
        message: (port) => [
          new RegExp(`cannot reach Jeedom at http://127\\.0\\.0\\.1:${port}/`),
          /acknowledged/,
        ],
        async expectPartial(row) {
          expect(row.error_message).toMatch(
            new RegExp(`after ${row.records_exported} value\\(s\\) acknowledged`),
          );
          // Some late days arrived, not all; every point Jeedom holds is the database's value.
          let arrived = 0;
          for (const direction of ['consumption', 'production'] as const) {
            const daily = historyOf(standin, PDL_EQ, `${direction}_daily`);
            const expected = await expectedEnergy(database, direction, 'day');
            arrived += LATE.cut.filter((days) => daily.has(midnight(addDays(today, days)))).length;
            for (const [datetime, value] of daily)
              expect(value, `${direction} ${datetime}`).toBe(expected.get(datetime));
          }
          expect(arrived).toBeLessThan(2 * LATE.cut.length);
          return 0;
        },
      },

      afterEach: () => standin.clearFailures(),
      close: () => standin.close(),
    };
  },
};
