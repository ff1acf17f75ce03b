import type { Kysely } from 'kysely';
import type { DestinationConfig, LoadedConfig } from '../config/load-config.js';
import { tableExists } from '../db/inspect.js';
import type { Database } from '../db/tables.js';
import type {
  Destination,
  ExportOutcome,
  PassResult,
  Payload,
  ProgressReporter,
  ResultStatus,
} from '../contract/destination.js';
import { CHANGE_SAFETY_MARGIN_MS, DeliveryError, SILENT_PROGRESS } from '../contract/destination.js';
import type { Logger } from '../logger.js';
import { passReads, withNothingWritten } from '../query/pass-reads.js';
import type { QueryLayer } from '../query/types.js';
import { redact } from '../redact.js';
import { withDestinationLock } from './destination-lock.js';
import {
  completeLog,
  lastSuccessAt,
  readState,
  recordSkipped,
  saveCheckpoint,
  startRun,
} from './export-log.js';
import type { StoredState } from './export-log.js';
import { forTarget } from './target-state.js';
import type { TargetSwitch } from './target-state.js';

const NO_STATE: StoredState = { state: {}, watermark: null };

export interface DestinationResult {
  destination: string;
  status: ResultStatus;
  records: number;
  summary: string;
  error: string | null;
  details: Record<string, unknown>;
  durationMs: number;
  nextDueAt: Date | null;
  payloads: Payload[];
  /** This run's destination points at another target than its stored state's: what changed. */
  targetSwitch: TargetSwitch | null;
}

export interface SelectedDestination {
  destination: Destination;
  config: DestinationConfig;
}

export interface RunOptions {
  db: Kysely<Database>;
  query: QueryLayer;
  config: LoadedConfig;
  selected: readonly SelectedDestination[];
  force: boolean;
  dryRun: boolean;
  /** `--since YYYY-MM-DD` */
  since: string | null;
  now: Date;
  log: Logger;
  signal: AbortSignal;
  /** Where each destination's progress is shown (the terminal's spinner); nothing is shown without it. */
  progress?: ProgressBoard;
}

/** Progress of a whole pass: one line per destination while it runs. */
export interface ProgressBoard {
  reporter(destination: string): ProgressReporter;
  finished(destination: string): void;
}

/** One export pass: every selected destination concurrently; one failing never stops the others. */
export async function runExport(runOptions: RunOptions): Promise<DestinationResult[]> {
  const options = { ...runOptions, query: passReads(runOptions.query) };
  const first = options.selected.filter((selected) => !selected.destination.runsLast);
  const last = options.selected.filter((selected) => selected.destination.runsLast);
  const firstResults = await Promise.all(first.map((selected) => tracked(options, selected, [])));
  const passResults = firstResults.map(({ destination, status, records, durationMs }) => ({
    destination,
    status,
    records,
    durationMs,
  }));
  const lastResults = await Promise.all(last.map((selected) => tracked(options, selected, passResults)));
  const results = [...firstResults, ...lastResults];
  return options.selected.map((selected) =>
    results.find((result) => result.destination === selected.destination.id)!,
  );
}

async function tracked(
  options: RunOptions,
  selected: SelectedDestination,
  otherResults: readonly PassResult[],
): Promise<DestinationResult> {
  options.progress?.reporter(selected.destination.id).report('exporting');
  try {
    return await runDestination(options, selected, otherResults);
  } finally {
    options.progress?.finished(selected.destination.id);
  }
}

