import { expect } from 'vitest';
import { addDays, parisParts } from '../../src/domain/paris-time.js';
import { DEMO_PDL, generateMedData } from '../support/generate-med-data.js';
import { runCli } from '../support/run-cli.js';
import { spawnCli } from '../support/spawn-cli.js';
import { createTestDatabase } from '../support/test-database.js';
import type { TestDatabase } from '../support/test-database.js';
import { mulberry32 } from '../support/seeded-random.js';

/**
 * Crash at any instant, lose nothing, store nothing twice. A destination (or several at once) is fed a
 * backfill during which it is restarted once and the PostgreSQL connection is cut once, mid-pass; then the
 * runs that follow are killed with SIGKILL at random instants over a clean run's length, each kill followed by
 * a restart; then a clean run. Afterwards it must
 * hold exactly what one clean run into a fresh instance of it holds (the reference, itself checked against the
 * database by each destination's export tests), pass its own checks against the database, and every killed run
 * must be closed as interrupted.
 *
 * MED_CHAOS_SEED seeds the instants (CI uses the default), MED_CHAOS_ROUNDS sets the kills per run.
 */

/** One instance of a destination, for the reference run or for the chaos. */
export interface ChaosDestination {
  /** The environment that enables it in the CLI, pointed at this instance. */
  env(): Record<string, string>;
  /** Restarts its server (or does to clients what a restart does), mid-pass. */
  restart(): Promise<void>;
  /** What it holds, comparable between two instances fed the same database. */
  holdings(): Promise<unknown>;
  /** Its own rules against the database: no sample twice, sums continuous, one row per day. */
  verify(database: TestDatabase): Promise<void>;
  close(): Promise<void>;
}

/** What the harness needs of a destination: one entry per destination (InfluxDB joins with one more). */
export interface ChaosAdapter {
  /** As export_logs names it. */
  id: string;
  start(): Promise<ChaosDestination>;
}

export interface ChaosSettings {
  seed: number;
  rounds: number;
}

export function chaosSettings(defaultRounds: number): ChaosSettings {
  const seed = Number(process.env['MED_CHAOS_SEED'] ?? 16);
  const rounds = Number(process.env['MED_CHAOS_ROUNDS'] ?? defaultRounds);
  if (!Number.isSafeInteger(seed) || !Number.isSafeInteger(rounds) || rounds < 1)
    throw new Error('MED_CHAOS_SEED must be an integer, MED_CHAOS_ROUNDS a positive integer');
  return { seed, rounds };
}

/**
 * Cutting the CLI's PostgreSQL connection takes a server with backends (pg_stat_activity): the chaos suite runs
 * in the real-services pass only.
 */
export const chaosDatabaseAvailable = Boolean(process.env['MED_TEST_DATABASE_URL']);

/**
 * One PDL (consumption and production), one year of daily values and load curve, Tempo and EcoWatt, each day's
 * rows written the day after it, as a daily sync leaves them.
 */
export async function chaosDatabase(): Promise<TestDatabase> {
  const database = await createTestDatabase();
  const today = parisParts(new Date()).date;
  await generateMedData(database, {
    pdls: [DEMO_PDL],
    from: addDays(today, -365),
    to: addDays(today, -1),
    detailed: true,
    seed: 16,
    tempo: true,
    ecowatt: true,
  });
  for (const table of ['consumption_data', 'production_data']) {
    await database.query(
      `update ${table} set updated_at = now() - interval '1 day' * (current_date - date) - interval '1 hour'`,
    );
  }
  return database;
}

/**
 * Kills per run in CI: 12 of each destination alone and 8 of all of them at once (each of those hits every
 * destination still running): 20 kills per destination, within CI's time.
 */
export const SINGLE_DESTINATION_ROUNDS = 12;
export const ALL_DESTINATIONS_ROUNDS = 8;

/** Long enough for a backfill run killed any number of times. */
export const CHAOS_TIMEOUT_MS = 600_000;

