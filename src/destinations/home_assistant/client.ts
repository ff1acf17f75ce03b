/**
 * Home Assistant's WebSocket API (auth handshake, commands) and REST API, as home-assistant/core implements
 * them in homeassistant/components/websocket_api/ and homeassistant/components/api/__init__.py.
 */
import { httpText } from '../../net/http-text.js';
import { readPem } from '../../net/read-pem.js';
import type { WebSocket as WsSocket } from 'ws';
import { withDeadline } from '../../net/deadline.js';
import { explainNetworkError } from '../../net/explain-network-error.js';
import type { NetworkTarget } from '../../net/explain-network-error.js';
import { displayUrl } from '../../redact.js';

export interface ConnectionOptions {
  url: URL;
  token: string;
  timeoutMs: number;
  signal?: AbortSignal;
  caCert?: string | undefined;
  tlsInsecure?: boolean;
}

/** The token was refused (`auth_invalid`, or HTTP 401). */
export class HomeAssistantAuthError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HomeAssistantAuthError';
  }
}

/** A command answered `success: false`: Home Assistant's own error code and message. */
export class HomeAssistantCommandError extends Error {
  constructor(
    readonly command: string,
    readonly code: string,
    readonly serverMessage: string,
  ) {
    super(`Home Assistant refused ${command}: ${serverMessage} (${code})`);
    this.name = 'HomeAssistantCommandError';
  }
}

export const TOKEN_HINT =
  'create a long-lived access token in Home Assistant (your user profile → Security → Long-lived access tokens → Create token) and put it in HOME_ASSISTANT_TOKEN';

