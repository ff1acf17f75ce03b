import { defineManifest } from '../../contract/destination.js';
import type { Destination } from '../../contract/destination.js';
import { influxdbFields } from './config.js';

export const influxdbManifest = defineManifest({
  id: 'influxdb',
  title: 'InfluxDB',
  envPrefixes: ['INFLUXDB'],
  fields: influxdbFields,
  load: async (): Promise<Destination> => (await import('./index.js')).influxdbDestination,
});
