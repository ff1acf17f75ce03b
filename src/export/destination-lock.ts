import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database } from '../db/tables.js';

/**
 * Runs `work` while holding a session-level PostgreSQL advisory lock for the destination, on a connection
 * kept aside for it (`work` is given that connection); returns `{ locked: false }` at once when another process
 * holds it.
 */
export async function withDestinationLock<T>(
  db: Kysely<Database>,
  destination: string,
  work: (connection: Kysely<Database>) => Promise<T>,
): Promise<{ locked: true; value: T } | { locked: false }> {
  return db.connection().execute(async (connection) => {
    const key = `med-export:${destination}`;
    const { rows } = await sql<{
      locked: boolean;
    }>`select pg_try_advisory_lock(hashtext(${key})) as locked`.execute(connection);
    if (!rows[0]?.locked) return { locked: false };
    try {
      return { locked: true, value: await work(connection) };
    } finally {
      await sql`select pg_advisory_unlock(hashtext(${key}))`.execute(connection).catch(() => undefined);
    }
  });
}
