import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, get as httpGet } from 'node:http';
import { connect as netConnect, createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect, createServer as createTlsServer } from 'node:tls';
import { httpText } from '../../src/net/http-text.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { withDeadline } from '../../src/net/deadline.js';
import {
  classifyNetworkError,
  explainNetworkError,
  networkErrorReason,
} from '../../src/net/explain-network-error.js';
import type { NetworkTarget } from '../../src/net/explain-network-error.js';

/**
 * The errors are the real ones where a socket on 127.0.0.1 provokes them cheaply (a closed port, a server that
 * never answers, one that hangs up at once, a self-signed certificate, plain text where TLS was expected, an
 * HTTP error); DNS failures and a few library messages are built with the shape Node and the libraries give.
 */

const sockets = new Set<Socket>();
const servers: Server[] = [];

async function listen(server: Server): Promise<number> {
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function failure(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

/** Resolves with the first error a socket emits. */
function socketError(socket: Socket): Promise<unknown> {
  return new Promise((resolve) => socket.once('error', resolve));
}

/** The real errors, provoked against the servers started below. */
const refused = () => socketError(netConnect(closedPort, '127.0.0.1'));
const hungUp = () =>
  new Promise((resolve) => httpGet(`http://127.0.0.1:${hangUpPort}/`).on('error', resolve));
const selfSigned = () =>
  socketError(tlsConnect({ host: '127.0.0.1', port: selfSignedPort, servername: 'localhost' }));
const plainTextForTls = () => socketError(tlsConnect({ host: '127.0.0.1', port: plainTextPort }));

let closedPort: number;
let silentPort: number;
let hangUpPort: number;
let plainTextPort: number;
let badGatewayPort: number;
let selfSignedPort: number;
let certificate: Buffer;
let certificateDir: string;

beforeAll(async () => {
  const probe = createServer();
  closedPort = await listen(probe);
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  silentPort = await listen(createServer((socket) => socket.resume()));
  hangUpPort = await listen(createServer((socket) => socket.destroy()));
  plainTextPort = await listen(
    createServer((socket) => socket.end('HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n')),
  );
  badGatewayPort = await listen(
    createHttpServer((_request, response) => response.writeHead(502).end('Bad Gateway')),
  );
  certificateDir = mkdtempSync(join(tmpdir(), 'med-export-net-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      'key.pem',
      '-out',
      'cert.pem',
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost',
    ],
    { cwd: certificateDir, stdio: 'pipe' },
  );
  certificate = readFileSync(join(certificateDir, 'cert.pem'));
  const key = readFileSync(join(certificateDir, 'key.pem'));
  selfSignedPort = await listen(createTlsServer({ cert: certificate, key }, (socket) => socket.end()));
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  rmSync(certificateDir, { recursive: true, force: true });
});

const target = (overrides: Partial<NetworkTarget> = {}): NetworkTarget => ({
  service: 'Home Assistant',
  url: new URL('http://user:secret-pass@127.0.0.1:8123'),
  urlOption: 'HOME_ASSISTANT_URL',
  timeoutOption: 'HOME_ASSISTANT_TIMEOUT',
  caOption: 'HOME_ASSISTANT_CA_CERT',
  ...overrides,
});

const dnsError = (code: string) =>
  Object.assign(new Error(`getaddrinfo ${code} nowhere.invalid`), {
    code,
    errno: code === 'ENOTFOUND' ? -3008 : -3001,
    syscall: 'getaddrinfo',
    hostname: 'nowhere.invalid',
  });

describe('classifyNetworkError on real errors', () => {
  it.each([
    [
      'a closed port',
      refused,
      { kind: 'refused', code: 'ECONNREFUSED' },
      () => `http://127.0.0.1:${closedPort}/`,
    ],
    [
      'a server that closes at once',
      hungUp,
      { kind: 'reset', code: 'ECONNRESET', detail: 'socket hang up' },
      () => `http://127.0.0.1:${hangUpPort}/`,
    ],
    [
      'a self-signed certificate',
      selfSigned,
      { kind: 'tls-verification', code: 'DEPTH_ZERO_SELF_SIGNED_CERT', detail: 'self-signed certificate' },
      () => `https://127.0.0.1:${selfSignedPort}/`,
    ],
  ] as const)(
    '%s: the same fault from a raw socket and from our HTTP client',
    async (_what, provoke, expected, url) => {
      expect(classifyNetworkError(await provoke())).toMatchObject(expected);
      const viaHttp = await failure(() => httpText(url(), { method: 'GET', timeoutMs: 2000 }));
      expect(classifyNetworkError(viaHttp)).toMatchObject({ kind: expected.kind, code: expected.code });
    },
  );

  it('a connection to a name with several addresses, all refused (AggregateError), is "refused"', () => {
    const each = [6, 4].map((family) =>
      Object.assign(new Error(`connect ECONNREFUSED ${family === 6 ? '::1' : '127.0.0.1'}:1`), {
        code: 'ECONNREFUSED',
      }),
    );
    const aggregate = new AggregateError(each, '');
    expect(classifyNetworkError(aggregate)).toEqual({
      kind: 'refused',
      code: 'ECONNREFUSED',
      detail: 'connect ECONNREFUSED ::1:1',
    });
  });

  it('a server that never answers is "timeout", from our HTTP client, a deadline and mqtt.js', async () => {
    const viaHttp = await failure(() =>
      httpText(`http://127.0.0.1:${silentPort}/`, { method: 'GET', timeoutMs: 200 }),
    );
    expect(classifyNetworkError(viaHttp)).toMatchObject({ kind: 'timeout', code: 'ETIMEDOUT' });

    const socket = netConnect(silentPort, '127.0.0.1');
    const answer = new Promise((resolve) => socket.once('data', resolve));
    const deadline = await failure(() => withDeadline(answer, { timeoutMs: 100, what: 'connecting' }));
    socket.destroy();
    expect(classifyNetworkError(deadline)).toEqual({
      kind: 'timeout',
      detail: 'timed out after 0.1 s while connecting',
    });
    // mqtt.js rejects with this message when no CONNACK came within connectTimeout (lib/client.ts).
    expect(classifyNetworkError(new Error('connack timeout')).kind).toBe('timeout');
  });

  it('a trusted certificate for another host name is "tls-verification"', async () => {
    const error = await socketError(tlsConnect({ host: '127.0.0.1', port: selfSignedPort, ca: certificate }));
    expect(classifyNetworkError(error)).toMatchObject({
      kind: 'tls-verification',
      code: 'ERR_TLS_CERT_ALTNAME_INVALID',
    });
  });

  it('plain text where TLS was expected is "tls-protocol"', async () => {
    const error = await plainTextForTls();
    const fault = classifyNetworkError(error);
    expect(fault.kind).toBe('tls-protocol');
    expect(fault.detail).toMatch(/^(wrong version number|packet length too long)$/);
  });

  it('an HTTP error status is "http-status" with its code, from ws (our HTTP client returns the status)', async () => {
    const socket = new WebSocket(`ws://127.0.0.1:${badGatewayPort}/api/websocket`);
    const viaWs = await new Promise((resolve) => socket.once('error', resolve));
    expect(classifyNetworkError(viaWs)).toEqual({
      kind: 'http-status',
      status: 502,
      detail: 'Unexpected server response: 502',
    });
    const viaHttp = await httpText(`http://127.0.0.1:${badGatewayPort}/`, { method: 'GET', timeoutMs: 2000 });
    expect(viaHttp.statusCode).toBe(502);
  });
});

describe('classifyNetworkError on error shapes', () => {
  it.each([
    ['ENOTFOUND', 'dns'],
    ['EAI_AGAIN', 'dns'],
  ] as const)('getaddrinfo %s is "%s"', (code, kind) => {
    expect(classifyNetworkError(dnsError(code))).toEqual({
      kind,
      code,
      detail: `getaddrinfo ${code} nowhere.invalid`,
    });
  });

  it.each([
    // node-postgres: the server went away, connectionTimeoutMillis ran out (pg lib/client.js:170, pg-pool
    // index.js:276), or sslmode asks for TLS from a server without it.
    ['Connection terminated unexpectedly', 'reset'],
    ['timeout expired', 'timeout'],
    ['Connection terminated due to connection timeout', 'timeout'],
    ['The server does not support SSL connections', 'tls-protocol'],
    ['unable to verify the first certificate', 'tls-verification'],
    ['write EPIPE', 'other'],
    ['something else entirely', 'other'],
  ] as const)('"%s" is "%s"', (message, kind) => {
    expect(classifyNetworkError(new Error(message)).kind).toBe(kind);
  });

  it('uses the code over the words: EPIPE is "reset", EPROTO "tls-protocol"', () => {
    expect(classifyNetworkError(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' })).kind).toBe(
      'reset',
    );
    expect(classifyNetworkError(Object.assign(new Error('write EPROTO'), { code: 'EPROTO' })).kind).toBe(
      'tls-protocol',
    );
  });

  it('takes what is not an Error as its text', () => {
    expect(classifyNetworkError('boom')).toEqual({ kind: 'other', detail: 'boom' });
    expect(classifyNetworkError(undefined)).toEqual({ kind: 'other', detail: 'undefined' });
  });
});

describe('explainNetworkError: the fault as a sentence naming the server and the option to fix', () => {
  it('refused: the address, the library words, where it should listen and the option', async () => {
    const error = await refused();
    const url = new URL(`http://127.0.0.1:${closedPort}`);
    expect(explainNetworkError(error, target({ url }))).toBe(
      `Home Assistant at http://127.0.0.1:${closedPort}/ refused the connection ` +
        `(connect ECONNREFUSED 127.0.0.1:${closedPort}): is Home Assistant running and listening on ` +
        `127.0.0.1:${closedPort}? check HOME_ASSISTANT_URL`,
    );
  });

  it('never shows the password of the URL', () => {
    const text = explainNetworkError(dnsError('ENOTFOUND'), target());
    expect(text).not.toContain('secret-pass');
    expect(text).toContain('http://user:***@127.0.0.1:8123/');
  });

  it('dns: names the host name option', () => {
    expect(explainNetworkError(dnsError('EAI_AGAIN'), target())).toBe(
      'cannot resolve the host name of Home Assistant at http://user:***@127.0.0.1:8123/ ' +
        '(getaddrinfo EAI_AGAIN nowhere.invalid): check the host name in HOME_ASSISTANT_URL',
    );
  });

  it('timeout: names the *_TIMEOUT option, and leaves it out where there is none', () => {
    const error = new Error('connack timeout');
    const broker = { service: 'the broker', url: new URL('mqtt://127.0.0.1:1883'), urlOption: 'MQTT_BROKER' };
    expect(explainNetworkError(error, { ...broker, timeoutOption: 'MQTT_TIMEOUT' })).toBe(
      'no answer from the broker at mqtt://127.0.0.1:1883 (connack timeout): check the host, the port and any ' +
        'firewall, or raise MQTT_TIMEOUT',
    );
    expect(explainNetworkError(error, broker)).toMatch(/any firewall$/);
  });

  it("reset: the scheme to check, then the caller's own hint", async () => {
    const error = await hungUp();
    expect(
      explainNetworkError(error, target({ hints: { reset: 'and any reverse proxy in front of it' } })),
    ).toBe(
      'Home Assistant at http://user:***@127.0.0.1:8123/ closed the connection without answering (socket hang ' +
        'up): check the host, the port and the scheme (with or without TLS) in HOME_ASSISTANT_URL, and any ' +
        'reverse proxy in front of it',
    );
  });

  it('a hint for another kind is not added', () => {
    expect(
      explainNetworkError(dnsError('ENOTFOUND'), target({ hints: { reset: 'NOT THIS' } })),
    ).not.toContain('NOT THIS');
  });

  it('tls-verification: the CA option when there is one, the host name always', async () => {
    const error = await selfSigned();
    expect(explainNetworkError(error, target())).toBe(
      'TLS verification failed with Home Assistant at http://user:***@127.0.0.1:8123/ (self-signed certificate): ' +
        'give the CA that signed the certificate of Home Assistant with HOME_ASSISTANT_CA_CERT, or check that ' +
        'the host name in HOME_ASSISTANT_URL is one the certificate names',
    );
    expect(explainNetworkError(error, target({ caOption: undefined }))).toMatch(
      /\(self-signed certificate\): check that the host name in HOME_ASSISTANT_URL is one the certificate names$/,
    );
    // After the caller's own "cannot reach <url>: ", the library words stay: they say which check failed.
    expect(networkErrorReason(error, target())).toMatch(
      /^TLS verification failed: self-signed certificate \(give the CA .* HOME_ASSISTANT_CA_CERT, or check/,
    );
  });

  it('tls-protocol: asks whether the scheme is right', async () => {
    const error = await plainTextForTls();
    expect(explainNetworkError(error, target())).toMatch(
      /^TLS handshake failed with Home Assistant at http:\/\/user:\*\*\*@127\.0\.0\.1:8123\/ \(.+\): is the scheme \(with or without TLS\) in HOME_ASSISTANT_URL the one the server speaks\?$/,
    );
  });

  it.each([
    [401, 'Home Assistant refused the credentials'],
    [403, 'Home Assistant refused the credentials'],
    [404, 'check the path in HOME_ASSISTANT_URL'],
    [301, 'set HOME_ASSISTANT_URL to the address it redirects to'],
    [502, 'Home Assistant or a proxy in front of it failed: see its logs'],
    [418, 'check HOME_ASSISTANT_URL'],
  ])('http-status %i: the status and "%s"', (status, advice) => {
    const error = new Error(`Unexpected server response: ${status}`);
    expect(explainNetworkError(error, target())).toBe(
      `Home Assistant at http://user:***@127.0.0.1:8123/ answered HTTP ${status} (Unexpected server response: ` +
        `${status}): ${advice}`,
    );
  });

  it('other: says it cannot reach the server, in the library words', () => {
    expect(explainNetworkError(new Error('something odd'), target())).toBe(
      'cannot reach Home Assistant at http://user:***@127.0.0.1:8123/ (something odd): check HOME_ASSISTANT_URL',
    );
  });
});

describe('networkErrorReason: the fault after the caller said what failed', () => {
  const vm = (timeoutMs?: number): NetworkTarget => ({
    service: 'VictoriaMetrics',
    url: new URL('http://vm.example:8428/api/v1/import/prometheus'),
    urlOption: 'VICTORIAMETRICS_URL',
    timeoutOption: 'VICTORIAMETRICS_TIMEOUT',
    caOption: 'VICTORIAMETRICS_CA_CERT',
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
  });

  it('refused', async () => {
    const error = await refused();
    expect(networkErrorReason(error, vm())).toBe(
      'connection refused (is VictoriaMetrics running and listening on vm.example:8428? check VICTORIAMETRICS_URL)',
    );
  });

  it('timeout: the wait that ran out when known', async () => {
    const error = await failure(() =>
      httpText(`http://127.0.0.1:${silentPort}/`, { method: 'GET', timeoutMs: 150 }),
    );
    expect(networkErrorReason(error, vm(150))).toBe(
      'no answer within 150 ms (check the host, the port and any firewall, or raise VICTORIAMETRICS_TIMEOUT)',
    );
    expect(networkErrorReason(error, vm())).toMatch(/^no answer in time \(/);
  });

  it('dns names the host; reset is a reset', () => {
    expect(networkErrorReason(dnsError('ENOTFOUND'), vm())).toBe(
      'unknown host name "vm.example" (check the host name in VICTORIAMETRICS_URL)',
    );
    expect(networkErrorReason(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), vm())).toBe(
      'connection reset (check the host, the port and the scheme (with or without TLS) in VICTORIAMETRICS_URL)',
    );
  });

  it('unknown failures keep the library words; an HTTP status says its code', () => {
    expect(networkErrorReason(new Error('odd'), vm())).toBe(
      'cannot connect: odd (check VICTORIAMETRICS_URL)',
    );
    expect(networkErrorReason(new Error('Unexpected server response: 404'), vm())).toBe(
      'HTTP 404 (check the path in VICTORIAMETRICS_URL)',
    );
  });
});
