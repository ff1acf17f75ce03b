import { victoriaMetricsManifest } from './manifest.js';
import { defineDestination } from '../../contract/destination.js';
import { diagnoseVictoriaMetrics } from './checks.js';
import { victoriaMetricsExportPass } from './pass.js';

/**
 * VictoriaMetrics: the whole history once, at the times it happened (Prometheus text with millisecond
 * timestamps to /api/v1/import/prometheus), then only what is new or changed. See docs/victoriametrics.md.
 */
export const victoriaMetricsDestination = defineDestination({
  ...victoriaMetricsManifest,
  runsLast: true,
  test: diagnoseVictoriaMetrics,
  exportPass: victoriaMetricsExportPass,
});
