import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { apiEndpoint, createJeedomClient } from '../../../src/destinations/jeedom/client.js';
import { JeedomError } from '../../../src/destinations/jeedom/rpc-errors.js';
import { startJeedomStandin } from '../../jeedom-standin/jeedom-standin.js';
import type { JeedomStandin } from '../../jeedom-standin/jeedom-standin.js';

let standin: JeedomStandin;

beforeEach(async () => {
  standin = await startJeedomStandin();
});

afterEach(async () => {
  await standin.close();
});

function client(options: { url?: string; apiKey?: string; timeoutMs?: number } = {}) {
  return createJeedomClient({
    url: new URL(options.url ?? standin.url),
    apiKey: options.apiKey ?? standin.apiKey,
    timeoutMs: options.timeoutMs ?? 5000,
  });
}

async function failure(promise: Promise<unknown>): Promise<JeedomError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(JeedomError);
  return error as JeedomError;
}

describe('apiEndpoint', () => {
  it('adds the API path to the address Jeedom is opened with, and keeps a full API URL', () => {
    expect(apiEndpoint(new URL('http://jeedom.local')).href).toBe('http://jeedom.local/core/api/jeeApi.php');
    expect(apiEndpoint(new URL('https://box.example/jeedom/')).href).toBe(
      'https://box.example/jeedom/core/api/jeeApi.php',
    );
    expect(apiEndpoint(new URL('http://j/core/api/jeeApi.php')).href).toBe('http://j/core/api/jeeApi.php');
  });
});

describe('JSON-RPC client against the stand-in', () => {
  it('uses the core key, or falls back to the Virtual plugin key with plugin "virtual"', async () => {
    const core = client();
    expect(await core.call('version')).toBe(standin.version);
    expect(core.keyScope).toBe('core');
    const virtual = client({ apiKey: standin.virtualApiKey });
    expect(await virtual.call('version')).toBe(standin.version);
    expect(virtual.keyScope).toBe('virtual');
    expect(await virtual.list('eqLogic::byType', { type: 'virtual' })).toEqual([]);
  });

  it('reads the "ok" Jeedom 4.5 answers for an empty list as an empty list', async () => {
    expect(await client().call('eqLogic::byType', { type: 'virtual' })).toBe('ok');
    expect(await client().list('eqLogic::byType', { type: 'virtual' })).toEqual([]);
    const error = await failure(client().list('version'));
    expect(error.kind).toBe('protocol');
  });

  it("says a key's API access is disabled (code 1), and where to enable it", async () => {
    standin.setApiAccess('virtual', false);
    const error = await failure(client({ apiKey: standin.virtualApiKey }).call('version'));
    expect(error.code).toBe(1);
    expect(error.hint).toContain('Accès API');
  });

  it('reports a refused key as a JSON-RPC error with the fix', async () => {
    const error = await failure(client({ apiKey: 'not-the-right-key-at-all' }).call('version'));
    expect(error.kind).toBe('rpc');
    expect(error.code).toBe(2);
    expect(error.describe()).toContain('JEEDOM_API_KEY');
    expect(error.describe()).toContain('Clé API');
    expect(error.describe()).not.toContain('not-the-right-key-at-all');
  });

  it("reports Jeedom's own error message for a missing command", async () => {
    const error = await failure(client().call('cmd::event', { id: 999, value: 1 }));
    expect(error.kind).toBe('rpc');
    expect(error.code).toBe(702);
    expect(error.message).toContain('Commande introuvable : 999');
  });

  it('tells HTTP errors, timeouts, dropped connections and non-JSON answers apart', async () => {
    standin.failRequests({ method: 'version', times: 1, mode: { kind: 'http', status: 500 } });
    expect(await failure(client().call('version'))).toMatchObject({
      kind: 'http',
      details: { status: 500 },
    });

    standin.clearFailures();
    standin.failRequests({ method: 'version', times: 1, mode: { kind: 'hang' } });
    const timeout = await failure(client({ timeoutMs: 300 }).call('version'));
    expect(timeout.kind).toBe('timeout');
    expect(timeout.describe()).toContain('JEEDOM_TIMEOUT');

    standin.clearFailures();
    standin.failRequests({ method: 'version', times: 1, mode: { kind: 'reset' } });
    expect((await failure(client().call('version'))).kind).toBe('network');

    standin.clearFailures();
    standin.failRequests({
      method: 'version',
      times: 1,
      mode: { kind: 'http', status: 200, body: "Vous n'avez aucune clé API configurée" },
    });
    const protocol = await failure(client().call('version'));
    expect(protocol.kind).toBe('protocol');
    expect(protocol.hint).toContain('API');
  });

  it('points at JEEDOM_URL for a 404, including the one Jeedom gives a banned address', async () => {
    const wrongPath = await failure(client({ url: `${standin.url}/jeedom` }).call('ping'));
    expect(wrongPath).toMatchObject({ kind: 'http', details: { status: 404 } });
    expect(wrongPath.hint).toContain('JEEDOM_URL');
    standin.setBanned(true);
    const banned = await failure(client().call('ping'));
    expect(banned.hint).toContain('banned');
  });

  it('reports an address where nothing listens as unreachable', async () => {
    const url = standin.url;
    await standin.close();
    const error = await failure(client({ url }).call('ping'));
    expect(error.kind).toBe('network');
    expect(error.message).toContain('cannot reach Jeedom');
    standin = await startJeedomStandin();
  });
});

describe('kept-alive connections', () => {
  /** A server that, like one whose keep-alive timeout just ran out, drops the second request of a connection. */
  async function closingServer() {
    const { createServer } = await import('node:http');
    const seen: { connection: number; request: number }[] = [];
    let connections = 0;
    const server = createServer((req, res) => {
      const socket = req.socket as typeof req.socket & { medConnection?: number; medRequests?: number };
      socket.medConnection ??= ++connections;
      socket.medRequests = (socket.medRequests ?? 0) + 1;
      seen.push({ connection: socket.medConnection, request: socket.medRequests });
      req.resume();
      if (socket.medRequests === 2) {
        socket.destroy();
        return;
      }
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ jsonrpc: '2.0', id: 1, result: '4.5.3' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    return { url: `http://127.0.0.1:${port}`, seen, close: () => server.close() };
  }

  it('sends a request again on a new connection when the idle kept-alive one was closed before answering', async () => {
    const server = await closingServer();
    try {
      const jeedom = createJeedomClient({ url: new URL(server.url), apiKey: 'k', timeoutMs: 5000 });
      expect(await jeedom.call('version')).toBe('4.5.3');
      await new Promise((resolve) => setTimeout(resolve, 1100));
      expect(await jeedom.call('version')).toBe('4.5.3');
      jeedom.close();
      expect(server.seen).toEqual([
        { connection: 1, request: 1 },
        { connection: 1, request: 2 },
        { connection: 2, request: 1 },
      ]);
    } finally {
      server.close();
    }
  });

  it('does not send again a request cut on a connection in use: that is a failure to report', async () => {
    const server = await closingServer();
    try {
      const jeedom = createJeedomClient({ url: new URL(server.url), apiKey: 'k', timeoutMs: 5000 });
      expect(await jeedom.call('version')).toBe('4.5.3');
      await expect(jeedom.call('version')).rejects.toThrow(/cannot reach Jeedom/);
      jeedom.close();
      expect(server.seen).toHaveLength(2);
    } finally {
      server.close();
    }
  });
});
