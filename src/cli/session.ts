import type { Kysely } from 'kysely';
import { loadConfig } from '../config/load-config.js';
import type { LoadedConfig } from '../config/load-config.js';
import { ConfigError } from '../config/config-error.js';
import { configSearchPlaces } from '../config/read-config-file.js';
import { connect } from '../db/connect.js';
import { explainDatabaseError } from '../db/explain-db-error.js';
import { MED_TABLES_READ, missingTables } from '../db/inspect.js';
import { migrate } from '../db/migrate.js';
import type { Database } from '../db/tables.js';
import { destinationManifests } from '../destinations/registry.js';
import { displayUrl } from '../redact.js';
import type { GlobalOptions, Output } from './io.js';
import { RunError } from './errors.js';

export async function readConfiguration(output: Output, options: GlobalOptions): Promise<LoadedConfig> {
  const config = await loadConfig({
    env: output.io.env,
    cwd: output.io.cwd,
    destinations: destinationManifests,
    ...(options.config ? { configPath: options.config } : {}),
  });
  for (const warning of config.warnings) output.log.warn(warning);
  output.log.debug(
    config.file
      ? `configuration file: ${config.file}`
      : `no configuration file (looked in ${configSearchPlaces({ cwd: output.io.cwd, env: output.io.env }).join(', ')}): environment only`,
  );
  return config;
}

export interface DatabaseSession {
  db: Kysely<Database>;
  /** The migrations of med-export's own tables this opening applied (none without writes). */
  applied: readonly string[];
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /**
   * false (`export --dry-run`, `doctor`): write nothing at all, not even med-export's own tables; readers then
   * find no export_state and behave as a first run would. Default true.
   */
  writes?: boolean;
}

/**
 * Connects to DATABASE_URL, makes sure it is MyElectricalData's database (before anything is written), then,
 * unless read-only, brings med-export's own tables up to date.
 */
export async function openDatabase(
  config: LoadedConfig,
  output: Output,
  options: OpenDatabaseOptions = {},
): Promise<DatabaseSession> {
  const url = config.databaseUrl;
  if (!url) {
    throw new ConfigError('DATABASE_URL', undefined, "a PostgreSQL URL of MyElectricalData's database");
  }
  const db = connect(url);
  let applied: string[] = [];
  try {
    const missing = await missingTables(db, MED_TABLES_READ);
    if (missing.length > 0) throw new NotMyElectricalData(url, missing);
    if (options.writes ?? true) {
      applied = await migrate(db);
      // Housekeeping of med-export's own tables: not worth a line in every first run's cron mail.
      for (const name of applied) output.log.debug(`applied migration ${name}`);
    }
  } catch (error) {
    await db.destroy().catch(() => undefined);
    if (error instanceof NotMyElectricalData) throw new RunError(error.message);
    throw new RunError(explainDatabaseError(unwrap(error), url));
  }
  return { db, applied, close: () => db.destroy() };
}

class NotMyElectricalData extends Error {
  constructor(url: URL, missing: readonly string[]) {
    const database = decodeURIComponent(url.pathname.replace(/^\//, '')) || '(default)';
    super(
      `database "${database}" at ${displayUrl(url)} is not MyElectricalData's database: ` +
        `table${missing.length > 1 ? 's' : ''} ${missing.join(', ')} missing. Nothing was written. ` +
        `Point DATABASE_URL at the database MyElectricalData itself uses (its DATABASE_URL).`,
    );
  }
}

function unwrap(error: unknown): unknown {
  const cause = (error as { cause?: unknown } | undefined)?.cause;
  return cause && typeof cause === 'object' && 'code' in cause ? cause : error;
}
