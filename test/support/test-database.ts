import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  const schemaSql = (options.schema ?? true) ? medSchemaSql(options.shape ?? testSchemaShape()) : '';
  if (!serverUrl) return createEmbeddedDatabase(schemaSql);
  const database = await createServerDatabase(serverUrl);
  try {
    if (schemaSql) await database.query(schemaSql);
  } catch (error) {
    await database.close();
    throw error;
  }
  return database;
}

/**
 * In-memory PGlite served over the PostgreSQL wire protocol on 127.0.0.1 and an ephemeral port; started from
 * `dataDir` (a PGlite data directory dump) when given, else from an empty cluster.
 */
export async function startEmbeddedPostgres(dataDir?: Blob): Promise<EmbeddedPostgres> {
  const pglite = new PGlite(dataDir ? { loadDataDir: dataDir } : {});
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

/**
 * A new PGlite cluster costs 2–3 s of CPU (its initdb); one loaded from a dump of a cluster that already holds
 * the schema, about 0.5 s. The dump is kept in the temporary directory, named after PGlite's version and the
 * schema, so every test file of every worker (and of later runs) starts from it.
 */
const PGLITE_VERSION = (
  JSON.parse(
    // Its package.json is not among its exports: found beside the entry point (dist/index.js).
    await readFile(new URL('../package.json', import.meta.resolve('@electric-sql/pglite')), 'utf8'),
  ) as { version: string }
).version;
const templates = new Map<string, Promise<Blob>>();

function schemaTemplate(schemaSql: string): Promise<Blob> {
  const key = createHash('sha1').update(PGLITE_VERSION).update('\0').update(schemaSql).digest('hex');
  let template = templates.get(key);
  if (!template) {
    template = readOrBuildTemplate(join(tmpdir(), 'med-export-pglite', `${key}.tar`), schemaSql);
    templates.set(key, template);
  }
  return template;
}

async function readOrBuildTemplate(file: string, schemaSql: string): Promise<Blob> {
  const stored = await readFile(file).catch(() => null);
  if (stored) return new Blob([stored]);
  const pglite = new PGlite();
  try {
    // dumpDataDir before the cluster is ready never settles.
    await pglite.waitReady;
    if (schemaSql) await pglite.exec(schemaSql);
    const dump = await pglite.dumpDataDir('none');
    await mkdir(join(file, '..'), { recursive: true });
    // Workers building the same template at once each write their own file; the rename makes either whole.
    const partial = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    await writeFile(partial, Buffer.from(await dump.arrayBuffer()));
    await rename(partial, file);
    return dump;
  } finally {
    await pglite.close();
  }
}

async function createEmbeddedDatabase(schemaSql: string): Promise<TestDatabase> {
  const embedded = await startEmbeddedPostgres(await schemaTemplate(schemaSql));
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
