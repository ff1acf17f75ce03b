import type { Cmd, EqLogic, Json, JsonObject, JeedomStore } from './store.js';
import { PhpException } from './store.js';
import { phpString } from './php.js';

/**
 * jeedom/core `core/api/jeeApi.php`, JSON-RPC part (4.x), for the methods med-export calls, and
 * `core/class/jsonrpc.class.php` for the envelope.
 */

export interface ApiSettings {
  /** config::byKey('api'): the core API key. */
  coreApiKey: string;
  /** config::byKey('api', plugin): each plugin's own key. */
  pluginApiKeys: Map<string, string>;
  /** config 'api::core::jsonrpc::mode' (Réglages → Système → Configuration → API). */
  jsonRpcEnabled: boolean;
  /** config 'api::<plugin>::mode' set to 'disable' for these (jeedom::apiModeResult). */
  disabledApiModes: Set<string>;
  /** jeedom::version() */
  version: string;
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

function success(id: Json, result: Json = 'ok'): ApiResponse {
  // jsonrpc.class.php makeSuccess($_result = 'ok'); jeeApi.php sets no Content-Type: PHP's default applies.
  return {
    status: 200,
    contentType: 'text/html; charset=UTF-8',
    body: JSON.stringify({ jsonrpc: '2.0', id, result }),
  };
}

/**
 * jeeApi.php's catch block: `$errorCode = is_numeric($e->getCode()) ? -32000 - $e->getCode() : -32599`, so an
 * exception thrown with -32001 answers code 1, -32702 answers 702, a plain Exception (code 0) answers -32000 and
 * a PDOException (SQLSTATE '23000') -55000. The envelope is rebuilt from `init('request')`, which is empty when
 * the request came as the POST body: the error then carries `"id": null`.
 */
function failure(error: PhpException, requestParam: string | null): ApiResponse {
  const code =
    typeof error.code === 'number' || /^-?\d+(\.\d+)?$/.test(String(error.code))
      ? -32000 - Number(error.code)
      : -32599;
  const id = requestParam === null ? null : parseEnvelope(requestParam).id;
  return {
    status: 200,
    contentType: 'text/html; charset=UTF-8',
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

function eqLogicToArray(eqLogic: EqLogic): JsonObject {
  // utils::o2a: every property not starting with '_'; PDO hands integers back as strings.
  return {
    id: String(eqLogic.id),
    name: eqLogic.name,
    logicalId: eqLogic.logicalId,
    generic_type: eqLogic.generic_type,
    object_id: eqLogic.object_id === null ? null : String(eqLogic.object_id),
    eqType_name: eqLogic.eqType_name,
    isVisible: String(eqLogic.isVisible),
    isEnable: String(eqLogic.isEnable),
    configuration: eqLogic.configuration,
    timeout: eqLogic.timeout === null ? null : String(eqLogic.timeout),
    category: eqLogic.category,
    display: eqLogic.display,
    order: String(eqLogic.order),
    comment: eqLogic.comment,
    tags: eqLogic.tags,
    status: eqLogic.status,
  };
}

function cmdToArray(cmd: Cmd): JsonObject {
  return {
    id: String(cmd.id),
    logicalId: cmd.logicalId,
    generic_type: cmd.generic_type,
    eqType: cmd.eqType,
    name: cmd.name,
    order: String(cmd.order),
    type: cmd.type,
    subType: cmd.subType,
    eqLogic_id: String(cmd.eqLogic_id),
    isHistorized: String(cmd.isHistorized),
    unite: cmd.unite,
    configuration: cmd.configuration,
    template: cmd.template,
    display: cmd.display,
    value: cmd.value,
    isVisible: String(cmd.isVisible),
    alert: cmd.alert,
  };
}

/** cmd.class.php `exportApi()`: o2a plus `currentValue` (execCmd for an info command). */
function cmdExportApi(store: JeedomStore, cmd: Cmd): JsonObject {
  return { ...cmdToArray(cmd), currentValue: store.currentValue(cmd) };
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
    case 'jeeObject::byId': {
      const object = store.objects.get(idParam(params));
      if (!object) throw new PhpException(`Objet introuvable : ${phpString(params['id'])}`, -32601);
      return {
        id: String(object.id),
        name: object.name,
        father_id: object.father_id,
        isVisible: String(object.isVisible),
      };
    }
    case 'eqLogic::byType': {
      const type = phpString(params['type']);
      return [...store.eqLogics.values()].filter((eq) => eq.eqType_name === type).map(eqLogicToArray);
    }
    case 'eqLogic::byId': {
      const eqLogic = store.eqLogics.get(idParam(params));
      if (!eqLogic) throw new PhpException(`EqLogic introuvable : ${phpString(params['id'])}`, -32602);
      return eqLogicToArray(eqLogic);
    }
    case 'eqLogic::save':
      return eqLogicToArray(store.saveEqLogic(params));
    case 'cmd::byEqLogicId':
      return store.cmdsOf(idParam(params, 'eqLogic_id')).map((cmd) => cmdExportApi(store, cmd));
    case 'cmd::byId': {
      const cmd = store.cmds.get(idParam(params));
      if (!cmd) throw new PhpException(`Cmd introuvable : ${phpString(params['id'])}`, -32701);
      return cmdExportApi(store, cmd);
    }
    case 'cmd::getHistory': {
      const cmd = store.cmds.get(idParam(params));
      if (!cmd) throw new PhpException(`Commande introuvable : ${phpString(params['id'])}`, -32702);
      const start = params['startTime'] === undefined ? undefined : phpString(params['startTime']);
      const end = params['endTime'] === undefined ? undefined : phpString(params['endTime']);
      return store.historyOf(cmd.id, start, end).map((point) => ({ cmd_id: String(cmd.id), ...point }));
    }
    case 'cmd::save':
      return cmdToArray(store.saveCmd(params));
    case 'cmd::event': {
      const cmd = store.cmds.get(idParam(params));
      if (!cmd) throw new PhpException(`Commande introuvable : ${phpString(params['id'])}`, -32702);
      store.event(cmd, params['value'], params['datetime'] ?? null);
      return 'ok';
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
    if (!settings.jsonRpcEnabled) {
      throw new PhpException("Vous n'êtes pas autorisé à effectuer cette action (JSON-RPC disable)", -32001);
    }
    if (envelope.jsonrpc !== '2.0') {
      throw new PhpException(
        `Requête invalide. Version JSON-RPC invalide : ${phpString(envelope.jsonrpc)}`,
        -32001,
      );
    }
    // `ping` is answered before any key is looked at.
    if (envelope.method === 'ping') return success(envelope.id, 'pong');
    const { params } = envelope;
    if (params['apikey'] === undefined && params['api'] === undefined) {
      throw new PhpException("Vous n'êtes pas autorisé à effectuer cette action", -32001);
    }
    const apikey = phpString(params['apikey'] ?? params['api']);
    const plugin = phpString(params['plugin']);
    if (plugin !== '' && plugin !== 'core') {
      if (!apiAccess(settings, store, apikey, plugin)) {
        throw new PhpException("Vous n'êtes pas autorisé à effectuer cette action 1", -32001);
      }
    } else if (!apiAccess(settings, store, apikey)) {
      throw new PhpException("Vous n'êtes pas autorisé à effectuer cette action 2", -32001);
    }
    return success(envelope.id, dispatch(store, settings, envelope));
  } catch (error) {
    if (error instanceof PhpException) return failure(error, requestParam);
    throw error;
  }
}
