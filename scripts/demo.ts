/**
 * `npm run demo`: an embedded PostgreSQL (PGlite) filled with generated MyElectricalData data, then one real
 * `med-export export --all --dry-run` pass against it, printing what each destination would receive.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { parisDate } from '../src/domain/paris-time.js';
import { destinationManifests } from '../src/destinations/registry.js';
import { demoOptions, generateMedData } from '../test/support/generate-med-data.js';
import { MED_SCHEMA_SQL } from '../test/support/med-schema.js';
import { startEmbeddedPostgres } from '../test/support/test-database.js';

/** Settings a destination needs before it can build its payloads; a dry run never connects to them. */
const DEMO_SETTINGS: Record<string, Record<string, string>> = {
  mqtt: { MQTT_BROKER: 'mqtt://localhost:1883' },
  home_assistant: {
    HOME_ASSISTANT_URL: 'http://homeassistant.local:8123',
    HOME_ASSISTANT_TOKEN: 'demo-token',
  },
  victoriametrics: { VICTORIAMETRICS_URL: 'http://localhost:8428' },
  jeedom: { JEEDOM_URL: 'http://jeedom.local', JEEDOM_API_KEY: 'demo-api-key' },
};

const embedded = await startEmbeddedPostgres();
try {
  const client = new pg.Client({ connectionString: embedded.url });
  await client.connect();
  await client.query(MED_SCHEMA_SQL);
  const options = demoOptions(parisDate(Date.now()));
  const generated = await generateMedData(client, options);
  await client.end();
  console.log(
    `demo database: ${generated.dailyRows} daily and ${generated.detailedRows} half-hourly rows ` +
      `from ${options.from} to ${options.to}, Tempo and EcoWatt (embedded PostgreSQL ${embedded.url})\n`,
  );

  const env: Record<string, string> = { PATH: process.env.PATH ?? '', DATABASE_URL: embedded.url };
  for (const destination of destinationManifests) {
    const prefix = destination.envPrefixes[0]!;
    Object.assign(env, { [`${prefix}_ENABLED`]: 'true' }, DEMO_SETTINGS[destination.id] ?? {});
  }
  const cli = fileURLToPath(new URL('../bin/med-export.js', import.meta.url));
  const args = ['export', '--all', '--dry-run', ...process.argv.slice(2)];
  console.log(`$ med-export ${args.join(' ')}`);
  const exitCode = await new Promise<number>((resolve) => {
    spawn(process.execPath, [cli, ...args], { env, stdio: 'inherit' }).on('exit', (code) =>
      resolve(code ?? 1),
    );
  });
  process.exitCode = exitCode;
} finally {
  await embedded.close();
}
