import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  InfluxHttpError,
  apiVersionOf,
  createDatabase,
  endpoint,
  openInflux,
  serverMessage,
  writeUrl,
} from '../../../src/destinations/influxdb/client.js';
import {
  dailyPoint,
  detailedPoint,
  encodePoints,
  tempoPoint,
} from '../../../src/destinations/influxdb/encode.js';
import type { Point } from '../../../src/destinations/influxdb/encode.js';
import { parisLocalToUtcMs, parisMidnightUtcMs } from '../../../src/domain/index.js';
import { startInfluxdb2Standin } from '../../influxdb-standin/influxdb2-standin.js';
import type { InfluxdbStandin } from '../../influxdb-standin/influxdb2-standin.js';
import { backendTitle, influxdbAvailable, startInfluxdb } from './influxdb-server.js';
import type { InfluxUnderTest } from './influxdb-server.js';
import { influxConfig } from './influx-config.js';

const PDL = '12345678901234';
const halfHour = (localStart: string, wh: number) => ({
  ok: true as const,
  date: '2024-07-01',
  localStart,
  startMs: parisLocalToUtcMs('2024-07-01', localStart),
  endMs: parisLocalToUtcMs('2024-07-01', localStart) + 30 * 60_000,
  minutes: 30,
  watts: wh * 2,
  wh,
});
const points: Point[] = [
  dailyPoint('consumption', PDL, { ok: true, date: '2024-07-01', wh: 8123.5 }),
  detailedPoint('consumption', PDL, halfHour('00:00', 250)),
  detailedPoint('consumption', PDL, halfHour('00:30', 125.25)),
  tempoPoint({ date: '2024-07-01', color: 'RED' }),
];
const open = (options: Record<string, string>) => openInflux(influxConfig(options), { timeoutMs: 5_000 });

describe('InfluxDB client, pure parts', () => {
  it('reads the API from X-Influxdb-Version', () => {
    expect(apiVersionOf('1.6.7~rc0')).toBe('1');
    expect(apiVersionOf('1.8.10')).toBe('1');
    expect(apiVersionOf('v2.7.11')).toBe('2');
    expect(apiVersionOf('2.0.0')).toBe('2');
    expect(apiVersionOf('3.0.1')).toBe('2');
    expect(apiVersionOf(null)).toBeNull();
    expect(apiVersionOf('nightly')).toBeNull();
  });

  it('keeps a reverse proxy prefix and never puts credentials in the URL', () => {
    const base = new URL('https://user:secret@example.org/influx');
    expect(endpoint(base, 'ping').href).toBe('https://example.org/influx/ping');
    const v1 = {
      apiVersion: '1' as const,
      database: 'med',
      retentionPolicy: 'rp one',
      credentials: undefined,
    };
    expect(writeUrl(base, v1).href).toBe('https://example.org/influx/write?db=med&rp=rp+one&precision=ms');
    const v2 = { apiVersion: '2' as const, org: 'home', bucket: 'my bucket', token: 't' };
    expect(writeUrl(new URL('http://h:8086/'), v2).href).toBe(
      'http://h:8086/api/v2/write?org=home&bucket=my+bucket&precision=ms',
    );
  });

  it("shows InfluxDB's own message from 1.x and 2.x error bodies", () => {
    expect(serverMessage('{"error":"database not found: \\"x\\""}')).toBe('database not found: "x"');
    expect(serverMessage('{"code":"unauthorized","message":"unauthorized access"}')).toBe(
      'unauthorized: unauthorized access',
    );
    expect(serverMessage('<html>bad gateway</html>')).toBe('<html>bad gateway</html>');
  });
});

describe.skipIf(!influxdbAvailable)(`InfluxDB client against ${backendTitle}`, () => {
  let server: InfluxUnderTest;

  beforeAll(async () => {
    server = await startInfluxdb({ admin: { username: 'admin', password: 'admin-password' } });
  }, 60_000);

  afterAll(async () => {
    await server?.close();
  });

  it('creates the database when asked, then writes gzip line protocol that SELECT reads back at ms precision', async () => {
    const { client, target } = await open({ url: server.url, username: 'admin', password: 'admin-password' });
    if (target.apiVersion !== '1') throw new Error('expected the 1.x API');
    await expect(client.write(target, encodePoints(points))).rejects.toThrow(
      /database not found.*CREATE DATABASE/,
    );
    await createDatabase(client, target);
    await createDatabase(client, target);
    await client.write(target, encodePoints(points));

    const consumption = await server.query(
      'SELECT energy_wh, power_w, granularity, pdl FROM consumption ORDER BY time',
      'myelectricaldata',
    );
    expect(consumption.series?.[0]?.values).toEqual([
      [parisMidnightUtcMs('2024-07-01'), 8123.5, null, 'daily', PDL],
      [parisLocalToUtcMs('2024-07-01', '00:00'), 250, 500, 'detailed', PDL],
      [parisLocalToUtcMs('2024-07-01', '00:30'), 125.25, 250.5, 'detailed', PDL],
    ]);
    const totals = await server.query(
      "SELECT count(energy_wh), sum(energy_wh) FROM consumption WHERE granularity = 'detailed'",
      'myelectricaldata',
    );
    expect(totals.series?.[0]?.values?.[0]?.slice(1)).toEqual([2, 375.25]);
    const tempo = await server.query('SELECT color, code FROM tempo', 'myelectricaldata');
    expect(tempo.series?.[0]?.values).toEqual([[parisMidnightUtcMs('2024-07-01'), 'ROUGE', 3]]);
  });

  it('a re-sent point replaces the stored one instead of adding a second', async () => {
    const { client, target } = await open({ url: server.url, username: 'admin', password: 'admin-password' });
    await client.write(
      target,
      encodePoints([dailyPoint('consumption', PDL, { ok: true, date: '2024-07-01', wh: 9000 })]),
    );
    const day = await server.query(
      "SELECT energy_wh FROM consumption WHERE granularity = 'daily'",
      'myelectricaldata',
    );
    expect(day.series?.[0]?.values).toEqual([[parisMidnightUtcMs('2024-07-01'), 9000]]);
  });

  it('reports a refused write with its status and message', async () => {
    const { client, target } = await open({ url: server.url, username: 'admin', password: 'wrong' });
    const failure = await client.write(target, encodePoints(points)).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(InfluxHttpError);
    expect((failure as InfluxHttpError).status).toBe(401);
    expect((failure as Error).message).not.toContain('wrong');
  });
});

