import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  VictoriaMetricsHttpError,
  VictoriaMetricsUnreachableError,
  createVictoriaMetricsClient,
} from '../../../src/destinations/victoriametrics/client.js';
import type { Auth } from '../../../src/destinations/victoriametrics/client.js';
import { victoriaMetricsEndpoints } from '../../../src/destinations/victoriametrics/endpoints.js';
import { formatSample } from '../../../src/destinations/victoriametrics/encode.js';
import type { Sample } from '../../../src/engines/timeseries-backfill/writer.js';
import { parseExposition } from './exposition-parser.js';
import { backendTitle, startVictoriaMetrics } from './victoria-metrics-server.js';
import type { VictoriaMetricsUnderTest } from './victoria-metrics-server.js';

const client = (url: string, auth: Auth = { kind: 'none' }, timeoutMs = 5000) =>
  createVictoriaMetricsClient({ endpoints: victoriaMetricsEndpoints(new URL(url)), auth, timeoutMs });

const T0 = Date.UTC(2023, 9, 29, 1, 0, 0);

describe(`VictoriaMetrics client against ${backendTitle}`, () => {
  let vm: VictoriaMetricsUnderTest;

  beforeAll(async () => {
    vm = await startVictoriaMetrics();
  });
  afterAll(async () => {
    await vm?.close();
  });

  it('imports gzip-compressed exposition text; labels, values and timestamps read back exactly', async () => {
    const samples: Sample[] = [
      { metric: 'client_roundtrip', labels: { name: 'quote " here', k: 'a' }, value: 1.5, timestampMs: T0 },
      {
        metric: 'client_roundtrip',
        labels: { name: 'back\\slash', k: 'b' },
        value: 1 / 3,
        timestampMs: T0 + 1,
      },
      { metric: 'client_roundtrip', labels: { name: 'new\nline', k: 'c' }, value: 1e-7, timestampMs: T0 + 2 },
      {
        metric: 'client_roundtrip',
        labels: { name: 'Chez Mémé {a="b"}, #1', k: 'd' },
        value: 0,
        timestampMs: T0,
      },
      {
        metric: 'client_roundtrip',
        labels: { name: '\\n not a newline', k: 'e' },
        value: 2e9,
        timestampMs: T0,
      },
    ];
    const vmClient = await client(vm.url);
    await vmClient.importText(samples.map((sample) => `${formatSample(sample)}\n`).join(''));

    const stored = await vm.exportSeries('client_roundtrip');
    const byKey = new Map(stored.map((series) => [series.metric['k'], series]));
    expect(stored).toHaveLength(samples.length);
    for (const sample of samples) {
      const series = byKey.get(sample.labels['k']);
      expect(series?.metric).toEqual({ __name__: sample.metric, ...sample.labels });
      // VictoriaMetrics keeps about 12 significant digits (1/3 reads back as 0.333333333333).
      expect(series?.values).toHaveLength(1);
      expect(series?.values[0]).toBeCloseTo(sample.value, 11);
      expect(series?.timestamps).toEqual([sample.timestampMs]);
    }
    expect(await vm.invalidLineCount()).toBe(0);
  });

  it('keeps every sample sent twice at the same timestamp (no deduplication by default)', async () => {
    const vmClient = await client(vm.url);
    const line = `${formatSample({ metric: 'client_duplicate', labels: {}, value: 5, timestampMs: T0 })}\n`;
    await vmClient.importText(line);
    await vmClient.importText(line);
    const [series] = await vm.exportSeries('client_duplicate');
    expect(series?.timestamps).toEqual([T0, T0]);
  });

  it('reports VictoriaMetrics’ own error text for a rejected request', async () => {
    const wrongPath = await client(`${vm.url}/not-victoria`);
    const error = await wrongPath.importText('x 1\n').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(VictoriaMetricsHttpError);
    expect((error as VictoriaMetricsHttpError).status).toBe(400);
    expect((error as Error).message).toMatch(
      /unsupported path requested: "\/not-victoria\/api\/v1\/import\/prometheus"/,
    );
    expect((error as Error).message).not.toMatch(/remoteAddr/);
  });

  it('reads samples back through exportSeries and makes them searchable with forceFlush', async () => {
    const vmClient = await client(vm.url);
    await vmClient.importText(
      `${formatSample({ metric: 'client_readback', labels: { a: 'b' }, value: 7, timestampMs: T0 })}\n`,
    );
    expect(await vmClient.forceFlush()).toBe(true);
    expect(await vmClient.exportSeries('client_readback{a="b"}')).toEqual([
      { metric: { __name__: 'client_readback', a: 'b' }, values: [7], timestamps: [T0] },
    ]);
  });
});

