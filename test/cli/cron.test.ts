import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parisParts } from '../../src/domain/paris-time.js';
import { demoOptions, generateMedData } from '../support/generate-med-data.js';
import { createTestBroker } from '../support/test-broker.js';
import type { TestBroker } from '../support/test-broker.js';
import { createTestDatabase } from '../support/test-database.js';
import type { TestDatabase } from '../support/test-database.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const ENV_FILE = '/etc/med-export/med-export.env';

/** The crontab line exactly as the README gives it, minus its five schedule fields. */
const cronCommand = /```cron\n(?:\S+\s+){5}(.+)\n```/.exec(readme)![1]!;
const systemdUnit = readFileSync(join(root, 'systemd/med-export.service'), 'utf8');

let database: TestDatabase;
let broker: TestBroker;
const work = mkdtempSync(join(tmpdir(), 'med-export-cron-'));
const bin = join(work, 'bin');

/** Cron's environment: HOME, LOGNAME, SHELL and PATH=/usr/bin:/bin, nothing else (`env -i`). */
function cron(envFile: string, options: { cwd?: string; home?: string } = {}) {
  const command = cronCommand.replaceAll(ENV_FILE, envFile);
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(
      'env',
      [
        '-i',
        `HOME=${options.home ?? work}`,
        'LOGNAME=med',
        'SHELL=/bin/sh',
        // The installed command and node live in PATH: here, a link to this checkout's bin/med-export.cjs.
        `PATH=${bin}:${dirname(process.execPath)}:/usr/bin:/bin`,
        '/bin/sh',
        '-c',
        command,
      ],
      { cwd: options.cwd ?? work, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

function envFile(name: string, lines: Record<string, string>): string {
  const path = join(work, name);
  // Single quotes: read the same way by sh and by systemd's EnvironmentFile=.
  writeFileSync(
    path,
    Object.entries(lines)
      .map(([key, value]) => `${key}='${value}'\n`)
      .join(''),
  );
  return path;
}

beforeAll(async () => {
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root });
  mkdirSync(bin);
  symlinkSync(join(root, 'bin/med-export.cjs'), join(bin, 'med-export'));
  database = await createTestDatabase();
  await generateMedData(database, demoOptions(parisParts(new Date()).date));
  broker = await createTestBroker();
}, 120_000);

afterAll(async () => {
  await broker?.close();
  await database?.close();
});

describe("the README's cron line, in a clean environment", () => {
  it('uses the same environment file as the systemd unit', () => {
    expect(cronCommand).toContain(ENV_FILE);
    expect(systemdUnit).toContain(`EnvironmentFile=${ENV_FILE}`);
  });

  it('prints nothing at all when the export succeeds, then nothing when nothing is due', async () => {
    const file = envFile('ok.env', {
      DATABASE_URL: database.url,
      MQTT_ENABLED: 'true',
      MQTT_BROKER: broker.url,
      MQTT_TOPIC_PREFIX: broker.topicPrefix,
    });
    for (let run = 0; run < 2; run++) {
      expect(await cron(file)).toEqual({ code: 0, stdout: '', stderr: '' });
    }
    expect((await broker.retained()).size).toBeGreaterThan(5);
  }, 60_000);

  it('prints a failure on stderr only, and exits 1', async () => {
    const file = envFile('failing.env', {
      DATABASE_URL: database.url,
      MQTT_ENABLED: 'true',
      MQTT_BROKER: 'mqtt://127.0.0.1:1',
      MQTT_TOPIC_PREFIX: `${broker.topicPrefix}-failing`,
      MQTT_INTERVAL: '1',
    });
    const result = await cron(file);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^error: mqtt: error: .*refused the connection/m);
  }, 60_000);

  it('exits 2 with a message when nothing is enabled', async () => {
    const result = await cron(envFile('nothing.env', { DATABASE_URL: database.url }));
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/no destination is enabled/);
  }, 60_000);

  it('reads med-export.config.yaml in the working directory and ~/.config/med-export/config.yaml', async () => {
    const file = envFile('db-only.env', { DATABASE_URL: database.url, MQTT_BROKER: broker.url });
    const here = join(work, 'here');
    mkdirSync(here);
    writeFileSync(
      join(here, 'med-export.config.yaml'),
      `mqtt:\n  enabled: true\n  topic_prefix: ${broker.topicPrefix}/cwd\n`,
    );
    expect(await cron(file, { cwd: here })).toEqual({ code: 0, stdout: '', stderr: '' });

    const home = join(work, 'home');
    mkdirSync(join(home, '.config/med-export'), { recursive: true });
    writeFileSync(
      join(home, '.config/med-export/config.yaml'),
      `mqtt:\n  enabled: true\n  topic_prefix: ${broker.topicPrefix}/home\n`,
    );
    const elsewhere = mkdtempSync(join(tmpdir(), 'med-export-cron-cwd-'));
    expect(await cron(file, { cwd: elsewhere, home })).toEqual({ code: 0, stdout: '', stderr: '' });

    const topics = [...(await broker.retained()).keys()];
    expect(topics.some((topic) => topic.startsWith(`${broker.topicPrefix}/cwd/`))).toBe(true);
    expect(topics.some((topic) => topic.startsWith(`${broker.topicPrefix}/home/`))).toBe(true);
  }, 60_000);
});
