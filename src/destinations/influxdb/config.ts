import { ConfigError } from '../../config/config-error.js';
import type { ConfigOf } from '../../config/fields.js';
import {
  booleanField,
  enumField,
  integerField,
  optional,
  secretField,
  stringField,
  urlField,
} from '../../config/fields.js';

export const API_VERSIONS = ['1', '2'] as const;
export type ApiVersion = (typeof API_VERSIONS)[number];

/**
 * Lines per write request. InfluxDB's own advice is batches of 5,000 lines ("Optimize writes": "The optimal batch
 * size is 5000 lines of line protocol"). A line here is at most about 110 bytes, so such a batch is about 0.5 MB
 * before gzip, far below the body limits: 1.x refuses bodies over `[http] max-body-size`, 25,000,000 bytes by
 * default and counted after decompression (`influxd config`); 2.x OSS has no limit unless one is configured
 * (http/write_handler.go, `maxBatchSizeBytes`), InfluxDB Cloud 50 MB. The maximum, 100,000 lines (about 11 MB),
 * still fits 1.x's default, and a small box writes it within 1.x's 10 s `[coordinator] write-timeout`.
 */
export const DEFAULT_BATCH_LINES = 5_000;
export const MAX_BATCH_LINES = 100_000;

export const influxdbFields = {
  url: urlField({
    protocols: ['http:', 'https:'],
    required: true,
    describe: 'InfluxDB base URL (http://influxdb:8086)',
  }),
  api_version: optional(
    enumField(API_VERSIONS, {
      describe:
        "1 (InfluxDB 1.x: database, username/password) or 2 (InfluxDB 2 and 3: org, bucket, token); default: from the server's /ping",
    }),
  ),
  database: stringField({ default: 'myelectricaldata', describe: '1.x database' }),
  username: optional(stringField({ describe: '1.x user (when the server has auth-enabled)' })),
  password: optional(secretField({ describe: '1.x password' })),
  retention_policy: optional(
    stringField({ describe: "1.x retention policy (default: the database's default one)" }),
  ),
  create_database: booleanField({
    default: false,
    describe: '1.x: create the database when it does not exist (needs an admin user)',
  }),
  org: optional(stringField({ describe: '2.x organization name or ID' })),
  bucket: optional(stringField({ describe: '2.x bucket name or ID' })),
  token: optional(secretField({ describe: '2.x API token allowed to write to the bucket' })),
  batch_size: integerField({
    default: DEFAULT_BATCH_LINES,
    min: 1,
    max: MAX_BATCH_LINES,
    describe: 'lines of line protocol per write request',
  }),
  ca_cert: optional(stringField({ describe: "PEM file of the CA that signed InfluxDB's certificate" })),
  tls_insecure: booleanField({
    default: false,
    describe: 'skip TLS certificate verification (only for a test instance)',
  }),
};

export type InfluxdbConfig = ConfigOf<typeof influxdbFields>;

/** Where and as whom to write, for one API version. */
export type InfluxTarget =
  | {
      apiVersion: '1';
      database: string;
      retentionPolicy: string | undefined;
      credentials: { username: string; password: string } | undefined;
    }
  | { apiVersion: '2'; org: string; bucket: string; token: string };

/**
 * The write target of the configuration for `apiVersion` (the configured one or the detected one). Options of the
 * other API are refused rather than ignored: a token set for a 1.x server, or a password for a 2.x one, means the
 * user expects something this run would not do.
 */
export function targetOf(config: InfluxdbConfig, apiVersion: ApiVersion): InfluxTarget {
  if (apiVersion === '1') {
    if (config.token !== undefined) {
      throw new ConfigError(
        'INFLUXDB_TOKEN',
        '(secret)',
        'no token with the 1.x API (use INFLUXDB_USERNAME/INFLUXDB_PASSWORD, or INFLUXDB_API_VERSION=2)',
      );
    }
    const username =
      config.username ?? (config.url.username ? decodeURIComponent(config.url.username) : undefined);
    const password =
      config.password ?? (config.url.password ? decodeURIComponent(config.url.password) : undefined);
    if (password !== undefined && username === undefined) {
      throw new ConfigError('INFLUXDB_USERNAME', undefined, 'a user name to go with INFLUXDB_PASSWORD');
    }
    return {
      apiVersion,
      database: config.database,
      retentionPolicy: config.retention_policy,
      credentials: username === undefined ? undefined : { username, password: password ?? '' },
    };
  }
  if (config.username !== undefined || config.password !== undefined) {
    throw new ConfigError(
      'INFLUXDB_USERNAME',
      config.username ?? '(password)',
      'no username/password with the 2.x API (use INFLUXDB_TOKEN, or INFLUXDB_API_VERSION=1)',
    );
  }
  if (config.org === undefined)
    throw new ConfigError('INFLUXDB_ORG', undefined, 'the organization (2.x API)');
  if (config.bucket === undefined)
    throw new ConfigError('INFLUXDB_BUCKET', undefined, 'the bucket (2.x API)');
  if (config.token === undefined)
    throw new ConfigError('INFLUXDB_TOKEN', undefined, 'an API token (2.x API)');
  return { apiVersion, org: config.org, bucket: config.bucket, token: config.token };
}
