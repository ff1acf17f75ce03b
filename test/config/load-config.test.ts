import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.js';
import { loadConfig } from '../../src/config/load-config.js';
import { destinationManifests } from '../../src/destinations/registry.js';
import { redact } from '../../src/redact.js';
import { runCli } from '../support/run-cli.js';

const all = destinationManifests;
const dir = mkdtempSync(join(tmpdir(), 'med-export-config-'));

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe('loadConfig', () => {
  it('lets the environment override the file, and applies defaults', async () => {
    const configPath = file('a.yaml', 'mqtt:\n  enabled: true\n  broker: mqtt://file-host:1883\n  qos: 0\n');
    const config = await loadConfig({ env: { MQTT_QOS: '2' }, configPath, destinations: all });
    const mqtt = config.destinations.get('mqtt')!;
    expect(mqtt.common).toMatchObject({ enabled: true, interval: 60, timeoutMs: 30_000 });
    expect(mqtt.options).toMatchObject({ qos: 2, retain: true, topic_prefix: 'myelectricaldata' });
    expect((mqtt.options.broker as URL).host).toBe('file-host:1883');
    expect([...mqtt.common.exportData]).toEqual([
      'consumption_daily',
      'consumption_monthly',
      'production_daily',
      'production_monthly',
      'tempo',
      'ecowatt',
    ]);
  });

  it('names the environment variable when its value is wrong', async () => {
    const error = await loadConfig({ env: { MQTT_RETAIN: 'maybe' }, destinations: all }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe('MQTT_RETAIN: "maybe" is not valid; expected true or false');
  });

  it('names the file key when the file value is wrong', async () => {
    const configPath = file('b.yaml', 'mqtt:\n  interval: 0\n');
    const error = await loadConfig({ env: {}, configPath, destinations: all }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(
      /^mqtt\.interval: "0" is not valid; expected a whole number from 1/,
    );
  });

  it('rejects an unknown data kind, naming it', async () => {
    const error = await loadConfig({
      env: { MQTT_EXPORT_DATA: 'consumption_daily,tempos' },
      destinations: all,
    }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/MQTT_EXPORT_DATA: .*\(unknown: tempos\)/);
  });

  it('warns about unknown keys and variables instead of ignoring them silently', async () => {
    const configPath = file('c.yaml', 'mqtt:\n  brokr: mqtt://x\ndatabse_url: postgres://x\n');
    const config = await loadConfig({
      env: { MQTT_ENABLE: 'true', MED_PDLS: '1', PATH: '/bin' },
      configPath,
      destinations: all,
    });
    expect(config.warnings).toEqual(
      expect.arrayContaining([
        expect.stringContaining('"mqtt.brokr"'),
        expect.stringContaining('"databse_url"'),
        expect.stringContaining('MQTT_ENABLE '),
        expect.stringContaining('MED_PDLS '),
      ]),
    );
    expect(config.warnings.join('\n')).not.toContain('PATH');
  });

  it('reads *_FILE variables and redacts what they hold', async () => {
    const secretUrl = file('db', 'postgres://med:f1le-Secret@db.example:5432/med\n');
    const config = await loadConfig({ env: { DATABASE_URL_FILE: secretUrl }, destinations: all });
    expect(config.databaseUrl?.password).toBe('f1le-Secret');
    expect(redact('failed: password f1le-Secret')).toBe('failed: password ***');
    const missing = await loadConfig({
      env: { DATABASE_URL_FILE: join(dir, 'nope') },
      destinations: all,
    }).catch((e: unknown) => e);
    expect((missing as Error).message).toMatch(/^DATABASE_URL_FILE: .* expected a readable file \(ENOENT\)/);
  });
});

describe('command line errors', () => {
  it('exits 2 naming DATABASE_URL when it is missing', async () => {
    const result = await runCli(['export', '--all'], {
      MQTT_ENABLED: 'true',
      MQTT_BROKER: 'mqtt://localhost',
    });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/DATABASE_URL is not set; expected a PostgreSQL URL/);
  });

  it('exits 2 for a missing required option of an enabled destination', async () => {
    const result = await runCli(['export', '--all'], {
      DATABASE_URL: 'postgres://localhost/x',
      MQTT_ENABLED: 'true',
    });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/MQTT_BROKER is not set/);
  });

  it('exits 2 for an unknown or disabled destination, a bad date, an unknown option', async () => {
    const env = { DATABASE_URL: 'postgres://localhost/x' };
    expect((await runCli(['export', '--destination', 'nope'], env)).stderr).toMatch(
      /unknown destination "nope"/,
    );
    const disabled = await runCli(['export', '--destination', 'mqtt'], env);
    expect(disabled.exitCode).toBe(2);
    expect(disabled.stderr).toMatch(/not enabled: set MQTT_ENABLED=true/);
    const since = await runCli(['export', '--all', '--since', '2024-02-30'], env);
    expect(since.exitCode).toBe(2);
    expect(since.stderr).toMatch(/--since: "2024-02-30" is not a date/);
    expect((await runCli(['export', '--al'], env)).exitCode).toBe(2);
    expect((await runCli(['export'], env)).exitCode).toBe(2);
  });

  it('exits 1 with a plain sentence, and no stack trace, when PostgreSQL is unreachable', async () => {
    const result = await runCli(['export', '--all'], {
      DATABASE_URL: 'postgres://med:Db-Pa55word@127.0.0.1:1/med',
      MQTT_ENABLED: 'true',
      MQTT_BROKER: 'mqtt://localhost',
    });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(
      /cannot connect to PostgreSQL at postgres:\/\/med:\*\*\*@127\.0\.0\.1:1\/med: connection refused/,
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stderr + result.stdout).not.toContain('Db-Pa55word');
  });

  it('prints help with examples on every command, exit 0', async () => {
    for (const command of ['export', 'test', 'logs', 'migrate']) {
      const result = await runCli([command, '--help'], {});
      expect(result.exitCode).toBe(0);
      expect(result.stdout).toMatch(/Example/);
    }
  });
});
