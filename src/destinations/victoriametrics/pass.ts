import { HOUR_MS } from '../../domain/durations.js';
import type { ExportContext, ExportOutcome } from '../../contract/destination.js';
import { runBackfillPass } from '../../engines/timeseries-backfill/pass.js';
import type { TimeSeriesWriter, TimedValue } from '../../engines/timeseries-backfill/writer.js';
import { createVictoriaMetricsClient } from './client.js';
import { authOf } from './config.js';
import type { VictoriaMetricsConfig } from './config.js';
import {
  EXPOSITION,
  exportRunSamples,
  extraLabelValues,
  isExactly,
  seriesSelector,
  victoriaMetricsSchema,
} from './encode.js';
import { victoriaMetricsEndpoints } from './endpoints.js';
import { countPasses, readState, toStoredState } from './state.js';
import type { PassFigures } from './state.js';

const DESTINATION_ID = 'victoriametrics';

/**
 * VictoriaMetrics drops samples too far ahead of its clock (lib/storage/storage.go, `Storage.add`: "cannot
 * insert row with too big timestamp", about now + 2 days) while still answering 204. EcoWatt forecasts reach
 * three days ahead: days with samples past this margin wait for a later pass instead of being lost.
 */
const FUTURE_MARGIN_MS = 36 * HOUR_MS;

export async function victoriaMetricsExportPass(
  ctx: ExportContext<VictoriaMetricsConfig>,
): Promise<ExportOutcome> {
  const started = Date.now();
  const { config } = ctx;
  const endpoints = victoriaMetricsEndpoints(config.url);
  const auth = authOf(config);
  const client = ctx.dryRun
    ? null
    : await createVictoriaMetricsClient({
        endpoints,
        auth,
        timeoutMs: ctx.timeoutMs,
        signal: ctx.signal,
        caFile: config.ca_cert,
        tlsInsecure: config.tls_insecure,
      });
  const writer: TimeSeriesWriter = {
    format: EXPOSITION,
    target: endpoints.importUrl,
    send: client
      ? async (body) => {
          await client.importText(body);
          ctx.log.debug(`victoriametrics: batch of ${body.length} bytes accepted by ${endpoints.importUrl}`);
        }
      : null,
    // A vminsert URL has no read API: a batch cut there may be stored twice.
    ...(client && endpoints.exportUrl
      ? {
          async readBack(series, fromMs, toMs) {
            // Samples just imported sit in a buffer for about a second before search sees them.
            await client.forceFlush();
            // Widened by a second: /api/v1/export takes seconds, the engine only uses exact instants.
            const exported = await client.exportSeries(seriesSelector(series), {
              startMs: fromMs - 1000,
              endMs: toMs + 1000,
            });
            const held: TimedValue[] = [];
            for (const found of exported.filter((item) => isExactly(item.metric, series))) {
              found.timestamps.forEach((timestampMs, index) =>
                held.push({ timestampMs, value: found.values[index]! }),
              );
            }
            return held;
          },
        }
      : {}),
  };
  const extra = extraLabelValues(config.labels);

  return runBackfillPass(ctx, {
    title: 'VictoriaMetrics',
    writer,
    schema: victoriaMetricsSchema(extra, config.pdl_name_label),
    batchSize: config.batch_size,
    summaryTarget: endpoints.base,
    maxAheadMs: FUTURE_MARGIN_MS,
    state: { read: readState, store: toStoredState },
    // The run's own figures go with the last samples, in one last request: they count those too, which is
    // right since the pass only succeeds once VictoriaMetrics accepted that request.
    closing: (records, previous) => {
      const figures: PassFigures = {
        destination: DESTINATION_ID,
        status: 'success',
        records,
        durationMs: Date.now() - started,
      };
      // The other destinations of this pass ran first (runsLast); one that was not due did not run at all.
      const passes = [figures, ...ctx.otherResults.filter((result) => result.status !== 'not_due')];
      const counters = countPasses(previous.counters, passes);
      return {
        kind: 'export_metrics',
        samples: exportRunSamples(passes, counters, ctx.now.getTime(), extra),
        state: { counters },
      };
    },
  });
}
