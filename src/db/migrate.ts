import { readdir, readFile } from 'node:fs/promises';
import { Migrator, sql } from 'kysely';
import type { Kysely, Migration, MigrationProvider } from 'kysely';
import type { Database } from './tables.js';

const MIGRATIONS_DIR = new URL('../../migrations/', import.meta.url);

/** Plain SQL files in migrations/, applied in name order by Kysely's migrator (which keeps its own lock). */
class SqlFileMigrationProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    const names = (await readdir(MIGRATIONS_DIR)).filter((name) => name.endsWith('.sql')).sort();
    const migrations: Record<string, Migration> = {};
    for (const name of names) {
      const text = await readFile(new URL(name, MIGRATIONS_DIR), 'utf8');
      migrations[name.replace(/\.sql$/, '')] = { up: async (db) => void (await sql.raw(text).execute(db)) };
    }
    return migrations;
  }
}

/** Applies pending migrations; returns the names applied now (empty when already up to date). */
export async function migrate(db: Kysely<Database>): Promise<string[]> {
  // Every cron run passes here: when everything is applied already, one query settles it instead of the
  // migrator's lock-table round trips.
  const provider = new SqlFileMigrationProvider();
  const wanted = Object.keys(await provider.getMigrations());
  const applied = await sql<{ name: string }>`select name from med_export_migration`
    .execute(db)
    .then((result) => new Set(result.rows.map((row) => row.name)))
    .catch(() => new Set<string>());
  if (wanted.every((name) => applied.has(name))) return [];
  const migrator = new Migrator({
    db,
    provider,
    migrationTableName: 'med_export_migration',
    migrationLockTableName: 'med_export_migration_lock',
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? [])
    .filter((result) => result.status === 'Success')
    .map((result) => result.migrationName);
}
