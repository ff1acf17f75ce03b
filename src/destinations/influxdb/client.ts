import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { httpText } from '../../net/http-text.js';
import type { ApiVersion, InfluxdbConfig, InfluxTarget } from './config.js';
import { targetOf } from './config.js';
import { ConfigError } from '../../config/config-error.js';
import { classifyNetworkError, networkErrorReason } from '../../net/explain-network-error.js';
import { HttpStatusError, UnreachableError } from '../../net/http-errors.js';

const gzipAsync = promisify(gzip);
/** Line protocol is repeated keys and digits: level 1 shrinks it nearly as well as the default, much faster. */
const GZIP_LEVEL = 1;

export interface ClientOptions {
  /** InfluxDB's base URL; credentials written in it are never sent in the URL. */
  url: URL;
  timeoutMs: number;
  signal?: AbortSignal;
  /** PEM file of the CA that signed InfluxDB's (or its proxy's) certificate. */
  caFile?: string | undefined;
  /** Skip TLS certificate verification; only when explicitly configured. */
  tlsInsecure?: boolean | undefined;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface PingResult {
  /** `X-Influxdb-Version`: "1.6.7~rc0", "v2.7.11", "3.0.1"; null when the server does not say. */
  version: string | null;
  /** `X-Influxdb-Build`: "OSS", "Cloud", "Enterprise" (2.x and later only). */
  build: string | null;
}

/** One statement's answer from the 1.x `/query` endpoint. */
export interface InfluxQLResult {
  statement_id?: number;
  error?: string;
  series?: { name: string; columns: string[]; values: unknown[][]; tags?: Record<string, string> }[];
}

/** InfluxDB answered, but not with success: its status and its own message (`error`, or `message` on 2.x). */
export class InfluxHttpError extends HttpStatusError {
  constructor(status: number, serverText: string, url: string) {
    super(status, serverText, url, explainStatus(status, serverText));
    this.name = 'InfluxHttpError';
  }
}

/**
 * InfluxDB stored some points of a write and dropped others: 1.x answers 400 `partial write: … dropped=N`
 * (tsdb/shard.go, `PartialWriteError`, which services/httpd/handler.go `serveWrite` answers with 400), 2.x 422 (the OpenAPI spec's PostWrite: "Some or all of the data has been rejected.
 * Data that has not been rejected (status code 2xx) isn't available to queries"). The points it dropped (older
 * than the retention policy keeps, a field type that differs from the stored one, an unparsable line) would be
 * dropped again if re-sent: the user must change something first.
 */
export class InfluxPartialWriteError extends InfluxHttpError {
  /** Points InfluxDB dropped, as its message counts them (`dropped=N`); null when it does not say. */
  readonly dropped: number | null;

  constructor(status: number, serverText: string, url: string) {
    super(status, serverText, url);
    this.name = 'InfluxPartialWriteError';
    const dropped = /dropped=(\d+)/.exec(serverText)?.[1];
    this.dropped = dropped === undefined ? null : Number(dropped);
  }
}

/** Whether a refused write still stored part of its points. */
export function isPartialWrite(status: number, serverText: string): boolean {
  return (status === 400 || status === 422) && /partial write/i.test(serverText);
}

/** InfluxDB could not be reached at all (refused, unknown host, timeout, TLS). */
export class InfluxUnreachableError extends UnreachableError {
  constructor(url: string, code: string | undefined, detail: string) {
    super(url, code, detail);
    this.name = 'InfluxUnreachableError';
  }
}

function explainStatus(status: number, text: string): string {
  if (isPartialWrite(status, text)) {
    const stored = ' (InfluxDB stored the other points of this batch';
    if (/beyond retention policy/i.test(text)) {
      return `${stored}; it drops points older than its retention policy keeps: write to one with DURATION INF, see docs/influxdb.md)`;
    }
    if (/field type conflict/i.test(text)) {
      return `${stored}; a field of that name already holds another type there: use a database or bucket of med-export's own)`;
    }
    return `${stored})`;
  }
  if (status === 401)
    return ' (credentials missing or rejected: check INFLUXDB_USERNAME/INFLUXDB_PASSWORD or INFLUXDB_TOKEN)';
  if (status === 403) return ' (credentials accepted but not allowed to write there)';
  if (status === 404 && /database not found/i.test(text)) {
    return ' (create it with CREATE DATABASE, or set INFLUXDB_CREATE_DATABASE=true)';
  }
  if (status === 404) return ' (check INFLUXDB_ORG/INFLUXDB_BUCKET or INFLUXDB_DATABASE, and INFLUXDB_URL)';
  if (status === 413) return ' (request too large: lower INFLUXDB_BATCH_SIZE)';
  if (status >= 300 && status < 400) return ' (redirected: set INFLUXDB_URL to the final address)';
  return '';
}

/**
 * The message of an error body: 1.x answers `{"error": "…"}` (services/httpd/handler.go, `httpError`), 2.x
 * `{"code": "…", "message": "…"}` (the OpenAPI spec's Error and LineProtocolError schemas). Anything else (a
 * proxy's HTML page) is shown shortened.
 */
export function serverMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: unknown; message?: unknown; code?: unknown };
    if (typeof parsed.error === 'string') return parsed.error;
    if (typeof parsed.message === 'string') {
      return typeof parsed.code === 'string' ? `${parsed.code}: ${parsed.message}` : parsed.message;
    }
  } catch {
    // not JSON
  }
  const text = body.trim();
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

