import { defineManifest } from '../../contract/destination.js';
import type { Destination } from '../../contract/destination.js';
import { victoriaMetricsFields } from './config.js';

export const victoriaMetricsManifest = defineManifest({
  id: 'victoriametrics',
  title: 'VictoriaMetrics',
  envPrefixes: ['VICTORIAMETRICS', 'VICTORIA_METRICS'],
  fields: victoriaMetricsFields,
  load: async (): Promise<Destination> => (await import('./index.js')).victoriaMetricsDestination,
});
