import { expect } from 'vitest';
import { addDays } from '../../../src/domain/paris-time.js';
import { DEMO_PDL } from '../../support/generate-med-data.js';
import { createTestBroker } from '../../support/test-broker.js';
import { storedState } from '../fault-harness.js';
import type { FaultAdapter, LaterFault } from '../fault-suite.js';
import { CONNACK_SERVER_UNAVAILABLE, startConnackGate } from '../connack-gate.js';

/**
 * MQTT (the in-process aedes broker, or Mosquitto with MED_TEST_MQTT_URL), behind a gate that authenticates as
 * a broker does (connack-gate.ts). Each case corrects the latest day in the database first; afterwards the
 * broker retains that day's values from the database, and every topic the run says it published.
 *
 * "Confirmed" for MQTT: at QoS 1 a message is confirmed by its PUBACK, and the pass succeeds only once every
 * publish is acknowledged. It keeps no progress within a run (its values are the current ones, re-published
 * whole each time), so a run cut among its publishes is an `error` that records nothing, not a `partial`.
 */

const PDL = DEMO_PDL.usagePointId;
const USERNAME = 'med-export';
/** How many Wh each case adds to the latest day's consumption. */
const CORRECTION_WH: Record<LaterFault, number> = {
  refused: 1100,
  neverAnswers: 1200,
  serverError: 1300,
  revoked: 1400,
  cut: 1500,
};

export const mqttFaults: FaultAdapter = {
  id: 'mqtt',
  title: 'MQTT',
  envPrefix: 'MQTT',
  urlOption: 'MQTT_BROKER',
  mqttBeside: false,
  cutStatus: 'error',
  data: { detailed: true, seed: 19, tempo: true, ecowatt: true },

  async start({ database, today }) {
    const broker = await createTestBroker();
    const gate = await startConnackGate(new URL(broker.url), {
      username: USERNAME,
      password: 'broker-password-of-this-year',
    });
    const latestDay = addDays(today, -1);
    const statusTopic = `${broker.topicPrefix}/status`;
    const retained = async () => Object.fromEntries(await broker.retained());

    return {
      url: gate.url,
      env: () => ({
        MQTT_TOPIC_PREFIX: broker.topicPrefix,
        MQTT_USERNAME: gate.credentials.username,
        MQTT_PASSWORD: gate.credentials.password,
        MQTT_QOS: '1',
      }),

      /** A correction published by Enedis after the last export: the latest day's consumption is higher. */
      async deliverLater(fault) {
        await database.query(
          `update consumption_data set value = value + $3, updated_at = now()
           where usage_point_id = $1 and date = $2 and granularity = 'daily'`,
          [PDL, latestDay, CORRECTION_WH[fault]],
        );
      },

      // Every payload carries the run's timestamp: a run that reached the broker changes what it retains.
      stored: retained,

      /** The latest day of each direction as the database holds it, every topic of the run, online. */
      async expectAllDelivered() {
        const topics = await retained();
        expect(topics[statusTopic]).toBe('online');
        for (const direction of ['consumption', 'production'] as const) {
          const [day] = await database.query<{ date: string; value: number }>(
            `select to_char(date, 'YYYY-MM-DD') as date, value from ${direction}_data
             where usage_point_id = $1 and granularity = 'daily' and value is not null
             order by date desc limit 1`,
            [PDL],
          );
          const daily = topics[`${broker.topicPrefix}/${PDL}/${direction}/daily`];
          if (!day) {
            expect(daily, direction).toBeUndefined();
            continue;
          }
          expect(JSON.parse(daily!), direction).toMatchObject({
            date: day.date,
            value_wh: Number(day.value),
          });
        }
        const published = (await storedState(database, 'mqtt'))!.state['topics'] as string[];
        expect(published.length).toBeGreaterThan(10);
        expect(Object.keys(topics).sort()).toEqual([...published, statusTopic].sort());
      },

      messages: {
        unreachable: (port) => [
          new RegExp(`the broker at mqtt://127\\.0\\.0\\.1:${port} refused the connection`),
          /MQTT_BROKER/,
        ],
        refused: (port) => [
          new RegExp(`the broker at mqtt://127\\.0\\.0\\.1:${port}`),
          /closed the connection before accepting it/,
          /MQTT_BROKER/,
        ],
        neverAnswers: (port) => [
          new RegExp(`no answer from the broker at mqtt://127\\.0\\.0\\.1:${port}`),
          /connack timeout|timed out after 2 s/,
          /MQTT_TIMEOUT/,
        ],
      },

      /**
       * MQTT has no 5xx: a broker that cannot serve refuses the CONNECT with CONNACK 3 "Server unavailable"
       * (MQTT 3.1.1 §3.2.2.3), as a broker overloaded or shutting down does.
       */
      async serverError() {
        const connects = gate.connects;
        gate.refusal = CONNACK_SERVER_UNAVAILABLE;
        return {
          message: [/Server unavailable/i, /the broker at mqtt:\/\/127\.0\.0\.1:\d+ is unavailable/, /log/],
          // One CONNECT: the run does not reconnect (connectMqtt turns reconnection off).
          expectNotRetried: () => expect(gate.connects).toBe(connects + 1),
          close: async () => {
            gate.refusal = undefined;
          },
        };
      },

      /** The broker's password file changed: the old password is refused with CONNACK 5 "Not authorized". */
      revokeCredentials(url) {
        const oldPassword = gate.credentials.password;
        gate.credentials.password = 'broker-password-of-next-year';
        return {
          env: { MQTT_PASSWORD: oldPassword },
          secret: oldPassword,
          message: [
            /rejected the credentials/,
            /Not authorized/i,
            /MQTT_PASSWORD/,
            new RegExp(url.replace(/\./g, '\\.')),
          ],
        };
      },

      cut: {
        // The CONNECT and the status message (about 150 bytes, acknowledged before anything else is sent) get
        // through, then a few of the values: the cut falls among the publishes.
        afterBytes: 1_000,
        message: () => [/did not acknowledge/, /closed before the broker acknowledged/],
        async expectPartial(_row, before) {
          // Nothing confirmed, nothing recorded: the topics to clear next time are still the last run's.
          expect(await storedState(database, 'mqtt')).toEqual(before.state);
          const topics = await retained();
          // The broker saw the connection lost after accepting it, and published the will.
          expect(topics[statusTopic]).toBe('offline');
          // It keeps the messages that arrived whole before the cut (retained, unconfirmed, replaced by the
          // next run's), not the others.
          const previous = before.stored as Record<string, string>;
          const replaced = Object.keys(previous).filter(
            (topic) => topic !== statusTopic && topics[topic] !== previous[topic],
          );
          expect(replaced.length).toBeGreaterThan(0);
          expect(replaced.length).toBeLessThan(Object.keys(previous).length - 1);
          return 0;
        },
      },

      async close() {
        await gate.close();
        await broker.close();
      },
    };
  },
};
