/**
 * Jeedom's errors, with what the user can do about each. jeeApi.php's catch block (4.5.3: 1424) answers
 * `-32000 - $e->getCode()`, so the codes med-export meets are (jeedom/core 4.4 and 4.5.3, jeeApi.php):
 * - 1 (thrown as -32001): no key in the request (343-345), the API access of the key's plugin set to
 *   Désactivé or to IP blanche from elsewhere (299-301), or an envelope that is not JSON-RPC 2.0 (279-281);
 * - 2 (-32002): the key matches neither the plugin's named in `params.plugin` nor the core one (348-349);
 * - 500 (-32500): no such method; 601 object, 602 eqLogic, 701/702 cmd not found;
 * - -32000: an exception thrown without code ("Type incorrect", a failed save), its message says what;
 * - -32000 - SQLSTATE for a database error, e.g. -55000 for a duplicate name.
 */
export const JEEDOM_CODE = {
  accessDenied: 1,
  keyRefused: 2,
  noSuchMethod: 500,
  objectNotFound: 601,
  eqLogicNotFound: 602,
  cmdNotFound: 701,
  cmdNotFoundForEvent: 702,
  exception: -32000,
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

export function describeError(error: unknown): string {
  if (error instanceof JeedomError) return error.describe();
  return error instanceof Error ? error.message : String(error);
}

/** Where the keys are in Jeedom 4.4/4.5 (desktop/php/administration.php, API tab). */
const WHERE_THE_KEYS_ARE =
  'Settings → System → Configuration, API tab: the core key is "Clé API" at the top, the Virtual plugin\'s key is further down';

export function rpcError(method: string, code: number, message: string): JeedomError {
  const shown = Number.isFinite(code) ? code : '?';
  const details = { code, jeedomMessage: message };
  const error = (text: string, hint = '') => new JeedomError('rpc', method, text, hint, details);
  switch (code) {
    case JEEDOM_CODE.keyRefused:
      return error(
        `Jeedom refused the API key (code ${shown}): neither its core key nor the Virtual plugin's`,
        `copy one into JEEDOM_API_KEY from ${WHERE_THE_KEYS_ARE}`,
      );
    case JEEDOM_CODE.accessDenied:
      return error(
        `Jeedom refused ${method}: ${message} (code ${shown})`,
        `in ${WHERE_THE_KEYS_ARE}, set "Accès API" of the key in JEEDOM_API_KEY to Activé (IP blanche only lets through the addresses listed in the Security tab)`,
      );
    case JEEDOM_CODE.noSuchMethod:
      return error(
        `Jeedom does not know ${method}: ${message} (code ${shown})`,
        'update Jeedom (med-export is made for Jeedom 4.4 and 4.5)',
      );
    case JEEDOM_CODE.objectNotFound:
    case JEEDOM_CODE.eqLogicNotFound:
    case JEEDOM_CODE.cmdNotFound:
    case JEEDOM_CODE.cmdNotFoundForEvent:
      return error(`Jeedom has no such item for ${method}: ${message} (code ${shown})`);
    default:
      return error(
        `Jeedom failed ${method}: ${message} (code ${shown})`,
        message.includes('Type incorrect')
          ? 'install and enable the Virtual plugin: Plugins → Plugin management → Market, "Virtuel", then Activer'
          : '',
      );
  }
}

export function snippet(text: string): string {
  const flat = text
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}

export function hintForHttp(status: number): string {
  if (status === 404) {
    return 'check JEEDOM_URL (the address you open Jeedom with, without /core/api); Jeedom also answers 404 to an IP it banned after failed logins (Settings → System → Configuration → Security)';
  }
  if (status === 401 || status === 403)
    return 'a proxy in front of Jeedom refuses the request: allow /core/api/jeeApi.php';
  if (status >= 500) return "Jeedom's PHP failed: see the http.error log in Jeedom (Analysis → Logs)";
  if (status >= 300 && status < 400) return 'set JEEDOM_URL to the address Jeedom redirects to (https?)';
  return '';
}
