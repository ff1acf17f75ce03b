import { httpText } from '../../net/http-text.js';
import { classifyNetworkError, networkErrorReason } from '../../net/explain-network-error.js';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { VictoriaMetricsEndpoints } from './endpoints.js';
import { HttpStatusError, UnreachableError } from '../../net/http-errors.js';

const gzipAsync = promisify(gzip);
const GZIP_LEVEL = 1;

export type Auth =
  | { kind: 'none' }
  | { kind: 'basic'; username: string; password: string }
  | { kind: 'bearer'; token: string };

export interface ClientOptions {
  endpoints: VictoriaMetricsEndpoints;
  auth: Auth;
  timeoutMs: number;
  signal?: AbortSignal;
  /** PEM file of the CA that signed VictoriaMetrics' (or its proxy's) certificate. */
  caFile?: string;
  /** Skip TLS certificate verification; only when explicitly configured. */
  tlsInsecure?: boolean;
}

export interface HttpResponse {
  status: number;
  body: string;
}

/** One series of `/api/v1/export` (JSON lines): `{"metric":{…},"values":[…],"timestamps":[…]}`. */
export interface ExportedSeries {
  metric: Record<string, string>;
  values: number[];
  timestamps: number[];
}

/** VictoriaMetrics answered, but not with success: `status` and its own text, cleaned of request details. */
export class VictoriaMetricsHttpError extends HttpStatusError {
  constructor(status: number, serverText: string, url: string) {
    super(status, serverText, url, explainStatus(status, serverText));
    this.name = 'VictoriaMetricsHttpError';
  }
}

/** VictoriaMetrics could not be reached at all (refused, unknown host, timeout, TLS). */
export class VictoriaMetricsUnreachableError extends UnreachableError {
  constructor(url: string, code: string | undefined, detail: string) {
    super(url, code, detail);
    this.name = 'VictoriaMetricsUnreachableError';
  }
}

function explainStatus(status: number, serverText: string): string {
  // Older vmauth (Debian 12's 1.79) answers an unknown token with 400 "cannot find the provided auth token".
  if (status === 401 || /auth token|cannot authorize/i.test(serverText)) {
    return ' (credentials missing or rejected: check VICTORIAMETRICS_USERNAME/VICTORIAMETRICS_PASSWORD or VICTORIAMETRICS_TOKEN)';
  }
  if (status === 403) return ' (credentials accepted but not allowed to do this: they need write access)';
  if (status === 404) return ' (no such path: check VICTORIAMETRICS_URL)';
  if (status === 413) return ' (request too large: lower VICTORIAMETRICS_BATCH_SIZE)';
  if (status >= 300 && status < 400) return ' (redirected: set VICTORIAMETRICS_URL to the final address)';
  return '';
}

/**
 * VictoriaMetrics' error bodies start with `remoteAddr: "…"; requestURI: …; ` (lib/httpserver/httpserver.go,
 * `Errorf`): the caller knows both, only the message after them is worth showing.
 */
export function cleanServerText(body: string): string {
  const text = body
    .replace(/^remoteAddr: "[^"]*"(?:, X-Forwarded-For: "[^"]*")?; /, '')
    .replace(/^requestURI: [^;]*; /, '')
    .trim();
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}

export interface VictoriaMetricsClient {
  readonly endpoints: VictoriaMetricsEndpoints;
  /** POSTs exposition text (a string or its UTF-8 bytes), gzip-compressed; resolves once VictoriaMetrics accepted it (2xx). */
  importText(text: string | Uint8Array): Promise<void>;
  /** GET/POST without throwing on an HTTP status; network failures still throw VictoriaMetricsUnreachableError. */
  request(
    method: 'GET' | 'POST',
    url: string,
    body?: Buffer | string,
    headers?: Record<string, string>,
  ): Promise<HttpResponse>;
  /** Raw samples of the series matching a selector, as stored (duplicates included). */
  exportSeries(match: string, range?: { startMs?: number; endMs?: number }): Promise<ExportedSeries[]>;
  /** Asks a single node to make pending samples searchable now; false when it refused or cannot. */
  forceFlush(): Promise<boolean>;
}

