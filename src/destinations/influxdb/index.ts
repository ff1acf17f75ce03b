import { defineDestination } from '../../contract/destination.js';
import { checkInfluxdb } from './checks.js';
import { influxdbManifest } from './manifest.js';
import { influxdbExportPass } from './pass.js';

/**
 * InfluxDB (1.x, 2.x and 3 write APIs): the whole history once, at the instants it happened (line protocol,
 * millisecond precision, gzip), then only what is new or changed. See docs/influxdb.md.
 */
export const influxdbDestination = defineDestination({
  ...influxdbManifest,
  test: checkInfluxdb,
  exportPass: influxdbExportPass,
});
