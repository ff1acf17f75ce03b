import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigProblems } from '../../src/config/config-error.js';
import { stringField, withDeprecatedAliases, optional } from '../../src/config/fields.js';
import { loadConfig } from '../../src/config/load-config.js';
import { destinationManifests } from '../../src/destinations/registry.js';
import { runCli } from '../support/run-cli.js';

const all = destinationManifests;

function directory(files: Record<string, string> = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'med-export-discovery-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(root, name, '..'), { recursive: true });
    writeFileSync(join(root, name), content);
  }
  return root;
}

const emptySystem = directory();

describe('where the configuration file is found', () => {
  it('reads med-export.config.yaml in the working directory', async () => {
    const cwd = directory({ 'med-export.config.yaml': 'mqtt:\n  topic_prefix: from-cwd\n' });
    const config = await loadConfig({ env: {}, cwd, systemDirectory: emptySystem, destinations: all });
    expect(config.file).toBe(join(cwd, 'med-export.config.yaml'));
    expect(config.destinations.get('mqtt')!.options.topic_prefix).toBe('from-cwd');
  });

  it("still reads cosmiconfig's own names", async () => {
    const cwd = directory({ '.med-exportrc.yaml': 'mqtt:\n  topic_prefix: from-rc\n' });
    const config = await loadConfig({ env: {}, cwd, systemDirectory: emptySystem, destinations: all });
    expect(config.destinations.get('mqtt')!.options.topic_prefix).toBe('from-rc');
  });

  it('then ~/.config/med-export/config.yaml, or under $XDG_CONFIG_HOME, then /etc/med-export', async () => {
    const home = directory({ '.config/med-export/config.yaml': 'mqtt:\n  topic_prefix: from-home\n' });
    const xdg = directory({ 'med-export/config.yaml': 'mqtt:\n  topic_prefix: from-xdg\n' });
    const system = directory({ 'config.yaml': 'mqtt:\n  topic_prefix: from-etc\n' });
    const prefix = async (env: Record<string, string>, cwd = directory()) =>
      (await loadConfig({ env, cwd, systemDirectory: system, destinations: all })).destinations.get('mqtt')!
        .options.topic_prefix;
    expect(await prefix({ HOME: home })).toBe('from-home');
    expect(await prefix({ HOME: home, XDG_CONFIG_HOME: xdg })).toBe('from-xdg');
    expect(await prefix({ HOME: directory() })).toBe('from-etc');
    const cwd = directory({ 'med-export.config.yaml': 'mqtt:\n  topic_prefix: from-cwd\n' });
    expect(await prefix({ HOME: home }, cwd)).toBe('from-cwd');
  });

  it('names the file it used with --verbose', async () => {
    const cwd = directory({ 'med-export.config.yaml': 'mqtt:\n  enabled: false\n' });
    const result = await runCli(
      ['--verbose', 'export', '--all'],
      { DATABASE_URL: 'postgres://x/y' },
      { cwd },
    );
    expect(result.stderr).toContain(`configuration file: ${join(cwd, 'med-export.config.yaml')}`);
  });

  it('gives the file, line, column and reason of a YAML error', async () => {
    const cwd = directory({ 'bad.yaml': 'mqtt:\n  enabled: true\n   broker: x\n' });
    const result = await runCli(['--config', join(cwd, 'bad.yaml'), 'export', '--all'], {});
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(`${join(cwd, 'bad.yaml')}:3:10: bad indentation of a mapping entry`);
  });
});

