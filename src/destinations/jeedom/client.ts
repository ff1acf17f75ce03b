import { httpRequestOptions } from '../../net/http-request-options.js';
import { classifyNetworkError } from '../../net/explain-network-error.js';
import { readFile } from 'node:fs/promises';
import { displayUrl } from '../../redact.js';

/**
 * JSON-RPC 2.0 to Jeedom's `core/api/jeeApi.php` (jeedom/core). One call per HTTP request: jeeApi.php reads a
 * single request object (`core/class/jsonrpc.class.php`), batches are not understood.
 */

const API_PATH = '/core/api/jeeApi.php';

/**
 * jeeApi.php answers `-32000 - $exception->getCode()` (its catch block): the exceptions it throws with -32001
 * (key refused, JSON-RPC disabled, bad envelope) arrive as code 1, -32500 (no such method) as 500, the
 * "not found" ones (-32601 object, -32602 eqLogic, -32701/-32702 cmd) as 601, 602, 701, 702; an exception
 * without code (e.g. "Type incorrect", a missing plugin class) as -32000; SQL errors as -32000 - SQLSTATE.
 */
export const JEEDOM_CODE = {
  notAllowed: 1,
  noSuchMethod: 500,
  objectNotFound: 601,
  eqLogicNotFound: 602,
  cmdNotFound: 701,
  cmdNotFoundForEvent: 702,
  generic: -32000,
} as const;

export type JeedomErrorKind = 'network' | 'timeout' | 'http' | 'protocol' | 'rpc';

/** Every failure of a call, with what went wrong at which level; `hint` says what the user can do. */
export class JeedomError extends Error {
  constructor(
    readonly kind: JeedomErrorKind,
    readonly method: string,
    message: string,
    readonly hint: string,
    readonly details: { status?: number; code?: number; jeedomMessage?: string } = {},
  ) {
    super(message);
    this.name = 'JeedomError';
  }

  get code(): number | undefined {
    return this.details.code;
  }

  /** The error as one line for a log or export_logs: what happened, then what to do. */
  describe(): string {
    return this.hint ? `${this.message} — ${this.hint}` : this.message;
  }
}

export function isJeedomRpcError(error: unknown, ...codes: number[]): error is JeedomError {
  return (
    error instanceof JeedomError &&
    error.kind === 'rpc' &&
    (codes.length === 0 || codes.includes(error.code!))
  );
}

export interface JeedomClientOptions {
  url: URL;
  apiKey: string;
  timeoutMs: number;
  signal?: AbortSignal;
  caFile?: string;
  tlsInsecure?: boolean;
}

/** Which key Jeedom accepted: the core one, or the Virtual plugin's (sent with `plugin: "virtual"`). */
export type KeyScope = 'core' | 'virtual';

export interface JeedomClient {
  readonly endpoint: string;
  /** Which API key was accepted; null until a call needing the key succeeded. */
  readonly keyScope: KeyScope | null;
  call<T>(method: string, params?: Record<string, unknown>): Promise<T>;
}

/** `http://jeedom.local` → `http://jeedom.local/core/api/jeeApi.php`; a full API URL is kept as is. */
export function apiEndpoint(base: URL): URL {
  const url = new URL(base.href);
  url.search = '';
  url.hash = '';
  if (!url.pathname.endsWith(API_PATH)) url.pathname = `${url.pathname.replace(/\/+$/, '')}${API_PATH}`;
  return url;
}

function snippet(text: string): string {
  const flat = text
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}

function hintForRpc(method: string, code: number, message: string): string {
  if (code === JEEDOM_CODE.notAllowed) {
    if (message.includes('JSON-RPC')) {
      return "enable the JSON-RPC API in Jeedom: Settings → System → Configuration → API, 'Accès API JSONRPC' = Activé";
    }
    return 'check JEEDOM_API_KEY: copy the core key from Settings → System → Configuration → API (or the Virtual plugin key there, which only works while the plugin is installed), and that its API access is Activé';
  }
  if (code === JEEDOM_CODE.noSuchMethod) {
    return `this Jeedom does not know ${method}: update Jeedom to version 4.x`;
  }
  if (message.includes('Type incorrect')) {
    return 'install and enable the Virtual plugin: Plugins → Plugin management → Market, "Virtuel", then Activer';
  }
  return '';
}

