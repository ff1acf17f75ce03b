import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { LineError, PRECISIONS, parseBody } from './line-protocol.js';
import type { ParsedPoint, StoredValue } from './line-protocol.js';

/**
 * A stand-in for the InfluxDB 2.x write API, enforcing its rules in the order InfluxDB applies them
 * (influxdata/influxdb http/write_handler.go, `handleWrite`; responses as the OpenAPI spec,
 * influxdata/openapi src/common/paths/write.yml, and the "Troubleshoot issues writing data" page state them):
 *
 * 1. `Authorization: Token <token>`, else 401 `{"code":"unauthorized","message":"unauthorized access"}`
 *    (src/common/responses/AuthorizationError.yml);
 * 2. `precision` ns (default), us, ms or s, else 400 "invalid precision; valid precision units are ns, us, ms, and s";
 * 3. the org by name or ID, else 404 `organization name "…" not found`; the bucket by ID or name, else 404
 *    `bucket "…" not found` (ResourceNotFoundError.yml);
 * 4. the token's write permission on that bucket, else 403 "insufficient permissions for write";
 * 5. the body, gunzipped when `Content-Encoding: gzip` (a bad gzip stream is 400), no larger than the configured
 *    limit after decompression, else 413 `{"code":"request too large","message":"unable to read data: points batch
 *    is too large"}` (LineProtocolLengthError.yml, `ErrMaxBatchSizeExceeded`); empty, 400 "writing requires points";
 * 6. every line parsed, else 400 `{"code":"invalid","message":"unable to parse '…': …"}` and nothing of the batch
 *    is written ("400 Bad request … All request data was rejected and not written");
 * 7. points older than the bucket's retention, or whose field type differs from the one stored, are dropped and the
 *    rest written: 422 `{"code":"unprocessable entity","message":"failure writing points to database: partial write:
 *    … dropped=N"}` ("422 Unprocessable Entity: Some or all of the data has been rejected. Data that has not been
 *    rejected is ingested and queryable.");
 * 8. 204, nothing in the body.
 *
 * `/ping` answers 204 with `X-Influxdb-Version` and `X-Influxdb-Build`, without credentials, like 2.x.
 * A point with the same measurement, tag set and timestamp as a stored one replaces its fields one by one
 * (line-protocol reference, "Duplicate points").
 */

export interface StandinBucket {
  name: string;
  id: string;
  /** Points older than this many seconds before now are refused; 0 (default) keeps everything. */
  retentionSeconds?: number;
}

export interface StandinToken {
  token: string;
  /** Bucket names it may write to; `all` for an all-access token. */
  write: readonly string[] | 'all';
}

export interface StandinOptions {
  org?: { name: string; id: string };
  buckets?: StandinBucket[];
  tokens?: StandinToken[];
  /** Decompressed body limit in bytes (`maxBatchSizeBytes`); 0 (default) is none, as in 2.x OSS. */
  maxBodyBytes?: number;
  version?: string;
}

export interface StoredPoint {
  measurement: string;
  tags: Record<string, string>;
  fields: Record<string, StoredValue>;
  timestampMs: number;
}

export interface InfluxdbStandin {
  url: string;
  /** What the bucket holds, in time order (a direct accessor: the tests read what was stored, not the calls). */
  points(bucket: string, measurement?: string): StoredPoint[];
  /** `Content-Encoding` of every write that reached the body check. */
  readonly encodings: (string | undefined)[];
  /** Points of every well-formed write that reached the bucket, stored or dropped: what was sent. */
  readonly receivedPoints: number;
  close(): Promise<void>;
}

const FIELD_TYPE_NAMES: Record<StoredValue['type'], string> = {
  float: 'float',
  integer: 'integer',
  unsigned: 'unsigned',
  string: 'string',
  boolean: 'boolean',
};

