import { DeliveryError } from '../../contract/destination.js';
import type { ExportContext, ExportOutcome } from '../../contract/destination.js';
import { runBackfillPass } from '../../engines/timeseries-backfill/pass.js';
import { readBackfillState, toStoredBackfillState } from '../../engines/timeseries-backfill/state.js';
import type { TimeSeriesWriter } from '../../engines/timeseries-backfill/writer.js';
import { redact } from '../../redact.js';
import { createDatabase, createDatabaseStatement, endpoint, openInflux, writeUrl } from './client.js';
import type { OpenedInflux } from './client.js';
import { targetOf } from './config.js';
import type { InfluxdbConfig } from './config.js';
import { INFLUXDB_SCHEMA, LINE_PROTOCOL } from './encode.js';

/**
 * InfluxDB stores a point at any instant it can represent (int64 nanoseconds, up to 2262), EcoWatt's forecast
 * days included: nothing waits for a later pass. A revised forecast replaces its points (same series and instant).
 */
const NO_FUTURE_LIMIT_MS = Number.POSITIVE_INFINITY;

/**
 * What InfluxDB confirms is a whole batch (204). A refused batch, a partial write among them (1.x 400 `partial
 * write … dropped=N`, 2.x 422), confirms none of its lines to the engine: the state stays where the last whole
 * batch left it and the pass stops with the server's reason, since what was dropped would be dropped again until
 * the user acts (a retention policy, a field type). The next pass sends that batch again from its first line: the
 * points InfluxDB had stored of it are written over with the same values (a point is its measurement, tag set
 * and instant; "Duplicate points" in the line-protocol reference), so nothing is stored twice.
 */
export async function influxdbExportPass(ctx: ExportContext<InfluxdbConfig>): Promise<ExportOutcome> {
  const { config } = ctx;
  const opened = ctx.dryRun ? null : await open(ctx);
  const target = opened?.target ?? (config.api_version ? targetOf(config, config.api_version) : null);
  // A dry run asks the server nothing: without INFLUXDB_API_VERSION its payloads name the base URL only.
  const writeTarget = target ? writeUrl(config.url, target).href : endpoint(config.url, '').href;
  const writer: TimeSeriesWriter = {
    format: LINE_PROTOCOL,
    target: writeTarget,
    send: opened
      ? async (body) => {
          await opened.client.write(opened.target, body);
          ctx.log.debug(`influxdb: batch of ${body.length} bytes stored by ${writeTarget}`);
        }
      : null,
  };
  return runBackfillPass(ctx, {
    title: 'InfluxDB',
    writer,
    schema: INFLUXDB_SCHEMA,
    batchSize: config.batch_size,
    summaryTarget:
      target?.apiVersion === '2'
        ? `bucket "${target.bucket}" of ${endpoint(config.url, '').origin}`
        : `database "${config.database}" of ${endpoint(config.url, '').origin}`,
    maxAheadMs: NO_FUTURE_LIMIT_MS,
    state: { read: readBackfillState, store: toStoredBackfillState },
  });
}

/** The client and write target; with INFLUXDB_CREATE_DATABASE=true (1.x), the database created first. */
async function open(ctx: ExportContext<InfluxdbConfig>): Promise<OpenedInflux> {
  let opened: OpenedInflux;
  try {
    opened = await openInflux(ctx.config, { timeoutMs: ctx.timeoutMs, signal: ctx.signal });
  } catch (error) {
    throw new DeliveryError(`InfluxDB accepted nothing: ${reason(error)}`);
  }
  const { target } = opened;
  if (target.apiVersion === '1' && ctx.config.create_database) {
    try {
      await createDatabase(opened.client, target);
    } catch (error) {
      throw new DeliveryError(
        `InfluxDB accepted nothing: ${createDatabaseStatement(target.database)} failed (it needs an admin user): ${reason(error)}`,
      );
    }
  }
  return opened;
}

function reason(error: unknown): string {
  return redact(error instanceof Error ? error.message : String(error));
}
