import { defineManifest } from '../../contract/destination.js';
import type { Destination } from '../../contract/destination.js';
import { influxdbFields } from './config.js';

export const influxdbManifest = defineManifest({
  id: 'influxdb',
  title: 'InfluxDB',
  envPrefixes: ['INFLUXDB'],
  fields: influxdbFields,
  // Until the export pass lands on the shared time-series backfill engine (src/engines/timeseries-backfill/),
  // there is no index.ts to load; this manifest is not in the registry yet. Then: import('./index.js').
  load: (): Promise<Destination> =>
    Promise.reject(new Error('the InfluxDB destination is not wired yet (no export pass)')),
});
