/**
 * The bench's servers and backfill runs: fresh destinations for each run (the real broker, VictoriaMetrics and
 * InfluxDB, the Home Assistant and Jeedom stand-ins), the compiled CLI run against them, and each raw pipeline's
 * reference beside it.
 */
import { manifestOf } from '../src/destinations/registry.js';
import { startHomeAssistantStandin } from '../test/home-assistant-standin/index.js';
import { startJeedomStandin } from '../test/jeedom-standin/jeedom-standin.js';
import type { JeedomStandin } from '../test/jeedom-standin/jeedom-standin.js';
import { startVictoriaMetrics } from '../test/destinations/victoriametrics/victoria-metrics-server.js';
import { influxdb1, influxdb2Standin } from '../test/destinations/influxdb/backends.js';
import { createTestBroker } from '../test/support/test-broker.js';
import type { TestDatabase } from '../test/support/test-database.js';
import { timeCommand } from './measure.js';
import type { Row } from './measure.js';
import { haReference, influxReference, vmReference } from './references.js';
import { jeedomReference } from './reference-jeedom.js';

export const CLI = ['bin/med-export.cjs'];
const HA_CHUNK_SIZE = '5000';
const ALL_KINDS =
  'consumption_daily,consumption_monthly,consumption_detailed,production_daily,production_monthly,production_detailed,tempo,ecowatt';
const log = (message: string) => process.stderr.write(`${message}\n`);

export interface Targets {
  env: Record<string, string>;
  vmKind: string;
  vmUrl: string;
  haUrl: string;
  haToken: string;
  jeedom: JeedomStandin;
  influxKind: string;
  close(): Promise<void>;
}

// The real influxd 1.x when installed, else the 2.x write-API stand-in.
const influxBackend = influxdb1.available ? influxdb1 : influxdb2Standin;

/** Where a raw pipeline writes into the InfluxDB server of `env` (a backend's): its database or bucket. */
function influxWriteOf(env: Record<string, string>): { url: string; authorization?: string } {
  const url = new URL(env['INFLUXDB_URL']!);
  return influxdb1.available
    ? { url: new URL(`/write?db=${env['INFLUXDB_DATABASE']}&precision=ms`, url).href }
    : {
        url: new URL(
          `/api/v2/write?org=${env['INFLUXDB_ORG']}&bucket=${env['INFLUXDB_BUCKET']}&precision=ms`,
          url,
        ).href,
        authorization: `Token ${env['INFLUXDB_TOKEN']}`,
      };
}

/** Fresh destinations, so each backfill starts from nothing. */
export async function startTargets(database: TestDatabase): Promise<Targets> {
  const broker = await createTestBroker();
  const vm = await startVictoriaMetrics();
  const ha = await startHomeAssistantStandin();
  const jeedom = await startJeedomStandin();
  const influx = await influxBackend.start();
  return {
    influxKind: influxBackend.title,
    vmKind: vm.kind,
    vmUrl: vm.url,
    haUrl: ha.url,
    haToken: ha.options.token,
    jeedom,
    env: {
      DATABASE_URL: database.url,
      MQTT_BROKER: broker.url,
      MQTT_TOPIC_PREFIX: broker.topicPrefix,
      MQTT_EXPORT_DATA: ALL_KINDS,
      VICTORIAMETRICS_URL: vm.url,
      VICTORIAMETRICS_EXPORT_DATA: ALL_KINDS,
      HOME_ASSISTANT_URL: ha.url,
      HOME_ASSISTANT_TOKEN: ha.options.token,
      HOME_ASSISTANT_CHUNK_SIZE: HA_CHUNK_SIZE,
      HOME_ASSISTANT_EXPORT_DATA: ALL_KINDS,
      JEEDOM_URL: jeedom.url,
      JEEDOM_API_KEY: jeedom.apiKey,
      ...influx.env,
      INFLUXDB_EXPORT_DATA: ALL_KINDS,
    },
    close: async () => {
      await Promise.all([broker.close(), vm.close(), ha.close(), jeedom.close(), influx.close()]);
    },
  };
}

