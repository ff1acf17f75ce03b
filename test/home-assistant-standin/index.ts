/**
 * An in-process Home Assistant stand-in: the REST API and the WebSocket API on an ephemeral port, enforcing
 * what Home Assistant itself enforces (each rule cites the home-assistant/core file and function it follows),
 * plus an inspection API for tests: what was stored, and knobs (token, admin, version, failures).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  CommandError,
  RecorderStore,
  VALID_ENTITY_ID,
  getStatisticsMetadataSchema,
  importStatisticsSchema,
  listStatisticIdsSchema,
  statisticsDuringPeriodSchema,
  type StatisticMetadata,
  type StatisticRow,
} from './recorder.js';
import { CURRENT_HA_VERSION } from './versions.js';
import {
  dict,
  humanizeErrors,
  literal,
  number,
  optional,
  orNone,
  parseDatetime,
  positiveInt,
  required,
  str,
  type Invalid,
  type KeySpec,
} from './voluptuous.js';

export { CURRENT_HA_VERSION, OLDER_HA_VERSION } from './versions.js';
export type { StatisticMetadata, StatisticRow } from './recorder.js';

export interface StandinOptions {
  /** The version announced in `auth_required`/`auth_ok` and whose rules are applied. */
  haVersion?: string;
  /** The only long-lived access token accepted. */
  token?: string;
  /** Whether the token's user is an administrator. */
  isAdmin?: boolean;
  /** Whether the recorder integration is loaded (its WebSocket commands exist). */
  recorder?: boolean;
  /** Whether the MQTT integration is set up (listed in `/api/config` components). */
  mqttIntegration?: boolean;
  /** Home Assistant's configured time zone (used to group day/week/month statistics). */
  timeZone?: string;
}

export interface EntityState {
  entity_id: string;
  state: string;
  attributes: Record<string, unknown>;
  last_changed: string;
  last_updated: string;
}

export interface HomeAssistantStandin {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Knobs, changeable between runs. */
  readonly options: Required<StandinOptions>;
  /** Copies of the rows stored for a statistic, ordered by start. */
  statistics(statisticId: string): StatisticRow[];
  metadata(statisticId: string): StatisticMetadata | undefined;
  statisticIds(): string[];
  /** Entity states set through `POST /api/states/<entity_id>`. */
  states(): ReadonlyMap<string, EntityState>;
  /** Warnings Home Assistant would have logged (deprecated import metadata, …). */
  warnings(): readonly string[];
  /**
   * After `skip` more accepted imports, the next `count` import_statistics commands fail with Home
   * Assistant's error shape (`success: false`, `unknown_error`, the message).
   */
  failNextImports(count: number, message?: string, skip?: number): void;
  /** The `metadata` object of the last accepted import of a statistic, as received. */
  receivedMetadata(statisticId: string): Record<string, unknown> | undefined;
  /** What `recorder/adjust_sum_statistics` does: shift every sum from `startMs` on. */
  adjustSums(statisticId: string, startMs: number, adjustment: number): void;
  /** Number of import_statistics commands accepted so far. */
  acceptedImports(): number;
  close(): Promise<void>;
}

/** websocket_api/http.py `WebSocketHandler`: aiohttp's `WebSocketResponse` default `max_msg_size` (4 MiB). */
const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

