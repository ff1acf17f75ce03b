import { redact } from '../../redact.js';
import type { Check, TestContext } from '../../contract/destination.js';
import {
  InfluxHttpError,
  InfluxUnreachableError,
  apiVersionOf,
  createDatabaseStatement,
  openInflux,
} from './client.js';
import type { InfluxClient, OpenedInflux } from './client.js';
import type { InfluxdbConfig, InfluxTarget } from './config.js';

type Target1 = InfluxTarget & { apiVersion: '1' };
type Target2 = InfluxTarget & { apiVersion: '2' };

function failure(name: string, error: unknown, hint: string): Check {
  const detail = redact(error instanceof Error ? error.message : String(error));
  return { name, ok: false, detail, hint };
}

function createDatabaseHint(database: string): string {
  return (
    `Create it (as an admin: influx -execute '${createDatabaseStatement(database)}'), ` +
    'or set INFLUXDB_CREATE_DATABASE=true to let med-export create it at its first export (needs an admin user).'
  );
}

/**
 * `test --destination influxdb`: reachable, version, credentials accepted, the database (1.x) or the bucket (2.x)
 * exists and these credentials may write to it. The write check is an empty write: InfluxDB authorizes it and
 * resolves the database, retention policy or bucket exactly like a real one, and stores nothing.
 */
export async function checkInfluxdb(ctx: TestContext<InfluxdbConfig>): Promise<Check[]> {
  const checks: Check[] = [];
  let opened: OpenedInflux;
  try {
    opened = await openInflux(ctx.config, { timeoutMs: ctx.timeoutMs });
  } catch (error) {
    if (error instanceof InfluxUnreachableError || error instanceof InfluxHttpError) {
      return [
        failure(
          'reachable',
          error,
          'Check that InfluxDB runs, and the host, port and scheme of INFLUXDB_URL.',
        ),
      ];
    }
    return [failure('configuration', error, 'Fix the InfluxDB options named above.')];
  }
  const { client, target } = opened;

  // 1. Reachable and version: /ping needs no credentials on 1.x and 2.x.
  let serverVersion: string | null;
  try {
    serverVersion = (opened.ping ?? (await client.ping())).version;
  } catch (error) {
    checks.push(
      failure('reachable', error, 'Check that InfluxDB runs, and the host, port and scheme of INFLUXDB_URL.'),
    );
    return checks;
  }
  checks.push({ name: 'reachable', ok: true, detail: `${client.base.origin} answers /ping` });
  const serverApi = apiVersionOf(serverVersion);
  const how = ctx.config.api_version === undefined ? 'detected' : 'INFLUXDB_API_VERSION';
  checks.push({
    name: 'version',
    ok: true,
    detail: `InfluxDB ${serverVersion ?? '(version not given)'}; writing with the ${target.apiVersion}.x API (${how})${
      serverApi !== null && serverApi !== target.apiVersion
        ? `, although the server's own API is ${serverApi}.x: it must offer the ${target.apiVersion}.x compatibility endpoints`
        : ''
    }`,
  });

  checks.push(
    ...(target.apiVersion === '1'
      ? await checkVersion1(client, target, ctx.config)
      : await checkVersion2(client, target)),
  );
  return checks;
}

async function checkVersion1(
  client: InfluxClient,
  target: Target1,
  config: InfluxdbConfig,
): Promise<Check[]> {
  const checks: Check[] = [];

  // 2. Credentials: SHOW DATABASES needs a valid user when auth-enabled = true, and lists what it may see.
  let databases: string[];
  try {
    const [result] = await client.influxQL(target, 'SHOW DATABASES');
    if (result?.error) throw new Error(result.error);
    databases = (result?.series?.[0]?.values ?? []).map((row) => String(row[0]));
    checks.push({
      name: 'credentials',
      ok: true,
      detail: target.credentials
        ? `accepted for ${target.credentials.username}`
        : 'none configured, none required',
    });
  } catch (error) {
    const rejected = error instanceof InfluxHttpError && error.status === 401;
    checks.push(
      failure(
        'credentials',
        error,
        rejected
          ? target.credentials
            ? 'Set INFLUXDB_USERNAME/INFLUXDB_PASSWORD to a user of this InfluxDB (CREATE USER … WITH PASSWORD …).'
            : 'This InfluxDB has auth-enabled: set INFLUXDB_USERNAME and INFLUXDB_PASSWORD.'
          : 'Check INFLUXDB_URL: it must be InfluxDB itself (its /query endpoint).',
      ),
    );
    return checks;
  }

  // 3. The database: a non-admin user only sees the databases it has a privilege on.
  if (!databases.includes(target.database)) {
    checks.push({
      name: 'database',
      ok: config.create_database,
      detail: `database "${target.database}" does not exist${target.credentials ? ` (or ${target.credentials.username} has no privilege on it)` : ''}${config.create_database ? '; the first export creates it (INFLUXDB_CREATE_DATABASE=true)' : ''}`,
      ...(config.create_database ? {} : { hint: createDatabaseHint(target.database) }),
    });
    return checks;
  }
  checks.push({ name: 'database', ok: true, detail: `"${target.database}" exists` });

  // 4. Write permission (and the retention policy): an empty write is authorized like a real one.
  try {
    await client.write(target, '');
    checks.push({
      name: 'write permission',
      ok: true,
      detail: `may write to "${target.database}"${target.retentionPolicy ? `, retention policy "${target.retentionPolicy}"` : ''} (checked by an empty write: nothing stored)`,
    });
  } catch (error) {
    const text = error instanceof InfluxHttpError ? error.serverText : '';
    const hint = /retention policy not found/i.test(text)
      ? `Create it (CREATE RETENTION POLICY "${target.retentionPolicy ?? ''}" ON "${target.database}" DURATION INF REPLICATION 1) or unset INFLUXDB_RETENTION_POLICY to use the database's default.`
      : /not authorized/i.test(text)
        ? `Grant this user write access: GRANT WRITE ON "${target.database}" TO "${target.credentials?.username ?? ''}".`
        : 'See InfluxDB’s message above.';
    checks.push(failure('write permission', error, hint));
  }
  return checks;
}