/**
 * The API a server speaks from its `X-Influxdb-Version`: 1.x answers "1.8.10" (or Debian's "1.6.7~rc0"), 2.x
 * "v2.7.11" or "2.0.0"; InfluxDB 3 (a "3.…" version) accepts the 2.x write API (`/api/v2/write`), which is what
 * this exporter then uses. Null when the header is missing or unknown.
 */
export function apiVersionOf(serverVersion: string | null): ApiVersion | null {
  const major = serverVersion === null ? null : /^v?(\d+)\./.exec(serverVersion.trim())?.[1];
  if (major === '1') return '1';
  if (major === '2' || major === '3') return '2';
  return null;
}

/** `base` + a path below it (kept under a reverse proxy's prefix), without credentials. */
export function endpoint(base: URL, path: string, params: Record<string, string | undefined> = {}): URL {
  const url = new URL(base.href);
  url.username = '';
  url.password = '';
  url.search = '';
  url.hash = '';
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  const result = new URL(path, url);
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined) result.searchParams.set(name, value);
  }
  return result;
}

/** The URL a write goes to: 1.x `/write?db=&rp=&precision=ms`, 2.x `/api/v2/write?org=&bucket=&precision=ms`. */
export function writeUrl(base: URL, target: InfluxTarget): URL {
  return target.apiVersion === '1'
    ? endpoint(base, 'write', { db: target.database, rp: target.retentionPolicy, precision: 'ms' })
    : endpoint(base, 'api/v2/write', { org: target.org, bucket: target.bucket, precision: 'ms' });
}

/**
 * 1.x takes Basic auth (the documented alternative to `u`/`p` in the query string, which would put the password
 * in proxies' logs); 2.x `Authorization: Token <token>` (the OpenAPI spec's TokenAuthentication).
 */
export function authorizationOf(target: InfluxTarget): string | undefined {
  if (target.apiVersion === '2') return `Token ${target.token}`;
  if (!target.credentials) return undefined;
  const pair = `${target.credentials.username}:${target.credentials.password}`;
  return `Basic ${Buffer.from(pair, 'utf8').toString('base64')}`;
}

export interface InfluxClient {
  readonly base: URL;
  /** `/ping` (never authenticated on 1.x or 2.x); throws InfluxUnreachableError or InfluxHttpError. */
  ping(): Promise<PingResult>;
  /** POSTs line protocol, gzip-compressed; resolves once InfluxDB answered 204. */
  write(target: InfluxTarget, lines: string | Uint8Array): Promise<void>;
  /** A 1.x InfluxQL statement: GET for SHOW/SELECT, POST for statements that change something (CREATE). */
  influxQL(
    target: InfluxTarget & { apiVersion: '1' },
    query: string,
    method?: 'GET' | 'POST',
  ): Promise<InfluxQLResult[]>;
  /** Without throwing on an HTTP status; network failures still throw InfluxUnreachableError. */
  request(
    method: 'GET' | 'POST',
    url: URL,
    body?: Buffer | string,
    headers?: Record<string, string>,
  ): Promise<HttpResponse>;
}

