import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import type { ClientRequest, RequestOptions } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { urlToHttpOptions } from 'node:url';
import { classifyNetworkError } from '../../net/explain-network-error.js';
import { readPem } from '../../net/read-pem.js';
import { displayUrl } from '../../redact.js';
import { JEEDOM_CODE, JeedomError, hintForHttp, isJeedomRpcError, rpcError, snippet } from './rpc-errors.js';

/**
 * JSON-RPC 2.0 to Jeedom's `core/api/jeeApi.php` (jeedom/core 4.4 and 4.5). One call per HTTP request
 * (`core/class/jsonrpc.class.php` reads a single request object, batches are not understood), over kept-alive
 * connections: a backfill is a thousand calls or more.
 */

const API_PATH = '/core/api/jeeApi.php';

export interface JeedomClientOptions {
  url: URL;
  apiKey: string;
  timeoutMs: number;
  signal?: AbortSignal;
  caCert?: string | undefined;
  tlsInsecure?: boolean;
  /** Connections kept open at most, so requests in flight beyond it wait for one. */
  concurrency?: number;
}

/** Which key Jeedom accepted: the core one, or the Virtual plugin's (sent with `plugin: "virtual"`). */
export type KeyScope = 'core' | 'virtual';

export interface JeedomClient {
  readonly endpoint: string;
  /** Which API key was accepted; null until a call needing the key succeeded. */
  readonly keyScope: KeyScope | null;
  call<T>(method: string, params?: Record<string, unknown>): Promise<T>;
  /** A call answering a list: Jeedom 4.5 answers an empty one `"ok"`. */
  list<T>(method: string, params?: Record<string, unknown>): Promise<T[]>;
  /** Closes the kept-alive connections. */
  close(): void;
}

/** `http://jeedom.local` → `http://jeedom.local/core/api/jeeApi.php`; a full API URL is kept as is. */
export function apiEndpoint(base: URL): URL {
  const url = new URL(base.href);
  url.search = '';
  url.hash = '';
  if (!url.pathname.endsWith(API_PATH)) url.pathname = `${url.pathname.replace(/\/+$/, '')}${API_PATH}`;
  return url;
}

/**
 * A list as Jeedom answers it. jsonrpc.class.php `makeSuccess()` (4.5.3: 74-80, since commit 18608ea19) replaces
 * every PHP-`empty()` result (`[]`, `''`, `0`, `'0'`, `null`, `false`) with `"ok"`; 4.4 answers `[]`. A PHP array
 * whose keys are not 0..n-1 is encoded by json_encode as an object.
 */
export function asList<T>(answer: unknown, method: string, endpoint: string): T[] {
  if (Array.isArray(answer)) return answer as T[];
  if (
    answer === 'ok' ||
    answer === '' ||
    answer === 0 ||
    answer === '0' ||
    answer === null ||
    answer === false
  )
    return [];
  if (typeof answer === 'object') return Object.values(answer as object) as T[];
  throw new JeedomError(
    'protocol',
    method,
    `${endpoint} answered ${method} with ${JSON.stringify(answer)} where a list was expected`,
    'check that JEEDOM_URL points at Jeedom itself',
  );
}

class RequestTimeout extends Error {}

interface HttpAnswer {
  status: number;
  body: string;
}

/**
 * POSTs over the kept-alive agent, with node:http itself: a backfill is thousands of small calls, and got's
 * per-request option merging and stream wrapping cost more CPU than Jeedom's answer (bench, issue 15). As
 * `net/http-text.ts` has it for every other destination: no redirect followed (node:http follows none), one attempt,
 * the whole request bounded by the timeout, stopped on SIGTERM/SIGINT (one listener for all the requests in
 * flight), TLS verified unless told otherwise (on the agent).
 */
/** Below this, a connection was in use, not idle long enough for a server to close it (Apache: 1 s at the least). */
const IDLE_CLOSE_MS = 1000;
const lastAnswerAt = new WeakMap<object, number>();

function isConnectionReset(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code === 'ECONNRESET' || code === 'EPIPE';
}

function jsonPoster(endpoint: URL, agent: HttpAgent, timeoutMs: number, signal: AbortSignal | undefined) {
  const send = endpoint.protocol === 'https:' ? httpsRequest : httpRequest;
  // urlToHttpOptions: the host without IPv6 brackets, and credentials in the URL as basic auth, as got sent them.
  const base: RequestOptions = { ...urlToHttpOptions(endpoint), method: 'POST', agent };
  const inFlight = new Set<ClientRequest>();
  const abortAll = () => {
    for (const request of inFlight) request.destroy(signal?.reason as Error);
  };
  signal?.addEventListener('abort', abortAll, { once: true });

  const post = (body: string, mayRetry = true): Promise<HttpAnswer> =>
    new Promise<HttpAnswer>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      let answered = false;
      const request = send(
        {
          ...base,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (response) => {
          answered = true;
          // The socket is handed back to the agent by the time the body ended: taken now.
          const connection = response.socket;
          response.once('end', () => lastAnswerAt.set(connection, Date.now()));
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            finish();
            resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
          });
          response.on('error', fail);
        },
      );
      inFlight.add(request);
      const timer = setTimeout(() => request.destroy(new RequestTimeout()), timeoutMs);
      function finish() {
        clearTimeout(timer);
        inFlight.delete(request);
      }
      function fail(error: unknown) {
        finish();
        // A kept-alive connection the server closed while idle (Apache's KeepAliveTimeout, 5 s by default; Node's
        // server the same) fails the next request written on it before the server read it: sent once more on a
        // new connection, as Node's http documentation advises (`request.reusedSocket`). Only a reused connection
        // that had been idle and gave no answer at all: a cut while values flow stays a failure to report. Were
        // the request read anyway, a value sent twice replaces its own point (history is REPLACE INTO by cmd
        // and datetime, history.class.php 4.5.3: 1085).
        const idleMs = Date.now() - (lastAnswerAt.get(request.socket as object) ?? Date.now());
        if (
          mayRetry &&
          request.reusedSocket &&
          !answered &&
          idleMs >= IDLE_CLOSE_MS &&
          isConnectionReset(error)
        ) {
          resolve(post(body, false));
          return;
        }
        reject(error);
      }
      request.on('error', fail);
      request.end(body);
    });

  return { post, close: () => signal?.removeEventListener('abort', abortAll) };
}

