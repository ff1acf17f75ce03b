import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { startInfluxdb2Standin } from '../../influxdb-standin/influxdb2-standin.js';
import type { InfluxdbStandin } from '../../influxdb-standin/influxdb2-standin.js';
import { backendTitle, influxdbAvailable, startInfluxdb } from './influxdb-server.js';
import type { InfluxUnderTest } from './influxdb-server.js';

/**
 * The InfluxDB servers the export suites (and a fault-suite adapter) run against, behind one shape: how to start
 * one, the INFLUXDB_* environment that points med-export at it, what it stores, how to break it.
 */

/** A stored point: its tags and fields by name, and its instant. */
export interface StoredRow {
  timestampMs: number;
  values: Record<string, string | number>;
}

/** A field's type as the server keeps it. */
export type FieldType = 'float' | 'integer' | 'string' | 'boolean' | 'unsigned';

export interface InfluxBackend {
  /** The INFLUXDB_* variables of a destination that writes there. */
  env: Record<string, string>;
  /** Every point of a measurement, in time order. */
  points(measurement: string): Promise<StoredRow[]>;
  /** `count()` and `sum()` of the `energy_wh` of a measurement's points with these tags, as the server computes them. */
  countAndSum(measurement: string, tags: Record<string, string>): Promise<{ count: number; sum: number }>;
  /** measurement → field → type. */
  fieldTypes(): Promise<Record<string, Record<string, FieldType>>>;
  /** Points that reached the server in well-formed writes since it started (stored or dropped). */
  receivedPoints(): Promise<number>;
  close(): Promise<void>;
}

export interface BackendKind {
  title: string;
  available: boolean;
  /** `retentionHours`: the database's or bucket's retention, shorter than the history, so writes are partial. */
  start(options?: { retentionHours?: number }): Promise<InfluxBackend>;
}

const DATABASE = 'myelectricaldata';

export const influxdb1: BackendKind = {
  title: backendTitle,
  available: influxdbAvailable,
  async start(options = {}) {
    const server: InfluxUnderTest = await startInfluxdb({ databases: [DATABASE] });
    if (options.retentionHours !== undefined) {
      await server.query(
        `ALTER RETENTION POLICY "autogen" ON "${DATABASE}" DURATION ${options.retentionHours}h SHARD DURATION 1h DEFAULT`,
      );
    }
    return {
      env: { INFLUXDB_URL: server.url, INFLUXDB_DATABASE: DATABASE },
      async points(measurement) {
        const answer = await server.query(`SELECT * FROM "${measurement}"`, DATABASE);
        const series = answer.series?.[0];
        if (!series) return [];
        return (series.values ?? []).map((row) => {
          const values: Record<string, string | number> = {};
          series.columns.forEach((column, index) => {
            const value = row[index];
            if (column !== 'time' && (typeof value === 'string' || typeof value === 'number')) {
              values[column] = value;
            }
          });
          return { timestampMs: Number(row[0]), values };
        });
      },
      async countAndSum(measurement, tags) {
        const where = Object.entries(tags)
          .map(([name, value]) => `"${name}" = '${value}'`)
          .join(' AND ');
        const answer = await server.query(
          `SELECT count("energy_wh"), sum("energy_wh") FROM "${measurement}" WHERE ${where}`,
          DATABASE,
        );
        const [, count, sum] = answer.series?.[0]?.values?.[0] ?? [];
        return { count: Number(count ?? 0), sum: Number(sum ?? 0) };
      },
      async fieldTypes() {
        const answer = await server.query('SHOW FIELD KEYS', DATABASE);
        return Object.fromEntries(
          (answer.series ?? []).map((series) => [
            series.name ?? '',
            Object.fromEntries((series.values ?? []).map((row) => [String(row[0]), row[1] as FieldType])),
          ]),
        );
      },
      async receivedPoints() {
        // In-memory counters of the HTTP service (services/httpd/handler.go, statPointsWrittenOK and
        // statPointsWrittenDropped), read even with [monitor] store-enabled = false.
        const answer = await server.query(`SHOW STATS FOR 'httpd'`);
        let total = 0;
        for (const series of answer.series ?? []) {
          for (const name of ['pointsWrittenOK', 'pointsWrittenDropped']) {
            const index = series.columns.indexOf(name);
            if (index >= 0) total += Number(series.values?.[0]?.[index] ?? 0);
          }
        }
        return total;
      },
      close: () => server.close(),
    };
  },
};

const ORG = 'home';
const TOKEN = 'all-access-token';

export const influxdb2Standin: BackendKind = {
  title: 'InfluxDB 2.x write-API stand-in',
  available: true,
  async start(options = {}) {
    const server: InfluxdbStandin = await startInfluxdb2Standin({
      org: { name: ORG, id: '0123456789abcdef' },
      buckets: [
        {
          name: DATABASE,
          id: 'fedcba9876543210',
          ...(options.retentionHours !== undefined
            ? { retentionSeconds: options.retentionHours * 3_600 }
            : {}),
        },
      ],
      tokens: [{ token: TOKEN, write: 'all' }],
    });
    return {
      env: {
        INFLUXDB_URL: server.url,
        INFLUXDB_ORG: ORG,
        INFLUXDB_BUCKET: DATABASE,
        INFLUXDB_TOKEN: TOKEN,
      },
      async points(measurement) {
        return server.points(DATABASE, measurement).map((point) => {
          const values: Record<string, string | number> = { ...point.tags };
          for (const [name, field] of Object.entries(point.fields)) {
            const value = field.value;
            values[name] =
              typeof value === 'bigint' ? Number(value) : typeof value === 'boolean' ? String(value) : value;
          }
          return { timestampMs: point.timestampMs, values };
        });
      },
      async countAndSum(measurement, tags) {
        // Flux's count() and sum() over the stand-in's points.
        const values = server
          .points(DATABASE, measurement)
          .filter((point) => Object.entries(tags).every(([name, value]) => point.tags[name] === value))
          .map((point) => point.fields['energy_wh'])
          .filter((field) => field?.type === 'float')
          .map((field) => field!.value as number);
        return { count: values.length, sum: values.reduce((total, value) => total + value, 0) };
      },
      async fieldTypes() {
        const types: Record<string, Record<string, FieldType>> = {};
        for (const point of server.points(DATABASE)) {
          const measurement = (types[point.measurement] ??= {});
          for (const [name, field] of Object.entries(point.fields)) measurement[name] = field.type;
        }
        return types;
      },
      receivedPoints: async () => server.receivedPoints,
      close: () => server.close(),
    };
  },
};

/** An address where nothing listens: a dead server for the fault tests. */
export async function deadUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