export interface ChaosFigures {
  destinations: string[];
  seed: number;
  /** Runs to kill (MED_CHAOS_ROUNDS). */
  rounds: number;
  /** Runs killed while still running (the others ended before their instant came). */
  kills: number;
  /** Of those, the ones killed in the middle of a destination's pass (its export_logs row left `running`). */
  midPassKills: number;
  /** PostgreSQL backends of the CLI terminated mid-pass. */
  cuts: number;
  restarts: number;
  cleanRunMs: number;
  wallMs: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** A run that outlives this is stuck: the suite fails instead of waiting forever. */
const RUN_LIMIT_MS = 120_000;

async function exportOnce(env: Record<string, string>, during?: (alive: () => boolean) => Promise<void>) {
  const started = Date.now();
  const cli = spawnCli(['export', '--all', '--force'], env);
  const limit = setTimeout(() => cli.child.kill('SIGKILL'), RUN_LIMIT_MS);
  try {
    await during?.(() => cli.child.exitCode === null && cli.child.signalCode === null);
    const result = await cli.done;
    return { ...result, ms: Date.now() - started };
  } finally {
    clearTimeout(limit);
  }
}

/**
 * Of a clean run's length, the share after a pass has started within which a cut or restart falls: a clean run
 * also counts the process' start (about half of it), so later instants would find it finished.
 */
const MID_PASS_SHARE = 0.3;
const MID_PASS_ATTEMPTS = 5;

/**
 * Waits until a destination's pass has started (a `running` row not among `before`), then `delayMs` more; false
 * when the run ended first.
 */
async function midPass(
  database: TestDatabase,
  alive: () => boolean,
  before: ReadonlySet<string>,
  delayMs: number,
): Promise<boolean> {
  while (alive() && !(await runningIds(database)).some((id) => !before.has(id))) await sleep(20);
  await sleep(delayMs);
  return alive();
}

async function logIds(database: TestDatabase): Promise<Set<string>> {
  const rows = await database.query<{ id: string }>('select id from export_logs');
  return new Set(rows.map((row) => String(row.id)));
}

async function resetExportTables(database: TestDatabase): Promise<void> {
  await database.query('delete from export_logs');
  await database.query('delete from export_state');
}

async function runningIds(database: TestDatabase): Promise<string[]> {
  const rows = await database.query<{ id: string }>(`select id from export_logs where status = 'running'`);
  return rows.map((row) => String(row.id));
}

export async function runChaos(
  database: TestDatabase,
  adapters: readonly ChaosAdapter[],
  settings: ChaosSettings,
): Promise<ChaosFigures> {
  const wallStarted = Date.now();
  const base = { DATABASE_URL: database.url };
  expect((await runCli(['migrate'], base)).exitCode).toBe(0);

  // The reference: one clean run into fresh instances, which also measures how long a clean run takes.
  const reference = await Promise.all(adapters.map((adapter) => adapter.start()));
  const referenceEnv = Object.assign({ ...base }, ...reference.map((destination) => destination.env()));
  let passStartedMs = 0;
  const clean = await exportOnce(referenceEnv, async (alive) => {
    const started = Date.now();
    await midPass(database, alive, new Set(), 0);
    passStartedMs = Date.now() - started;
  });
  expect(clean.code, clean.stdout + clean.stderr).toBe(0);
  const expected = await Promise.all(reference.map((destination) => destination.holdings()));
  await Promise.all(reference.map((destination) => destination.close()));
  await resetExportTables(database);

  const next = mulberry32(settings.seed);
  const destinations = await Promise.all(adapters.map((adapter) => adapter.start()));
  const env = Object.assign({ ...base }, ...destinations.map((destination) => destination.env()));
  const figures: ChaosFigures = {
    destinations: adapters.map((adapter) => adapter.id),
    seed: settings.seed,
    rounds: settings.rounds,
    kills: 0,
    midPassKills: 0,
    cuts: 0,
    restarts: 0,
    cleanRunMs: clean.ms,
    wallMs: 0,
  };
  const killed: string[] = [];
  try {
    // First, while the backfill has most to do: the destinations restarted mid-pass, then the PostgreSQL
    // connection cut mid-pass (the CLI's backends, found by their application_name). A run that ends before
    // its instant is followed by another one, acted on as soon as its pass starts.
    for (let attempt = 0; figures.restarts === 0 && attempt < MID_PASS_ATTEMPTS; attempt++) {
      const before = await logIds(database);
      const delayMs = attempt === 0 ? next() * clean.ms * MID_PASS_SHARE : 0;
      await exportOnce(env, async (alive) => {
        if (!(await midPass(database, alive, before, delayMs))) return;
        await Promise.all(destinations.map((destination) => destination.restart()));
        figures.restarts += 1;
      });
    }
    for (let attempt = 0; figures.cuts === 0 && attempt < MID_PASS_ATTEMPTS; attempt++) {
      const before = await logIds(database);
      const delayMs = attempt === 0 ? next() * clean.ms * MID_PASS_SHARE : 0;
      await exportOnce(env, async (alive) => {
        if (!(await midPass(database, alive, before, delayMs))) return;
        const [row] = await database.query<{ cut: string }>(
          `select count(pg_terminate_backend(pid)) as cut from pg_stat_activity
           where application_name = 'med-export' and datname = current_database()`,
        );
        if (Number(row?.cut ?? 0) > 0) figures.cuts += 1;
      });
    }

    // Until `rounds` runs were killed while running: every other instant is drawn over a whole run (its start
    // included), the others over its pass, from the instant it started. An instant may come after its run
    // ended: once the backfill is through, runs are shorter, so instants are then drawn over the last run that
    // ended by itself.
    const bounds = { runMs: clean.ms, passMs: Math.max(1, clean.ms - passStartedMs) };
    for (let round = 0; figures.kills < settings.rounds && round < settings.rounds * 5; round++) {
      const inPass = round % 2 === 1;
      const delayMs = Math.floor(next() * (inPass ? bounds.passMs : bounds.runMs));
      const before = await logIds(database);
      const started = Date.now();
      const cli = spawnCli(['export', '--all', '--force'], env);
      const alive = () => cli.child.exitCode === null && cli.child.signalCode === null;
      const passStarted = inPass ? (await midPass(database, alive, before, 0), Date.now()) : started;
      await sleep(delayMs);
      if (alive()) {
        cli.child.kill('SIGKILL');
        await cli.done;
        figures.kills += 1;
        const running = (await runningIds(database)).filter((id) => !before.has(id));
        if (running.length > 0) figures.midPassKills += 1;
        killed.push(...running);
      } else {
        await cli.done;
        if (inPass) bounds.passMs = Math.max(1, Math.min(bounds.passMs, Date.now() - passStarted));
        else bounds.runMs = Math.min(bounds.runMs, Date.now() - started);
      }
    }

    expect(figures.cuts, 'the PostgreSQL connection was cut mid-pass').toBe(1);
    expect(figures.restarts, 'the destinations were restarted mid-pass').toBe(1);

    const final = await exportOnce(env);
    expect(final.code, final.stdout + final.stderr).toBe(0);

    const logs = await database.query<{
      id: string;
      destination: string;
      status: string;
      error_message: string;
    }>('select id, destination, status, error_message from export_logs');
    expect(logs.filter((row) => row.status === 'running')).toEqual([]);
    for (const id of killed) {
      const row = logs.find((log) => String(log.id) === id);
      expect(row?.status).toBe('error');
      expect(row?.error_message).toMatch(/^interrupted: /);
    }
    for (const [index, destination] of destinations.entries()) {
      const holdings = await destination.holdings();
      const differing = differingEntries(holdings, expected[index]);
      expect(
        holdings,
        `${adapters[index]!.id} holds what a clean run gives; differs in ${differing}`,
      ).toEqual(expected[index]);
      await destination.verify(database);
    }
  } finally {
    await Promise.all(destinations.map((destination) => destination.close()));
  }
  figures.wallMs = Date.now() - wallStarted;
  console.log(`chaos ${JSON.stringify(figures)}`);
  return figures;
}

/**
 * The top-level entries (series, statistics, commands) in which two holdings differ, each with the first of its
 * items that differs: what a failure must say, since vitest folds the nested arrays of a large diff.
 */
function differingEntries(actual: unknown, expected: unknown): string {
  const asRecord = (value: unknown) => (value ?? {}) as Record<string, unknown>;
  const [got, want] = [asRecord(actual), asRecord(expected)];
  const differing: string[] = [];
  for (const key of new Set([...Object.keys(got), ...Object.keys(want)])) {
    if (JSON.stringify(got[key]) === JSON.stringify(want[key])) continue;
    const [gotItems, wantItems] = [got[key], want[key]].map((value) =>
      Array.isArray(value) ? value : [value],
    );
    const at = gotItems!.findIndex((item, i) => JSON.stringify(item) !== JSON.stringify(wantItems![i]));
    const first = at === -1 ? gotItems!.length : at;
    differing.push(
      `${key} (item ${first}: ${JSON.stringify(gotItems![first])} instead of ${JSON.stringify(wantItems![first])})`,
    );
  }
  return differing.slice(0, 5).join('; ') || 'nothing (order?)';
}