async function checkVersion2(client: InfluxClient, target: Target2): Promise<Check[]> {
  // 2–4. One empty write answers all of them: http/write_handler.go (`handleWrite`) authenticates the token (401),
  // finds the org and the bucket (404), checks write permission on the bucket (403) and only then reads the body,
  // refusing an empty one with 400 "writing requires points": stored nothing, everything else passed.
  try {
    await client.write(target, '');
  } catch (error) {
    if (!(error instanceof InfluxHttpError)) {
      return [failure('credentials', error, 'Check the network path to InfluxDB.')];
    }
    if (error.status === 400) {
      return [
        { name: 'credentials', ok: true, detail: 'token accepted' },
        {
          name: 'bucket',
          ok: true,
          detail: `"${target.bucket}" of "${target.org}" exists and the token may write to it (checked by an empty write: nothing stored)`,
        },
      ];
    }
    if (error.status === 401) {
      return [
        failure(
          'credentials',
          error,
          'Set INFLUXDB_TOKEN to an API token of this InfluxDB (influx auth create --write-bucket <bucket-id>).',
        ),
      ];
    }
    const credentials: Check = { name: 'credentials', ok: true, detail: 'token accepted' };
    if (error.status === 404) {
      const what = /organization/i.test(error.serverText) ? 'INFLUXDB_ORG' : 'INFLUXDB_BUCKET';
      return [
        credentials,
        failure(
          'bucket',
          error,
          `Check ${what} (a name or an ID; influx org list / influx bucket list show them), or create the bucket (influx bucket create --name ${target.bucket} --retention 0).`,
        ),
      ];
    }
    if (error.status === 403) {
      return [
        credentials,
        failure(
          'bucket',
          error,
          `Give the token write access to "${target.bucket}" (influx auth create --write-bucket <bucket-id>).`,
        ),
      ];
    }
    return [failure('bucket', error, 'See InfluxDB’s message above.')];
  }
  // Some servers (InfluxDB 3) take an empty write as a successful one.
  return [
    { name: 'credentials', ok: true, detail: 'token accepted' },
    {
      name: 'bucket',
      ok: true,
      detail: `may write to "${target.bucket}" of "${target.org}" (an empty write: nothing stored)`,
    },
  ];
}