export async function startHomeAssistantStandin(options: StandinOptions = {}): Promise<HomeAssistantStandin> {
  const knobs: Required<StandinOptions> = {
    haVersion: options.haVersion ?? CURRENT_HA_VERSION,
    token: options.token ?? 'standin-long-lived-token',
    isAdmin: options.isAdmin ?? true,
    recorder: options.recorder ?? true,
    mqttIntegration: options.mqttIntegration ?? true,
    timeZone: options.timeZone ?? 'Europe/Paris',
  };
  const recorder = new RecorderStore();
  const states = new Map<string, EntityState>();
  let failures: { count: number; message: string; skip: number } = { count: 0, message: '', skip: 0 };
  let accepted = 0;

  const server: Server = createServer((request, response) => {
    void handleHttp(request, response).catch((error: unknown) => {
      response.writeHead(500, { 'Content-Type': 'text/plain' });
      response.end(`500 Internal Server Error: ${String(error)}`);
    });
  });

  /** core_config.py `Config.as_dict`, trimmed to what clients read. */
  function coreConfig() {
    const components = ['api', 'http', 'websocket_api', ...(knobs.recorder ? ['recorder'] : [])];
    if (knobs.mqttIntegration) components.push('mqtt');
    return { version: knobs.haVersion, time_zone: knobs.timeZone, components };
  }

  /** http/auth.py `async_validate_auth_header`: `Authorization: Bearer <access token>`. */
  const authorized = (request: IncomingMessage): boolean =>
    request.headers.authorization === `Bearer ${knobs.token}`;

  function sendJson(
    response: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ) {
    response.writeHead(status, { 'Content-Type': 'application/json', ...headers });
    response.end(JSON.stringify(body));
  }

  /** aiohttp `HTTPUnauthorized`, raised by the auth middleware and by views on `Unauthorized`. */
  function unauthorized(response: ServerResponse) {
    response.writeHead(401, { 'Content-Type': 'text/plain; charset=utf-8' });
    response.end('401: Unauthorized');
  }

  async function handleHttp(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://standin').pathname;
    const body = await readBody(request);
    if (!path.startsWith('/api/')) {
      sendJson(response, 404, { message: 'Not found' });
      return;
    }
    if (!authorized(request)) return unauthorized(response);

    // api/__init__.py `APIStatusView.get`
    if (path === '/api/' && request.method === 'GET')
      return sendJson(response, 200, { message: 'API running.' });

    // api/__init__.py `APIConfigView.get`
    if (path === '/api/config' && request.method === 'GET') {
      return sendJson(response, 200, coreConfig());
    }

    const stateMatch = /^\/api\/states\/([^/]+)$/.exec(path);
    if (stateMatch) {
      const entityId = decodeURIComponent(stateMatch[1]!);
      if (request.method === 'GET') {
        // api/__init__.py `APIEntityStateView.get`
        const state = states.get(entityId);
        return state
          ? sendJson(response, 200, state)
          : sendJson(response, 404, { message: 'Entity not found.' });
      }
      if (request.method === 'POST') return postState(entityId, body, response);
      if (request.method === 'DELETE') {
        // api/__init__.py `APIEntityStateView.delete`
        if (!knobs.isAdmin) return unauthorized(response);
        return states.delete(entityId)
          ? sendJson(response, 200, { message: 'Entity removed.' })
          : sendJson(response, 404, { message: 'Entity not found.' });
      }
    }
    sendJson(response, 404, { message: 'Not found' });
  }

  /** api/__init__.py `APIEntityStateView.post`. */
  function postState(entityId: string, body: string, response: ServerResponse) {
    if (!knobs.isAdmin) return unauthorized(response);
    let data: unknown;
    try {
      data = body ? JSON.parse(body) : null;
    } catch {
      // `json_loads` raising inside the view: aiohttp turns it into a 500 in Home Assistant too.
      return sendJson(response, 400, { message: 'State data should be a JSON object' });
    }
    if (typeof data !== 'object' || data === null || Array.isArray(data)) {
      return sendJson(response, 400, { message: 'State data should be a JSON object' });
    }
    const record = data as Record<string, unknown>;
    if (record.state === undefined || record.state === null) {
      return sendJson(response, 400, { message: 'No state attribute specified.' });
    }
    // core.py `StateMachine.async_set` → `InvalidEntityFormatError` / `InvalidStateError` (255 characters max).
    if (!VALID_ENTITY_ID.test(entityId))
      return sendJson(response, 400, { message: 'Invalid entity ID specified.' });
    const stateText = String(record.state);
    if (stateText.length > 255) return sendJson(response, 400, { message: 'Invalid state specified.' });
    const isNew = !states.has(entityId);
    const now = new Date().toISOString();
    const previous = states.get(entityId);
    const state: EntityState = {
      entity_id: entityId,
      state: stateText,
      attributes: (record.attributes as Record<string, unknown> | undefined) ?? {},
      last_changed: previous && previous.state === stateText ? previous.last_changed : now,
      last_updated: now,
    };
    states.set(entityId, state);
    sendJson(response, isNew ? 201 : 200, state, { Location: `/api/states/${entityId}` });
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  server.on('upgrade', (request, socket, head) => {
    // websocket_api/__init__.py `URL = "/api/websocket"`
    if (new URL(request.url ?? '/', 'http://standin').pathname !== '/api/websocket') {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => handleConnection(ws));
  });

  function handleConnection(ws: WebSocket) {
    let authenticated = false;
    let lastId = 0;
    const send = (message: unknown) => ws.send(JSON.stringify(message));
    const result = (id: number, value: unknown = null) =>
      send({ id, type: 'result', success: true, result: value });
    const error = (id: number, code: string, message: string) =>
      send({ id, type: 'result', success: false, error: { code, message } });

    // websocket_api/auth.py `AUTH_REQUIRED_MESSAGE`
    send({ type: 'auth_required', ha_version: knobs.haVersion });

    ws.on('message', (raw) => {
      let message: unknown;
      try {
        message = JSON.parse(String(raw));
      } catch {
        // websocket_api/http.py `_async_handle_auth_phase` / `_async_handle_message`: invalid JSON disconnects.
        ws.close();
        return;
      }
      if (!authenticated) {
        authenticated = handleAuth(message);
        return;
      }
      handleCommand(message);
    });

    /** websocket_api/auth.py `AuthPhase.async_handle`. */
    function handleAuth(message: unknown): boolean {
      const errors: Invalid[] = [];
      const record = message as Record<string, unknown>;
      // AUTH_MESSAGE_SCHEMA: `type: "auth"` and either `api_password` or `access_token`, both strings.
      dict({ type: required(literal('auth')), api_password: optional(str), access_token: optional(str) })(
        message,
        [],
        errors,
      );
      if (errors.length > 0) {
        send({
          type: 'auth_invalid',
          message: `Auth message incorrectly formatted: ${humanizeErrors(message, errors)}`,
        });
        ws.close();
        return false;
      }
      if (record.access_token === knobs.token) {
        send({ type: 'auth_ok', ha_version: knobs.haVersion });
        return true;
      }
      send({ type: 'auth_invalid', message: 'Invalid access token or password' });
      ws.close();
      return false;
    }

    /** websocket_api/connection.py `ActiveConnection.async_handle`. */
    function handleCommand(message: unknown) {
      const record = message as Record<string, unknown>;
      if (
        typeof message !== 'object' ||
        message === null ||
        Array.isArray(message) ||
        typeof record.id !== 'number' ||
        !Number.isInteger(record.id) ||
        record.id === 0 ||
        typeof record.type !== 'string' ||
        record.type === ''
      ) {
        const id = typeof record?.id === 'number' ? record.id : 0;
        return error(id, 'invalid_format', 'Message incorrectly formatted.');
      }
      const id = record.id as number;
      const type = record.type as string;
      if (id <= lastId) return error(id, 'id_reuse', 'Identifier values have to increase.');
      lastId = id;

      // websocket_api/commands.py `handle_ping`: not a result message.
      if (type === 'ping') return send({ id, type: 'pong' });

      const command = commands[type];
      if (!command || (command.recorder && !knobs.recorder))
        return error(id, 'unknown_command', 'Unknown command.');

      // decorators.py `websocket_command`: BASE_COMMAND_MESSAGE_SCHEMA.extend(schema), validated before the handler.
      const errors: Invalid[] = [];
      const validated = dict({ id: required(positiveInt), type: required(literal(type)), ...command.schema })(
        message,
        [],
        errors,
      ) as Record<string, unknown>;
      if (errors.length > 0) return error(id, 'invalid_format', humanizeErrors(message, errors));

      // decorators.py `require_admin` → `Unauthorized` → connection.py `async_handle_exception`.
      if (command.admin && !knobs.isAdmin) return error(id, 'unauthorized', 'Unauthorized');
      try {
        result(id, command.run(validated));
      } catch (failure) {
        if (failure instanceof CommandError) return error(id, failure.code, failure.message);
        throw failure;
      }
    }
  }

  interface Command {
    schema: Record<string, KeySpec>;
    admin?: boolean;
    recorder?: boolean;
    run(message: Record<string, unknown>): unknown;
  }

  const commands: Record<string, Command> = {
    // auth/__init__.py `websocket_current_user`
    'auth/current_user': {
      schema: {},
      run: () => ({
        id: 'standin-user',
        name: 'med-export',
        is_owner: false,
        is_admin: knobs.isAdmin,
        credentials: [],
        mfa_modules: [],
      }),
    },
    // websocket_api/commands.py `handle_get_config`
    get_config: {
      schema: {},
      run: () => coreConfig(),
    },
    // recorder/websocket_api.py `ws_info`
    'recorder/info': {
      schema: {},
      recorder: true,
      run: () => ({
        backlog: 0,
        max_backlog: 65000,
        migration_in_progress: false,
        migration_is_live: false,
        recording: true,
        thread_running: true,
      }),
    },
    // recorder/websocket_api.py `ws_import_statistics` (decorated with `require_admin`)
    'recorder/import_statistics': {
      get schema() {
        return importStatisticsSchema(knobs.haVersion);
      },
      admin: true,
      recorder: true,
      run: (message) => {
        if (failures.count > 0 && failures.skip > 0) failures.skip -= 1;
        else if (failures.count > 0) {
          failures.count -= 1;
          throw new CommandError('unknown_error', failures.message);
        }
        recorder.importStatistics(knobs.haVersion, message);
        accepted += 1;
        return null;
      },
    },
    // recorder/websocket_api.py `ws_adjust_sum_statistics` (decorated with `require_admin`)
    'recorder/adjust_sum_statistics': {
      schema: {
        statistic_id: required(str),
        start_time: required(str),
        adjustment: required(number),
        adjustment_unit_of_measurement: required(orNone(str)),
      },
      admin: true,
      recorder: true,
      run: (message) => {
        const start = parseDatetime(message.start_time as string);
        if (!start) throw new CommandError('invalid_start_time', 'Invalid start time');
        recorder.adjustSumStatistics(message.statistic_id as string, start.ms, message.adjustment as number);
        return null;
      },
    },
    // recorder/websocket_api.py `ws_get_statistics_during_period`
    'recorder/statistics_during_period': {
      schema: statisticsDuringPeriodSchema,
      recorder: true,
      run: (message) => recorder.statisticsDuringPeriod(message, knobs.timeZone),
    },
    // recorder/websocket_api.py `ws_list_statistic_ids`
    'recorder/list_statistic_ids': {
      schema: listStatisticIdsSchema,
      recorder: true,
      run: (message) =>
        recorder.listStatisticIds(knobs.haVersion, message.statistic_type as string | undefined),
    },
    // recorder/websocket_api.py `ws_get_statistics_metadata`
    'recorder/get_statistics_metadata': {
      schema: getStatisticsMetadataSchema,
      recorder: true,
      run: (message) =>
        recorder.listStatisticIds(knobs.haVersion, undefined, message.statistic_ids as string[] | undefined),
    },
  };

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    options: knobs,
    statistics: (statisticId) =>
      [...(recorder.statistics.get(statisticId)?.rows.values() ?? [])]
        .map((row) => ({ ...row }))
        .sort((a, b) => a.start - b.start),
    metadata: (statisticId) => recorder.statistics.get(statisticId)?.metadata,
    statisticIds: () => [...recorder.statistics.keys()].sort(),
    states: () => states,
    warnings: () => recorder.warnings,
    failNextImports: (count, message = 'Error while importing statistics', skip = 0) => {
      failures = { count, message, skip };
    },
    receivedMetadata: (statisticId) => recorder.receivedMetadata.get(statisticId),
    adjustSums: (statisticId, startMs, adjustment) =>
      recorder.adjustSumStatistics(statisticId, startMs, adjustment),
    acceptedImports: () => accepted,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}
