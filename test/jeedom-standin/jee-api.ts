import type { Cmd, EqLogic, Json, JsonObject, JeedomStore } from './store.js';
import { PhpException } from './store.js';
import { phpString } from './php.js';

/**
 * jeedom/core `core/api/jeeApi.php`, JSON-RPC part, for the methods med-export calls, and
 * `core/class/jsonrpc.class.php` for the envelope. Line numbers are those of 4.5.3 (commit b5e67585c); where
 * 4.4 (V4-stable, 4.4.12) differs, its lines are given too.
 */

/**
 * `4.5`: Jeedom 4.5.3 on PHP 8.2, the current stable. `4.4`: Jeedom 4.4.12 on PHP 7.4 (Debian 11), where an
 * empty result is `[]` and ids come back as strings.
 */
export type JeedomRelease = '4.5' | '4.4';

export interface ApiSettings {
  release: JeedomRelease;
  /** config::byKey('api'): the core API key. */
  coreApiKey: string;
  /** config::byKey('api', plugin): each plugin's own key. */
  pluginApiKeys: Map<string, string>;
  /**
   * config 'api::<plugin>::mode' set to 'disable' for these (the "Accès API" of each key, Settings → System →
   * Configuration, API tab; jeedom::apiModeResult). There is no JSON-RPC switch since 4.2 (commit a9886c24b).
   */
  disabledApiModes: Set<string>;
  /** jeedom::version() */
  version: string;
}

/** PDO under PHP 8.1+ returns integer columns as numbers, under PHP 7 as strings. */
function phpInt(value: number, settings: ApiSettings): number | string {
  return settings.release === '4.5' ? value : String(value);
}

/**
 * PHP's `empty()`: what jsonrpc.class.php `makeSuccess()` replaces with 'ok' in 4.5 (74-80, commit 18608ea19,
 * 2025-02-17); 4.4's `makeSuccess($_result = 'ok')` sends any result as is.
 */
function phpEmpty(value: Json): boolean {
  return (
    value === null ||
    value === false ||
    value === 0 ||
    value === '' ||
    value === '0' ||
    (Array.isArray(value) && value.length === 0)
  );
}

export interface ApiResponse {
  status: number;
  contentType: string;
  body: string;
}

interface Envelope {
  jsonrpc: unknown;
  method: string;
  params: JsonObject;
  id: Json;
}

/** jsonrpc.class.php `__construct`: json_decode, method 'none' when empty, params decoded again if a string. */
function parseEnvelope(text: string): Envelope {
  let decoded: unknown;
  try {
    decoded = JSON.parse(text);
  } catch {
    decoded = null;
  }
  const request =
    typeof decoded === 'object' && decoded !== null && !Array.isArray(decoded) ? (decoded as JsonObject) : {};
  let params: unknown = request['params'];
  if (typeof params === 'string') {
    try {
      params = JSON.parse(params);
    } catch {
      params = null;
    }
  }
  const method = phpString(request['method']);
  return {
    jsonrpc: request['jsonrpc'] ?? null,
    method: method === '' ? 'none' : method,
    params:
      typeof params === 'object' && params !== null && !Array.isArray(params) ? (params as JsonObject) : {},
    id: request['id'] ?? null,
  };
}

/** jeeApi.php 267-268: `header('Content-Type: application/json')`. */
const CONTENT_TYPE = 'application/json';

function success(settings: ApiSettings, id: Json, result: Json): ApiResponse {
  const sent = settings.release === '4.5' && phpEmpty(result) ? 'ok' : result;
  return {
    status: 200,
    contentType: CONTENT_TYPE,
    body: JSON.stringify({ jsonrpc: '2.0', id, result: sent }),
  };
}

/**
 * jeeApi.php's catch block (1412-1426): `$errorCode = is_numeric($e->getCode()) ? -32000 - $e->getCode() :
 * -32599`, so an exception thrown with -32001 answers code 1, -32002 code 2, -32702 code 702, a plain Exception
 * (code 0) -32000 and a PDOException (SQLSTATE '23000') -55000. 4.5 answers with the request's own envelope, so
 * its id; 4.4 (1412) rebuilds it from `init('request')`, empty when the request came as the POST body: the
 * error then carries `"id": null`.
 */
