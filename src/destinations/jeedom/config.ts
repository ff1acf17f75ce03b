import type { ConfigOf } from '../../config/fields.js';
import {
  booleanField,
  integerField,
  jsonObjectField,
  optional,
  secretField,
  stringField,
  urlField,
} from '../../config/fields.js';
import type { Logger } from '../../logger.js';
import { ALL_COMMAND_KEYS } from './commands.js';

const MAPPING_KEY = /^(?:(\d{14}):)?([a-z_]+)$/;

/**
 * `JEEDOM_COMMANDS`: `{"consumption_daily": 1234}` or, with several PDLs, `{"12345678901234:consumption_daily":
 * 1234}`; each value the id of an existing Jeedom info command.
 */
export function commandMappingProblem(mapping: Record<string, unknown>): string | null {
  for (const [key, value] of Object.entries(mapping)) {
    const match = MAPPING_KEY.exec(key);
    if (!match || !ALL_COMMAND_KEYS.includes(match[2]!)) {
      return `keys among ${ALL_COMMAND_KEYS.join(', ')}, optionally prefixed by a PDL and ':' (got ${JSON.stringify(key)})`;
    }
    if (commandIdOf(value) === null) {
      return `Jeedom command ids (whole numbers) as values (got ${JSON.stringify(value)} for ${key})`;
    }
  }
  return null;
}

export function commandIdOf(value: unknown): number | null {
  const number = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  return typeof number === 'number' && Number.isInteger(number) && number > 0 ? number : null;
}

export const jeedomFields = {
  url: urlField({
    protocols: ['http:', 'https:'],
    required: true,
    describe: "Jeedom's address, as in the browser: http://jeedom.local (the API path is added)",
  }),
  api_key: secretField({
    required: true,
    describe: 'the core API key (Settings → System → Configuration → API) or the Virtual plugin API key',
  }),
  object_id: optional(
    integerField({
      min: 1,
      max: 2_147_483_647,
      describe: 'id of the Jeedom object (room) the equipments are created in (default: none)',
    }),
  ),
  commands: jsonObjectField({
    default: {},
    describe:
      'feed existing Jeedom info commands instead of creating them: {"consumption_daily": 1234} or {"<PDL>:consumption_daily": 1234}',
    validate: (mapping) => {
      const problem = commandMappingProblem(mapping);
      return problem === null ? null : `a JSON object with ${problem}`;
    },
  }),
  concurrency: integerField({
    min: 1,
    max: 16,
    default: 4,
    describe:
      'requests in flight at once during a backfill (each one is a PHP worker on the box: 4 keeps a Raspberry Pi responsive)',
  }),
  ca_cert: optional(stringField({ describe: "PEM file of the CA that signed Jeedom's HTTPS certificate" })),
  ca_file: optional(stringField({ describe: 'deprecated name of ca_cert (JEEDOM_CA_CERT)' })),
  tls_insecure: booleanField({
    default: false,
    describe: 'skip TLS certificate verification (only for a box with a self-signed certificate you trust)',
  }),
};

export type JeedomConfig = ConfigOf<typeof jeedomFields>;

export function mappingOf(config: JeedomConfig): Record<string, number> {
  const mapping: Record<string, number> = {};
  for (const [key, value] of Object.entries(config.commands)) {
    const id = commandIdOf(value);
    if (id !== null) mapping[key] = id;
  }
  return mapping;
}

/** What the JSON-RPC client needs from the configuration; `ca_file` still read, with a warning, until removed. */
export function clientOptionsOf(config: JeedomConfig, log: Logger) {
  if (config.ca_file !== undefined && config.ca_cert === undefined) {
    log.warn('jeedom: JEEDOM_CA_FILE (ca_file) is deprecated: rename it JEEDOM_CA_CERT (ca_cert)');
  }
  return {
    url: config.url,
    apiKey: config.api_key,
    caCert: config.ca_cert ?? config.ca_file,
    tlsInsecure: config.tls_insecure,
    concurrency: config.concurrency,
  };
}