export function createJeedomClient(options: JeedomClientOptions): JeedomClient {
  const endpoint = apiEndpoint(options.url);
  const shown = displayUrl(endpoint);
  const agentOptions = { keepAlive: true, maxSockets: options.concurrency ?? 1 };
  const agent =
    endpoint.protocol === 'https:'
      ? new HttpsAgent({
          ...agentOptions,
          ...(options.caCert ? { ca: readPem(options.caCert) } : {}),
          rejectUnauthorized: options.tlsInsecure !== true,
        })
      : new HttpAgent(agentOptions);
  const poster = jsonPoster(endpoint, agent, options.timeoutMs, options.signal);
  let keyScope: KeyScope | null = null;
  let requestId = 0;

  const post = async (method: string, params: Record<string, unknown>): Promise<unknown> => {
    requestId += 1;
    let response;
    try {
      response = await poster.post(JSON.stringify({ jsonrpc: '2.0', id: requestId, method, params }));
    } catch (error) {
      // Stopped by the user (Ctrl-C, SIGTERM): not Jeedom's fault, say so as it is.
      if (options.signal?.aborted) throw options.signal.reason ?? error;
      if (error instanceof RequestTimeout) {
        throw new JeedomError(
          'timeout',
          method,
          `Jeedom did not answer ${method} within ${Math.round(options.timeoutMs / 1000)} s (${shown})`,
          'check that the box is not overloaded (lower JEEDOM_CONCURRENCY), or raise JEEDOM_TIMEOUT',
        );
      }
      const reason = error instanceof Error ? error.message : String(error);
      const tls = classifyNetworkError(error).kind === 'tls-verification';
      throw new JeedomError(
        'network',
        method,
        `cannot reach Jeedom at ${shown}: ${reason}`,
        tls
          ? "Jeedom's certificate is not trusted: set JEEDOM_CA_CERT to its CA, or JEEDOM_TLS_INSECURE=true for a self-signed box"
          : 'check JEEDOM_URL (host and port) and that Jeedom is reachable from this machine',
      );
    }
    const status = response.status;
    if (status < 200 || status >= 300) {
      const text = snippet(response.body);
      throw new JeedomError(
        'http',
        method,
        `Jeedom answered HTTP ${status} to ${method} at ${shown}${text ? `: ${text}` : ''}`,
        hintForHttp(status),
        { status },
      );
    }
    let envelope: unknown;
    try {
      envelope = JSON.parse(response.body);
    } catch {
      throw new JeedomError(
        'protocol',
        method,
        `${shown} did not answer ${method} in JSON-RPC: ${JSON.stringify(snippet(response.body))}`,
        response.body.includes('clé API')
          ? 'generate an API key in Jeedom: Settings → System → Configuration, API tab'
          : 'check that JEEDOM_URL points at Jeedom itself',
      );
    }
    if (typeof envelope !== 'object' || envelope === null) {
      throw new JeedomError(
        'protocol',
        method,
        `${shown} answered ${method} with ${JSON.stringify(envelope)}`,
        '',
      );
    }
    const { result, error } = envelope as { result?: unknown; error?: { code?: unknown; message?: unknown } };
    // The id is not checked: 4.4 answers errors with `"id": null` (its catch block rebuilds the envelope from the
    // empty `request` parameter), and each HTTP request carries one call, so answers cannot be mixed up.
    if (error !== undefined && error !== null) {
      throw rpcError(method, Number(error.code), String(error.message ?? ''));
    }
    if (!('result' in envelope)) {
      throw new JeedomError('protocol', method, `${shown} answered ${method} without result nor error`, '');
    }
    return result;
  };

  const withKey = (params: Record<string, unknown>, scope: KeyScope) =>
    scope === 'virtual'
      ? { ...params, apikey: options.apiKey, plugin: 'virtual' }
      : { ...params, apikey: options.apiKey };

  const call = async <T>(method: string, params: Record<string, unknown> = {}): Promise<T> => {
    if (keyScope !== null) return (await post(method, withKey(params, keyScope))) as T;
    try {
      const result = await post(method, withKey(params, 'core'));
      if (method !== 'ping') keyScope = 'core';
      return result as T;
    } catch (error) {
      if (!isJeedomRpcError(error, JEEDOM_CODE.keyRefused)) throw error;
      // jeeApi.php (4.5.3: 348-349) accepts a key matching the plugin named in `params.plugin` or the core
      // one: a Virtual plugin key is only accepted with plugin "virtual" (jeedom.class.php apiAccess, 611-639).
      const result = await post(method, withKey(params, 'virtual'));
      keyScope = 'virtual';
      return result as T;
    }
  };

  return {
    endpoint: shown,
    get keyScope() {
      return keyScope;
    },
    call,
    list: async <T>(method: string, params: Record<string, unknown> = {}) =>
      asList<T>(await call<unknown>(method, params), method, shown),
    close: () => {
      poster.close();
      agent.destroy();
    },
  };
}