export async function createVictoriaMetricsClient(options: ClientOptions): Promise<VictoriaMetricsClient> {
  const { endpoints } = options;
  const certificateAuthority = options.caFile ? await readFile(options.caFile) : undefined;

  const authHeaders: Record<string, string> = {};
  if (options.auth.kind === 'basic') {
    const pair = `${options.auth.username}:${options.auth.password}`;
    authHeaders['authorization'] = `Basic ${Buffer.from(pair, 'utf8').toString('base64')}`;
  } else if (options.auth.kind === 'bearer') {
    authHeaders['authorization'] = `Bearer ${options.auth.token}`;
  }

  const request: VictoriaMetricsClient['request'] = async (method, url, body, headers = {}) => {
    try {
      const response = await httpText(url, {
        method,
        body,
        headers: { ...authHeaders, ...headers },
        timeoutMs: options.timeoutMs,
        signal: options.signal,
        certificateAuthority,
        tlsInsecure: options.tlsInsecure,
      });
      return { status: response.statusCode, body: response.body };
    } catch (error) {
      throw unreachable(url, error, options.timeoutMs);
    }
  };

  // vmauth quotes a rejected token back ("cannot find the provided auth token \"Bearer …\""): never show it.
  const secrets = [
    options.auth.kind === 'bearer' ? options.auth.token : '',
    options.auth.kind === 'basic' ? options.auth.password : '',
  ].filter((secret) => secret.length >= 3);
  const scrub = (text: string) => secrets.reduce((result, secret) => result.split(secret).join('***'), text);

  const expectSuccess = (url: string, response: HttpResponse) => {
    if (response.status < 200 || response.status >= 300) {
      throw new VictoriaMetricsHttpError(response.status, cleanServerText(scrub(response.body)), url);
    }
  };

  return {
    endpoints,
    request,

    async importText(text) {
      // Content-Encoding: gzip is what app/vminsert/prometheusimport/request_handler.go (`InsertHandler`) checks
      // to decompress the stream.
      // Level 1: a backfill's text shrinks about as well (it is mostly repeated label sets and digits) for a
      // fraction of the default level's time.
      const body = await gzipAsync(typeof text === 'string' ? Buffer.from(text, 'utf8') : text, {
        level: GZIP_LEVEL,
      });
      const response = await request('POST', endpoints.importUrl, body, {
        'content-type': 'text/plain; charset=utf-8',
        'content-encoding': 'gzip',
      });
      expectSuccess(endpoints.importUrl, response);
    },

    async exportSeries(match, range = {}) {
      if (!endpoints.exportUrl) throw new Error(`${endpoints.base} is a vminsert URL: it has no read API`);
      const form = new URLSearchParams({ 'match[]': match });
      if (range.startMs !== undefined) form.set('start', String(range.startMs / 1000));
      if (range.endMs !== undefined) form.set('end', String(range.endMs / 1000));
      const response = await request('POST', endpoints.exportUrl, form.toString(), {
        'content-type': 'application/x-www-form-urlencoded',
      });
      expectSuccess(endpoints.exportUrl, response);
      return parseExportLines(response.body);
    },

    async forceFlush() {
      if (!endpoints.flushUrl) return false;
      const response = await request('GET', endpoints.flushUrl);
      return response.status >= 200 && response.status < 300;
    },
  };
}

function parseExportLines(body: string): ExportedSeries[] {
  const series: ExportedSeries[] = [];
  for (const line of body.split('\n')) {
    if (line.trim() === '') continue;
    series.push(JSON.parse(line) as ExportedSeries);
  }
  return series;
}

function unreachable(url: string, error: unknown, timeoutMs: number): Error {
  const fault = classifyNetworkError(error);
  if (error instanceof Error && (error.name === 'AbortError' || fault.code === 'ERR_ABORTED')) return error;
  const reason = networkErrorReason(error, {
    service: 'VictoriaMetrics',
    url: new URL(url),
    urlOption: 'VICTORIAMETRICS_URL',
    timeoutOption: 'VICTORIAMETRICS_TIMEOUT',
    timeoutMs,
    caOption: 'VICTORIAMETRICS_CA_CERT',
  });
  return new VictoriaMetricsUnreachableError(url, fault.code, reason);
}
