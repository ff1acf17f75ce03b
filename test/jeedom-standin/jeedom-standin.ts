import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';
import { handleJsonRpc } from './jee-api.js';
import type { ApiSettings, JeedomRelease } from './jee-api.js';
import type { Cmd, CmdCache, EqLogic, HistoryPoint, Json, JeedomObject } from './store.js';
import { JeedomStore, PhpFatalError } from './store.js';

/**
 * An in-process stand-in for a Jeedom box's `/core/api/jeeApi.php` (JSON-RPC 2.0), following jeedom/core 4.5.3
 * (or 4.4.12 with `release: '4.4'`) and plugin-virtual for every method med-export uses (see store.ts and
 * jee-api.ts for the rules and where they come from), with an inspection API for tests and knobs to break it.
 * It starts as a fresh box: the Virtual plugin installed and enabled, no object, no equipment.
 */

export interface JeedomStandinOptions {
  /** Which Jeedom it answers like; 4.5 (4.5.3, the current stable) by default. */
  release?: JeedomRelease;
  /** The core API key (Réglages → Système → Configuration → API). */
  apiKey?: string;
  /** The Virtual plugin's own API key. */
  virtualApiKey?: string;
  version?: string;
  /** Jeedom's timezone setting; event datetimes and "now" are wall-clock times in it. */
  timeZone?: string;
  now?: () => Date;
  /** Jeedom installed under a sub-path, e.g. `/jeedom`. */
  basePath?: string;
}

export type FailureMode =
  /** Apache/PHP answers HTTP 500 with an HTML page. */
  | { kind: 'http'; status: number; body?: string }
  /** The request is read and never answered (the client has to time out). */
  | { kind: 'hang' }
  /** The connection is dropped without an answer. */
  | { kind: 'reset' };

export interface FailureRule {
  /** Only calls of this JSON-RPC method; every request when absent. */
  method?: string;
  /** Let this many matching requests through first. */
  after?: number;
  /** How many matching requests fail (after `after`); forever when absent. */
  times?: number;
  mode: FailureMode;
}

export interface LoggedRequest {
  method: string;
  params: Record<string, unknown>;
}

export interface JeedomStandin {
  /** Base URL to give med-export as JEEDOM_URL, e.g. `http://127.0.0.1:41234`. */
  url: string;
  release: JeedomRelease;
  /** What `version` answers. */
  version: string;
  apiKey: string;
  virtualApiKey: string;
  store: JeedomStore;

  // ---- inspection ----
  equipments(): EqLogic[];
  equipmentByLogicalId(logicalId: string): EqLogic | undefined;
  commands(eqLogicId: number): Cmd[];
  command(id: number): Cmd | undefined;
  commandByLogicalId(eqLogicId: number, logicalId: string): Cmd | undefined;
  /** The command's cache: current value with its valueDate and collectDate. */
  current(cmdId: number): CmdCache | undefined;
  /** History points, oldest first, values as Jeedom stores them (text). */
  history(cmdId: number): HistoryPoint[];
  /** Every JSON-RPC request received, API key removed (for debugging a failing test). */
  requests: LoggedRequest[];

  // ---- knobs ----
  addObject(name: string): JeedomObject;
  setApiKey(key: string): void;
  setPlugin(id: string, state: { installed: boolean; active: boolean }): void;
  /** "Accès API" of a key (Settings → System → Configuration, API tab): `core` or a plugin id. */
  setApiAccess(plugin: string, enabled: boolean): void;
  /** Jeedom bans an IP after repeated failed logins (user::isBan): every request then gets a 404 page. */
  setBanned(banned: boolean): void;
  setCoreConfig(key: string, value: Json): void;
  setEquipmentEnabled(id: number, enabled: boolean): void;
  /** As if the user deleted the command in Jeedom's UI (its history goes with it). */
  removeCommand(id: number): void;
  /** As if the user deleted the equipment (its commands and their history go with it). */
  removeEquipment(id: number): void;
  renameCommand(id: number, name: string): void;
  /** Jeedom's history archiving cron (history::archive). */
  runHistoryArchive(): void;
  failRequests(rule: FailureRule): void;
  clearFailures(): void;
  close(): Promise<void>;
}

const DEFAULT_API_KEY = 'standinCoreApiKey0123456789abcdefghijklmnopqrstuv';
const DEFAULT_VIRTUAL_KEY = 'standinVirtualApiKey0123456789abcdefghijklmnopq';

