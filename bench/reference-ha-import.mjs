// Benchmark reference: the least a Home Assistant backfill can do, importing what the exporter imports for the
// bench PDL (a Tempo offer with a subscription, no production price): per hour, consumption and production kWh,
// consumption kWh of each Tempo tariff (colour of the Tempo day 06:00 → 06:00, HC 22:00–06:00), the cost of each
// tariff at the selected offer's price, and the bill's total (tariff costs plus the subscription spread over the
// hours of the Paris day). PostgreSQL computes these hourly values, three queries at once on three connections;
// a bare WebSocket client authenticates meanwhile, then adds up the running sums and sends each statistic with
// recorder/import_statistics in chunks, waiting for each result, as soon as its query answered.
import pg from 'pg';
import WebSocket from 'ws';

const { DATABASE_URL, HA_URL, HA_TOKEN, PDL, CHUNK_SIZE } = process.env;

// A half-hour labelled `date interval_start` starts 30 minutes before the Paris instant of its label's end.
const halfHours = (table) => `
  select ((date + interval_start::time + interval '30 minutes') at time zone 'Europe/Paris')
           - interval '30 minutes' as start,
         value * 30 / 60.0 as wh
  from ${table} where usage_point_id = $1 and granularity = 'detailed'`;
const offer = `
  select o.* from energy_offers o join pdls p on p.selected_offer_id = o.id where p.usage_point_id = $1`;
const tariffHours = `
  select start, tariff, kwh, kwh * case tariff
      when 'blue_hc' then tempo_blue_hc when 'blue_hp' then tempo_blue_hp
      when 'white_hc' then tempo_white_hc when 'white_hp' then tempo_white_hp
      when 'red_hc' then tempo_red_hc when 'red_hp' then tempo_red_hp end as eur
  from (
    select date_trunc('hour', start) as start, lower(color) || case
        when wall::time >= '22:00' or wall::time < '06:00' then '_hc' else '_hp' end as tariff,
      sum(wh) / 1000 as kwh
    from (select start, wh, start at time zone 'Europe/Paris' as wall from consumption) half_hour
    join tempo_days on tempo_days.id = (wall - interval '6 hours')::date::text
    group by 1, 2) hourly
  cross join offer`;
const queries = {
  energy: `with consumption as (${halfHours('consumption_data')}), production as (${halfHours('production_data')})
    select 'consumption' as series, date_trunc('hour', start) as start, sum(wh) / 1000 as value
    from consumption group by 2
    union all
    select 'production', date_trunc('hour', start), sum(wh) / 1000 from production group by 2
    order by 1, 2`,
  tariffs: `with consumption as (${halfHours('consumption_data')}), offer as (${offer}),
      tariff_hours as (${tariffHours})
    select 'consumption_' || tariff as series, start, kwh as value from tariff_hours
    union all
    select 'cost_' || tariff, start, eur from tariff_hours
    order by 1, 2`,
  total: `with consumption as (${halfHours('consumption_data')}), offer as (${offer}),
      tariff_hours as (${tariffHours})
    select 'cost' as series, start, sum(eur)
      + (select subscription_price from offer) * 12 / 365
        / (extract(epoch from ((day + 1)::timestamp at time zone 'Europe/Paris')
            - (day::timestamp at time zone 'Europe/Paris')) / 3600) as value
    from (select start, eur from tariff_hours
          union all select date_trunc('hour', start), 0 from consumption) hour
    cross join lateral (select (start at time zone 'Europe/Paris')::date as day) paris
    group by start, day
    order by 1, 2`,
};
const answers = Object.values(queries).map(async (text) => {
  const client = new pg.Client(DATABASE_URL);
  await client.connect();
  try {
    await client.query("set time zone 'UTC'; set work_mem = '64MB'");
    return (await client.query(text, [PDL])).rows;
  } finally {
    await client.end();
  }
});
for (const answer of answers) answer.catch(() => undefined);

const socket = new WebSocket(`${HA_URL.replace(/^http/, 'ws')}/api/websocket`);
let nextId = 1;
const pending = new Map();
const ready = new Promise((resolve, reject) => {
  socket.on('message', (data) => {
    const message = JSON.parse(data.toString());
    if (message.type === 'auth_required')
      socket.send(JSON.stringify({ type: 'auth', access_token: HA_TOKEN }));
    else if (message.type === 'auth_ok') resolve(message.ha_version);
    else if (message.type === 'auth_invalid') reject(new Error(message.message));
    else if (message.type === 'result') pending.get(message.id)?.(message);
  });
  socket.on('error', reject);
});
await ready;
const send = (payload) =>
  new Promise((resolve, reject) => {
    const id = nextId++;
    pending.set(id, (message) =>
      message.success ? resolve() : reject(new Error(JSON.stringify(message.error))),
    );
    socket.send(JSON.stringify({ id, ...payload }));
  });

// Rounded to the micro-unit, as the exporter sends them.
const round = (value) => Math.round(value * 1e6) / 1e6;
const size = Number(CHUNK_SIZE);
for (const answer of answers) {
  const series = new Map();
  for (const row of await answer) {
    let statistic = series.get(row.series);
    if (!statistic) series.set(row.series, (statistic = { sum: 0, stats: [] }));
    const state = Number(row.value);
    statistic.sum += state;
    statistic.stats.push({ start: row.start.toISOString(), state: round(state), sum: round(statistic.sum) });
  }
  for (const [name, { stats }] of series) {
    const euros = name.startsWith('cost');
    const metadata = {
      source: 'reference',
      statistic_id: `reference:${name.replace(/^(\w+?)(_|$)/, `$1_${PDL}$2`)}`,
      name: `reference ${name}`,
      unit_of_measurement: euros ? 'EUR' : 'kWh',
      has_sum: true,
      mean_type: 0,
      unit_class: euros ? null : 'energy',
    };
    for (let index = 0; index < stats.length; index += size) {
      await send({ type: 'recorder/import_statistics', metadata, stats: stats.slice(index, index + size) });
    }
  }
}
socket.close();
