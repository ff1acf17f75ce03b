import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { tableExists } from '../db/inspect.js';
import type { Database } from '../db/tables.js';
import type { EnergyDirection } from '../domain/vocabulary.js';

/** Read-only queries for `med-export doctor`: what MyElectricalData stored, counted per day. */

const TABLES = { consumption: 'consumption_data', production: 'production_data' } as const;

export interface DayCount {
  /** `YYYY-MM-DD` */
  date: string;
  daily: number;
  detailed: number;
}

/** One of MyElectricalData's own exports (its table `export_configs`, scheduled by its scheduler.py). */
export interface MedExportConfig {
  name: string;
  /** `home_assistant`, `mqtt` or `victoriametrics` (its enum `exporttype`). */
  type: string;
  /** The `config` json column as stored. */
  config: unknown;
  /** The `usage_point_ids` json column as stored (null: every PDL). */
  usagePointIds: unknown;
}

export interface HealthQueries {
  /** Rows per day and granularity; `date` is grouped on, never a json column. */
  dayCounts(direction: EnergyDirection, usagePointId: string): Promise<DayCount[]>;
  /** MyElectricalData's enabled exports; none on a version without `export_configs`. */
  enabledMedExports(): Promise<MedExportConfig[]>;
}

export function createHealthQueries(db: Kysely<Database>): HealthQueries {
  return {
    async dayCounts(direction, usagePointId) {
      const rows = await db
        .selectFrom(TABLES[direction])
        .where('usage_point_id', '=', usagePointId)
        .select([
          sql<string>`to_char(date, 'YYYY-MM-DD')`.as('day'),
          sql<string>`count(*) filter (where granularity = 'daily')`.as('daily'),
          sql<string>`count(*) filter (where granularity = 'detailed')`.as('detailed'),
        ])
        .groupBy('date')
        .orderBy('date')
        .execute();
      return rows.map((row) => ({ date: row.day, daily: Number(row.daily), detailed: Number(row.detailed) }));
    },

    async enabledMedExports() {
      if (!(await tableExists(db, 'export_configs'))) return [];
      // Its scheduler runs only `is_enabled IS TRUE` (MyElectricalData apps/api/src/scheduler.py:204).
      const result = await sql<{ name: string; type: string; config: unknown; usage_point_ids: unknown }>`
        select name, export_type::text as type, config, usage_point_ids from export_configs
        where is_enabled is true order by name`.execute(db);
      return result.rows.map((row) => ({
        name: row.name,
        type: row.type,
        config: row.config,
        usagePointIds: row.usage_point_ids,
      }));
    },
  };
}
