import type { Kysely } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../src/db/connect.js';
import type { Database } from '../../src/db/tables.js';
import { createQueryLayer } from '../../src/query/query-layer.js';
import { DEMO_PDL, generateMedData } from '../support/generate-med-data.js';
import { createTestDatabase } from '../support/test-database.js';
import type { TestDatabase } from '../support/test-database.js';

const onServer = process.env['MED_TEST_DATABASE_URL'] !== undefined;

describe("PostgreSQL's write counts of MyElectricalData's tables", () => {
  let database: TestDatabase;
  let db: Kysely<Database>;
  /** Another program's session (MyElectricalData's, say), not med-export's. */
  let other: pg.Client;

  beforeAll(async () => {
    database = await createTestDatabase();
    other = new pg.Client({ connectionString: database.url, application_name: 'myelectricaldata' });
    await other.connect();
    // Written by that session, so that its counts are handed over when asked (`write`).
    const runner = {
      query: async <T>(statement: string, params?: unknown[]) =>
        (await other.query(statement, params)).rows as T[],
    };
    await generateMedData(runner, { pdls: [DEMO_PDL], from: '2025-01-01', to: '2025-01-03' });
    db = connect(new URL(database.url), { maxConnections: 2 });
  });
  afterAll(async () => {
    await other?.end();
    await db?.destroy();
    await database?.close();
  });

  /** A write whose counts the writer's session hands over as soon as it is idle (not up to 10 s later). */
  const write = (statement: string) => other.query(`select pg_stat_force_next_flush(); ${statement}`);

  it.skipIf(onServer)('are unknown on embedded PGlite, which counts nothing', async () => {
    expect(await createQueryLayer(db, { quietMs: 0 }).writeCounts()).toBeNull();
  });

  it.runIf(onServer)(
    'stay the same while nothing is written, and move with any insert, update or delete',
    async () => {
      const query = createQueryLayer(db, { quietMs: 0 });
      await write('select 1');
      const before = await query.writeCounts();
      expect(before).toMatch(/^consumption_data \d+ \d+ \d+, production_data \d+ \d+ \d+$/);
      await other.query('select count(*) from consumption_data');
      expect(await query.writeCounts()).toBe(before);
      const statements = [
        `update consumption_data set value = value where ctid = (select min(ctid) from consumption_data)`,
        `delete from production_data where ctid = (select min(ctid) from production_data)`,
        `insert into consumption_data (id, usage_point_id, date, granularity, value, source)
         values (gen_random_uuid()::text, '${DEMO_PDL.usagePointId}', '2020-01-01', 'daily', 1, 'myelectricaldata')`,
      ];
      let previous = before;
      for (const statement of statements) {
        await write(statement);
        const after = await query.writeCounts();
        expect(after).not.toBeNull();
        expect(after).not.toBe(previous);
        previous = after;
      }
    },
  );

  it.runIf(onServer)(
    'are unknown while another session is in a transaction or was busy within the quiet time',
    async () => {
      await write('select 1');
      expect(await createQueryLayer(db, { quietMs: 0 }).writeCounts()).not.toBeNull();
      // Its counts may not be handed over yet: PostgreSQL flushes an idle session's within 10 s.
      expect(await createQueryLayer(db).writeCounts()).toBeNull();
      await other.query('begin');
      try {
        expect(await createQueryLayer(db, { quietMs: 0 }).writeCounts()).toBeNull();
      } finally {
        await other.query('rollback');
      }
    },
  );
});