async function runDestination(
  options: RunOptions,
  selected: SelectedDestination,
  otherResults: readonly PassResult[],
): Promise<DestinationResult> {
  const { db, dryRun, log } = options;
  const id = selected.destination.id;
  const started = Date.now();
  const result = (status: ResultStatus, fields: Partial<DestinationResult> = {}): DestinationResult => ({
    destination: id,
    status,
    records: 0,
    summary: '',
    error: null,
    details: {},
    durationMs: Date.now() - started,
    nextDueAt: null,
    payloads: [],
    targetSwitch: null,
    ...fields,
  });

  if (!options.force && !options.since && !dryRun) {
    const last = await lastSuccessAt(db, id);
    const nextDueAt = last ? new Date(last.getTime() + selected.config.common.interval * 60_000) : null;
    // A destination pointed at a new target is due at once: the new server has nothing yet.
    if (nextDueAt && nextDueAt > options.now && !(await targetChanged(db, selected))) {
      log.debug(`${id}: last success ${last!.toISOString()}, next due ${nextDueAt.toISOString()}`);
      return result('not_due', { nextDueAt, summary: 'not due yet' });
    }
  }

  if (dryRun) {
    // A dry run writes nothing, not even med-export's own tables: without them it does what a first run would.
    const stored = (await tableExists(db, 'export_state')) ? await readState(db, id) : NO_STATE;
    try {
      const outcome = await callDestination(options, selected, stored, otherResults);
      return result('success', {
        records: outcome.records,
        summary: outcome.summary,
        details: outcome.details,
        payloads: outcome.payloads,
      });
    } catch (error) {
      return result('error', { error: describeError(error) });
    }
  }

  // Asked while the lock is taken, over a connection of its own that opens meanwhile. Its moment against the
  // change cursor does not matter: counts are only given once every other session has been idle longer than
  // PostgreSQL takes to count its writes, so none is left out of them. Unreadable, they are unknown: the pass
  // then looks for changed days as it always can.
  const counting = options.query.writeCounts().catch(() => null);
  // The runner's own statements go over the connection holding the lock: one connection, no pool checkout.
  const locked = await withDestinationLock(db, id, async (connection) => {
    const run = await startRun(connection, id);
    const writeCounts = await counting;
    if (run.interrupted > 0)
      log.warn(`${id}: closed ${run.interrupted} run(s) left unfinished by a process that died`);
    const { stored, switched } = forTarget(run.stored, currentTarget(selected));
    const cursor = run.changeCursor;
    const logId = run.logId;
    const counts =
      writeCounts !== null && run.runLogWrites !== null
        ? { tables: writeCounts, runLogs: run.runLogWrites }
        : null;
    const nothingWritten =
      counts !== null &&
      stored.watermark !== null &&
      stored.writeCounts?.tables === counts.tables &&
      counts.runLogs > stored.writeCounts.runLogs;
    if (nothingWritten)
      log.debug(`${id}: no consumption or production row written since the last pass (PostgreSQL's counts)`);
    try {
      const outcome = await callDestination(
        nothingWritten ? { ...options, query: withNothingWritten(options.query) } : options,
        selected,
        stored,
        otherResults,
        (state) => saveCheckpoint(connection, logId, { ...stored, state }),
      );
      await completeLog(connection, id, logId, {
        status: 'success',
        records: outcome.records,
        details: outcome.details,
        errorMessage: null,
        state: {
          ...stored,
          state: outcome.state,
          watermark: laterOf(cursor, stored.watermark),
          writeCounts: counts,
        },
      });
      return result('success', {
        records: outcome.records,
        summary: outcome.summary,
        details: outcome.details,
        targetSwitch: switched,
      });
    } catch (error) {
      const message = describeError(error);
      const confirmed = error instanceof DeliveryError ? error.confirmed : undefined;
      // A state kept with nothing acknowledged (equipments created, a batch of unknown fate) is no partial run.
      const status = confirmed && confirmed.records > 0 ? 'partial' : 'error';
      await completeLog(connection, id, logId, {
        status,
        records: confirmed?.records ?? 0,
        details: confirmed?.details ?? {},
        errorMessage: message,
        // The watermark stays where it was: every change since then is sent again next time.
        state: confirmed ? { ...stored, state: confirmed.state } : undefined,
      });
      return result(status, {
        records: confirmed?.records ?? 0,
        details: confirmed?.details ?? {},
        error: message,
      });
    }
  });
  if (locked.locked) return locked.value;
  const reason = 'already running: another med-export process is exporting to this destination';
  await recordSkipped(db, id, reason);
  return result('skipped', { summary: reason });
}

function callDestination(
  options: RunOptions,
  selected: SelectedDestination,
  storedState: StoredState,
  otherResults: readonly PassResult[],
  checkpoint?: (state: Record<string, unknown>) => Promise<void>,
): Promise<ExportOutcome> {
  const { config } = selected;
  const { stored } = forTarget(storedState, currentTarget(selected));
  const changedSince = stored.watermark
    ? new Date(stored.watermark.getTime() - CHANGE_SAFETY_MARGIN_MS)
    : null;
  return selected.destination.exportPass({
    config: config.options,
    exportData: config.common.exportData,
    settings: options.config.settings,
    query: options.query,
    state: stored.state,
    changes: { changedSince, resendFrom: options.since },
    dryRun: options.dryRun,
    now: options.now,
    timeoutMs: config.common.timeoutMs,
    log: options.log,
    signal: options.signal,
    progress: options.progress?.reporter(selected.destination.id) ?? SILENT_PROGRESS,
    otherResults,
    ...(checkpoint ? { checkpoint } : {}),
  });
}

function currentTarget(selected: SelectedDestination): string {
  return selected.destination.target(selected.config.options);
}

async function targetChanged(db: Kysely<Database>, selected: SelectedDestination): Promise<boolean> {
  const { target } = await readState(db, selected.destination.id);
  return Boolean(target) && target !== currentTarget(selected);
}

function laterOf(a: Date | null, b: Date | null): Date | null {
  if (!a) return b;
  if (!b) return a;
  return a > b ? a : b;
}

export function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return redact(message);
}
