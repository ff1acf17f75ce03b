import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database, ExportStatus } from '../db/tables.js';
import { redact } from '../redact.js';

/** export_logs and export_state: what ran, how it ended, and what each destination has confirmed. */

export interface StoredState {
  state: Record<string, unknown>;
  watermark: Date | null;
  /** The target (manifest `target`) this state was confirmed by; null when recorded before targets were. */
  target?: string | null;
  /** What was confirmed to the targets the destination pointed at before, kept for when it returns to one. */
  earlierTargets?: Record<string, EarlierTarget>;
  /** PostgreSQL's write counts as the run that set the watermark started (see WriteCounts). */
  writeCounts?: WriteCounts | null;
}

/**
 * PostgreSQL's counts of rows written: MyElectricalData's energy tables' (QueryLayer.writeCounts), and
 * export_logs', which every run writes. The same energy counts at a later run mean nothing was written there
 * since, provided export_logs' went up meanwhile: the runs in between were counted, so the counts are alive
 * (embedded PGlite's stay as they were loaded).
 */
export interface WriteCounts {
  tables: string;
  runLogs: number;
}

export interface EarlierTarget {
  state: Record<string, unknown>;
  /** ISO 8601, or null. */
  watermark: string | null;
}

/**
 * The runner's own entries in the state document, under keys no destination uses; stripped before a
 * destination sees its state.
 */
const TARGET_KEY = '_target';
const EARLIER_TARGETS_KEY = '_earlier_targets';
const WRITE_COUNTS_KEY = '_write_counts';

export async function readState(db: Kysely<Database>, destination: string): Promise<StoredState> {
  const row = await db
    .selectFrom('export_state')
    .select(['state', 'watermark'])
    .where('destination', '=', destination)
    .executeTakeFirst();
  return storedStateOf(row);
}

function storedStateOf(row: { state: Record<string, unknown> | null; watermark: Date | null } | undefined) {
  const {
    [TARGET_KEY]: target,
    [EARLIER_TARGETS_KEY]: earlier,
    [WRITE_COUNTS_KEY]: writeCounts,
    ...state
  } = row?.state ?? {};
  return {
    state,
    watermark: row?.watermark ?? null,
    target: typeof target === 'string' ? target : null,
    ...(isWriteCounts(writeCounts) ? { writeCounts } : {}),
    ...(typeof earlier === 'object' && earlier !== null && !Array.isArray(earlier)
      ? { earlierTargets: earlier as Record<string, EarlierTarget> }
      : {}),
  };
}

function isWriteCounts(value: unknown): value is WriteCounts {
  const counts = value as WriteCounts | null | undefined;
  return typeof counts?.tables === 'string' && typeof counts.runLogs === 'number';
}

export interface StartedRun {
  logId: string;
  /** Rows left `running` by a process that died (SIGKILL, power cut), now closed as errors. */
  interrupted: number;
  stored: StoredState;
  /** The database's clock as the run starts: the next run looks for changes from here (with its margin). */
  changeCursor: Date;
  /** Rows of export_logs PostgreSQL has counted written (inserted, updated, deleted); null where it has none. */
  runLogWrites: number | null;
}

const INTERRUPTED_MESSAGE =
  'interrupted: the process stopped before finishing; nothing it did not confirm was recorded';

/** Where a running row keeps its last checkpoint (see `saveCheckpoint`). */
const CHECKPOINT_KEY = 'checkpoint';

/** The state document of export_state: the destination's own state with the runner's entries beside it. */
function stateDocument(stored: StoredState): Record<string, unknown> {
  return {
    ...stored.state,
    ...(stored.target ? { [TARGET_KEY]: stored.target } : {}),
    ...(stored.earlierTargets && Object.keys(stored.earlierTargets).length > 0
      ? { [EARLIER_TARGETS_KEY]: stored.earlierTargets }
      : {}),
    ...(stored.writeCounts ? { [WRITE_COUNTS_KEY]: stored.writeCounts } : {}),
  };
}

/**
 * Keeps a destination's state part-way through a run in its `running` row: the stored state (export_state)
 * only changes when a run ends, or when a run that died is closed (`startRun`), which then adopts this document
 * whole. So it carries the target and the earlier targets' states as the run's end would have stored them; not
 * the write counts, which only a finished run may vouch for.
 */
export async function saveCheckpoint(
  db: Kysely<Database>,
  logId: string,
  stored: StoredState,
): Promise<void> {
  const document = stateDocument({ ...stored, writeCounts: null });
  await db
    .updateTable('export_logs')
    .set({ details: JSON.stringify({ [CHECKPOINT_KEY]: document }) })
    .where('id', '=', logId)
    .execute();
}

