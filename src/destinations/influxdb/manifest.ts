import { defineManifest, describeTarget } from '../../contract/destination.js';
import type { Destination } from '../../contract/destination.js';
import { influxdbFields } from './config.js';

export const influxdbManifest = defineManifest({
  id: 'influxdb',
  title: 'InfluxDB',
  envPrefixes: ['INFLUXDB'],
  fields: influxdbFields,
  target: (config) =>
    describeTarget(config.url, {
      database: config.bucket ? undefined : config.database,
      retention_policy: config.retention_policy,
      org: config.org,
      bucket: config.bucket,
    }),
  load: async (): Promise<Destination> => (await import('./index.js')).influxdbDestination,
});
