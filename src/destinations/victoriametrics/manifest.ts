import { defineManifest, describeTarget } from '../../contract/destination.js';
import type { Destination } from '../../contract/destination.js';
import { victoriaMetricsFields } from './config.js';

export const victoriaMetricsManifest = defineManifest({
  id: 'victoriametrics',
  title: 'VictoriaMetrics',
  envPrefixes: ['VICTORIAMETRICS', 'VICTORIA_METRICS'],
  fields: victoriaMetricsFields,
  target: (config) =>
    describeTarget(config.url, Object.keys(config.labels).length > 0 ? { labels: config.labels } : {}),
  load: async (): Promise<Destination> => (await import('./index.js')).victoriaMetricsDestination,
});
