import type { Kysely } from 'kysely';
import type { DestinationConfig, LoadedConfig } from '../../config/load-config.js';
import { MINUTE_MS } from '../../domain/durations.js';
import type { DestinationManifest } from '../../contract/destination.js';
import type { Database, ExportStatus } from '../../db/tables.js';
import { destinationManifests } from '../../destinations/registry.js';
import { EXIT_FAILED, EXIT_OK } from '../errors.js';
import type { GlobalOptions, Output } from '../io.js';
import { connectWithoutMigrating, exportTablesExist } from '../plain-database.js';
import { readConfiguration } from '../session.js';
import { holdingsOf } from '../state-holdings.js';
import { readState } from '../../export/export-log.js';
import type { Holding } from '../state-holdings.js';

export interface StatusOptions {
  json?: boolean;
}

interface LastRun {
  status: ExportStatus;
  at: Date;
  records: number;
  error: string | null;
}

interface DestinationStatus {
  id: string;
  title: string;
  enabled: boolean;
  /** Where it exports (no secret), or why that is not known. */
  target: string;
  lastRun: LastRun | null;
  lastSuccess: LastRun | null;
  lastError: LastRun | null;
  holds: Holding[];
  /** The target the stored state belongs to, when it is not the configured one. */
  storedTarget: string | null;
  nextDueAt: Date | null;
}

/** `med-export status`: per destination, what it last did and holds, and when it runs next. Changes nothing. */
export async function statusAction(
  output: Output,
  globals: GlobalOptions,
  options: StatusOptions,
): Promise<number> {
  const config = await readConfiguration(output, globals);
  const db = await connectWithoutMigrating(config);
  let statuses: DestinationStatus[];
  let exported: boolean;
  try {
    exported = await exportTablesExist(db);
    statuses = await Promise.all(
      destinationManifests.map((manifest) => destinationStatus(db, exported, manifest, config)),
    );
  } finally {
    await db.destroy();
  }
  if (options.json) output.print(JSON.stringify(statuses.map(jsonStatus), null, 2));
  else printStatuses(output, statuses, exported);
  const failed = statuses.some(
    (status) => status.lastRun?.status === 'error' || status.lastRun?.status === 'partial',
  );
  return failed ? EXIT_FAILED : EXIT_OK;
}

async function destinationStatus(
  db: Kysely<Database>,
  exported: boolean,
  manifest: DestinationManifest,
  config: LoadedConfig,
): Promise<DestinationStatus> {
  const destinationConfig = config.destinations.get(manifest.id)!;
  const target = targetOf(manifest, destinationConfig);
  const base = { id: manifest.id, title: manifest.title, enabled: destinationConfig.common.enabled, target };
  if (!exported) {
    return {
      ...base,
      lastRun: null,
      lastSuccess: null,
      lastError: null,
      holds: [],
      storedTarget: null,
      nextDueAt: null,
    };
  }
  const runs = db
    .selectFrom('export_logs')
    .select(['status', 'started_at', 'completed_at', 'records_exported', 'error_message'])
    .where('destination', '=', manifest.id)
    .orderBy('started_at', 'desc')
    .limit(1);
  const [lastRun, lastSuccess, lastError, stored] = await Promise.all([
    runs.where('status', 'in', ['success', 'partial', 'error']).executeTakeFirst(),
    runs.where('status', '=', 'success').executeTakeFirst(),
    runs.where('status', 'in', ['partial', 'error']).executeTakeFirst(),
    readState(db, manifest.id),
  ]);
  const { state, target: storedTarget } = stored;
  const success = asRun(lastSuccess);
  return {
    ...base,
    lastRun: asRun(lastRun),
    lastSuccess: success ?? null,
    lastError: asRun(lastError),
    holds: holdingsOf(state),
    storedTarget: storedTarget && storedTarget !== target ? storedTarget : null,
    nextDueAt:
      base.enabled && success
        ? new Date(success.at.getTime() + destinationConfig.common.interval * MINUTE_MS)
        : null,
  };
}

function asRun(
  row:
    | {
        status: ExportStatus;
        started_at: Date;
        completed_at: Date | null;
        records_exported: number;
        error_message: string | null;
      }
    | undefined,
): LastRun | null {
  if (!row) return null;
  return {
    status: row.status,
    at: row.completed_at ?? row.started_at,
    records: row.records_exported,
    error: row.error_message,
  };
}

function targetOf(manifest: DestinationManifest, config: DestinationConfig): string {
  if (config.missing.length > 0) return `not configured (${config.missing.join(', ')} not set)`;
  return manifest.target(config.options);
}

function jsonStatus(status: DestinationStatus) {
  const run = (value: LastRun | null) =>
    value && { status: value.status, at: value.at.toISOString(), records: value.records, error: value.error };
  return {
    destination: status.id,
    enabled: status.enabled,
    target: status.target,
    last_run: run(status.lastRun),
    last_success: status.lastSuccess?.at.toISOString() ?? null,
    last_error: status.lastError && {
      at: status.lastError.at.toISOString(),
      message: status.lastError.error,
    },
    holds: status.holds,
    stored_target: status.storedTarget,
    next_due_at: status.nextDueAt?.toISOString() ?? null,
  };
}

function printStatuses(output: Output, statuses: readonly DestinationStatus[], exported: boolean): void {
  const { color } = output;
  const now = new Date();
  for (const status of statuses) {
    const failed = status.lastRun?.status === 'error' || status.lastRun?.status === 'partial';
    const mark = !status.enabled ? color.dim('-') : failed ? color.red('✖') : color.green('✔');
    output.print(
      `${mark} ${color.bold(status.id)} (${status.title}): ${status.enabled ? 'enabled' : 'not enabled'}`,
    );
    const line = (label: string, text: string) => output.print(`    ${label.padEnd(13)}${text}`);
    line('target', status.target);
    if (!exported) {
      line('exports', 'never exported (med-export has no tables in this database yet)');
      continue;
    }
    line(
      'last success',
      status.lastSuccess
        ? `${output.time(status.lastSuccess.at)} (${status.lastSuccess.records} records)`
        : 'never',
    );
    if (status.lastError)
      line('last error', `${output.time(status.lastError.at)}: ${status.lastError.error ?? '?'}`);
    for (const holding of status.holds) {
      line('holds', `${holding.pdl ? `${holding.pdl} ` : ''}${holding.series} through ${holding.newest}`);
    }
    if (status.storedTarget) {
      line(
        'note',
        `what it holds was sent to ${status.storedTarget}; the next run exports to the target above ` +
          '(the whole history, unless it was confirmed there before)',
      );
    }
    if (status.enabled) {
      line(
        'next due',
        status.storedTarget || !status.nextDueAt || status.nextDueAt <= now
          ? 'now'
          : output.time(status.nextDueAt),
      );
    }
  }
}