function failure(
  settings: ApiSettings,
  error: PhpException,
  envelope: Envelope,
  requestParam: string | null,
): ApiResponse {
  const code =
    typeof error.code === 'number' || /^-?\d+(\.\d+)?$/.test(String(error.code))
      ? -32000 - Number(error.code)
      : -32599;
  const id =
    settings.release === '4.5' ? envelope.id : requestParam === null ? null : parseEnvelope(requestParam).id;
  return {
    status: 200,
    contentType: CONTENT_TYPE,
    body: JSON.stringify({ jsonrpc: '2.0', id, error: { code, message: error.message } }),
  };
}

/**
 * jeedom.class.php `apiAccess($_apikey, $_plugin)`: keys shorter than 16 characters are refused; the plugin's API
 * mode must allow the call; then the key must be exactly `getApiKey($_plugin)`, which only exists for an
 * installed plugin. (User hash keys are not modelled.)
 */
function apiAccess(settings: ApiSettings, store: JeedomStore, apikey: string, plugin = 'core'): boolean {
  if (apikey.trim() === '' || apikey.length < 16) return false;
  if (settings.disabledApiModes.has(plugin)) return false;
  const expected =
    plugin === 'core'
      ? settings.coreApiKey
      : store.plugins.get(plugin)?.installed
        ? settings.pluginApiKeys.get(plugin)
        : undefined;
  return expected !== undefined && expected.trim() !== '' && expected === apikey;
}

/** utils::o2a: every property not starting with '_', integers as PDO hands them back (phpInt). */
function eqLogicToArray(eqLogic: EqLogic, settings: ApiSettings): JsonObject {
  const int = (value: number) => phpInt(value, settings);
  return {
    id: int(eqLogic.id),
    name: eqLogic.name,
    logicalId: eqLogic.logicalId,
    generic_type: eqLogic.generic_type,
    object_id: eqLogic.object_id === null ? null : int(eqLogic.object_id),
    eqType_name: eqLogic.eqType_name,
    isVisible: int(eqLogic.isVisible),
    isEnable: int(eqLogic.isEnable),
    configuration: eqLogic.configuration,
    timeout: eqLogic.timeout === null ? null : int(eqLogic.timeout),
    category: eqLogic.category,
    display: eqLogic.display,
    order: int(eqLogic.order),
    comment: eqLogic.comment,
    tags: eqLogic.tags,
    status: eqLogic.status,
  };
}

function cmdToArray(cmd: Cmd, settings: ApiSettings): JsonObject {
  const int = (value: number) => phpInt(value, settings);
  return {
    id: int(cmd.id),
    logicalId: cmd.logicalId,
    generic_type: cmd.generic_type,
    eqType: cmd.eqType,
    name: cmd.name,
    order: int(cmd.order),
    type: cmd.type,
    subType: cmd.subType,
    eqLogic_id: int(cmd.eqLogic_id),
    isHistorized: int(cmd.isHistorized),
    unite: cmd.unite,
    configuration: cmd.configuration,
    template: cmd.template,
    display: cmd.display,
    value: cmd.value,
    isVisible: int(cmd.isVisible),
    alert: cmd.alert,
  };
}

/** cmd.class.php `exportApi()`: o2a plus `currentValue` (execCmd for an info command). */
function cmdExportApi(store: JeedomStore, cmd: Cmd, settings: ApiSettings): JsonObject {
  return { ...cmdToArray(cmd, settings), currentValue: store.currentValue(cmd) };
}

/** `save` answers o2a of the object it just saved: its new id from PDO's lastInsertId(), a string. */
function savedArray(row: JsonObject): JsonObject {
  return { ...row, id: String(row['id']) };
}

function idParam(params: JsonObject, key = 'id'): number {
  const value = Number(params[key]);
  return Number.isInteger(value) ? value : -1;
}

