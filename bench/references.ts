import type { TestDatabase } from '../test/support/test-database.js';
import { timeCommand } from './measure.js';

/**
 * What both raw pipelines send, computed by PostgreSQL from the same tables as the exporter, one relation per
 * kind of sample (column `ms`: the instant in epoch ms):
 * - `energy`: every daily and half-hourly row of both directions (`wh`, and `w` the half-hour's power);
 * - `monthly`: each month's total of the daily rows, at its first Paris midnight;
 * - `tariffed`: each consumption half-hour whose Tempo day is known, with its tariff (colour of the Tempo day
 *   starting at 06:00, `hc` from 22:30 to 06:30) and cost at the PDL's selected offer's price;
 * - `tariff_days`: those summed per tariff and day, at the day's Paris midnight;
 * - `tempo`: each Tempo day, with its colour in French and RTE's code; `ecowatt`: each day's level and its 24
 *   hourly levels (`hour` null for the day's).
 * The rules are approximated (the half-hour's label taken as its start, offpeak hours fixed): the point is the
 * same volume of samples and series as the exporter's, not its exact values.
 */
function referenceSamples(usagePointId: string): string {
  const pdl = `'${usagePointId}'`;
  const energy = (table: string, direction: string) => `
    select '${direction}' as direction, granularity::text as granularity, date,
      case when granularity = 'daily' then value::numeric else value * 30 / 60.0 end as wh, value as w,
      date + coalesce(interval_start, '00:00')::time as local
    from ${table} where usage_point_id = ${pdl}`;
  return `with
    offer as (select o.* from pdls p join energy_offers o on o.id = p.selected_offer_id where p.usage_point_id = ${pdl}),
    rows as (${energy('consumption_data', 'consumption')} union all ${energy('production_data', 'production')}),
    energy as (select *, (extract(epoch from local at time zone 'Europe/Paris') * 1000)::bigint as ms from rows),
    monthly as (
      select direction, sum(wh) as wh,
        (extract(epoch from date_trunc('month', date)::timestamp at time zone 'Europe/Paris') * 1000)::bigint as ms
      from energy where granularity = 'daily' group by direction, date_trunc('month', date)),
    tariffs as (
      select e.date, e.wh, e.ms,
        lower(t.color) || case when e.local::time >= '22:30' or e.local::time < '06:30' then '_hc' else '_hp' end as tariff
      from energy e join tempo_days t on (t.date at time zone 'UTC')::date = (e.local - interval '6 hours')::date
      where e.direction = 'consumption' and e.granularity = 'detailed'),
    tariffed as (
      select tariffs.*, round(wh / 1000 * case tariff
          when 'blue_hc' then tempo_blue_hc when 'blue_hp' then tempo_blue_hp
          when 'white_hc' then tempo_white_hc when 'white_hp' then tempo_white_hp
          when 'red_hc' then tempo_red_hc else tempo_red_hp end, 10) as cost
      from tariffs cross join offer),
    tariff_days as (
      select tariff, sum(wh) as wh, sum(cost) as cost,
        (extract(epoch from date::timestamp at time zone 'Europe/Paris') * 1000)::bigint as ms
      from tariffed group by tariff, date),
    tempo as (
      select case color when 'BLUE' then 'BLEU' when 'WHITE' then 'BLANC' else 'ROUGE' end as color,
        case color when 'BLUE' then 1 when 'WHITE' then 2 else 3 end as code,
        (extract(epoch from (date at time zone 'UTC')::date::timestamp at time zone 'Europe/Paris') * 1000)::bigint as ms
      from tempo_days),
    ecowatt as (
      select null::int as hour, dvalue as level, (extract(epoch from periode at time zone 'UTC') * 1000)::bigint as ms
      from ecowatt
      union all
      select hour::int - 1, level::text::int, (extract(epoch from periode at time zone 'UTC') * 1000)::bigint + (hour - 1) * 3600000
      from ecowatt, json_array_elements(values) with ordinality as hourly(level, hour))`;
}

/** Posts what `query` (a COPY … TO STDOUT) writes, gzip-compressed at the exporter's level, with curl. */
async function copyGzipCurl(
  database: TestDatabase,
  query: string,
  url: string,
  authorization?: string,
): Promise<number> {
  const auth = authorization ? `-H "Authorization: $AUTH"` : '';
  // The query reaches psql on its standard input (no shell quoting to get right).
  const script = `psql -X -q -v ON_ERROR_STOP=1 "$DATABASE_URL" -f - | gzip -1 | curl -sS --fail -H 'Content-Encoding: gzip' ${auth} --data-binary @- "$URL"`;
  const run = await timeCommand('bash', ['-o', 'pipefail', '-c', script], {
    env: { DATABASE_URL: database.url, URL: url, ...(authorization ? { AUTH: authorization } : {}) },
    input: `${query};\n`,
  });
  if (run.exitCode !== 0) throw new Error(`reference pipeline failed: ${run.stderr}`);
  return run.seconds;
}

