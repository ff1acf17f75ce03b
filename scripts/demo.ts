/**
 * `npm run demo`: an embedded PostgreSQL (PGlite) filled with generated MyElectricalData data, then one real
 * `med-export export --all --dry-run` pass against it, printing what each destination would receive.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { parisDate } from '../src/domain/paris-time.js';
import { destinationManifests } from '../src/destinations/registry.js';
import { DEMO_SETTINGS } from './demo-settings.js';
import { demoOptions, generateMedData } from '../test/support/generate-med-data.js';
import { MED_SCHEMA_SQL } from '../test/support/med-schema.js';
import { startEmbeddedPostgres } from '../test/support/test-database.js';

const args = ['export', '--all', '--dry-run', ...process.argv.slice(2)];
const json = args.includes('--json');
/** Under --json, stdout is the CLI's JSON alone (`npm run demo -- --json | jq`): the demo's own words go to stderr. */
const say = (text: string) => (json ? process.stderr : process.stdout).write(`${text}\n`);

const NEXT_STEPS = `
Next, with your own MyElectricalData database (README.md, "Installing for real use"):
  1. put DATABASE_URL and the destinations you want (MQTT_ENABLED=true, MQTT_BROKER=…) in
     /etc/med-export/med-export.env, or a med-export.config.yaml (see config.example.yaml);
  2. med-export test --destination mqtt        # reachability, credentials, permissions
  3. med-export export --all --dry-run         # what would be sent, from your data
  4. med-export export --all; then the README's cron line or systemd timer; med-export status`;

const embedded = await startEmbeddedPostgres();
try {
  const client = new pg.Client({ connectionString: embedded.url });
  await client.connect();
  await client.query(MED_SCHEMA_SQL);
  const options = demoOptions(parisDate(Date.now()));
  const generated = await generateMedData(client, options);
  await client.end();
  say(
    `demo database: ${generated.dailyRows} daily and ${generated.detailedRows} half-hourly rows ` +
      `from ${options.from} to ${options.to}, Tempo and EcoWatt (embedded PostgreSQL ${embedded.url})\n`,
  );

  const env: Record<string, string> = { PATH: process.env.PATH ?? '', DATABASE_URL: embedded.url };
  // What the terminal and the user asked for: no colour (https://no-color.org), the time zone, the width.
  for (const name of ['NO_COLOR', 'TERM', 'TZ', 'COLUMNS']) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  for (const destination of destinationManifests) {
    const settings = DEMO_SETTINGS[destination.id];
    if (!settings) throw new Error(`scripts/demo.ts: give ${destination.id} its DEMO_SETTINGS`);
    Object.assign(env, { [`${destination.envPrefixes[0]}_ENABLED`]: 'true' }, settings);
  }
  const cli = fileURLToPath(new URL('../bin/med-export.cjs', import.meta.url));
  say(`$ med-export ${args.join(' ')}`);
  const exitCode = await new Promise<number>((resolve) => {
    spawn(process.execPath, [cli, ...args], { env, stdio: 'inherit' }).on('exit', (code) =>
      resolve(code ?? 1),
    );
  });
  process.exitCode = exitCode;
  if (exitCode === 0) say(NEXT_STEPS);
} finally {
  await embedded.close();
}