export async function startJeedomStandin(options: JeedomStandinOptions = {}): Promise<JeedomStandin> {
  const store = new JeedomStore({
    timeZone: options.timeZone ?? 'Europe/Paris',
    now: options.now ?? (() => new Date()),
  });
  const release = options.release ?? '4.5';
  const settings: ApiSettings = {
    release,
    coreApiKey: options.apiKey ?? DEFAULT_API_KEY,
    pluginApiKeys: new Map([['virtual', options.virtualApiKey ?? DEFAULT_VIRTUAL_KEY]]),
    disabledApiModes: new Set(),
    version: options.version ?? (release === '4.5' ? '4.5.3' : '4.4.12'),
  };
  const basePath = (options.basePath ?? '').replace(/\/+$/, '');
  const endpoint = `${basePath}/core/api/jeeApi.php`;
  const requests: LoggedRequest[] = [];
  const rules: (FailureRule & { seen: number; failed: number })[] = [];
  const sockets = new Set<Socket>();
  let banned = false;

  const failureFor = (method: string): FailureMode | null => {
    for (const rule of rules) {
      if (rule.method !== undefined && rule.method !== method) continue;
      rule.seen += 1;
      if (rule.seen <= (rule.after ?? 0)) continue;
      if (rule.times !== undefined && rule.failed >= rule.times) continue;
      rule.failed += 1;
      return rule.mode;
    }
    return null;
  };

  const respond = (res: ServerResponse, status: number, contentType: string, body: string) => {
    res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };

  const handle = (req: IncomingMessage, res: ServerResponse, body: string) => {
    const url = new URL(req.url ?? '/', 'http://standin');
    if (banned) {
      // core/api/jeeApi.php: `if (user::isBan())` → 404 page.
      respond(
        res,
        404,
        'text/html',
        '<h1>404 Not Found</h1>The page that you have requested could not be found.',
      );
      return;
    }
    if (url.pathname !== endpoint) {
      respond(
        res,
        404,
        'text/html',
        '<h1>Not Found</h1><p>The requested URL was not found on this server.</p>',
      );
      return;
    }
    if (url.searchParams.get('type')) {
      respond(res, 200, 'text/html', 'stand-in: the type=… HTTP API is not modelled');
      return;
    }
    const form = req.headers['content-type']?.includes('application/x-www-form-urlencoded')
      ? new URLSearchParams(body)
      : null;
    const requestParam = url.searchParams.get('request') ?? form?.get('request') ?? null;
    let logged: LoggedRequest = { method: '?', params: {} };
    try {
      const decoded = JSON.parse(requestParam ?? body) as {
        method?: unknown;
        params?: Record<string, unknown>;
      };
      const params = { ...decoded.params };
      delete params['apikey'];
      delete params['api'];
      logged = { method: String(decoded.method ?? '?'), params };
    } catch {
      // logged as '?': the API answers it below like Jeedom does
    }
    requests.push(logged);
    const failure = failureFor(logged.method);
    if (failure?.kind === 'hang') return;
    if (failure?.kind === 'reset') {
      req.socket.destroy();
      return;
    }
    if (failure?.kind === 'http') {
      respond(res, failure.status, 'text/html', failure.body ?? `<h1>${failure.status}</h1>`);
      return;
    }
    try {
      const answer = handleJsonRpc(store, settings, requestParam, body);
      respond(res, answer.status, answer.contentType, answer.body);
    } catch (error) {
      if (error instanceof PhpFatalError) {
        // An uncaught PHP Error: HTTP 500, nothing in the body (display_errors is off on a Jeedom box).
        respond(res, 500, 'text/html', '');
        return;
      }
      throw error;
    }
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}${basePath}`,
    release,
    version: settings.version,
    get apiKey() {
      return settings.coreApiKey;
    },
    get virtualApiKey() {
      return settings.pluginApiKeys.get('virtual') ?? '';
    },
    store,
    requests,
    equipments: () => [...store.eqLogics.values()].map((eq) => structuredClone(eq)),
    equipmentByLogicalId: (logicalId) => {
      const found = [...store.eqLogics.values()].find((eq) => eq.logicalId === logicalId);
      return found && structuredClone(found);
    },
    commands: (eqLogicId) => store.cmdsOf(eqLogicId).map((cmd) => structuredClone(cmd)),
    command: (id) => {
      const cmd = store.cmds.get(id);
      return cmd && structuredClone(cmd);
    },
    commandByLogicalId: (eqLogicId, logicalId) => {
      const found = store.cmdsOf(eqLogicId).find((cmd) => cmd.logicalId === logicalId);
      return found && structuredClone(found);
    },
    current: (cmdId) => store.cacheState(cmdId),
    history: (cmdId) => store.historyOf(cmdId),
    addObject: (name) => store.addObject(name),
    setApiKey: (key) => {
      settings.coreApiKey = key;
    },
    setPlugin: (id, state) => {
      const previous = store.plugins.get(id);
      store.plugins.set(id, { name: previous?.name ?? id, ...state });
    },
    setApiAccess: (plugin, enabled) => {
      if (enabled) settings.disabledApiModes.delete(plugin);
      else settings.disabledApiModes.add(plugin);
    },
    setBanned: (value) => {
      banned = value;
    },
    setCoreConfig: (key, value) => {
      store.coreConfig.set(key, value);
    },
    setEquipmentEnabled: (id, enabled) => {
      const eq = store.eqLogics.get(id);
      if (!eq) throw new Error(`no equipment ${id}`);
      eq.isEnable = enabled ? 1 : 0;
    },
    removeCommand: (id) => store.removeCmd(id),
    removeEquipment: (id) => store.removeEqLogic(id),
    renameCommand: (id, name) => {
      const cmd = store.cmds.get(id);
      if (!cmd) throw new Error(`no command ${id}`);
      cmd.name = name;
    },
    runHistoryArchive: () => store.archiveHistory(),
    failRequests: (rule) => {
      rules.push({ ...rule, seen: 0, failed: 0 });
    },
    clearFailures: () => {
      rules.length = 0;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
