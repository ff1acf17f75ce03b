import { expect } from 'vitest';
import { addDays } from '../../../src/domain/paris-time.js';
import { expectedStatistics } from '../../destinations/home_assistant/expected.js';
import { startHomeAssistantStandin } from '../../home-assistant-standin/index.js';
import { DEMO_PDL } from '../../support/generate-med-data.js';
import { storedState } from '../fault-harness.js';
import type { FaultAdapter, LaterFault } from '../fault-suite.js';

/**
 * Home Assistant (statistics over the WebSocket API, entities over REST). Each case corrects a day in the
 * database first, and the statistics are checked against the database (expected.ts recomputes them with SQL)
 * after the healthy run.
 */

const PREFIX = 'myelectricaldata';
const PDL = DEMO_PDL.usagePointId;
/** The day each case corrects, in days before today. */
const CORRECTED: Record<LaterFault, number> = {
  refused: -12,
  neverAnswers: -9,
  serverError: -20,
  revoked: -5,
  cut: -25,
};

export const homeAssistantFaults: FaultAdapter = {
  id: 'home_assistant',
  title: 'Home Assistant',
  envPrefix: 'HOME_ASSISTANT',
  data: { detailed: true, seed: 11, tempo: true, ecowatt: true, offers: true },

  async start({ database, today }) {
    const standin = await startHomeAssistantStandin();

    /** Every statistic holds each expected hour once, with the database's energy, and sums that never jump. */
    async function expectStatisticsMatchDatabase(): Promise<void> {
      const { series } = await expectedStatistics(database, { prefix: PREFIX, pdl: PDL });
      // The bill's total (cost_<pdl>) is checked hour by hour in test/destinations/home_assistant/costs.test.ts.
      const ids = standin.statisticIds().filter((statisticId) => !/:cost_\d{14}$/.test(statisticId));
      expect(ids).toEqual([...series.keys()].sort());
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

    return {
      url: standin.url,
      env: () => ({
        HOME_ASSISTANT_TOKEN: standin.options.token,
        // Two days of hours per import message: a history of a few weeks takes dozens of them.
        HOME_ASSISTANT_CHUNK_SIZE: '48',
      }),

      /** A correction published by Enedis after the last export: 08:00-09:00 of that day is 1.2 kWh higher. */
      async deliverLater(fault) {
        await database.query(
          `update consumption_data set value = value + 1200, updated_at = now()
           where usage_point_id = $1 and date = $2 and granularity = 'detailed' and interval_start in ('08:00', '08:30')`,
          [PDL, addDays(today, CORRECTED[fault])],
        );
      },

      stored: async () => ({ statistics: standin.statisticIds(), imports: standin.acceptedImports() }),

      async expectAllDelivered() {
        await expectStatisticsMatchDatabase();
        expect(standin.states().get(`sensor.med_${PDL}_consumption_daily`)).toBeDefined();
      },

      messages: {
        unreachable: (port) => [
          new RegExp(`http://127\\.0\\.0\\.1:${port}/ refused the connection`),
          /Home Assistant running/,
        ],
        refused: (port) => [new RegExp(`http://127\\.0\\.0\\.1:${port}/`), /HOME_ASSISTANT_URL/],
        neverAnswers: (port) => [/timed out/, new RegExp(`127\\.0\\.0\\.1:${port}`)],
      },

      async serverError() {
        const accepted = standin.acceptedImports();
        // The recorder fails the first import of the run (as when its database is locked).
        standin.failNextImports(1, 'Error while importing statistics: database is locked');
        return {
          message: [/database is locked/, new RegExp(`importing ${PREFIX}:\\w+`)],
          // A refused import is not sent again in the same run: the run stops and the next one resumes.
          expectNotRetried: () => expect(standin.acceptedImports()).toBe(accepted),
        };
      },

      revokeCredentials() {
        const oldToken = standin.options.token;
        standin.options.token = 'a-new-long-lived-token';
        return {
          env: { HOME_ASSISTANT_TOKEN: oldToken },
          secret: oldToken,
          message: [/refused the token/, /HOME_ASSISTANT_TOKEN/],
        };
      },

      cut: {
        // The handshake, the sum look-ups and a few import messages (about 4 kB each) get through.
        afterBytes: 30_000,
        message: () => [/closed the WebSocket connection/, /importing myelectricaldata:/],
        async expectPartial(row, before) {
          const { imports } = before.stored as { imports: number };
          expect(standin.acceptedImports()).toBeGreaterThan(imports);
          const after = (await storedState(database, 'home_assistant'))!;
          // Each statistic's "confirmed through" hour is one Home Assistant really holds, never beyond its last.
          const through = after.state.statistics as Record<string, string>;
          let moved = 0;
          for (const [id, hour] of Object.entries(through)) {
            const rows = standin.statistics(id);
            expect(rows.some((stored) => stored.start === Date.parse(hour))).toBe(true);
            expect(Date.parse(hour)).toBeLessThanOrEqual(rows.at(-1)!.start);
            if (hour !== (before.state!.state.statistics as Record<string, string>)[id]) moved += 1;
          }
          expect(moved).toBeGreaterThan(0);
          expect(Number(row.records_exported)).toBeGreaterThan(0);
          return 0;
        },
      },

      close: () => standin.close(),
    };
  },
};
