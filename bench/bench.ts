/**
 * `npm run bench`: generates MyElectricalData-shaped data (N PDLs × 3 years of half-hourly detail, daily values,
 * Tempo, EcoWatt) into PostgreSQL (MED_TEST_DATABASE_URL's server when set, else embedded), then measures the
 * compiled CLI against each destination and against the raw pipelines beside it, and prints a markdown table.
 * Targets are ratios measured side by side in the same run: absolute times drift on shared machines.
 */
import { destinationIds, manifestOf } from '../src/destinations/registry.js';
import { addDays, parisDate } from '../src/domain/paris-time.js';
import { startHomeAssistantStandin } from '../test/home-assistant-standin/index.js';
import { startJeedomStandin } from '../test/jeedom-standin/jeedom-standin.js';
import { startVictoriaMetrics } from '../test/destinations/victoriametrics/victoria-metrics-server.js';
import { influxdb1, influxdb2Standin } from '../test/destinations/influxdb/backends.js';
import { generateMedData } from '../test/support/generate-med-data.js';
import type { GeneratedPdl } from '../test/support/generate-med-data.js';
import { createTestBroker } from '../test/support/test-broker.js';
import { createTestDatabase } from '../test/support/test-database.js';
import type { TestDatabase } from '../test/support/test-database.js';
import { medianSeconds, printTable, timeCommand } from './measure.js';
import type { Row } from './measure.js';
import { haReference, influxReference, vmReference } from './references.js';

const YEARS = 3;
const MANY_PDLS = Number(process.env.MED_BENCH_PDLS ?? 10);
const CLI = ['bin/med-export.js'];
const HA_CHUNK_SIZE = '5000';
const ALL_KINDS =
  'consumption_daily,consumption_monthly,consumption_detailed,production_daily,production_monthly,production_detailed,tempo,ecowatt';

const today = parisDate(Date.now());
const from = addDays(today, -365 * YEARS);
const yesterday = addDays(today, -1);

function pdl(index: number): GeneratedPdl {
  return {
    usagePointId: String(10_000_000_000_000 + index),
    name: `Maison ${index}`,
    pricingOption: index % 2 === 0 ? 'TEMPO' : 'HC_HP',
    offpeakHours: { default: 'HC (22H30-6H30)' },
    hasProduction: true,
  };
}

interface Targets {
  env: Record<string, string>;
  vmKind: string;
  vmUrl: string;
  haUrl: string;
  haToken: string;
  influxKind: string;
  /** Where the raw pipeline writes: the same database or bucket as the destination. */
  influxWrite: { url: string; authorization?: string };
  close(): Promise<void>;
}