export function enable(env: Record<string, string>, ids: readonly string[]): Record<string, string> {
  const enabled = Object.fromEntries(ids.map((id) => [`${manifestOf(id)!.envPrefixes[0]}_ENABLED`, 'true']));
  return { ...env, ...enabled };
}

export async function resetExportTables(database: TestDatabase): Promise<void> {
  await database.query('delete from export_logs');
  await database.query('delete from export_state');
}

export async function exportRun(env: Record<string, string>, args: string[]) {
  const run = await timeCommand('node', [...CLI, 'export', ...args], { env, rss: true });
  if (run.exitCode !== 0) throw new Error(`export ${args.join(' ')} failed:\n${run.stdout}\n${run.stderr}`);
  return run;
}

export async function withTargets<T>(
  database: TestDatabase,
  use: (targets: Targets) => Promise<T>,
): Promise<T> {
  const targets = await startTargets(database);
  try {
    await resetExportTables(database);
    return await use(targets);
  } finally {
    await targets.close();
  }
}

export interface MeasuredBackfill {
  seconds: number;
  peakRssMb: number;
  reference?: { seconds: number };
  /** The row's reference name, target and note. */
  row: Partial<Row>;
}

/** One backfill of one PDL into fresh servers, then its raw pipeline's reference beside it. */
export function measureBackfill(
  database: TestDatabase,
  id: string,
  usagePointId: string,
): Promise<MeasuredBackfill> {
  return withTargets(database, async (targets) => {
    log(`backfill → ${id}`);
    const run = await exportRun(enable({ ...targets.env, MED_PDL: usagePointId }, [id]), [
      '--destination',
      id,
    ]);
    const measured = { seconds: run.seconds, peakRssMb: run.peakRssMb ?? Number.NaN };
    /** Beside a raw pipeline, held to the backfill rule: at most 1.5× its time. */
    const besidePipeline = (seconds: number, name: string, note: string): MeasuredBackfill => ({
      ...measured,
      reference: { seconds },
      row: { reference: { name, seconds }, target: { maxRatio: 1.5 }, note },
    });
    // Each raw pipeline writes into a fresh server of its own, as the exporter did: into the exporter's server,
    // the reference found its months' partitions (VictoriaMetrics) or weekly shards (InfluxDB) already created
    // and their indexes warm, about 0.2 s of a 1 s run measured on VictoriaMetrics.
    if (id === 'victoriametrics') {
      const fresh = await startVictoriaMetrics();
      try {
        const seconds = await vmReference(database, usagePointId, fresh.url);
        return besidePipeline(
          seconds,
          'psql COPY \\| gzip \\| curl import',
          `${targets.vmKind} VictoriaMetrics`,
        );
      } finally {
        await fresh.close();
      }
    }
    if (id === 'influxdb') {
      // Not in issue 15's table: held to the same rule as VictoriaMetrics.
      const fresh = await influxBackend.start();
      try {
        const seconds = await influxReference(database, usagePointId, influxWriteOf(fresh.env));
        return besidePipeline(seconds, 'psql COPY \\| gzip \\| curl write', targets.influxKind);
      } finally {
        await fresh.close();
      }
    }
    if (id === 'home_assistant') {
      const fresh = await startHomeAssistantStandin();
      try {
        const seconds = await haReference(
          database,
          usagePointId,
          fresh.url,
          fresh.options.token,
          HA_CHUNK_SIZE,
        );
        return {
          ...measured,
          reference: { seconds },
          row: {
            reference: { name: 'bare WebSocket client, same hourly sums', seconds },
            target: { maxRatio: 1.2 },
          },
        };
      } finally {
        await fresh.close();
      }
    }
    if (id === 'jeedom') {
      const fresh = await startJeedomStandin();
      try {
        const reference = await jeedomReference(fresh.url, fresh.apiKey, targets.jeedom.requests);
        return {
          ...measured,
          reference: { seconds: reference.seconds },
          row: {
            reference: {
              name: `bare sequential JSON-RPC client process, keep-alive, same ${reference.requests} calls`,
              seconds: reference.seconds,
            },
            target: { maxRatio: 1 },
          },
        };
      } finally {
        await fresh.close();
      }
    }
    return { ...measured, row: {} };
  });
}
