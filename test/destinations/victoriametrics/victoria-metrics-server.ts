import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeVictoriaMetrics } from './fake-victoria-metrics.js';
import type { FakeUser } from './fake-victoria-metrics.js';
import { findExecutable } from '../../support/find-executable.js';
import { freePort, onFreePorts } from '../../support/free-port.js';

/**
 * A VictoriaMetrics for one test file: the real single-node binary from Debian's `victoria-metrics` package
 * (`/usr/bin/victoria-metrics`, with `vmauth` beside it) on an ephemeral port with a temporary
 * -storageDataPath, or, when the binary is absent, the in-process stand-in of fake-victoria-metrics.ts.
 * `MED_REQUIRE_VICTORIAMETRICS=1` (or `MED_REQUIRE_VICTORIA_METRICS=1`, as .ci/run sets it) or `CI=true` turns a
 * missing binary into a failure.
 * `VICTORIAMETRICS_BINARY` points at another build.
 */

export interface ExportedSeries {
  metric: Record<string, string>;
  values: number[];
  timestamps: number[];
}

export interface StartOptions {
  /** The single node's own -httpAuth.username/-httpAuth.password (401 on anything else). */
  basicAuth?: { username: string; password: string };
  /** Users of a vmauth proxy in front (bearer tokens, read-only users); `proxyUrl` is then set. */
  proxyUsers?: FakeUser[];
  /** -retentionPeriod; default 100y, long enough for any generated history. */
  retentionPeriod?: string;
}

export interface VictoriaMetricsUnderTest {
  kind: 'real' | 'fallback';
  /** The single node itself. */
  url: string;
  /** vmauth in front of it (real) or the same stand-in (fallback), when proxyUsers were given. */
  proxyUrl: string | null;
  /**
   * Every raw sample of the matching series as stored (duplicates included), after a flush. VictoriaMetrics
   * stores values as decimals of about 12 significant digits: compare fractions with a tolerance.
   */
  exportSeries(match: string): Promise<ExportedSeries[]>;
  /** Lines VictoriaMetrics could not parse and dropped since it started (it still answered 204 for them). */
  invalidLineCount(): Promise<number>;
  /**
   * Stops the single node (SIGTERM, as systemd does) and starts it again on the same port and data; null for the
   * in-process stand-in, which keeps nothing across a restart.
   */
  restart: (() => Promise<void>) | null;
  close(): Promise<void>;
}

/** `MED_VICTORIAMETRICS_FALLBACK=1` runs the stand-in even where the binary is installed (to test the stand-in). */
export const victoriaMetricsBinary =
  process.env['MED_VICTORIAMETRICS_FALLBACK'] === '1'
    ? null
    : (process.env['VICTORIAMETRICS_BINARY'] ??
      findExecutable('victoria-metrics', '/usr/bin/victoria-metrics'));
export const vmauthBinary = findExecutable('vmauth', '/usr/bin/vmauth');

const required =
  process.env['MED_VICTORIAMETRICS_FALLBACK'] !== '1' &&
  (process.env['MED_REQUIRE_VICTORIAMETRICS'] === '1' ||
    process.env['MED_REQUIRE_VICTORIA_METRICS'] === '1' ||
    process.env['CI'] === 'true');

/** For describe() titles: says which VictoriaMetrics the tests below really ran against. */
export const backendTitle = victoriaMetricsBinary
  ? `real VictoriaMetrics (${victoriaMetricsBinary})`
  : 'FALLBACK in-process parser: the victoria-metrics binary is missing (apt-get install victoria-metrics)';

let warned = false;

export async function startVictoriaMetrics(options: StartOptions = {}): Promise<VictoriaMetricsUnderTest> {
  if (!victoriaMetricsBinary) {
    if (required) {
      throw new Error(
        'victoria-metrics is not installed but MED_REQUIRE_VICTORIAMETRICS=1/CI=true requires the real one: ' +
          'run scripts/install-victoria-metrics.sh',
      );
    }
    if (!warned) {
      warned = true;
      console.warn(
        '\n*** VictoriaMetrics tests run against the in-process FALLBACK parser: /usr/bin/victoria-metrics is ' +
          'missing (scripts/install-victoria-metrics.sh installs it) ***\n',
      );
    }
    return startFallback(options);
  }
  const binary = victoriaMetricsBinary;
  return onFreePorts(() => startReal(binary, options));
}

async function startFallback(options: StartOptions): Promise<VictoriaMetricsUnderTest> {
  const users: FakeUser[] = [...(options.proxyUsers ?? [])];
  if (options.basicAuth) users.push(options.basicAuth);
  const fake = await startFakeVictoriaMetrics({
    ...(users.length > 0 ? { users, anonymousReads: options.basicAuth === undefined } : {}),
    ...(options.retentionPeriod ? { retentionPeriod: options.retentionPeriod } : {}),
  });
  const authorization = options.basicAuth ? basicHeader(options.basicAuth) : undefined;
  return {
    kind: 'fallback',
    url: fake.url,
    proxyUrl: options.proxyUsers ? fake.url : null,
    exportSeries: (match) => exportSeries(fake.url, match, authorization),
    invalidLineCount: async () => fake.invalidLines.length,
    restart: null,
    close: () => fake.close(),
  };
}