/**
 * The raw pipeline VictoriaMetrics' figure is compared with: every sample the exporter writes (see
 * referenceSamples), under `bench_`-prefixed names with the exporter's labels, turned into Prometheus text by
 * PostgreSQL itself, dumped with psql COPY and posted with curl in one request: energy
 * `bench_{consumption,production}_wh{pdl,type}` (daily, detailed, monthly), `bench_tariff_energy_wh` and
 * `bench_cost_eur{pdl,tariff,type}` (detailed and daily), `bench_tempo_color{color}` (one-hot, three per day),
 * `bench_ecowatt_day_level` and `bench_ecowatt_level{region}`.
 */
export async function vmReference(
  database: TestDatabase,
  usagePointId: string,
  vmUrl: string,
): Promise<number> {
  const pdl = `pdl="${usagePointId}"`;
  const query = `copy (${referenceSamples(usagePointId)}
    select format('bench_%s_wh{${pdl},type="%s"} %s %s', direction, granularity, wh, ms) from energy
    union all select format('bench_%s_wh{${pdl},type="monthly"} %s %s', direction, wh, ms) from monthly
    union all select format('bench_tariff_energy_wh{${pdl},tariff="%s",type="detailed"} %s %s', tariff, wh, ms) from tariffed
    union all select format('bench_cost_eur{${pdl},tariff="%s",type="detailed"} %s %s', tariff, cost, ms) from tariffed
    union all select format('bench_tariff_energy_wh{${pdl},tariff="%s",type="daily"} %s %s', tariff, wh, ms) from tariff_days
    union all select format('bench_cost_eur{${pdl},tariff="%s",type="daily"} %s %s', tariff, cost, ms) from tariff_days
    union all select format('bench_tempo_color{color="%s"} %s %s', name, (name = color)::int, ms)
      from tempo cross join (values ('BLEU'), ('BLANC'), ('ROUGE')) as colors(name)
    union all select format('bench_ecowatt%s{region="france"} %s %s', case when hour is null then '_day_level' else '_level' end, level, ms)
      from ecowatt
  ) to stdout`;
  return copyGzipCurl(database, query, `${vmUrl}/api/v1/import/prometheus`);
}

/**
 * The raw pipeline InfluxDB's figure is compared with: the exporter's points (see referenceSamples) under
 * `bench_`-prefixed measurements with its tags and fields, as line protocol written by PostgreSQL, gzip-compressed
 * and posted with curl in one request, 1.x `/write?db=…&precision=ms` or 2.x `/api/v2/write?…&precision=ms` with
 * its token: `bench_{consumption,production},granularity,pdl energy_wh` (and `power_w` in the same line for a
 * half-hour), `bench_monthly,direction,pdl energy_wh`, `bench_tariff_energy,granularity,pdl,tariff energy_wh` and
 * `bench_cost,… eur` (detailed and daily), `bench_tempo color,code` and `bench_ecowatt,granularity level`.
 */
export async function influxReference(
  database: TestDatabase,
  usagePointId: string,
  write: { url: string; authorization?: string },
): Promise<number> {
  const pdl = `pdl=${usagePointId}`;
  const query = `copy (${referenceSamples(usagePointId)}
    select format('bench_%s,granularity=%s,${pdl} energy_wh=%s%s %s', direction, granularity, wh,
      case when granularity = 'daily' then '' else ',power_w=' || w end, ms) from energy
    union all select format('bench_monthly,direction=%s,${pdl} energy_wh=%s %s', direction, wh, ms) from monthly
    union all select format('bench_tariff_energy,granularity=detailed,${pdl},tariff=%s energy_wh=%s %s', tariff, wh, ms) from tariffed
    union all select format('bench_cost,granularity=detailed,${pdl},tariff=%s eur=%s %s', tariff, cost, ms) from tariffed
    union all select format('bench_tariff_energy,granularity=daily,${pdl},tariff=%s energy_wh=%s %s', tariff, wh, ms) from tariff_days
    union all select format('bench_cost,granularity=daily,${pdl},tariff=%s eur=%s %s', tariff, cost, ms) from tariff_days
    union all select format('bench_tempo code=%si,color="%s" %s', code, color, ms) from tempo
    union all select format('bench_ecowatt,granularity=%s level=%si %s', case when hour is null then 'daily' else 'hourly' end, level, ms)
      from ecowatt
  ) to stdout`;
  return copyGzipCurl(database, query, write.url, write.authorization);
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