/**
 * One statement for a run's start (an idle cron pass makes as few round trips as it can): closes the runs a
 * process that died left `running` (only called while holding the destination's lock, so no live run owns
 * them), adopts the last checkpoint of the latest of them as the stored state (the watermark stays: what that
 * run had confirmed is not sent again, and what it had in flight is known to be uncertain), opens this run's
 * row, and reads the stored state and the database's clock.
 */
export async function startRun(db: Kysely<Database>, destination: string): Promise<StartedRun> {
  const { rows } = await sql<{
    log_id: string;
    interrupted: string;
    change_cursor: Date;
    state: Record<string, unknown> | null;
    watermark: Date | null;
    run_log_writes: string | null;
  }>`
    with interrupted as (
      update export_logs set status = 'error', error_message = ${INTERRUPTED_MESSAGE}, completed_at = now()
      where destination = ${destination} and status = 'running'
      returning id, started_at, details
    ), adopted as (
      insert into export_state (destination, state, watermark, updated_at)
      select ${destination}, checkpoint, null, now()
      from (
        select details -> ${CHECKPOINT_KEY}::text as checkpoint from interrupted
        order by started_at desc, id desc limit 1
      ) as latest
      where jsonb_typeof(checkpoint) = 'object'
      on conflict (destination) do update set state = excluded.state, updated_at = now()
      returning state
    ), started as (
      insert into export_logs (destination, status, error_message, details, completed_at)
      values (${destination}, 'running', null, '{}', null)
      returning id
    )
    select (select id from started) as log_id, (select count(*) from interrupted) as interrupted,
      now() as change_cursor, coalesce((select state from adopted), export_state.state) as state,
      export_state.watermark, (
        select n_tup_ins + n_tup_upd + n_tup_del from pg_stat_user_tables where relid = 'export_logs'::regclass
      ) as run_log_writes
    from (select 1) as one left join export_state on export_state.destination = ${destination}`.execute(db);
  const row = rows[0]!;
  return {
    logId: String(row.log_id),
    interrupted: Number(row.interrupted),
    stored: storedStateOf(row.state === null ? undefined : row),
    changeCursor: row.change_cursor,
    runLogWrites: row.run_log_writes === null ? null : Number(row.run_log_writes),
  };
}

export async function lastSuccessAt(db: Kysely<Database>, destination: string): Promise<Date | null> {
  const row = await db
    .selectFrom('export_logs')
    .select((eb) => eb.fn.max('completed_at').as('last'))
    .where('destination', '=', destination)
    .where('status', '=', 'success')
    .executeTakeFirst();
  return (row?.last as Date | null | undefined) ?? null;
}

export async function recordSkipped(
  db: Kysely<Database>,
  destination: string,
  reason: string,
): Promise<void> {
  await db
    .insertInto('export_logs')
    .values({
      destination,
      status: 'skipped',
      error_message: reason,
      details: JSON.stringify({ reason }),
      completed_at: sql<Date>`now()`,
    })
    .execute();
}

export interface Completion {
  status: Exclude<ExportStatus, 'running' | 'skipped'>;
  records: number;
  details: Record<string, unknown>;
  errorMessage: string | null;
  /** New state to persist with the completion; undefined keeps the stored one. */
  state?: StoredState;
}

/**
 * The log row's completion and the state it confirms, in one statement (so atomically, and in one round trip): a
 * data-modifying CTE updates the log row beside the state's upsert.
 */
export async function completeLog(
  db: Kysely<Database>,
  destination: string,
  logId: string,
  completion: Completion,
): Promise<void> {
  const completeRow = db
    .updateTable('export_logs')
    .set({
      status: completion.status,
      records_exported: completion.records,
      details: redact(JSON.stringify(completion.details)),
      error_message: completion.errorMessage === null ? null : redact(completion.errorMessage),
      completed_at: sql<Date>`now()`,
    })
    .where('id', '=', logId);
  if (!completion.state) {
    await completeRow.execute();
    return;
  }
  const values = {
    destination,
    state: JSON.stringify(stateDocument(completion.state)),
    watermark: completion.state.watermark,
    updated_at: sql<Date>`now()`,
  };
  await db
    .with('completed', () => completeRow)
    .insertInto('export_state')
    .values(values)
    // The row's new values from `excluded`: the state (a few kB to tens of kB) goes over the wire once.
    .onConflict((oc) =>
      oc.column('destination').doUpdateSet({
        state: (eb) => eb.ref('excluded.state'),
        watermark: (eb) => eb.ref('excluded.watermark'),
        updated_at: sql<Date>`now()`,
      }),
    )
    .execute();
}
