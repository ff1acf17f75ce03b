/**
 * `npm run bench`: generates MyElectricalData-shaped data (1 PDL × 3 years of half-hourly detail, daily values,
 * Tempo, EcoWatt) into PostgreSQL (MED_TEST_DATABASE_URL's server when set, else embedded), then measures the
 * compiled CLI against each destination and against the raw pipelines beside it, then a growth table (1, 10 and
 * 50 PDLs to every destination at once), and prints a markdown table; the table and the growth chart (SVG) are
 * written under bench/out/. Targets are issue 15's, as ratios measured side by side in the same run: absolute
 * times drift on shared machines. Peak RSS is `/usr/bin/time -v`'s.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { destinationIds } from '../src/destinations/registry.js';
import { addDays, parisDate } from '../src/domain/paris-time.js';
import { generateMedData } from '../test/support/generate-med-data.js';
import type { GeneratedPdl } from '../test/support/generate-med-data.js';
import { createTestDatabase } from '../test/support/test-database.js';
import type { TestDatabase } from '../test/support/test-database.js';
import { growthChartSvg } from './growth-chart.js';
import type { GrowthPoint } from './growth-chart.js';
import { COUNTS_QUIET_MS } from '../src/query/query-layer.js';
import { ROOT, interleavedMedians, median, printTable, timeCommand } from './measure.js';
import type { Row } from './measure.js';
import {
  CLI,
  enable,
  exportRun,
  measureBackfill,
  resetExportTables,
  startTargets,
  withTargets,
} from './backfill-runs.js';

const YEARS = 3;
/** The growth table's sizes and history: 50 PDLs × 3 years would take most of an hour to generate and export. */
const GROWTH_PDLS = (process.env.MED_BENCH_GROWTH_PDLS ?? '1,10,50').split(',').map(Number);
const GROWTH_YEARS = Number(process.env.MED_BENCH_GROWTH_YEARS ?? 1);
const IDLE_RUNS = 5;
const BACKFILL_RUNS = 3;
/**
 * `MED_BENCH_ONLY=jeedom,cold` runs only those parts (a destination's id, `all` for every destination at once,
 * `cold` for the cold starts, `growth`), for working on one figure; the README's table is always a full run.
 */
const ONLY = process.env.MED_BENCH_ONLY ? new Set(process.env.MED_BENCH_ONLY.split(',')) : null;
const runs = (part: string) => ONLY === null || ONLY.has(part);

const today = parisDate(Date.now());
const from = addDays(today, -365 * YEARS);
const growthFrom = addDays(today, -365 * GROWTH_YEARS);
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

/** As if MyElectricalData had synced this data yesterday: a backfill then finds it all, an incremental none. */
async function ageData(database: TestDatabase): Promise<void> {
  // Tempo colours too: one written within the change margin counts as arrived since the last pass and makes the
  // tariff-splitting destinations re-send its days.
  for (const table of ['consumption_data', 'production_data', 'tempo_days']) {
    await database.query(`update ${table} set updated_at = now() - interval '1 day'`);
  }
}

const BARE_QUERY_NAME = 'bare Node process: connect + one query';

/**
 * Repeated passes (nothing new: each leaves the destination as it found it), each beside a bare Node process
 * connecting and making one query: the medians of both. Passes are timed once the database has been quiet for
 * the time med-export waits before trusting PostgreSQL's write counts (query-layer.ts), as under cron between
 * MyElectricalData's syncs; until then every pass reads every row for changed days.
 */