/** `http://ha:8123/base` → `ws://ha:8123/base/api/websocket` (websocket_api/const.py `URL`). */
export function websocketUrl(base: URL): string {
  const url = new URL(base.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.username = '';
  url.password = '';
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/api/websocket`;
  url.search = '';
  url.hash = '';
  return url.href;
}

/** `http://ha:8123/base` + `/api/states/x` */
export function apiUrl(base: URL, path: string): string {
  const url = new URL(base.href);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}${path}`;
  url.search = '';
  url.hash = '';
  return url.href;
}

function caOf(path: string | undefined): Buffer | undefined {
  return path ? readPem(path) : undefined;
}

/** Names Home Assistant's options in the shared network-error explanations. */
function networkTarget(url: URL): NetworkTarget {
  return {
    service: 'Home Assistant',
    url,
    urlOption: 'HOME_ASSISTANT_URL',
    timeoutOption: 'HOME_ASSISTANT_TIMEOUT',
    caOption: 'HOME_ASSISTANT_CA_CERT',
    hints: { reset: 'and any reverse proxy in front of Home Assistant' },
  };
}

interface Pending {
  command: string;
  resolve: (result: unknown) => void;
  reject: (error: Error) => void;
}

/**
 * One authenticated WebSocket connection. Commands carry increasing ids (connection.py
 * `ActiveConnection.async_handle` refuses an id that does not increase) and are answered by a `result`
 * message with the same id.
 */
export class HomeAssistantSocket {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private closedError: Error | null = null;

  private constructor(
    private readonly socket: WsSocket,
    readonly haVersion: string,
    private readonly options: ConnectionOptions,
  ) {
    socket.on('message', (data) => this.onMessage(String(data)));
    socket.on('close', (code, reason) => {
      this.closedError = new Error(
        `Home Assistant closed the WebSocket connection (${code}${reason.length > 0 ? ` ${String(reason)}` : ''})` +
          (code === 1009 ? ': a message was too large, lower HOME_ASSISTANT_CHUNK_SIZE' : ''),
      );
      for (const pending of this.pending.values()) pending.reject(this.closedError);
      this.pending.clear();
    });
    socket.on('error', () => undefined);
  }

  /**
   * Connects and authenticates (websocket_api/auth.py `AuthPhase.async_handle`): the server sends
   * `auth_required`, the client answers `{type: "auth", access_token}`, the server replies `auth_ok` with
   * `ha_version`, or `auth_invalid` with a message and closes.
   */
  static async connect(options: ConnectionOptions): Promise<HomeAssistantSocket> {
    const { default: WebSocket } = await import('ws');
    const url = websocketUrl(options.url);
    const ca = caOf(options.caCert);
    const socket = new WebSocket(url, {
      handshakeTimeout: options.timeoutMs,
      rejectUnauthorized: options.tlsInsecure !== true,
      ...(ca ? { ca } : {}),
    });
    const handshake = new Promise<string>((resolve, reject) => {
      socket.on('message', function onAuth(data) {
        let message: { type?: string; ha_version?: string; message?: string };
        try {
          message = JSON.parse(String(data)) as typeof message;
        } catch {
          reject(
            new Error(`${displayUrl(options.url)} did not answer like Home Assistant on /api/websocket`),
          );
          return;
        }
        if (message.type === 'auth_required') {
          socket.send(JSON.stringify({ type: 'auth', access_token: options.token }));
        } else if (message.type === 'auth_ok') {
          socket.off('message', onAuth);
          resolve(message.ha_version ?? 'unknown');
        } else if (message.type === 'auth_invalid') {
          reject(
            new HomeAssistantAuthError(
              `Home Assistant refused the token (${message.message ?? 'auth_invalid'}): ${TOKEN_HINT}`,
            ),
          );
        }
      });
      socket.once('error', (error) =>
        reject(new Error(explainNetworkError(error, networkTarget(options.url)), { cause: error })),
      );
      socket.once('unexpected-response', (_request, response) =>
        reject(
          new Error(
            `${displayUrl(options.url)} answered HTTP ${response.statusCode} on /api/websocket: is this Home Assistant's address?`,
          ),
        ),
      );
      socket.once('close', () =>
        reject(new Error(`${displayUrl(options.url)} closed the connection during authentication`)),
      );
    });
    try {
      const haVersion = await withDeadline(handshake, {
        timeoutMs: options.timeoutMs,
        signal: options.signal,
        what: `authenticating with ${displayUrl(options.url)}`,
      });
      return new HomeAssistantSocket(socket, haVersion, options);
    } catch (error) {
      socket.terminate();
      throw error;
    }
  }

  /** Sends one command and waits for its result; a `success: false` answer rejects with Home Assistant's text. */
  async command<T = unknown>(message: Record<string, unknown> & { type: string }): Promise<T> {
    return this.send<T>(message.type, (id) => JSON.stringify({ id, ...message }));
  }

  /**
   * `command` for a message the caller serializes (large imports are written once, not built as objects and
   * stringified): `serialize` returns the JSON of the whole message, given its `id`, as text or UTF-8 bytes.
   */
  async commandJson<T = unknown>(type: string, serialize: (id: number) => string | Buffer): Promise<T> {
    return this.send<T>(type, serialize);
  }

  private async send<T>(type: string, serialize: (id: number) => string | Buffer): Promise<T> {
    if (this.closedError) throw this.closedError;
    const id = this.nextId++;
    const answer = new Promise<unknown>((resolve, reject) => {
      this.pending.set(id, { command: type, resolve, reject });
    });
    const data = serialize(id);
    // Home Assistant reads text frames only (websocket_api/http.py): bytes go as text too.
    if (typeof data === 'string') this.socket.send(data);
    else this.socket.send(data, { binary: false });
    try {
      return (await withDeadline(answer, {
        timeoutMs: this.options.timeoutMs,
        signal: this.options.signal,
        what: `waiting for Home Assistant to answer ${type}`,
      })) as T;
    } finally {
      this.pending.delete(id);
    }
  }

  async close(): Promise<void> {
    if (this.socket.readyState === this.socket.CLOSED) return;
    const closed = new Promise<void>((resolve) => this.socket.once('close', () => resolve()));
    this.socket.close();
    await withDeadline(closed, { timeoutMs: 2000, what: 'closing the WebSocket' }).catch(() =>
      this.socket.terminate(),
    );
  }

  private onMessage(text: string): void {
    let message: {
      id?: number;
      type?: string;
      success?: boolean;
      result?: unknown;
      error?: { code?: string; message?: string };
    };
    try {
      message = JSON.parse(text) as typeof message;
    } catch {
      return;
    }
    if (message.type !== 'result' || typeof message.id !== 'number') return;
    const pending = this.pending.get(message.id);
    if (!pending) return;
    if (message.success) pending.resolve(message.result ?? null);
    else {
      pending.reject(
        new HomeAssistantCommandError(
          pending.command,
          message.error?.code ?? 'unknown_error',
          message.error?.message ?? 'no message',
        ),
      );
    }
  }
}

export interface RestResponse {
  status: number;
  body: string;
}

/**
 * REST calls with the bearer token (http/auth.py `async_validate_auth_header`); never throws on a status. Node's
 * own HTTP client, already loaded by the WebSocket client: a general one would cost a pass more to load than
 * its few calls take. One attempt, no redirect followed (a redirect to a login page is a misconfiguration to
 * report), the whole request bounded by the timeout, TLS verified unless the user said otherwise.
 */
export async function restRequest(
  options: ConnectionOptions,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<RestResponse> {
  try {
    const response = await httpText(apiUrl(options.url, path), {
      method,
      body: body === undefined ? undefined : JSON.stringify(body),
      headers: {
        authorization: `Bearer ${options.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      timeoutMs: options.timeoutMs,
      signal: options.signal,
      certificateAuthority: caOf(options.caCert),
      tlsInsecure: options.tlsInsecure,
    });
    return { status: response.statusCode, body: response.body };
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new Error(explainNetworkError(error, networkTarget(options.url)), { cause: error });
  }
}

/** The text of a Home Assistant JSON error body (`{"message": …}`, api/__init__.py `json_message`). */
export function restMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as { message?: unknown };
    if (typeof parsed.message === 'string') return parsed.message;
  } catch {
    // not JSON: the text itself
  }
  return body.trim().slice(0, 200);
}