function hintForHttp(status: number): string {
  if (status === 404) {
    return 'check JEEDOM_URL (the address you open Jeedom with, without /core/api); Jeedom also answers 404 to an IP it banned after failed logins (Settings → System → Configuration → Security)';
  }
  if (status === 401 || status === 403)
    return 'a proxy in front of Jeedom refuses the request: allow /core/api/jeeApi.php';
  if (status >= 500) return "Jeedom's PHP failed: see the http.error log in Jeedom (Analysis → Logs)";
  if (status >= 300 && status < 400) return 'set JEEDOM_URL to the address Jeedom redirects to (https?)';
  return '';
}

export async function createJeedomClient(options: JeedomClientOptions): Promise<JeedomClient> {
  const { got, TimeoutError } = await import('got');
  const endpoint = apiEndpoint(options.url);
  const shown = displayUrl(endpoint);
  const certificateAuthority = options.caFile ? await readFile(options.caFile) : undefined;
  let keyScope: KeyScope | null = null;
  let requestId = 0;

  const post = async (method: string, params: Record<string, unknown>): Promise<unknown> => {
    requestId += 1;
    let response;
    try {
      response = await got.post(endpoint, {
        json: { jsonrpc: '2.0', id: requestId, method, params },
        ...httpRequestOptions({ ...options, certificateAuthority }),
      });
    } catch (error) {
      // Stopped by the user (Ctrl-C, SIGTERM): not Jeedom's fault, say so as it is.
      if (options.signal?.aborted) throw options.signal.reason ?? error;
      if (error instanceof TimeoutError) {
        throw new JeedomError(
          'timeout',
          method,
          `Jeedom did not answer ${method} within ${Math.round(options.timeoutMs / 1000)} s (${shown})`,
          'check that the box is not overloaded, or raise JEEDOM_TIMEOUT',
        );
      }
      const reason = error instanceof Error ? error.message : String(error);
      const tls = classifyNetworkError(error).kind === 'tls-verification';
      throw new JeedomError(
        'network',
        method,
        `cannot reach Jeedom at ${shown}: ${reason}`,
        tls
          ? "Jeedom's certificate is not trusted: set JEEDOM_CA_FILE to its CA, or JEEDOM_TLS_INSECURE=true for a self-signed box"
          : 'check JEEDOM_URL (host and port) and that Jeedom is reachable from this machine',
      );
    }
    const status = response.statusCode;
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
          ? 'generate an API key in Jeedom: Settings → System → Configuration → API'
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
    // Errors carry `"id": null` (jeeApi.php rebuilds the envelope from the empty `request` parameter): the id is
    // not checked. One request per connection round trip, so answers cannot be mixed up.
    if (error !== undefined && error !== null) {
      const code = Number(error.code);
      const message = String(error.message ?? '');
      const what = code === JEEDOM_CODE.notAllowed && !message.includes('JSON-RPC') ? 'the API key' : method;
      throw new JeedomError(
        'rpc',
        method,
        `Jeedom refused ${what}: ${message} (code ${Number.isFinite(code) ? code : '?'})`,
        hintForRpc(method, code, message),
        { code, jeedomMessage: message },
      );
    }
    if (!('result' in (envelope as object))) {
      throw new JeedomError('protocol', method, `${shown} answered ${method} without result nor error`, '');
    }
    return result;
  };

  const withKey = (params: Record<string, unknown>, scope: KeyScope) =>
    scope === 'virtual'
      ? { ...params, apikey: options.apiKey, plugin: 'virtual' }
      : { ...params, apikey: options.apiKey };

  return {
    endpoint: shown,
    get keyScope() {
      return keyScope;
    },
    async call<T>(method: string, params: Record<string, unknown> = {}): Promise<T> {
      if (keyScope !== null) return (await post(method, withKey(params, keyScope))) as T;
      try {
        const result = await post(method, withKey(params, 'core'));
        if (method !== 'ping') keyScope = 'core';
        return result as T;
      } catch (error) {
        if (!isJeedomRpcError(error, JEEDOM_CODE.notAllowed)) throw error;
        if ((error.details.jeedomMessage ?? '').includes('JSON-RPC')) throw error;
        // jeeApi.php checks a key against the plugin named in `params.plugin` (jeedom::apiAccess($apikey,
        // $params['plugin'])): a Virtual plugin key is only accepted with plugin "virtual".
        try {
          const result = await post(method, withKey(params, 'virtual'));
          keyScope = 'virtual';
          return result as T;
        } catch (second) {
          if (isJeedomRpcError(second, JEEDOM_CODE.notAllowed)) throw error;
          throw second;
        }
      }
    },
  };
}
