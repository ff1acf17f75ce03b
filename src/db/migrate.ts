import { readdir, readFile } from 'node:fs/promises';
import { Migrator, sql } from 'kysely';
import type { Kysely, Migration, MigrationProvider } from 'kysely';
import type { Database } from './tables.js';

const MIGRATIONS_DIR = new URL('../../migrations/', import.meta.url);

/** The migrations' names, in the order they apply: the SQL files of migrations/ by name. */
async function migrationNames(): Promise<string[]> {
  return (await readdir(MIGRATIONS_DIR))
    .filter((name) => name.endsWith('.sql'))
    .sort()
    .map((name) => name.replace(/\.sql$/, ''));
}

/** Plain SQL files in migrations/, applied in name order by Kysely's migrator (which keeps its own lock). */
class SqlFileMigrationProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    const migrations: Record<string, Migration> = {};
    for (const name of await migrationNames()) {
      const text = await readFile(new URL(`${name}.sql`, MIGRATIONS_DIR), 'utf8');
      migrations[name] = { up: async (db) => void (await sql.raw(text).execute(db)) };
    }
    return migrations;
  }
}

/** Applies pending migrations; returns the names applied now (empty when already up to date). */
export async function migrate(db: Kysely<Database>): Promise<string[]> {
  // Every cron run passes here: when everything is applied already, the file names and one query settle it
  // instead of reading every file and the migrator's lock-table round trips.
  const wanted = await migrationNames();
  const applied = await sql<{ name: string }>`select name from med_export_migration`
    .execute(db)
    .then((result) => new Set(result.rows.map((row) => row.name)))
    .catch(() => new Set<string>());
  if (wanted.every((name) => applied.has(name))) return [];
  const migrator = new Migrator({
    db,
    provider: new SqlFileMigrationProvider(),
    migrationTableName: 'med_export_migration',
    migrationLockTableName: 'med_export_migration_lock',
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? [])
    .filter((result) => result.status === 'Success')
    .map((result) => result.migrationName);
}