describe('configuration problems', () => {
  it('are all reported in one run', async () => {
    const error = await loadConfig({
      env: { MQTT_RETAIN: 'maybe', JEEDOM_INTERVAL: '0', MED_PDL: '123' },
      cwd: directory(),
      destinations: all,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigProblems);
    expect((error as Error).message.split('\n')).toEqual([
      expect.stringMatching(/^MED_PDL: "123" is not valid/),
      'MQTT_RETAIN: "maybe" is not valid; expected true or false',
      expect.stringMatching(/^JEEDOM_INTERVAL: "0" is not valid/),
    ]);
    const result = await runCli(['export', '--all'], { MQTT_RETAIN: 'maybe', JEEDOM_INTERVAL: '0' });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/error: MQTT_RETAIN.*\nerror: JEEDOM_INTERVAL/);
  });

  it('name the variable, file key or destination meant by a near miss', async () => {
    const cwd = directory({
      'med-export.config.yaml': 'mqtt:\n  topic_prefx: x\nvictoriametric:\n  url: x\n',
    });
    const config = await loadConfig({
      env: {
        HOME_ASISTANT_ENABLED: 'true',
        VICTORIAMETRIC_ENABLED: 'true',
        JEDOM_ENABLED: 'true',
        DOCKER_ENABLED: 'true',
        HOSTNAME: 'box',
        MED_EXPORT_COMPILE_CACHE: 'off',
      },
      cwd,
      destinations: all,
    });
    expect(config.warnings).toEqual(
      expect.arrayContaining([
        'unknown environment variable HOME_ASISTANT_ENABLED is ignored; did you mean HOME_ASSISTANT_ENABLED?',
        'unknown environment variable VICTORIAMETRIC_ENABLED is ignored; did you mean VICTORIAMETRICS_ENABLED?',
        'unknown environment variable JEDOM_ENABLED is ignored; did you mean JEEDOM_ENABLED?',
        'unknown key "mqtt.topic_prefx" is ignored; did you mean mqtt.topic_prefix?',
        expect.stringMatching(
          /unknown key "victoriametric" in .* is ignored; did you mean victoriametrics\?/,
        ),
      ]),
    );
    expect(config.warnings.join('\n')).not.toMatch(/DOCKER|HOSTNAME|COMPILE_CACHE/);

    const result = await runCli(['export', '--destination', 'victoriametric'], {});
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/unknown destination "victoriametric"; did you mean victoriametrics\?/);
  });

  it('accept homeassistant and home-assistant for home_assistant on the command line', async () => {
    for (const name of ['homeassistant', 'home-assistant', 'home_assistant']) {
      const result = await runCli(['export', '--destination', name], {});
      expect(result.stderr).toMatch(/destination "home_assistant" is not enabled/);
    }
  });

  it('say "nothing enabled" with exit 2, even under --quiet', async () => {
    const result = await runCli(['--quiet', 'export', '--all'], { DATABASE_URL: 'postgres://x/y' });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/no destination is enabled .*MQTT_ENABLED/);
    expect(result.stdout).toBe('');
  });
});

describe('a deprecated option name', () => {
  const unit = {
    id: 'box',
    envPrefixes: ['BOX'],
    fields: { ca_cert: optional(withDeprecatedAliases(stringField({ describe: 'CA' }), 'ca_file')) },
  };

  it('is still read, with a warning naming the new one; the new name wins', async () => {
    const cwd = directory();
    const fromEnv = await loadConfig({ env: { BOX_CA_FILE: '/old.pem' }, cwd, destinations: [unit] });
    expect(fromEnv.destinations.get('box')!.options.ca_cert).toBe('/old.pem');
    expect(fromEnv.warnings).toEqual(['BOX_CA_FILE is deprecated: use BOX_CA_CERT instead']);

    const file = join(directory({ 'c.yaml': 'box:\n  ca_file: /file.pem\n' }), 'c.yaml');
    const fromFile = await loadConfig({ env: {}, configPath: file, destinations: [unit] });
    expect(fromFile.destinations.get('box')!.options.ca_cert).toBe('/file.pem');
    expect(fromFile.warnings).toEqual(['box.ca_file is deprecated: use box.ca_cert instead']);

    const both = await loadConfig({
      env: { BOX_CA_FILE: '/old.pem', BOX_CA_CERT: '/new.pem' },
      cwd,
      destinations: [unit],
    });
    expect(both.destinations.get('box')!.options.ca_cert).toBe('/new.pem');
  });
});
