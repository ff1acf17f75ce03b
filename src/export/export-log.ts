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

export async function readState(db: Kysely<Database>, destination: string): Promise<StoredState> {
  const row = await db
    .selectFrom('export_state')
    .select(['state', 'watermark'])
    .where('destination', '=', destination)
    .executeTakeFirst();
  const { [TARGET_KEY]: target, [EARLIER_TARGETS_KEY]: earlier, ...state } = row?.state ?? {};
  return {
    state,
    watermark: row?.watermark ?? null,
    target: typeof target === 'string' ? target : null,
    ...(typeof earlier === 'object' && earlier !== null && !Array.isArray(earlier)
      ? { earlierTargets: earlier as Record<string, EarlierTarget> }
      : {}),
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

export async function startLog(db: Kysely<Database>, destination: string): Promise<string> {
  const row = await db
    .insertInto('export_logs')
    .values({ destination, status: 'running', error_message: null, details: '{}', completed_at: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
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

/** Where a running row keeps its last checkpoint (see `saveCheckpoint`). */
const CHECKPOINT_KEY = 'checkpoint';

/**
 * Keeps a destination's state part-way through a run in its `running` row: the stored state (export_state)
 * only changes when a run ends, or when a run that died is closed (`closeInterruptedRuns`).
 */
export async function saveCheckpoint(
  db: Kysely<Database>,
  logId: string,
  state: Record<string, unknown>,
): Promise<void> {
  await db
    .updateTable('export_logs')
    .set({ details: JSON.stringify({ [CHECKPOINT_KEY]: state }) })
    .where('id', '=', logId)
    .execute();
}

/**
 * Rows left `running` by a process that died (SIGKILL, power cut): only called while holding the
 * destination's lock, so no live run owns them. The last checkpoint of the latest one becomes the stored
 * state (the watermark stays): what that run had confirmed is not sent again, and what it had in flight is
 * known to be uncertain.
 */
export async function closeInterruptedRuns(db: Kysely<Database>, destination: string): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const rows = await trx
      .selectFrom('export_logs')
      .select(['id', 'details'])
      .where('destination', '=', destination)
      .where('status', '=', 'running')
      .orderBy('started_at')
      .orderBy('id')
      .execute();
    if (rows.length === 0) return 0;
    await trx
      .updateTable('export_logs')
      .set({
        status: 'error',
        error_message:
          'interrupted: the process stopped before finishing; nothing it did not confirm was recorded',
        completed_at: sql<Date>`now()`,
      })
      .where(
        'id',
        'in',
        rows.map((row) => row.id),
      )
      .execute();
    const checkpoint = rows.at(-1)?.details[CHECKPOINT_KEY];
    if (typeof checkpoint === 'object' && checkpoint !== null && !Array.isArray(checkpoint)) {
      const state = JSON.stringify(checkpoint);
      await trx
        .insertInto('export_state')
        .values({ destination, state, watermark: null, updated_at: sql<Date>`now()` })
        .onConflict((oc) => oc.column('destination').doUpdateSet({ state, updated_at: sql<Date>`now()` }))
        .execute();
    }
    return rows.length;
  });
}

export interface Completion {
  status: Exclude<ExportStatus, 'running' | 'skipped'>;
  records: number;
  details: Record<string, unknown>;
  errorMessage: string | null;
  /** New state to persist with the completion; undefined keeps the stored one. */
  state?: StoredState;
}

/** The log row's completion and the state it confirms are written in one transaction. */
export async function completeLog(
  db: Kysely<Database>,
  destination: string,
  logId: string,
  completion: Completion,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('export_logs')
      .set({
        status: completion.status,
        records_exported: completion.records,
        details: redact(JSON.stringify(completion.details)),
        error_message: completion.errorMessage === null ? null : redact(completion.errorMessage),
        completed_at: sql<Date>`now()`,
      })
      .where('id', '=', logId)
      .execute();
    if (completion.state) {
      const values = {
        destination,
        state: JSON.stringify({
          ...completion.state.state,
          ...(completion.state.target ? { [TARGET_KEY]: completion.state.target } : {}),
          ...(completion.state.earlierTargets && Object.keys(completion.state.earlierTargets).length > 0
            ? { [EARLIER_TARGETS_KEY]: completion.state.earlierTargets }
            : {}),
        }),
        watermark: completion.state.watermark,
        updated_at: sql<Date>`now()`,
      };
      await trx
        .insertInto('export_state')
        .values(values)
        .onConflict((oc) => oc.column('destination').doUpdateSet(values))
        .execute();
    }
  });
}