describe(`VictoriaMetrics fallback parser agrees with ${backendTitle}`, () => {
  let vm: VictoriaMetricsUnderTest;

  beforeAll(async () => {
    vm = await startVictoriaMetrics();
  });
  afterAll(async () => {
    await vm?.close();
  });

  it('stores what the stand-in parser predicts, and drops the lines it calls invalid', async (context) => {
    if (vm.kind === 'fallback') {
      context.skip('the binary is missing: the stand-in cannot be compared with itself');
    }
    const ts = T0 + 5;
    const body = [
      '# a comment line',
      `parity_a{x="1"} 1 ${ts}`,
      `parity_a{x="2",} 2 ${ts}`,
      `parity_a { x = "3" } 3 ${ts}`,
      `parity_a{x="4"} 4 1698541200`, // seconds: below 2^31, multiplied by 1000
      `parity_a{x="5"} 5 ${ts} # trailing comment`,
      `parity_a{x="6",y="a\\tb\\\\"} 6 ${ts}`,
      'parity_a{x="7" 7', // invalid: missing closing brace/comma
      `parity_a{x="8"} notanumber ${ts}`, // invalid value
      `parity_a{x="9"} 9 ${ts} extra`, // invalid timestamp
      `parity_a{x="10"}\t10\t${ts}`,
      `parity_a{x="11"} -1.5e3 ${ts}\r`,
    ].join('\n');
    const before = await vm.invalidLineCount();
    const response = await fetch(`${vm.url}/api/v1/import/prometheus`, {
      method: 'POST',
      headers: { 'content-encoding': 'gzip' },
      body: gzipSync(body),
    });
    expect(response.status).toBe(204);

    const predicted = parseExposition(body);
    const stored = await vm.exportSeries('parity_a');
    const actual = stored
      .map((series) => ({ labels: series.metric, values: series.values, timestamps: series.timestamps }))
      .sort((a, b) => (a.labels['x'] ?? '').localeCompare(b.labels['x'] ?? ''));
    const expected = predicted.samples
      .map((sample) => ({
        labels: { __name__: sample.metric, ...sample.labels } as Record<string, string>,
        values: [sample.value],
        timestamps: [sample.timestampMs],
      }))
      .sort((a, b) => (a.labels['x'] ?? '').localeCompare(b.labels['x'] ?? ''));
    expect(actual).toEqual(expected);
    expect((await vm.invalidLineCount()) - before).toBe(predicted.invalid.length);
    expect(predicted.invalid.length).toBe(3);
  });
});

describe(`VictoriaMetrics client authentication against ${backendTitle}`, () => {
  let vm: VictoriaMetricsUnderTest;
  let proxied: VictoriaMetricsUnderTest;

  beforeAll(async () => {
    vm = await startVictoriaMetrics({ basicAuth: { username: 'writer', password: 'w-secret' } });
    proxied = await startVictoriaMetrics({
      proxyUsers: [
        { token: 'bearer-secret-token' },
        { username: 'reader', password: 'r-secret', readOnly: true },
      ],
    });
  });
  afterAll(async () => {
    await vm?.close();
    await proxied?.close();
  });

  const line = (metric: string) => `${formatSample({ metric, labels: {}, value: 1, timestampMs: T0 })}\n`;

  it('sends basic auth', async () => {
    const vmClient = await client(vm.url, { kind: 'basic', username: 'writer', password: 'w-secret' });
    await vmClient.importText(line('auth_basic_ok'));
    expect(await vm.exportSeries('auth_basic_ok')).toHaveLength(1);
  });

  it('explains a 401', async () => {
    const vmClient = await client(vm.url, { kind: 'basic', username: 'writer', password: 'wrong' });
    const error = await vmClient.importText(line('auth_basic_bad')).catch((caught: unknown) => caught);
    expect((error as VictoriaMetricsHttpError).status).toBe(401);
    expect((error as Error).message).toMatch(/credentials missing or rejected/);
    expect(await vm.exportSeries('auth_basic_bad')).toHaveLength(0);
  });

  it('sends a bearer token (vmauth in front)', async () => {
    const vmClient = await client(proxied.proxyUrl!, { kind: 'bearer', token: 'bearer-secret-token' });
    await vmClient.importText(line('auth_bearer_ok'));
    expect(await proxied.exportSeries('auth_bearer_ok')).toHaveLength(1);
  });

  it('never repeats a rejected token in its error', async () => {
    const vmClient = await client(proxied.proxyUrl!, { kind: 'bearer', token: 'wrong-token-value' });
    const error = await vmClient.importText(line('auth_bearer_bad')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(VictoriaMetricsHttpError);
    expect((error as Error).message).not.toContain('wrong-token-value');
    expect(await proxied.exportSeries('auth_bearer_bad')).toHaveLength(0);
  });

  it('reports a read-only user’s refused import', async () => {
    const vmClient = await client(proxied.proxyUrl!, {
      kind: 'basic',
      username: 'reader',
      password: 'r-secret',
    });
    const error = await vmClient.importText(line('auth_readonly')).catch((caught: unknown) => caught);
    expect((error as VictoriaMetricsHttpError).status).toBe(400);
    expect((error as Error).message).toMatch(/missing route/);
    expect(await proxied.exportSeries('auth_readonly')).toHaveLength(0);
  });
});

describe('VictoriaMetrics client network failures', () => {
  let silent: Server;
  const sockets = new Set<Socket>();

  beforeAll(async () => {
    // Accepts connections and never answers.
    silent = createServer((socket) => {
      sockets.add(socket);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  it('says the connection was refused', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const vmClient = await client(`http://127.0.0.1:${port}`);
    const error = await vmClient.importText('x 1\n').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(VictoriaMetricsUnreachableError);
    expect((error as Error).message).toMatch(/connection refused/);
  });

  it('gives up after the configured timeout', async () => {
    const { port } = silent.address() as AddressInfo;
    const vmClient = await client(`http://127.0.0.1:${port}`, { kind: 'none' }, 300);
    const error = await vmClient.importText('x 1\n').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(VictoriaMetricsUnreachableError);
    expect((error as Error).message).toMatch(/no answer within 300 ms/);
  });
});