export async function createInfluxClient(options: ClientOptions): Promise<InfluxClient> {
  const certificateAuthority = options.caFile ? await readFile(options.caFile) : undefined;

  const request: InfluxClient['request'] = async (method, url, body, headers = {}) => {
    try {
      const response = await httpText(url.href, {
        method,
        body,
        headers,
        timeoutMs: options.timeoutMs,
        signal: options.signal,
        certificateAuthority,
        tlsInsecure: options.tlsInsecure,
      });
      return { status: response.statusCode, headers: response.headers, body: response.body };
    } catch (error) {
      throw unreachable(url.href, error, options.timeoutMs);
    }
  };

  const withAuth = (target: InfluxTarget, headers: Record<string, string> = {}) => {
    const authorization = authorizationOf(target);
    return authorization ? { ...headers, authorization } : headers;
  };

  return {
    base: options.url,
    request,

    async ping() {
      const url = endpoint(options.url, 'ping');
      const response = await request('GET', url);
      const version = header(response, 'x-influxdb-version');
      // InfluxDB 3 may require a token for /ping; its 401 still names the version.
      if ((response.status < 200 || response.status >= 300) && version === null) {
        throw new InfluxHttpError(response.status, serverMessage(response.body), url.href);
      }
      return { version, build: header(response, 'x-influxdb-build') };
    },

    async write(target, lines) {
      const url = writeUrl(options.url, target);
      // Content-Encoding: gzip is read by 1.x (services/httpd/handler.go, `serveWrite`) and 2.x
      // (http/write_handler.go, `readWriteRequest`) alike.
      const body = await gzipAsync(typeof lines === 'string' ? Buffer.from(lines, 'utf8') : lines, {
        level: GZIP_LEVEL,
      });
      const response = await request(
        'POST',
        url,
        body,
        withAuth(target, { 'content-type': 'text/plain; charset=utf-8', 'content-encoding': 'gzip' }),
      );
      if (response.status !== 204) {
        const text = serverMessage(response.body);
        throw isPartialWrite(response.status, text)
          ? new InfluxPartialWriteError(response.status, text, url.href)
          : new InfluxHttpError(response.status, text, url.href);
      }
    },

    async influxQL(target, query, method = 'GET') {
      const url = endpoint(options.url, 'query', { db: target.database, epoch: 'ms' });
      const form = new URLSearchParams({ q: query }).toString();
      const response =
        method === 'GET'
          ? await request('GET', new URL(`${url.href}&${form}`), undefined, withAuth(target))
          : await request(
              'POST',
              url,
              form,
              withAuth(target, { 'content-type': 'application/x-www-form-urlencoded' }),
            );
      if (response.status !== 200) {
        throw new InfluxHttpError(response.status, serverMessage(response.body), url.href);
      }
      return (JSON.parse(response.body) as { results?: InfluxQLResult[] }).results ?? [];
    },
  };
}

/** `CREATE DATABASE "name"`, the name quoted as an InfluxQL identifier (`"` and `\\` escaped). */
export function createDatabaseStatement(database: string): string {
  return `CREATE DATABASE "${database.replace(/["\\]/g, (char) => `\\${char}`)}"`;
}

/**
 * 1.x, only when the user asked for it (INFLUXDB_CREATE_DATABASE=true): creates the database. InfluxQL's
 * CREATE DATABASE does nothing when it already exists, so calling it before each pass is harmless.
 */
export async function createDatabase(
  client: InfluxClient,
  target: InfluxTarget & { apiVersion: '1' },
): Promise<void> {
  const [result] = await client.influxQL(target, createDatabaseStatement(target.database), 'POST');
  if (result?.error) throw new Error(`${createDatabaseStatement(target.database)}: ${result.error}`);
}

export interface OpenedInflux {
  client: InfluxClient;
  target: InfluxTarget;
  /** What `/ping` said, when it was asked (no configured API version). */
  ping: PingResult | null;
}

/**
 * A client and the write target, the API version taken from INFLUXDB_API_VERSION or else from the server's
 * `/ping`. Throws ConfigError when neither tells it.
 */
export async function openInflux(
  config: InfluxdbConfig,
  options: { timeoutMs: number; signal?: AbortSignal },
): Promise<OpenedInflux> {
  const client = await createInfluxClient({
    url: config.url,
    timeoutMs: options.timeoutMs,
    ...(options.signal ? { signal: options.signal } : {}),
    caFile: config.ca_cert,
    tlsInsecure: config.tls_insecure,
  });
  if (config.api_version !== undefined) {
    return { client, target: targetOf(config, config.api_version), ping: null };
  }
  const ping = await client.ping();
  const detected = apiVersionOf(ping.version);
  if (detected === null) {
    throw new ConfigError(
      'INFLUXDB_API_VERSION',
      undefined,
      `1 or 2: the server's /ping did not tell its version (X-Influxdb-Version: ${ping.version ?? 'none'})`,
    );
  }
  return { client, target: targetOf(config, detected), ping };
}

function header(response: HttpResponse, name: string): string | null {
  const value = response.headers[name];
  return (Array.isArray(value) ? value[0] : value) ?? null;
}

function unreachable(url: string, error: unknown, timeoutMs: number): Error {
  const fault = classifyNetworkError(error);
  if (error instanceof Error && (error.name === 'AbortError' || fault.code === 'ERR_ABORTED')) return error;
  const reason = networkErrorReason(error, {
    service: 'InfluxDB',
    url: new URL(url),
    urlOption: 'INFLUXDB_URL',
    timeoutOption: 'INFLUXDB_TIMEOUT',
    timeoutMs,
    caOption: 'INFLUXDB_CA_CERT',
  });
  return new InfluxUnreachableError(url, fault.code, reason);
}
