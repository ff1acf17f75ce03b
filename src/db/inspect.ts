import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database } from './tables.js';

/** MyElectricalData's tables med-export reads: without all of them, this is not MyElectricalData's database. */
export const MED_TABLES_READ = [
  'pdls',
  'consumption_data',
  'production_data',
  'tempo_days',
  'ecowatt',
  'energy_offers',
] as const;

/** Of these table names, those the connection's search path does not resolve. Reads the catalogue only. */
export async function missingTables(db: Kysely<Database>, names: readonly string[]): Promise<string[]> {
  const result = await sql<{ name: string }>`
    select name from unnest(${[...names]}::text[]) as name where to_regclass(name) is null order by name`.execute(
    db,
  );
  return result.rows.map((row) => row.name);
}

export async function tableExists(db: Kysely<Database>, name: string): Promise<boolean> {
  return (await missingTables(db, [name])).length === 0;
}
