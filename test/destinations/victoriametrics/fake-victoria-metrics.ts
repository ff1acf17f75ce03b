import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { parseExposition } from './exposition-parser.js';

/**
 * The fallback used when the `victoria-metrics` binary is not installed: an in-process HTTP server that answers
 * the endpoints the exporter and the tests use, the way a single node does (checked against the real one by
 * fallback-parity.test.ts whenever the binary is there):
 * - POST /api/v1/import/prometheus (gzip or plain): 204; lines it cannot parse are dropped and counted, as
 *   VictoriaMetrics does; every sample is kept, duplicates included (no -dedup.minScrapeInterval);
 * - GET|POST /api/v1/export: JSON lines per series, samples in time order, `start`/`end` in seconds (`end`
 *   defaults to now);
 * - samples more than two days ahead are dropped, as the storage does;
 * - /health, /internal/force_flush, /metrics (a few `flag{…}` lines);
 * - basic auth like -httpAuth.username/-httpAuth.password (401), bearer tokens and read-only users like vmauth
 *   (400 "missing route").
 */

export interface FakeUser {
  username?: string;
  password?: string;
  token?: string;
  /** Like a vmauth user whose url_map has no import route. */
  readOnly?: boolean;
}

export interface FakeVictoriaMetricsOptions {
  /** When set, every request except /health and /metrics needs one of these users. */
  users?: FakeUser[];
  /**
   * Let requests without credentials read (export, flush): like the tests' direct access to a single node that
   * only a vmauth proxy protects.
   */
  anonymousReads?: boolean;
  /** Only shown in /metrics, as the `retentionPeriod` flag (default 100y). */
  retentionPeriod?: string;
}

const MAX_FUTURE_MS = 2 * 86_400_000;

interface StoredSeries {
  metric: Record<string, string>;
  samples: { value: number; timestamp: number }[];
}

export interface FakeVictoriaMetrics {
  url: string;
  /** Lines dropped as unparsable, with the reason. */
  invalidLines: { line: string; reason: string }[];
  /** Import requests received, in order, decompressed. */
  importBodies: string[];
  close(): Promise<void>;
}

