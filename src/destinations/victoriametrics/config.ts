import { ConfigError } from '../../config/config-error.js';
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
import type { Auth } from './client.js';
import { extraLabelsProblem } from './encode.js';

/** Labels med-export sets itself: an extra label with one of these names would overwrite or split series. */
export const RESERVED_LABELS = [
  'pdl',
  'pdl_name',
  'type',
  'tariff',
  'color',
  'region',
  'destination',
  'status',
] as const;

export const victoriaMetricsFields = {
  url: urlField({
    protocols: ['http:', 'https:'],
    required: true,
    describe:
      'single node (http://victoriametrics:8428) or a cluster vminsert tenant URL (http://vminsert:8480/insert/0/prometheus)',
  }),
  username: optional(stringField({ describe: 'basic auth user (with password)' })),
  password: optional(secretField({ describe: 'basic auth password' })),
  token: optional(secretField({ describe: 'bearer token (instead of username/password)' })),
  labels: jsonObjectField({
    default: {},
    describe: 'extra labels added to every sample, e.g. {"env": "prod", "host": "raspberry"}',
    validate: (labels) => extraLabelsProblem(labels, RESERVED_LABELS),
  }),
  batch_size: integerField({
    default: 10_000,
    min: 1,
    max: 1_000_000,
    describe: 'samples per import request',
  }),
  pdl_name_label: booleanField({
    default: false,
    describe: "also label samples with the PDL's name as pdl_name (renaming the PDL then starts new series)",
  }),
  ca_cert: optional(stringField({ describe: "PEM file of the CA that signed VictoriaMetrics' certificate" })),
  tls_insecure: booleanField({
    default: false,
    describe: 'skip TLS certificate verification (only for a test instance)',
  }),
};

export type VictoriaMetricsConfig = ConfigOf<typeof victoriaMetricsFields>;

/**
 * Basic auth from username/password (or from credentials written in the URL), or a bearer token. Both at once
 * is ambiguous and refused rather than guessed.
 */
export function authOf(config: VictoriaMetricsConfig): Auth {
  const username =
    config.username ?? (config.url.username ? decodeURIComponent(config.url.username) : undefined);
  const password =
    config.password ?? (config.url.password ? decodeURIComponent(config.url.password) : undefined);
  if (config.token !== undefined) {
    if (username !== undefined || password !== undefined) {
      throw new ConfigError(
        'VICTORIAMETRICS_TOKEN',
        '(secret)',
        'either a bearer token or a username/password, not both',
      );
    }
    return { kind: 'bearer', token: config.token };
  }
  if (password !== undefined && username === undefined) {
    throw new ConfigError(
      'VICTORIAMETRICS_USERNAME',
      undefined,
      'a user name to go with VICTORIAMETRICS_PASSWORD',
    );
  }
  if (username !== undefined) return { kind: 'basic', username, password: password ?? '' };
  return { kind: 'none' };
}
