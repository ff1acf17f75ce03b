// Benchmark reference: the least a Home Assistant backfill can do. PostgreSQL computes the hourly kWh of the
// consumption and production series and their running sums; a bare WebSocket client authenticates and sends
// them with recorder/import_statistics in chunks, waiting for each result.
import pg from 'pg';
import WebSocket from 'ws';

const { DATABASE_URL, HA_URL, HA_TOKEN, PDL, CHUNK_SIZE } = process.env;
const client = new pg.Client(DATABASE_URL);
await client.connect();
const hourly = (table) => `
  select date_trunc('hour', (date + interval_start::time) at time zone 'Europe/Paris') as start,
         sum(value * 30 / 60.0) / 1000 as kwh
  from ${table} where usage_point_id = $1 and granularity = 'detailed'
  group by 1 order by 1`;
const series = {};
for (const direction of ['consumption', 'production']) {
  const { rows } = await client.query(hourly(`${direction}_data`), [PDL]);
  let sum = 0;
  series[direction] = rows.map((row) => {
    sum += Number(row.kwh);
    return { start: row.start.toISOString(), state: Number(row.kwh), sum };
  });
}
await client.end();

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
const size = Number(CHUNK_SIZE);
for (const [direction, rows] of Object.entries(series)) {
  const metadata = {
    source: 'reference',
    statistic_id: `reference:${direction}_${PDL}`,
    name: `reference ${direction}`,
    unit_of_measurement: 'kWh',
    has_sum: true,
    mean_type: 0,
    unit_class: 'energy',
  };
  for (let index = 0; index < rows.length; index += size) {
    await send({ type: 'recorder/import_statistics', metadata, stats: rows.slice(index, index + size) });
  }
}
socket.close();