export async function startFakeVictoriaMetrics(
  options: FakeVictoriaMetricsOptions = {},
): Promise<FakeVictoriaMetrics> {
  const series = new Map<string, StoredSeries>();
  const invalidLines: FakeVictoriaMetrics['invalidLines'] = [];
  const importBodies: string[] = [];

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      response.statusCode = 500;
      response.end(String(error));
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://fake');
    const body = await readBody(request);
    const path = url.pathname;
    if (path === '/health') return reply(response, 200, 'OK');
    if (path === '/metrics') {
      return reply(
        response,
        200,
        `flag{name="retentionPeriod", value="${options.retentionPeriod ?? '100y'}", is_set="true"} 1\n` +
          'flag{name="dedup.minScrapeInterval", value="0s", is_set="false"} 1\n' +
          `vm_rows_invalid_total{type="prometheus"} ${invalidLines.length}\n`,
      );
    }
    const anonymousRead =
      options.anonymousReads === true &&
      request.headers.authorization === undefined &&
      (path === '/api/v1/export' || path === '/internal/force_flush');
    const user = anonymousRead ? null : authenticate(request, options.users);
    if (user === 'denied') {
      response.setHeader('www-authenticate', 'Basic realm="VictoriaMetrics"');
      return reply(response, 401, '');
    }
    if (path === '/internal/force_flush') return reply(response, 200, '');
    if (path === '/api/v1/import/prometheus') {
      if (user?.readOnly)
        return reply(response, 400, `cannot determine targetURL: missing route for "${path}"`);
      if (request.method !== 'POST') return reply(response, 405, 'unsupported method');
      let text: string;
      try {
        text = (request.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body).toString('utf8');
      } catch (error) {
        return reply(response, 400, `cannot read gzipped data: ${String(error)}`);
      }
      importBodies.push(text);
      const parsed = parseExposition(text);
      invalidLines.push(...parsed.invalid);
      const now = Date.now();
      for (const sample of parsed.samples) {
        // lib/storage/storage.go drops rows more than about two days ahead of the server's clock.
        if ((sample.timestampMs ?? now) > now + MAX_FUTURE_MS) continue;
        const metric: Record<string, string> = { __name__: sample.metric, ...sample.labels };
        // Prometheus semantics: a label with an empty value is no label.
        for (const [name, value] of Object.entries(metric)) if (value === '') delete metric[name];
        const key = JSON.stringify(Object.entries(metric).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
        const stored: StoredSeries = series.get(key) ?? { metric, samples: [] };
        stored.samples.push({ value: sample.value, timestamp: sample.timestampMs ?? now });
        series.set(key, stored);
      }
      return reply(response, 204, '');
    }
    if (path === '/api/v1/export') {
      const form = new URLSearchParams(request.method === 'POST' ? body.toString('utf8') : '');
      const matches = [...url.searchParams.getAll('match[]'), ...form.getAll('match[]')];
      if (matches.length === 0) return reply(response, 400, 'missing `match[]` arg');
      const selectors = matches.map(parseSelector);
      const param = (name: string) => form.get(name) ?? url.searchParams.get(name);
      const startMs = Number(param('start') ?? 0) * 1000;
      // Like VictoriaMetrics: without `end`, the export stops at the current time.
      const endMs = param('end') === null ? Date.now() : Number(param('end')) * 1000;
      const lines: string[] = [];
      for (const stored of series.values()) {
        if (!selectors.some((selector) => selector(stored.metric))) continue;
        const samples = stored.samples
          .filter((sample) => sample.timestamp >= startMs && sample.timestamp <= endMs)
          .sort((a, b) => a.timestamp - b.timestamp);
        if (samples.length === 0) continue;
        lines.push(
          JSON.stringify({
            metric: stored.metric,
            values: samples.map((sample) => sample.value),
            timestamps: samples.map((sample) => sample.timestamp),
          }),
        );
      }
      return reply(response, 200, lines.map((line) => `${line}\n`).join(''));
    }
    return reply(response, 400, `unsupported path requested: ${JSON.stringify(path)}`);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    invalidLines,
    importBodies,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function reply(response: ServerResponse, status: number, text: string): void {
  response.statusCode = status;
  if (text) response.setHeader('content-type', 'text/plain; charset=utf-8');
  response.end(text);
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function authenticate(request: IncomingMessage, users: FakeUser[] | undefined): FakeUser | null | 'denied' {
  if (!users) return null;
  const header = request.headers.authorization ?? '';
  if (header.startsWith('Basic ')) {
    const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const username = decoded.slice(0, colon);
    const password = decoded.slice(colon + 1);
    return users.find((user) => user.username === username && user.password === password) ?? 'denied';
  }
  if (header.startsWith('Bearer ')) {
    return users.find((user) => user.token !== undefined && user.token === header.slice(7)) ?? 'denied';
  }
  return 'denied';
}

type Matcher = (metric: Record<string, string>) => boolean;

/** Series selectors as the tests write them: `name`, `name{a="b",c=~"d.*"}`, `{__name__=~"x_.*"}`. */
export function parseSelector(selector: string): Matcher {
  const match = /^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)?\s*(?:\{(.*)\})?\s*$/.exec(selector);
  if (!match) throw new Error(`unsupported selector ${selector}`);
  const tests: Matcher[] = [];
  if (match[1]) tests.push((metric) => metric['__name__'] === match[1]);
  const matcherPattern = /\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*(?:,|$)/gy;
  const body = match[2] ?? '';
  let part: RegExpExecArray | null;
  while ((part = matcherPattern.exec(body)) !== null) {
    const [, name, operator, rawValue] = part as unknown as [string, string, string, string];
    const value = JSON.parse(`"${rawValue}"`) as string;
    const regex = new RegExp(`^(?:${value})$`);
    tests.push((metric) => {
      const actual = metric[name] ?? '';
      if (operator === '=') return actual === value;
      if (operator === '!=') return actual !== value;
      if (operator === '=~') return regex.test(actual);
      return !regex.test(actual);
    });
    if (matcherPattern.lastIndex >= body.length) break;
  }
  return (metric) => tests.every((test) => test(metric));
}