/** The JSON-RPC methods, in jeeApi.php's order; each throws like the PHP branch it follows. */
function dispatch(store: JeedomStore, settings: ApiSettings, envelope: Envelope): Json {
  const { method, params } = envelope;
  switch (method) {
    case 'version':
      return settings.version;
    case 'plugin::listPlugin': {
      // plugin::listPlugin($activateOnly): active plugins from config, else every folder under plugins/.
      const activateOnly =
        params['activateOnly'] === 1 || params['activateOnly'] === '1' || params['activateOnly'] === true;
      return [...store.plugins]
        .filter(([, plugin]) => plugin.installed && (!activateOnly || plugin.active))
        .map(([id, plugin]) => ({ id, name: plugin.name, category: 'programming' }));
    }
    case 'jeeObject::byId':
    case 'object::byId': {
      const object = store.objects.get(idParam(params));
      if (!object) throw new PhpException(`Objet introuvable : ${phpString(params['id'])}`, -32601);
      return {
        id: phpInt(object.id, settings),
        name: object.name,
        father_id: object.father_id,
        isVisible: phpInt(object.isVisible, settings),
      };
    }
    case 'eqLogic::byType': {
      const type = phpString(params['type']);
      return [...store.eqLogics.values()]
        .filter((eq) => eq.eqType_name === type)
        .map((eq) => eqLogicToArray(eq, settings));
    }
    case 'eqLogic::byId': {
      const eqLogic = store.eqLogics.get(idParam(params));
      if (!eqLogic) throw new PhpException(`EqLogic introuvable : ${phpString(params['id'])}`, -32602);
      return eqLogicToArray(eqLogic, settings);
    }
    case 'eqLogic::save':
      return savedArray(eqLogicToArray(store.saveEqLogic(params), settings));
    case 'cmd::byEqLogicId':
      return store.cmdsOf(idParam(params, 'eqLogic_id')).map((cmd) => cmdExportApi(store, cmd, settings));
    case 'cmd::byId': {
      const cmd = store.cmds.get(idParam(params));
      if (!cmd) throw new PhpException(`Cmd introuvable : ${phpString(params['id'])}`, -32701);
      return cmdExportApi(store, cmd, settings);
    }
    case 'cmd::getHistory': {
      const cmd = store.cmds.get(idParam(params));
      if (!cmd) throw new PhpException(`Commande introuvable : ${phpString(params['id'])}`, -32702);
      const start = params['startTime'] === undefined ? undefined : phpString(params['startTime']);
      const end = params['endTime'] === undefined ? undefined : phpString(params['endTime']);
      return store
        .historyOf(cmd.id, start, end)
        .map((point) => ({ cmd_id: phpInt(cmd.id, settings), ...point }));
    }
    case 'cmd::save':
      return savedArray(cmdToArray(store.saveCmd(params), settings));
    case 'cmd::event': {
      const cmd = store.cmds.get(idParam(params));
      if (!cmd) throw new PhpException(`Commande introuvable : ${phpString(params['id'])}`, -32702);
      store.event(cmd, params['value'], params['datetime'] ?? null);
      // `$jsonrpc->makeSuccess()`: 'ok' in 4.4 (its default) and in 4.5 (null is empty).
      return null;
    }
    default:
      throw new PhpException(`Aucune méthode correspondante : ${method}`, -32500);
  }
}

/**
 * One HTTP request to jeeApi.php without `type`: the JSON-RPC request is the `request` parameter or, when
 * absent, the raw POST body.
 */
export function handleJsonRpc(
  store: JeedomStore,
  settings: ApiSettings,
  requestParam: string | null,
  body: string,
): ApiResponse {
  const envelope = parseEnvelope(requestParam ?? body);
  try {
    if (envelope.jsonrpc !== '2.0') {
      throw new PhpException(
        `Requête invalide. Version JSON-RPC invalide : ${phpString(envelope.jsonrpc)}`,
        -32001,
      );
    }
    const { params } = envelope;
    const plugin = phpString(params['plugin']) || 'core';
    // 299-301: the "Accès API" of the plugin named in the request (core by default), before anything else.
    if (settings.disabledApiModes.has(plugin)) {
      throw new PhpException("Vous n'êtes pas autorisé à effectuer cette action", -32001);
    }
    // 339-340: `ping` is answered before any key is looked at.
    if (envelope.method === 'ping') return success(settings, envelope.id, 'pong');
    // 343-345
    if (params['apikey'] === undefined && params['api'] === undefined) {
      throw new PhpException("Vous n'êtes pas autorisé à effectuer cette action", -32001);
    }
    const apikey = phpString(params['apikey'] ?? params['api']);
    // 348-349 (4.4: 346-347): the plugin's key or the core one.
    if (!apiAccess(settings, store, apikey, plugin) && !apiAccess(settings, store, apikey)) {
      throw new PhpException("Vous n'êtes pas autorisé à effectuer cette action", -32002);
    }
    return success(settings, envelope.id, dispatch(store, settings, envelope));
  } catch (error) {
    if (error instanceof PhpException) return failure(settings, error, envelope, requestParam);
    throw error;
  }
}
