import { expect } from 'vitest';
import { startHomeAssistantStandin } from '../home-assistant-standin/index.js';
import {
  byInstant,
  expectClose,
  expectedDaily as expectedInfluxDaily,
  expectedDetailed as expectedInfluxDetailed,
  expectedMonthly as expectedInfluxMonthly,
} from '../destinations/influxdb/export-suite.js';
import { startInfluxdb } from '../destinations/influxdb/influxdb-server.js';
import { startJeedomStandin } from '../jeedom-standin/jeedom-standin.js';
import {
  expectedDaily,
  expectedDetailed,
  expectedMonthly,
  expectedTempo,
  findSeries,
  samplesByTimestamp,
} from '../destinations/victoriametrics/expected-samples.js';
import { startVictoriaMetrics } from '../destinations/victoriametrics/victoria-metrics-server.js';
import type { ExportedSeries } from '../destinations/victoriametrics/victoria-metrics-server.js';
import { DEMO_PDL } from '../support/generate-med-data.js';
import { createTestBroker } from '../support/test-broker.js';
import type { ChaosAdapter } from './chaos-harness.js';
import { startRestartableProxy } from './restartable-proxy.js';
import type { RestartableProxy } from './restartable-proxy.js';

/** The chaos suite's destinations, each with what "holds exactly the database" means for it. */

const PDL = DEMO_PDL.usagePointId;
/** Long enough for a client to notice and give up on the connection it had, as a restart takes. */
const RESTART_DOWN_MS = 1_000;
/** Per request: a restarted server must fail the pass quickly, not hang it. */
const TIMEOUT_SECONDS = '5';

const proxyTo = (url: string): Promise<RestartableProxy> => {
  const { hostname, port } = new URL(url);
  return startRestartableProxy({ host: hostname, port: Number(port) });
};

/** Samples stamped with the run's own instant (run figures, Tempo season counts): each run adds its own. */
const PER_RUN_SERIES = /^myelectricaldata_(export_|tempo_remaining|tempo_used)/;

function withoutPublishTime(payload: string): unknown {
  try {
    const parsed = JSON.parse(payload) as unknown;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return parsed;
    const rest: Record<string, unknown> = { ...parsed };
    delete rest['timestamp'];
    return rest;
  } catch {
    return payload;
  }
}

const seriesName = (series: ExportedSeries) => JSON.stringify(Object.entries(series.metric).sort());

export const victoriaMetricsChaos: ChaosAdapter = {
  id: 'victoriametrics',
  async start() {
    const vm = await startVictoriaMetrics();
    if (!vm.restart) throw new Error('the chaos suite needs the real victoria-metrics binary');
    const readAll = () => vm.exportSeries('{__name__=~"myelectricaldata_.*"}');
    return {
      env: () => ({
        VICTORIAMETRICS_ENABLED: 'true',
        VICTORIAMETRICS_URL: vm.url,
        VICTORIAMETRICS_TIMEOUT: TIMEOUT_SECONDS,
        // About a month and a half of load curve per request: a year takes a dozen of them.
        VICTORIAMETRICS_BATCH_SIZE: '2000',
        VICTORIAMETRICS_EXPORT_DATA: [
          ...['consumption', 'production'].flatMap((direction) =>
            ['daily', 'monthly', 'detailed'].map((type) => `${direction}_${type}`),
          ),
          'tempo',
          'ecowatt',
        ].join(','),
      }),
      restart: () => vm.restart!(),
      async holdings() {
        const kept = (await readAll()).filter((series) => !PER_RUN_SERIES.test(series.metric['__name__']!));
        return Object.fromEntries(
          kept
            .map((series) => [seriesName(series), [...samplesByTimestamp(series)].sort(([a], [b]) => a - b)])
            .sort(([a], [b]) => String(a).localeCompare(String(b))),
        );
      },
      async verify(database) {
        const all = await readAll();
        // No timestamp stored twice in any series, the per-run ones included (raw samples, no deduplication).
        for (const series of all) {
          const twice = [...samplesByTimestamp(series)].filter(([, values]) => values.length > 1);
          expect(twice.length, `${seriesName(series)} samples stored twice`).toBe(0);
        }
        for (const direction of ['consumption', 'production'] as const) {
          for (const [type, expected] of [
            ['daily', await expectedDaily(database, direction, PDL)],
            ['detailed', await expectedDetailed(database, direction, PDL)],
            ['monthly', await expectedMonthly(database, direction, PDL)],
          ] as const) {
            const stored = samplesByTimestamp(
              findSeries(all, { __name__: `myelectricaldata_${direction}_wh`, pdl: PDL, type }),
            );
            expect(new Map([...stored].map(([at, [value]]) => [at, value])), `${direction} ${type}`).toEqual(
              expected,
            );
          }
        }
      },
      close: () => vm.close(),
    };
  },
};

