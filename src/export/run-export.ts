import type { Kysely } from 'kysely';
import type { DestinationConfig, LoadedConfig } from '../config/load-config.js';
import type { Database } from '../db/tables.js';
import type {
  Destination,
  ExportOutcome,
  PassResult,
  Payload,
  ResultStatus,
} from '../contract/destination.js';
import { CHANGE_SAFETY_MARGIN_MS, DeliveryError } from '../contract/destination.js';
import type { Logger } from '../logger.js';
import type { QueryLayer } from '../query/types.js';
import { redact } from '../redact.js';
import { withDestinationLock } from './destination-lock.js';
import {
  closeInterruptedRuns,
  completeLog,
  lastSuccessAt,
  readState,
  recordSkipped,
  saveCheckpoint,
  startLog,
} from './export-log.js';
import type { StoredState } from './export-log.js';

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
}

/** One export pass: every selected destination concurrently; one failing never stops the others. */
export async function runExport(options: RunOptions): Promise<DestinationResult[]> {
  const first = options.selected.filter((selected) => !selected.destination.runsLast);
  const last = options.selected.filter((selected) => selected.destination.runsLast);
  const firstResults = await Promise.all(first.map((selected) => runDestination(options, selected, [])));
  const passResults = firstResults.map(({ destination, status, records, durationMs }) => ({
    destination,
    status,
    records,
    durationMs,
  }));
  const lastResults = await Promise.all(
    last.map((selected) => runDestination(options, selected, passResults)),
  );
  const results = [...firstResults, ...lastResults];
  return options.selected.map((selected) =>
    results.find((result) => result.destination === selected.destination.id)!,
  );
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
    ...fields,
  });

  if (!options.force && !options.since && !dryRun) {
    const last = await lastSuccessAt(db, id);
    const nextDueAt = last ? new Date(last.getTime() + selected.config.common.interval * 60_000) : null;
    if (nextDueAt && nextDueAt > options.now) {
      log.debug(`${id}: last success ${last!.toISOString()}, next due ${nextDueAt.toISOString()}`);
      return result('not_due', { nextDueAt, summary: 'not due yet' });
    }
  }

  if (dryRun) {
    const stored = await readState(db, id);
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

  const locked = await withDestinationLock(db, id, async () => {
    const interrupted = await closeInterruptedRuns(db, id);
    if (interrupted > 0)
      log.warn(`${id}: closed ${interrupted} run(s) left unfinished by a process that died`);
    const stored = await readState(db, id);
    const cursor = await options.query.changeCursor();
    const logId = await startLog(db, id);
    try {
      const outcome = await callDestination(options, selected, stored, otherResults, (state) =>
        saveCheckpoint(db, logId, state),
      );
      await completeLog(db, id, logId, {
        status: 'success',
        records: outcome.records,
        details: outcome.details,
        errorMessage: null,
        state: { state: outcome.state, watermark: laterOf(cursor, stored.watermark) },
      });
      return result('success', {
        records: outcome.records,
        summary: outcome.summary,
        details: outcome.details,
      });
    } catch (error) {
      const message = describeError(error);
      const confirmed = error instanceof DeliveryError ? error.confirmed : undefined;
      await completeLog(db, id, logId, {
        status: confirmed ? 'partial' : 'error',
        records: confirmed?.records ?? 0,
        details: confirmed?.details ?? {},
        errorMessage: message,
        // The watermark stays where it was: every change since then is sent again next time.
        state: confirmed ? { state: confirmed.state, watermark: stored.watermark } : undefined,
      });
      return result(confirmed ? 'partial' : 'error', {
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
  stored: StoredState,
  otherResults: readonly PassResult[],
  checkpoint?: (state: Record<string, unknown>) => Promise<void>,
): Promise<ExportOutcome> {
  const { config } = selected;
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
    otherResults,
    ...(checkpoint ? { checkpoint } : {}),
  });
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
