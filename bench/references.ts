import type { TestDatabase } from '../test/support/test-database.js';
import { timeCommand } from './measure.js';

/**
 * The raw pipeline VictoriaMetrics' figure is compared with: the same rows (daily and detailed, consumption and
 * production) turned into Prometheus text by PostgreSQL itself, dumped with psql COPY and posted with curl.
 */
export async function vmReference(
  database: TestDatabase,
  usagePointId: string,
  vmUrl: string,
): Promise<number> {
  const select = (table: string, metric: string) => `
    select format('%s{pdl="%s",type="%s"} %s %s', '${metric}', usage_point_id,
      case when granularity = 'daily' then 'daily' else 'detailed' end,
      case when granularity = 'daily' then value::numeric else value * 30 / 60.0 end,
      (extract(epoch from ((date + coalesce(interval_start, '00:00')::time) at time zone 'Europe/Paris')) * 1000)::bigint)
    from ${table} where usage_point_id = '${usagePointId}'`;
  const query = `copy (${select('consumption_data', 'bench_consumption_wh')} union all ${select(
    'production_data',
    'bench_production_wh',
  )}) to stdout`;
  const script = `psql -X -q "$DATABASE_URL" -c "${query.replace(/"/g, '\\"').replace(/\s+/g, ' ')}" | gzip -1 | curl -sS --fail -H 'Content-Encoding: gzip' --data-binary @- "$VM_URL/api/v1/import/prometheus"`;
  const run = await timeCommand('bash', ['-o', 'pipefail', '-c', script], {
    env: { DATABASE_URL: database.url, VM_URL: vmUrl },
  });
  if (run.exitCode !== 0) throw new Error(`reference pipeline failed: ${run.stderr}`);
  return run.seconds;
}

/**
 * The raw pipeline InfluxDB's figure is compared with: PostgreSQL writes the line protocol (one line per row, the
 * detailed energy and power in one point), gzip compresses it and curl posts it to the write endpoint, 1.x
 * `/write?db=…&precision=ms` or 2.x `/api/v2/write?…&precision=ms` with its token.
 */
export async function influxReference(
  database: TestDatabase,
  usagePointId: string,
  write: { url: string; authorization?: string },
): Promise<number> {
  const select = (table: string, measurement: string) => `
    select format('%s,granularity=%s,pdl=%s energy_wh=%s%s %s', '${measurement}',
      case when granularity = 'daily' then 'daily' else 'detailed' end, usage_point_id,
      case when granularity = 'daily' then value::numeric else value * 30 / 60.0 end,
      case when granularity = 'daily' then '' else ',power_w=' || value end,
      (extract(epoch from ((date + coalesce(interval_start, '00:00')::time) at time zone 'Europe/Paris')) * 1000)::bigint)
    from ${table} where usage_point_id = '${usagePointId}'`;
  const query = `copy (${select('consumption_data', 'bench_consumption')} union all ${select(
    'production_data',
    'bench_production',
  )}) to stdout`;
  const auth = write.authorization ? `-H "Authorization: $INFLUX_AUTH"` : '';
  const script = `psql -X -q "$DATABASE_URL" -c "${query.replace(/"/g, '\\"').replace(/\s+/g, ' ')}" | gzip -1 | curl -sS --fail -H 'Content-Encoding: gzip' ${auth} --data-binary @- "$INFLUX_WRITE_URL"`;
  const run = await timeCommand('bash', ['-o', 'pipefail', '-c', script], {
    env: {
      DATABASE_URL: database.url,
      INFLUX_WRITE_URL: write.url,
      ...(write.authorization ? { INFLUX_AUTH: write.authorization } : {}),
    },
  });
  if (run.exitCode !== 0) throw new Error(`reference pipeline failed: ${run.stderr}`);
  return run.seconds;
}

/**
 * The raw pipeline Home Assistant's figure is compared with: a bare Node WebSocket client that reads the same
 * hourly sums (computed by PostgreSQL) and imports them into the stand-in in the same chunks.
 */
export async function haReference(
  database: TestDatabase,
  usagePointId: string,
  haUrl: string,
  token: string,
  chunkSize: string,
): Promise<number> {
  const run = await timeCommand('node', ['bench/reference-ha-import.mjs'], {
    env: {
      DATABASE_URL: database.url,
      HA_URL: haUrl,
      HA_TOKEN: token,
      PDL: usagePointId,
      CHUNK_SIZE: chunkSize,
    },
  });
  if (run.exitCode !== 0) throw new Error(`reference WebSocket import failed: ${run.stderr}`);
  return run.seconds;
}
