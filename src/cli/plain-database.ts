import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { LoadedConfig } from '../config/load-config.js';
import { ConfigError } from '../config/config-error.js';
import { connect } from '../db/connect.js';
import { explainDatabaseError } from '../db/explain-db-error.js';
import type { Database } from '../db/tables.js';
import { RunError } from './errors.js';

/**
 * A connection to DATABASE_URL that changes nothing (no migration): for `status`, which must not create
 * tables, and `migrate`, which reports what it applies itself.
 */
export async function connectWithoutMigrating(config: LoadedConfig): Promise<Kysely<Database>> {
  const url = config.databaseUrl;
  if (!url) {
    throw new ConfigError('DATABASE_URL', undefined, "a PostgreSQL URL of MyElectricalData's database");
  }
  const db = connect(url, { maxConnections: 2 });
  try {
    await sql`select 1`.execute(db);
  } catch (error) {
    await db.destroy().catch(() => undefined);
    throw new RunError(explainDatabaseError(unwrap(error), url));
  }
  return db;
}

/** Whether med-export's own tables exist (a database it never exported from has none). */
export async function exportTablesExist(db: Kysely<Database>): Promise<boolean> {
  const { rows } = await sql<{
    found: boolean;
  }>`select to_regclass('export_logs') is not null and to_regclass('export_state') is not null as found`.execute(
    db,
  );
  return rows[0]?.found ?? false;
}

function unwrap(error: unknown): unknown {
  const cause = (error as { cause?: unknown } | undefined)?.cause;
  return cause && typeof cause === 'object' && 'code' in cause ? cause : error;
}