async function idleBesideBareQuery(
  env: Record<string, string>,
  args: string[],
  { afterQuiet = true } = {},
): Promise<Pick<Row, 'seconds' | 'reference'>> {
  if (afterQuiet) await new Promise((resolve) => setTimeout(resolve, COUNTS_QUIET_MS + 1_000));
  const [seconds, bare] = await interleavedMedians(
    { command: 'node', args: [...CLI, 'export', ...args], env },
    {
      command: 'node',
      args: [
        '--input-type=module',
        '-e',
        "import pg from 'pg'; const c = new pg.Client(process.env.DATABASE_URL); await c.connect(); await c.query('select max(completed_at) from export_logs'); await c.end();",
      ],
      env: { DATABASE_URL: env['DATABASE_URL']! },
    },
    IDLE_RUNS,
  );
  return { seconds, reference: { name: BARE_QUERY_NAME, seconds: bare } };
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

  // Full backfill of one PDL to each destination, then to all at once. Each backfill and its reference run
  // BACKFILL_RUNS times, one after the other, into fresh servers: the medians are compared (one run of either
  // could be a third slower or faster on a shared 2-core machine).
  for (const id of ['victoriametrics', 'influxdb', 'home_assistant', 'jeedom', 'mqtt'].filter(runs)) {
    const exporter: number[] = [];
    const references: number[] = [];
    const peakRss: number[] = [];
    let extra: Partial<Row> = {};
    for (let attempt = 0; attempt < BACKFILL_RUNS; attempt++) {
      const measured = await measureBackfill(database, id, one.usagePointId);
      exporter.push(measured.seconds);
      peakRss.push(measured.peakRssMb);
      if (measured.reference) references.push(measured.reference.seconds);
      extra = measured.row;
    }
    const seconds = (values: number[]) => values.map((value) => value.toFixed(2)).join(', ');
    log(`  ${id}: exporter ${seconds(exporter)} s, reference ${seconds(references) || '–'} s`);
    const row: Row = {
      measurement: `backfill 1 PDL → ${id}`,
      seconds: median(exporter),
      rows: oneRows,
      ...extra,
      ...(extra.reference ? { reference: { ...extra.reference, seconds: median(references) } } : {}),
    };
    rows.push(row);
    if (id === 'victoriametrics') {
      const rss = median(peakRss);
      rows.push(
        {
          measurement: 'peak RSS, backfill 1 PDL → victoriametrics',
          seconds: null,
          target: { max: 100, unit: 'MB', value: rss },
          note: `${rss.toFixed(0)} MB`,
        },
        {
          measurement: 'incremental pass, nothing new → victoriametrics',
          ...(await withTargets(database, async (targets) => {
            const env = enable({ ...targets.env, MED_PDL: one.usagePointId }, [id]);
            await exportRun(env, ['--destination', id]);
            return idleBesideBareQuery(env, ['--destination', id, '--force']);
          })),
          target: { maxRatio: 1.5 },
        },
      );
    }
  }

  if (runs('all') || runs('cold')) {
    const targets = await startTargets(database);
    const allFour = enable({ ...targets.env, MED_PDL: one.usagePointId }, destinationIds);
    await resetExportTables(database);
    log('backfill → all at once');
    const all = await exportRun(allFour, ['--all', '--force']);
    rows.push({ measurement: 'backfill 1 PDL → all at once', seconds: all.seconds, rows: oneRows });

    rows.push({
      measurement: 'peak RSS, backfill 1 PDL → all at once',
      seconds: null,
      target: { max: 150, unit: 'MB', value: all.peakRssMb ?? Number.NaN },
      note: `${(all.peakRssMb ?? Number.NaN).toFixed(0)} MB`,
    });
    if (runs('all')) {
      log('incremental passes');
      rows.push({
        measurement: 'incremental pass, nothing new, all at once',
        ...(await idleBesideBareQuery(allFour, ['--all', '--force'])),
        target: { maxRatio: 2 },
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
    }
    await targets.close();
    if (runs('cold')) {
      log('cold starts');
      const [help, nodeBare] = await interleavedMedians(
        { command: 'node', args: [...CLI, '--help'] },
        { command: 'node', args: ['-e', '0'] },
        9,
      );
      rows.push({
        measurement: 'cold start: med-export --help',
        seconds: help,
        reference: { name: 'node -e 0', seconds: nodeBare },
        target: { maxRatio: 1.5 },
      });
      rows.push({
        measurement: 'cold start: export --all, nothing due',
        ...(await idleBesideBareQuery(allFour, ['--all'], { afterQuiet: false })),
        target: { maxRatio: 3 },
      });
    }
  }
} finally {
  await database.close();
}

const growth: GrowthPoint[] = [];
const growthDatabase = await createTestDatabase();
try {
  await timeCommand('node', [...CLI, 'migrate'], { env: { DATABASE_URL: growthDatabase.url } });
  // One database grown step by step: each size adds the PDLs the one before did not have.
  for (const size of runs('growth') ? GROWTH_PDLS : []) {
    log(`growth: generating up to ${size} PDLs × ${GROWTH_YEARS} year(s) …`);
    const pdls = Array.from({ length: size }, (_, index) => pdl(index + 1));
    await generateMedData(growthDatabase, {
      pdls: pdls.slice(growth.at(-1)?.pdls ?? 0),
      from: growthFrom,
      to: yesterday,
      tempo: growth.length === 0,
      ecowatt: growth.length === 0,
      offers: growth.length === 0,
    });
    await ageData(growthDatabase);
    const targets = await startTargets(growthDatabase);
    await resetExportTables(growthDatabase);
    log(`growth: backfill ${size} PDLs → all at once`);
    const run = await exportRun(enable(targets.env, destinationIds), ['--all', '--force']);
    await targets.close();
    const sourceTotal = (
      await Promise.all(pdls.map((entry) => sourceRows(growthDatabase, entry.usagePointId)))
    ).reduce((a, b) => a + b);
    growth.push({
      pdls: size,
      seconds: run.seconds,
      rows: sourceTotal,
      peakRssMb: run.peakRssMb ?? Number.NaN,
    });
  }
} finally {
  await growthDatabase.close();
}
for (const point of growth) {
  const smallest = growth[0]!;
  const linear = (smallest.seconds / smallest.pdls) * point.pdls;
  rows.push({
    measurement: `growth: backfill ${point.pdls} PDL${point.pdls > 1 ? 's' : ''} × ${GROWTH_YEARS} year${GROWTH_YEARS > 1 ? 's' : ''} → all at once`,
    seconds: point.seconds,
    rows: point.rows,
    ...(point === smallest
      ? {}
      : {
          reference: { name: `linear: ${point.pdls} × the ${smallest.pdls}-PDL time`, seconds: linear },
          target: { maxRatio: 1 },
        }),
  });
  rows.push({
    measurement: `growth: peak RSS, ${point.pdls} PDL${point.pdls > 1 ? 's' : ''}`,
    seconds: null,
    ...(point === smallest
      ? {}
      : {
          target: { max: Math.round(smallest.peakRssMb * 1.2), unit: 'MB (+20 %)', value: point.peakRssMb },
        }),
    note: `${point.peakRssMb.toFixed(0)} MB`,
  });
}

const heading = `med-export benchmark, ${new Date().toISOString().slice(0, 10)}, database: ${process.env.MED_TEST_DATABASE_URL ? 'PostgreSQL server' : 'embedded PGlite'}, ${YEARS} years of half-hourly data per PDL (growth table: ${GROWTH_YEARS})${ONLY ? `, only ${[...ONLY].join(', ')}` : ''}`;
const table = printTable(rows);
const out = new URL('bench/out/', `file://${ROOT}`);
await mkdir(out, { recursive: true });
await writeFile(new URL('bench.md', out), `${heading}\n\n${table}\n`);
if (growth.length > 0) {
  await writeFile(
    new URL('growth.svg', out),
    growthChartSvg(growth, `backfill to every destination at once, ${GROWTH_YEARS} year(s) per PDL`),
  );
}
console.log(`${heading}\n`);
console.log(table);
log('written: bench/out/bench.md, bench/out/growth.svg');
