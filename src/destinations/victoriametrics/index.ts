import { defineDestination } from '../destination.js';
import { victoriaMetricsFields } from './config.js';
import { diagnoseVictoriaMetrics } from './diagnose.js';
import { DESTINATION_ID, victoriaMetricsExportPass } from './export-pass.js';

/**
 * VictoriaMetrics: the whole history once, at the times it happened (Prometheus text with millisecond
 * timestamps to /api/v1/import/prometheus), then only what is new or changed. See docs/victoriametrics.md.
 */
export const victoriaMetricsDestination = defineDestination({
  id: DESTINATION_ID,
  title: 'VictoriaMetrics',
  envPrefixes: ['VICTORIAMETRICS', 'VICTORIA_METRICS'],
  fields: victoriaMetricsFields,
  runsLast: true,
  test: diagnoseVictoriaMetrics,
  exportPass: victoriaMetricsExportPass,
});