describe('InfluxDB client against the 2.x stand-in', () => {
  let standin: InfluxdbStandin;

  beforeAll(async () => {
    standin = await startInfluxdb2Standin({
      buckets: [
        { name: 'myelectricaldata', id: 'fedcba9876543210' },
        { name: 'recent', id: '0000000000000002', retentionSeconds: 86_400 },
      ],
      maxBodyBytes: 2_000,
    });
  });

  afterAll(async () => {
    await standin?.close();
  });

  const v2 = (bucket = 'myelectricaldata') =>
    open({ url: standin.url, org: 'home', bucket, token: 'all-access-token' });

  it('writes gzip line protocol with the token, stored at the ms instants with float and integer fields', async () => {
    const { client, target } = await v2();
    await client.write(target, encodePoints(points));
    expect(standin.encodings.at(-1)).toBe('gzip');
    const stored = standin.points('myelectricaldata', 'consumption');
    expect(stored.map((point) => [point.timestampMs, point.tags, point.fields['energy_wh']])).toEqual([
      [
        parisMidnightUtcMs('2024-07-01'),
        { granularity: 'daily', pdl: PDL },
        { type: 'float', value: 8123.5 },
      ],
      [
        parisLocalToUtcMs('2024-07-01', '00:00'),
        { granularity: 'detailed', pdl: PDL },
        { type: 'float', value: 250 },
      ],
      [
        parisLocalToUtcMs('2024-07-01', '00:30'),
        { granularity: 'detailed', pdl: PDL },
        { type: 'float', value: 125.25 },
      ],
    ]);
    expect(standin.points('myelectricaldata', 'tempo')[0]?.fields).toEqual({
      color: { type: 'string', value: 'ROUGE' },
      code: { type: 'integer', value: 3n },
    });
  });

  it('a malformed line rejects the whole batch (400), as 2.x does', async () => {
    const { client, target } = await v2();
    const before = standin.points('myelectricaldata').length;
    const body = `${encodePoints([tempoPoint({ date: '2024-07-02', color: 'BLUE' })])}tempo color=\n`;
    await expect(client.write(target, body)).rejects.toThrow(/HTTP 400.*unable to parse 'tempo color='/);
    expect(standin.points('myelectricaldata')).toHaveLength(before);
  });

  it('a field type conflict writes the rest and answers 422 with the count dropped', async () => {
    const { client, target } = await v2();
    const body = 'tempo code=2 1719900000000\ntempo color="BLANC",code=2i 1719900000000\n';
    await expect(client.write(target, body)).rejects.toThrow(/HTTP 422.*field type conflict.*dropped=1/);
    expect(standin.points('myelectricaldata', 'tempo').map((point) => point.timestampMs)).toContain(
      1_719_900_000_000,
    );
  });

  it('points older than the bucket retention are dropped with a 422', async () => {
    const { client, target } = await v2('recent');
    await expect(client.write(target, encodePoints(points.slice(0, 1)))).rejects.toThrow(
      /HTTP 422.*points beyond retention policy dropped=1/,
    );
    expect(standin.points('recent')).toEqual([]);
  });

  it('a body over the server limit is refused with 413 and the batch-size hint', async () => {
    const { client, target } = await v2();
    const many = Array.from({ length: 40 }, (_, index) => halfHour('01:00', index)).map((reading, index) =>
      detailedPoint('production', PDL, { ...reading, startMs: reading.startMs + index * 1_800_000 }),
    );
    await expect(client.write(target, encodePoints(many))).rejects.toThrow(
      /HTTP 413.*points batch is too large.*lower INFLUXDB_BATCH_SIZE/,
    );
    expect(standin.points('myelectricaldata', 'production')).toEqual([]);
  });
});
