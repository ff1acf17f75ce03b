import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import './pglite-message-groups.js';
import pg from 'pg';
import { medSchemaSql, testSchemaShape } from './med-schema.js';
import type { MedSchemaShape } from './med-schema.js';

export interface TestDatabase {
  /** Connection string of this database only; hand it to the code under test. */
  url: string;
  kind: 'postgres' | 'pglite';
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export interface EmbeddedPostgres {
  url: string;
  pglite: PGlite;
  close(): Promise<void>;
}

export interface CreateTestDatabaseOptions {
  /** Apply MyElectricalData's schema; default true. */
  schema?: boolean;
  /** Which real shape (see med-schema.ts); default testSchemaShape(): MED_TEST_SCHEMA, else by server. */
  shape?: MedSchemaShape;
}

// A pg.Pool per test plus the exporter's own pool must fit; the socket server accepts a single one by default.
const EMBEDDED_MAX_CONNECTIONS = 20;

/**
 * One isolated MyElectricalData database: a fresh `med_test_*` database on MED_TEST_DATABASE_URL's server
 * when that variable is set, otherwise an in-memory PGlite reachable over TCP.
 */
export async function createTestDatabase(options: CreateTestDatabaseOptions = {}): Promise<TestDatabase> {
  const serverUrl = process.env['MED_TEST_DATABASE_URL'];
  const database = serverUrl ? await createServerDatabase(serverUrl) : await createEmbeddedDatabase();
  if (options.schema ?? true) {
    try {
      await database.query(medSchemaSql(options.shape ?? testSchemaShape()));
    } catch (error) {
      await database.close();
      throw error;
    }
  }
  return database;
}

/** In-memory PGlite served over the PostgreSQL wire protocol on 127.0.0.1 and an ephemeral port. */
export async function startEmbeddedPostgres(): Promise<EmbeddedPostgres> {
  const pglite = new PGlite();
  const server = new PGLiteSocketServer({
    db: pglite,
    host: '127.0.0.1',
    port: 0,
    maxConnections: EMBEDDED_MAX_CONNECTIONS,
  });
  try {
    await server.start();
  } catch (error) {
    await pglite.close();
    throw error;
  }
  // getServerConn() reports the port the OS bound once start() has resolved.
  const url = `postgres://postgres@${server.getServerConn()}/postgres`;
  let closed = false;
  return {
    url,
    pglite,
    async close() {
      if (closed) return;
      closed = true;
      await server.stop();
      await pglite.close();
    },
  };
}

async function createEmbeddedDatabase(): Promise<TestDatabase> {
  const embedded = await startEmbeddedPostgres();
  const pool = new pg.Pool({ connectionString: embedded.url, max: 2 });
  let closed = false;
  return {
    url: embedded.url,
    kind: 'pglite',
    query: (sql, params) => runQuery(pool, sql, params),
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
      await embedded.close();
    },
  };
}

async function createServerDatabase(serverUrl: string): Promise<TestDatabase> {
  const name = `med_test_${randomBytes(6).toString('hex')}`;
  await withAdminClient(serverUrl, (admin) => admin.query(`create database ${name} template template0`));
  const databaseUrl = new URL(serverUrl);
  databaseUrl.pathname = `/${name}`;
  const url = databaseUrl.toString();
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  // An idle connection ended by the server (restarted, or its backend terminated) must not fail the test file.
  pool.on('error', () => {});
  let closed = false;
  return {
    url,
    kind: 'postgres',
    query: (sql, params) => runQuery(pool, sql, params),
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
      // force: the code under test may have leaked connections; the database must go regardless.
      await withAdminClient(serverUrl, (admin) =>
        admin.query(`drop database if exists ${name} with (force)`),
      );
    },
  };
}

async function withAdminClient<T>(serverUrl: string, action: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await action(client);
  } finally {
    await client.end();
  }
}

async function runQuery<T>(pool: pg.Pool, sql: string, params?: unknown[]): Promise<T[]> {
  const result: unknown = await pool.query(sql, params);
  // A multi-statement text (no parameters) yields one result per statement; the last one is the answer.
  const last = Array.isArray(result)
    ? (result.at(-1) as pg.QueryResult | undefined)
    : (result as pg.QueryResult);
  return (last?.rows ?? []) as T[];
}