export const mqttChaos: ChaosAdapter = {
  id: 'mqtt',
  async start() {
    const broker = await createTestBroker();
    const proxy = await proxyTo(broker.url);
    return {
      env: () => ({
        MQTT_ENABLED: 'true',
        MQTT_BROKER: proxy.url('mqtt'),
        MQTT_TOPIC_PREFIX: broker.topicPrefix,
        MQTT_TIMEOUT: TIMEOUT_SECONDS,
      }),
      restart: () => proxy.restart(RESTART_DOWN_MS),
      // Retained payloads are what a subscriber sees: the same as after one clean run, topic by topic (under
      // this instance's prefix, without the instant each was published at).
      holdings: async () =>
        Object.fromEntries(
          [...(await broker.retained())]
            .map(
              ([topic, payload]) =>
                [topic.slice(broker.topicPrefix.length), withoutPublishTime(payload)] as const,
            )
            .sort(([a], [b]) => a.localeCompare(b)),
        ),
      async verify(database) {
        const retained = await broker.retained();
        expect(retained.get(`${broker.topicPrefix}/status`)).toBe('online');
        for (const direction of ['consumption', 'production'] as const) {
          const daily = JSON.parse(
            retained.get(`${broker.topicPrefix}/${PDL}/${direction}/daily`) ?? '{}',
          ) as {
            date?: string;
            value_wh?: number;
          };
          const [row] = await database.query<{ value: number }>(
            `select value from ${direction}_data where usage_point_id = $1 and granularity = 'daily' and date = $2`,
            [PDL, daily.date],
          );
          expect(daily.value_wh, `${direction} daily`).toBe(Number(row?.value));
        }
      },
      async close() {
        await proxy.close();
        await broker.close();
      },
    };
  },
};

export const homeAssistantChaos: ChaosAdapter = {
  id: 'home_assistant',
  async start() {
    const standin = await startHomeAssistantStandin();
    const proxy = await proxyTo(standin.url);
    const statistics = () =>
      Object.fromEntries(
        standin
          .statisticIds()
          .sort()
          .map((id) => [id, standin.statistics(id).map(({ start, state, sum }) => ({ start, state, sum }))]),
      );
    return {
      env: () => ({
        HOME_ASSISTANT_ENABLED: 'true',
        HOME_ASSISTANT_URL: proxy.url('http'),
        HOME_ASSISTANT_TOKEN: standin.options.token,
        HOME_ASSISTANT_ENTITIES: 'none',
        HOME_ASSISTANT_TIMEOUT: TIMEOUT_SECONDS,
      }),
      restart: () => proxy.restart(RESTART_DOWN_MS),
      // Every hourly state and sum as one clean run leaves them.
      holdings: async () => statistics(),
      async verify() {
        // Sums continuous: each hour's sum is the one before plus its state (rows round to 6 decimals).
        for (const [id, rows] of Object.entries(statistics())) {
          expect(rows.length, id).toBeGreaterThan(0);
          for (let index = 1; index < rows.length; index++) {
            const { sum, state, start } = rows[index]!;
            expect(sum! - rows[index - 1]!.sum!, `${id} at ${new Date(start).toISOString()}`).toBeCloseTo(
              state!,
              5,
            );
          }
        }
      },
      async close() {
        await proxy.close();
        await standin.close();
      },
    };
  },
};