function basicHeader(auth: { username: string; password: string }): string {
  return `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
}

interface RunningProcess {
  child: ChildProcess;
  output: () => string;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

function launch(binary: string, args: string[]): RunningProcess {
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      running.delete(child);
    },
  };
}

async function waitForHealth(url: string, process: RunningProcess, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (process.child.exitCode !== null) {
      throw new Error(`${what} exited with ${process.child.exitCode}:\n${process.output()}`);
    }
    try {
      const response = await fetch(`${url}/health`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline)
      throw new Error(`${what} did not become healthy at ${url}:\n${process.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function startReal(binary: string, options: StartOptions): Promise<VictoriaMetricsUnderTest> {
  const dataDir = await mkdtemp(join(tmpdir(), 'med-export-vm-'));
  const processes: RunningProcess[] = [];
  const cleanup = async () => {
    for (const started of processes.reverse()) await started.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const args = [
      `-storageDataPath=${join(dataDir, 'data')}`,
      `-httpListenAddr=127.0.0.1:${port}`,
      // The default retention (1 month) silently drops older samples; the generated history is years long.
      `-retentionPeriod=${options.retentionPeriod ?? '100y'}`,
      // Read-backs must see what was just imported: no cached answer, and queries at "now" must not hide
      // the last 30 s (the default -search.latencyOffset).
      '-search.disableCache',
      '-search.latencyOffset=0s',
      '-loggerLevel=WARN',
    ];
    if (options.basicAuth) {
      args.push(
        `-httpAuth.username=${options.basicAuth.username}`,
        `-httpAuth.password=${options.basicAuth.password}`,
      );
    }
    let single = launch(binary, args);
    processes.push(single);
    await waitForHealth(url, single, 'victoria-metrics');

    let proxyUrl: string | null = null;
    if (options.proxyUsers) {
      if (!vmauthBinary) throw new Error('vmauth (same Debian package as victoria-metrics) is missing');
      const proxyPort = await freePort();
      const configPath = join(dataDir, 'vmauth.yml');
      if (options.basicAuth)
        throw new Error('a vmauth proxy in front of a password-protected node is not supported');
      await writeFile(configPath, vmauthConfig(options.proxyUsers, url));
      const proxy = launch(vmauthBinary, [
        `-auth.config=${configPath}`,
        `-httpListenAddr=127.0.0.1:${proxyPort}`,
        '-loggerLevel=WARN',
      ]);
      processes.push(proxy);
      proxyUrl = `http://127.0.0.1:${proxyPort}`;
      await waitForHealth(proxyUrl, proxy, 'vmauth');
    }

    const authorization = options.basicAuth ? basicHeader(options.basicAuth) : undefined;
    return {
      kind: 'real',
      url,
      proxyUrl,
      async exportSeries(match) {
        // Samples sit in an in-memory buffer for up to a second before search sees them: flush first
        // (app/vmstorage: /internal/force_flush).
        const flushed = await fetch(`${url}/internal/force_flush`, {
          headers: authorization ? { authorization } : {},
        });
        if (!flushed.ok) throw new Error(`force_flush: HTTP ${flushed.status}`);
        return exportSeries(url, match, authorization);
      },
      async invalidLineCount() {
        // The counter is bumped while the request is still being processed after its 204, and /metrics may
        // lag a second behind: read it once things have settled.
        await new Promise((resolve) => setTimeout(resolve, 1100));
        const text = await (await fetch(`${url}/metrics`)).text();
        const line = /^vm_rows_invalid_total\{type="prometheus"\} (\d+)$/m.exec(text);
        return Number(line?.[1] ?? 0);
      },
      async restart() {
        await single.stop();
        const restarted = launch(binary, args);
        processes.splice(processes.indexOf(single), 1, restarted);
        single = restarted;
        await waitForHealth(url, single, 'victoria-metrics');
      },
      close: cleanup,
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

/** vmauth's -auth.config: each user forwarded to the single node, read-only ones only on read paths. */
function vmauthConfig(users: FakeUser[], target: string): string {
  const lines = ['users:'];
  for (const user of users) {
    if (user.token !== undefined) lines.push(`- bearer_token: ${JSON.stringify(user.token)}`);
    else
      lines.push(
        `- username: ${JSON.stringify(user.username)}`,
        `  password: ${JSON.stringify(user.password)}`,
      );
    if (user.readOnly) {
      lines.push(
        '  url_map:',
        '  - src_paths: ["/api/v1/export", "/api/v1/query", "/api/v1/query_range", "/api/v1/labels"]',
        `    url_prefix: ${JSON.stringify(target)}`,
      );
    } else {
      lines.push(`  url_prefix: ${JSON.stringify(target)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

async function exportSeries(url: string, match: string, authorization?: string): Promise<ExportedSeries[]> {
  const response = await fetch(`${url}/api/v1/export`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(authorization ? { authorization } : {}),
    },
    // /api/v1/export stops at "now" unless told otherwise; Tempo and EcoWatt samples can be a day ahead.
    body: new URLSearchParams({
      'match[]': match,
      start: '0',
      end: String(Math.round(Date.now() / 1000) + 7 * 86_400),
    }).toString(),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`export ${match}: HTTP ${response.status} ${text}`);
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as ExportedSeries);
}
