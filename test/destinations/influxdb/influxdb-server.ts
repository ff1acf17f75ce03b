import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findExecutable } from '../../support/find-executable.js';
import { freePort, onFreePorts } from '../../support/free-port.js';

/**
 * A real InfluxDB 1.x for one test file: `influxd` from Debian's `influxdb` package (1.6.7 on bookworm,
 * scripts/install-influxdb.sh installs it) on ephemeral ports with a temporary directory. When the binary is
 * missing, `influxdbBinary` is null and the suites skip with a visible note, unless `MED_REQUIRE_INFLUXDB=1` (as
 * .ci/run sets it) or `CI=true`, which turn the absence into a failure. `INFLUXDB_BINARY` points at another build.
 */

export interface InfluxUser {
  username: string;
  password: string;
  /** `GRANT <privilege> ON <database>`; none: a user without any privilege. */
  grants?: { database: string; privilege: 'READ' | 'WRITE' | 'ALL' }[];
}

export interface StartOptions {
  /** `[http] auth-enabled = true` with this admin user (created first, as 1.x allows while no user exists). */
  admin?: { username: string; password: string };
  /** Further (non-admin) users; needs `admin`. */
  users?: InfluxUser[];
  /** Databases created before the test. */
  databases?: string[];
}

export interface InfluxUnderTest {
  url: string;
  version: string;
  /** An InfluxQL statement run as the admin (GET for SHOW/SELECT, POST otherwise); the first result. */
  query(statement: string, database?: string): Promise<InfluxQLAnswer>;
  close(): Promise<void>;
}

export interface InfluxQLAnswer {
  error?: string;
  series?: { name?: string; columns: string[]; values?: unknown[][]; tags?: Record<string, string> }[];
}

export const influxdbBinary = process.env['INFLUXDB_BINARY'] ?? findExecutable('influxd', '/usr/bin/influxd');

const required = process.env['MED_REQUIRE_INFLUXDB'] === '1' || process.env['CI'] === 'true';

if (!influxdbBinary && required) {
  throw new Error(
    'influxd is not installed but MED_REQUIRE_INFLUXDB=1/CI=true requires it: run scripts/install-influxdb.sh',
  );
}

/** For `describe.skipIf(!influxdbAvailable)`: the note says why the suite below did not run. */
export const influxdbAvailable = influxdbBinary !== null;
if (!influxdbAvailable) {
  console.warn(
    '\n*** InfluxDB 1.x tests SKIPPED: /usr/bin/influxd is missing (scripts/install-influxdb.sh installs it) ***\n',
  );
}

export const backendTitle = influxdbBinary
  ? `real InfluxDB 1.x (${influxdbBinary})`
  : 'InfluxDB 1.x (missing)';

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** influxd's TOML: every path in the temporary directory, both listeners on loopback, no phoning home. */
function configText(dir: string, rpcPort: number, httpPort: number, auth: boolean): string {
  return [
    'reporting-disabled = true',
    `bind-address = "127.0.0.1:${rpcPort}"`,
    '[meta]',
    `  dir = "${join(dir, 'meta')}"`,
    '[data]',
    `  dir = "${join(dir, 'data')}"`,
    `  wal-dir = "${join(dir, 'wal')}"`,
    '  query-log-enabled = false',
    '[http]',
    `  bind-address = "127.0.0.1:${httpPort}"`,
    `  auth-enabled = ${auth}`,
    '  log-enabled = false',
    // No _internal database filling up in the background: SHOW DATABASES lists only what the tests created.
    '[monitor]',
    '  store-enabled = false',
    '',
  ].join('\n');
}

export async function startInfluxdb(options: StartOptions = {}): Promise<InfluxUnderTest> {
  if (!influxdbBinary) throw new Error('influxd is missing: guard the suite with influxdbAvailable');
  const binary = influxdbBinary;
  return onFreePorts(() => startOnce(binary, options));
}

async function startOnce(binary: string, options: StartOptions): Promise<InfluxUnderTest> {
  const dir = await mkdtemp(join(tmpdir(), 'med-export-influxdb-'));
  const [rpcPort, httpPort] = [await freePort(), await freePort()];
  const configPath = join(dir, 'influxdb.conf');
  await writeFile(configPath, configText(dir, rpcPort, httpPort, options.admin !== undefined));
  const child = spawn(binary, ['-config', configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${httpPort}`;

  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    running.delete(child);
    await rm(dir, { recursive: true, force: true });
  };

  try {
    const version = await waitForPing(url, child, () => output);
    const admin = options.admin;
    const authorization = admin
      ? `Basic ${Buffer.from(`${admin.username}:${admin.password}`).toString('base64')}`
      : undefined;
    const query = async (statement: string, database?: string): Promise<InfluxQLAnswer> => {
      const read = /^\s*(SHOW|SELECT)\b/i.test(statement);
      const params = new URLSearchParams({
        q: statement,
        epoch: 'ms',
        ...(database ? { db: database } : {}),
      });
      const response = await fetch(read ? `${url}/query?${params}` : `${url}/query`, {
        method: read ? 'GET' : 'POST',
        headers: {
          ...(authorization ? { authorization } : {}),
          ...(read ? {} : { 'content-type': 'application/x-www-form-urlencoded' }),
        },
        ...(read ? {} : { body: params.toString() }),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`${statement}: HTTP ${response.status} ${text}`);
      const answer = (JSON.parse(text) as { results: InfluxQLAnswer[] }).results[0] ?? {};
      if (answer.error) throw new Error(`${statement}: ${answer.error}`);
      return answer;
    };
    if (admin) {
      // 1.x lets the very first user be created without credentials, and only an admin one.
      await query(`CREATE USER "${admin.username}" WITH PASSWORD '${admin.password}' WITH ALL PRIVILEGES`);
    }
    for (const database of options.databases ?? []) await query(`CREATE DATABASE "${database}"`);
    for (const user of options.users ?? []) {
      await query(`CREATE USER "${user.username}" WITH PASSWORD '${user.password}'`);
      for (const grant of user.grants ?? []) {
        await query(`GRANT ${grant.privilege} ON "${grant.database}" TO "${user.username}"`);
      }
    }
    return { url, version, query, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Until `/ping` answers 204; returns its X-Influxdb-Version. */
async function waitForPing(url: string, child: ChildProcess, output: () => string): Promise<string> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`influxd exited with ${child.exitCode}:\n${output()}`);
    try {
      const response = await fetch(`${url}/ping`);
      if (response.status === 204) return response.headers.get('x-influxdb-version') ?? '';
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`influxd did not answer /ping at ${url}:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