/** Fresh destinations, so each backfill starts from nothing. */
async function startTargets(database: TestDatabase): Promise<Targets> {
  const broker = await createTestBroker();
  const vm = await startVictoriaMetrics();
  const ha = await startHomeAssistantStandin();
  const jeedom = await startJeedomStandin();
  // The real influxd 1.x when installed, else the 2.x write-API stand-in.
  const influxKind = influxdb1.available ? influxdb1 : influxdb2Standin;
  const influx = await influxKind.start();
  const influxUrl = new URL(influx.env['INFLUXDB_URL']!);
  const influxWrite = influxdb1.available
    ? { url: new URL(`/write?db=${influx.env['INFLUXDB_DATABASE']}&precision=ms`, influxUrl).href }
    : {
        url: new URL(
          `/api/v2/write?org=${influx.env['INFLUXDB_ORG']}&bucket=${influx.env['INFLUXDB_BUCKET']}&precision=ms`,
          influxUrl,
        ).href,
        authorization: `Token ${influx.env['INFLUXDB_TOKEN']}`,
      };
  return {
    influxKind: influxKind.title,
    influxWrite,
    vmKind: vm.kind,
    vmUrl: vm.url,
    haUrl: ha.url,
    haToken: ha.options.token,
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

function enable(env: Record<string, string>, ids: readonly string[]): Record<string, string> {
  const enabled = Object.fromEntries(ids.map((id) => [`${manifestOf(id)!.envPrefixes[0]}_ENABLED`, 'true']));
  return { ...env, ...enabled };
}

/** As if MyElectricalData had synced this data yesterday: a backfill then finds it all, an incremental none. */
async function ageData(database: TestDatabase): Promise<void> {
  for (const table of ['consumption_data', 'production_data']) {
    await database.query(`update ${table} set updated_at = now() - interval '1 day'`);
  }
}

async function resetExportTables(database: TestDatabase): Promise<void> {
  await database.query('delete from export_logs');
  await database.query('delete from export_state');
}

async function exportRun(env: Record<string, string>, args: string[]) {
  const run = await timeCommand('node', [...CLI, 'export', ...args], { env, rss: true });
  if (run.exitCode !== 0) throw new Error(`export ${args.join(' ')} failed:\n${run.stdout}\n${run.stderr}`);
  return run;
}

async function sourceRows(database: TestDatabase, usagePointId: string): Promise<number> {
  const [row] = await database.query<{ count: string }>(
    `select (select count(*) from consumption_data where usage_point_id = $1)
          + (select count(*) from production_data where usage_point_id = $1) as count`,
    [usagePointId],
  );
  return Number(row!.count);
}

const rows: Row[] = [];
const log = (message: string) => process.stderr.write(`${message}\n`);

const database = await createTestDatabase();
try {
  log(`generating 1 PDL × ${YEARS} years into ${database.kind} …`);
  const one = pdl(1);
  await generateMedData(database, {
    pdls: [one],
    from,
    to: yesterday,
    tempo: true,
    ecowatt: true,
    offers: true,
  });
  await ageData(database);
  const oneRows = await sourceRows(database, one.usagePointId);
  await timeCommand('node', [...CLI, 'migrate'], { env: { DATABASE_URL: database.url } });

  // Full backfill of one PDL to each destination, then to all at once.
  for (const id of ['victoriametrics', 'influxdb', 'home_assistant', 'jeedom', 'mqtt']) {
    const targets = await startTargets(database);
    await resetExportTables(database);
    log(`backfill → ${id}`);
    const run = await exportRun(enable({ ...targets.env, MED_PDL: one.usagePointId }, [id]), [
      '--destination',
      id,
    ]);
    const row: Row = { measurement: `backfill 1 PDL → ${id}`, seconds: run.seconds, rows: oneRows };
    if (id === 'victoriametrics') {
      const reference = await vmReference(database, one.usagePointId, targets.vmUrl);
      row.reference = { name: 'psql COPY \\| gzip \\| curl import', seconds: reference };
      row.target = { maxRatio: 2 };
      row.note = `${targets.vmKind} VictoriaMetrics`;
    }
    if (id === 'influxdb') {
      // Into the same server, already holding the exporter's points: the reference writes measurements of its own.
      const reference = await influxReference(database, one.usagePointId, targets.influxWrite);
      row.reference = { name: 'psql COPY \\| gzip \\| curl write', seconds: reference };
      row.target = { maxRatio: 2 };
      row.note = targets.influxKind;
    }
    if (id === 'home_assistant') {
      const fresh = await startHomeAssistantStandin();
      const reference = await haReference(
        database,
        one.usagePointId,
        fresh.url,
        fresh.options.token,
        HA_CHUNK_SIZE,
      );
      await fresh.close();
      row.reference = { name: 'bare WebSocket client, same hourly sums', seconds: reference };
      row.target = { maxRatio: 2 };
    }
    rows.push(row);
    await targets.close();
  }

  const targets = await startTargets(database);
  const allFour = enable({ ...targets.env, MED_PDL: one.usagePointId }, destinationIds);
  await resetExportTables(database);
  log('backfill → all at once');
  const all = await exportRun(allFour, ['--all', '--force']);
  rows.push({ measurement: 'backfill 1 PDL → all at once', seconds: all.seconds, rows: oneRows });

  const bareQuery = await medianSeconds(
    'node',
    [
      '--input-type=module',
      '-e',
      "import pg from 'pg'; const c = new pg.Client(process.env.DATABASE_URL); await c.connect(); await c.query('select max(completed_at) from export_logs'); await c.end();",
    ],
    5,
    { DATABASE_URL: database.url },
  );
  log('incremental passes');
  const nothingNew = await exportRun(allFour, ['--all', '--force']);
  rows.push({
    measurement: 'incremental pass, nothing new, all at once',
    seconds: nothingNew.seconds,
    reference: { name: 'bare Node process: connect + one query', seconds: bareQuery },
    target: { maxRatio: 3 },
  });
  await generateMedData(database, {
    pdls: [one],
    from: today,
    to: today,
    tempo: false,
    ecowatt: false,
    offers: false,
  });
  const oneDay = await exportRun(allFour, ['--all', '--force']);
  rows.push({ measurement: 'incremental pass, one new day, all at once', seconds: oneDay.seconds });
  await targets.close();

  log('cold starts');
  const nodeBare = await medianSeconds('node', ['-e', '0'], 7);
  const help = await medianSeconds('node', [...CLI, '--help'], 7);
  rows.push({
    measurement: 'cold start: med-export --help',
    seconds: help,
    reference: { name: 'node -e 0', seconds: nodeBare },
    target: { maxRatio: 3 },
  });
  const notDue = await medianSeconds('node', [...CLI, 'export', '--all'], 5, allFour);
  rows.push({
    measurement: 'cold start: export --all, nothing due',
    seconds: notDue,
    reference: { name: 'bare Node process: connect + one query', seconds: bareQuery },
    target: { maxRatio: 3 },
  });

  rows.push({
    measurement: 'peak RSS, backfill 1 PDL → all at once',
    seconds: null,
    target: { max: 200, unit: 'MB', value: all.peakRssMb ?? Number.NaN },
    note: `${(all.peakRssMb ?? Number.NaN).toFixed(0)} MB`,
  });

  log(`generating ${MANY_PDLS} PDLs × ${YEARS} years …`);
  const many = Array.from({ length: MANY_PDLS }, (_, index) => pdl(index + 1));
  await generateMedData(database, {
    pdls: many,
    from,
    to: yesterday,
    tempo: true,
    ecowatt: true,
    offers: true,
  });
  const manyTargets = await startTargets(database);
  await resetExportTables(database);
  log(`backfill ${MANY_PDLS} PDLs → all at once`);
  const manyRun = await exportRun(enable(manyTargets.env, destinationIds), ['--all', '--force']);
  await manyTargets.close();
  rows.push({
    measurement: `backfill ${MANY_PDLS} PDLs → all at once`,
    seconds: manyRun.seconds,
    rows: (await Promise.all(many.map((entry) => sourceRows(database, entry.usagePointId)))).reduce(
      (a, b) => a + b,
    ),
  });
  rows.push({
    measurement: `peak RSS, backfill ${MANY_PDLS} PDLs → all at once`,
    seconds: null,
    target: { max: 200, unit: 'MB', value: manyRun.peakRssMb ?? Number.NaN },
    note: `${(manyRun.peakRssMb ?? Number.NaN).toFixed(0)} MB`,
  });
} finally {
  await database.close();
}

console.log(
  `med-export benchmark, ${new Date().toISOString().slice(0, 10)}, database: ${process.env.MED_TEST_DATABASE_URL ? 'PostgreSQL server' : 'embedded PGlite'}, ${YEARS} years of half-hourly data per PDL\n`,
);
console.log(printTable(rows));
