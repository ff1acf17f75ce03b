import type { Kysely } from 'kysely';
import { loadConfig } from '../config/load-config.js';
import type { LoadedConfig } from '../config/load-config.js';
import { ConfigError } from '../config/config-error.js';
import { configSearchPlaces } from '../config/read-config-file.js';
import { connect } from '../db/connect.js';
import { explainDatabaseError } from '../db/explain-db-error.js';
import { migrate } from '../db/migrate.js';
import type { Database } from '../db/tables.js';
import { destinationManifests } from '../destinations/registry.js';
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
  close(): Promise<void>;
}

/** Connects to DATABASE_URL and brings med-export's own tables up to date. */
export async function openDatabase(config: LoadedConfig, output: Output): Promise<DatabaseSession> {
  const url = config.databaseUrl;
  if (!url) {
    throw new ConfigError('DATABASE_URL', undefined, "a PostgreSQL URL of MyElectricalData's database");
  }
  const db = connect(url);
  try {
    const applied = await migrate(db);
    for (const name of applied) output.log.info(`applied migration ${name}`);
  } catch (error) {
    await db.destroy().catch(() => undefined);
    throw new RunError(explainDatabaseError(unwrap(error), url));
  }
  return { db, close: () => db.destroy() };
}

function unwrap(error: unknown): unknown {
  const cause = (error as { cause?: unknown } | undefined)?.cause;
  return cause && typeof cause === 'object' && 'code' in cause ? cause : error;
}