export async function startInfluxdb2Standin(options: StandinOptions = {}): Promise<InfluxdbStandin> {
  const org = options.org ?? { name: 'home', id: '0123456789abcdef' };
  const buckets = options.buckets ?? [{ name: 'myelectricaldata', id: 'fedcba9876543210' }];
  const tokens = options.tokens ?? [{ token: 'all-access-token', write: 'all' }];
  const version = options.version ?? 'v2.7.11';
  /** bucket name → series key + time → point */
  const stored = new Map<string, Map<string, ParsedPoint>>();
  /** bucket name → measurement → field → type: the first write of a field fixes its type. */
  const fieldTypes = new Map<string, Map<string, Map<string, StoredValue['type']>>>();
  const encodings: (string | undefined)[] = [];
  let receivedPoints = 0;

  const send = (response: ServerResponse, status: number, code?: string, message?: string) => {
    response.setHeader('x-influxdb-version', version);
    response.setHeader('x-influxdb-build', 'OSS');
    if (code === undefined) {
      response.writeHead(status).end();
      return;
    }
    response.setHeader('x-platform-error-code', code);
    response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    response.end(JSON.stringify({ code, message }));
  };

  const handleWrite = async (request: IncomingMessage, response: ServerResponse, url: URL) => {
    const match = /^Token (.+)$/.exec(request.headers.authorization ?? '');
    const token = tokens.find((candidate) => candidate.token === match?.[1]);
    if (!token) return send(response, 401, 'unauthorized', 'unauthorized access');

    const precisionName = url.searchParams.get('precision') || 'ns';
    const precision = PRECISIONS[precisionName];
    if (precision === undefined) {
      return send(response, 400, 'invalid', 'invalid precision; valid precision units are ns, us, ms, and s');
    }
    const orgParam = url.searchParams.get('org') ?? url.searchParams.get('orgID') ?? '';
    if (orgParam === '') return send(response, 400, 'invalid', 'Please provide either orgID or org');
    if (orgParam !== org.name && orgParam !== org.id) {
      return send(response, 404, 'not found', `organization name "${orgParam}" not found`);
    }
    const bucketParam = url.searchParams.get('bucket') ?? '';
    const bucket = buckets.find(
      (candidate) => candidate.id === bucketParam || candidate.name === bucketParam,
    );
    if (!bucket) return send(response, 404, 'not found', `bucket "${bucketParam}" not found`);
    if (token.write !== 'all' && !token.write.includes(bucket.name)) {
      return send(response, 403, 'forbidden', 'insufficient permissions for write');
    }

    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    let data = Buffer.concat(chunks);
    const encoding = request.headers['content-encoding'];
    encodings.push(encoding);
    if (encoding === 'gzip' || encoding === 'x-gzip') {
      try {
        data = gunzipSync(data);
      } catch {
        return send(response, 400, 'invalid', 'unable to read data: gzip: invalid header');
      }
    }
    if (options.maxBodyBytes && data.length > options.maxBodyBytes) {
      return send(response, 413, 'request too large', 'unable to read data: points batch is too large');
    }
    if (data.length === 0) return send(response, 400, 'invalid', 'writing requires points');

    const nowNs = BigInt(Date.now()) * 1_000_000n;
    let points: ParsedPoint[];
    try {
      points = parseBody(data.toString('utf8'), precision, nowNs);
    } catch (error) {
      if (error instanceof LineError) return send(response, 400, 'invalid', error.message);
      throw error;
    }
    if (points.length === 0) return send(response, 400, 'invalid', 'writing requires points');
    receivedPoints += points.length;

    const series = stored.get(bucket.name) ?? new Map<string, ParsedPoint>();
    stored.set(bucket.name, series);
    const types = fieldTypes.get(bucket.name) ?? new Map<string, Map<string, StoredValue['type']>>();
    fieldTypes.set(bucket.name, types);
    const oldestNs = bucket.retentionSeconds
      ? nowNs - BigInt(bucket.retentionSeconds) * 1_000_000_000n
      : null;
    let beyondRetention = 0;
    let conflict: string | null = null;
    let conflicts = 0;
    for (const point of points) {
      if (oldestNs !== null && point.timeNs < oldestNs) {
        beyondRetention += 1;
        continue;
      }
      const measurementTypes = types.get(point.measurement) ?? new Map<string, StoredValue['type']>();
      types.set(point.measurement, measurementTypes);
      const clash = Object.entries(point.fields).find(
        ([name, value]) => (measurementTypes.get(name) ?? value.type) !== value.type,
      );
      if (clash) {
        conflicts += 1;
        conflict ??= `field type conflict: input field "${clash[0]}" on measurement "${point.measurement}" is type ${FIELD_TYPE_NAMES[clash[1].type]}, already exists as type ${FIELD_TYPE_NAMES[measurementTypes.get(clash[0])!]}`;
        continue;
      }
      for (const [name, value] of Object.entries(point.fields)) measurementTypes.set(name, value.type);
      const key = `${point.measurement}\u0000${JSON.stringify(Object.entries(point.tags).sort())}\u0000${point.timeNs}`;
      const previous = series.get(key);
      series.set(key, previous ? { ...previous, fields: { ...previous.fields, ...point.fields } } : point);
    }
    if (conflict !== null) {
      return send(
        response,
        422,
        'unprocessable entity',
        `failure writing points to database: partial write: ${conflict} dropped=${conflicts + beyondRetention}`,
      );
    }
    if (beyondRetention > 0) {
      return send(
        response,
        422,
        'unprocessable entity',
        `failure writing points to database: partial write: points beyond retention policy dropped=${beyondRetention}`,
      );
    }
    return send(response, 204);
  };

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://standin');
    if (url.pathname === '/ping' && (request.method === 'GET' || request.method === 'HEAD')) {
      return send(response, 204);
    }
    if (url.pathname === '/api/v2/write' && request.method === 'POST') {
      handleWrite(request, response, url).catch((error: unknown) => {
        send(response, 500, 'internal error', String(error));
      });
      return;
    }
    return send(response, 404, 'not found', 'path not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    encodings,
    get receivedPoints() {
      return receivedPoints;
    },
    points(bucket, measurement) {
      return [...(stored.get(bucket)?.values() ?? [])]
        .filter((point) => measurement === undefined || point.measurement === measurement)
        .sort((a, b) => (a.timeNs < b.timeNs ? -1 : a.timeNs > b.timeNs ? 1 : 0))
        .map((point) => ({
          measurement: point.measurement,
          tags: point.tags,
          fields: point.fields,
          timestampMs: Number(point.timeNs / 1_000_000n),
        }));
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