export const jeedomChaos: ChaosAdapter = {
  id: 'jeedom',
  async start() {
    const standin = await startJeedomStandin();
    const objectId = standin.addObject('Maison').id;
    const proxy = await proxyTo(standin.url);
    const histories = () =>
      Object.fromEntries(
        standin
          .equipments()
          .flatMap((equipment) =>
            standin
              .commands(equipment.id)
              .map((cmd) => [`${equipment.logicalId}/${cmd.logicalId}`, standin.history(cmd.id)] as const),
          )
          .sort(([a], [b]) => a.localeCompare(b)),
      );
    return {
      env: () => ({
        JEEDOM_ENABLED: 'true',
        JEEDOM_URL: proxy.url('http'),
        JEEDOM_API_KEY: standin.apiKey,
        JEEDOM_OBJECT_ID: String(objectId),
        JEEDOM_TIMEOUT: TIMEOUT_SECONDS,
      }),
      restart: () => proxy.restart(RESTART_DOWN_MS),
      holdings: async () => histories(),
      async verify() {
        // One history row per day per command.
        for (const [command, points] of Object.entries(histories())) {
          const days = points.map((point) => point.datetime.slice(0, 10));
          expect(days.length - new Set(days).size, `${command} days stored twice`).toBe(0);
        }
      },
      async close() {
        await proxy.close();
        await standin.close();
      },
    };
  },
};

const INFLUX_DATABASE = 'myelectricaldata';
const TEMPO_CODES: Record<string, number> = { BLUE: 1, WHITE: 2, RED: 3 };
const INFLUX_MEASUREMENTS = ['consumption', 'production', 'monthly', 'tempo', 'ecowatt'] as const;

export const influxdbChaos: ChaosAdapter = {
  id: 'influxdb',
  async start() {
    const influx = await startInfluxdb({ databases: [INFLUX_DATABASE] });
    // influxd keeps what it stored on disk across a restart: the proxy does the rest of one to its clients.
    const proxy = await proxyTo(influx.url);
    /** measurement → `SELECT *` rows (tags and fields as columns), in time order. */
    const points = async () => {
      const all: Record<string, { timestampMs: number; values: Record<string, string | number> }[]> = {};
      for (const measurement of INFLUX_MEASUREMENTS) {
        const series = (await influx.query(`SELECT * FROM "${measurement}"`, INFLUX_DATABASE)).series?.[0];
        all[measurement] = (series?.values ?? []).map((row) => ({
          timestampMs: Number(row[0]),
          values: Object.fromEntries(
            series!.columns
              .map((column, index) => [column, row[index]] as const)
              .filter(([column, value]) => column !== 'time' && value !== null),
          ) as Record<string, string | number>,
        }));
      }
      return all;
    };
    return {
      env: () => ({
        INFLUXDB_ENABLED: 'true',
        INFLUXDB_URL: proxy.url('http'),
        INFLUXDB_DATABASE: INFLUX_DATABASE,
        INFLUXDB_TIMEOUT: TIMEOUT_SECONDS,
        // About three weeks of load curve (energy and power) per request: a year takes a few dozen of them.
        INFLUXDB_BATCH_SIZE: '2000',
        INFLUXDB_EXPORT_DATA: [
          ...['consumption', 'production'].flatMap((direction) =>
            ['daily', 'monthly', 'detailed'].map((type) => `${direction}_${type}`),
          ),
          'tempo',
          'ecowatt',
        ].join(','),
      }),
      restart: () => proxy.restart(RESTART_DOWN_MS),
      holdings: points,
      async verify(database) {
        // InfluxDB keeps one point per series and instant (a re-sent one is written over), so "no timestamp
        // stored twice" is: no instant twice under the same tags (byInstant throws), and every value equal,
        // none missing, none extra.
        const all = await points();
        for (const direction of ['consumption', 'production'] as const) {
          const rows = all[direction]!;
          expect(
            byInstant(rows, { pdl: PDL, granularity: 'daily' }, 'energy_wh'),
            `${direction} daily`,
          ).toEqual(await expectedInfluxDaily(database, direction));
          const detailed = await expectedInfluxDetailed(database, direction);
          expectClose(
            byInstant(rows, { pdl: PDL, granularity: 'detailed' }, 'energy_wh'),
            new Map([...detailed].map(([at, value]) => [at, value.wh])),
          );
          expectClose(
            byInstant(rows, { pdl: PDL, granularity: 'detailed' }, 'power_w'),
            new Map([...detailed].map(([at, value]) => [at, value.w])),
          );
          expect(
            byInstant(all['monthly']!, { pdl: PDL, direction }, 'energy_wh'),
            `${direction} monthly`,
          ).toEqual(await expectedInfluxMonthly(database, direction));
        }
        const tempo = await expectedTempo(database);
        expect(byInstant(all['tempo']!, {}, 'code'), 'tempo').toEqual(
          new Map([...tempo].map(([at, color]) => [at, TEMPO_CODES[color]])),
        );
      },
      async close() {
        await proxy.close();
        await influx.close();
      },
    };
  },
};
