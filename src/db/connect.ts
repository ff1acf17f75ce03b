import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { APPLICATION_NAME } from './application-name.js';
import type { Database } from './tables.js';

const DATE_OID = 1082;
const TIMESTAMP_OID = 1114;

/**
 * `date` and `timestamp without time zone` stay text: pg would otherwise turn them into Date objects at the
 * process's local midnight, which silently shifts Europe/Paris days on a machine in another zone.
 */
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === DATE_OID || oid === TIMESTAMP_OID) return (value: string) => value;
    return pg.types.getTypeParser(oid, format);
  },
};

export function connect(databaseUrl: URL, options: { maxConnections?: number } = {}): Kysely<Database> {
  const pool = new pg.Pool({
    connectionString: databaseUrl.href,
    application_name: APPLICATION_NAME,
    max: options.maxConnections ?? 8,
    connectionTimeoutMillis: 10_000,
    types: types as pg.CustomTypesConfig,
  });
  // An idle client losing its server must not crash the process; the next query reports the error.
  pool.on('error', () => {});
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}
