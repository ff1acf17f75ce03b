import { displayUrl } from '../redact.js';

/**
 * One explainer for every failure to reach a server (a destination, the broker, PostgreSQL): it classifies the
 * error and writes what happened and what to check; the caller only names its server and its options.
 */

export const NETWORK_FAULT_KINDS = [
  'refused',
  'dns',
  'timeout',
  'reset',
  'tls-verification',
  'tls-protocol',
  'http-status',
  'other',
] as const;
export type NetworkFaultKind = (typeof NETWORK_FAULT_KINDS)[number];

export interface NetworkFault {
  kind: NetworkFaultKind;
  /** The system's or library's own words (`connect ECONNREFUSED 127.0.0.1:8123`). */
  detail: string;
  /** The error code when there is one (`ECONNREFUSED`, `DEPTH_ZERO_SELF_SIGNED_CERT`). */
  code?: string;
  /** For `http-status`: the status the server answered. */
  status?: number;
}

/** The server as the user configured it: what to call it, and which options fix what. */
export interface NetworkTarget {
  /** How the sentence names the server: `Home Assistant`, `the broker`, `PostgreSQL`. */
  service: string;
  url: URL;
  /** The option holding the address: `HOME_ASSISTANT_URL`, `MQTT_BROKER`, `DATABASE_URL`. */
  urlOption: string;
  /** The option bounding the wait (`HOME_ASSISTANT_TIMEOUT`); absent when none can be set. */
  timeoutOption?: string;
  /** The wait that ran out, when the caller knows it. */
  timeoutMs?: number;
  /** The option naming the CA to trust (`HOME_ASSISTANT_CA_CERT`). */
  caOption?: string;
  /** The caller's own advice for one kind, added after the common one. */
  hints?: Partial<Record<NetworkFaultKind, string>>;
}

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL', 'EAI_NODATA']);
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ESOCKETTIMEDOUT', 'ERR_TLS_HANDSHAKE_TIMEOUT']);
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE']);
// OpenSSL's X509_V_ERR_* names, as Node reports them (src/crypto/crypto_common.cc `X509ErrorCode`).
const CERTIFICATE_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'HOSTNAME_MISMATCH',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

interface ErrorShape {
  code?: unknown;
  message?: unknown;
  name?: unknown;
  errors?: unknown;
  response?: { statusCode?: unknown };
}

export function classifyNetworkError(error: unknown): NetworkFault {
  const shape = (typeof error === 'object' && error !== null ? error : {}) as ErrorShape;
  // Node's connection to a name with several addresses fails with an AggregateError of one error per address.
  const first = Array.isArray(shape.errors) ? (shape.errors[0] as ErrorShape | undefined) : undefined;
  const rawCode = shape.code ?? first?.code;
  const code = typeof rawCode === 'string' ? rawCode : undefined;
  const message = typeof shape.message === 'string' && shape.message !== '' ? shape.message : undefined;
  const detail = plainWords(message ?? (typeof first?.message === 'string' ? first.message : String(error)));
  const fault = (kind: NetworkFaultKind, status?: number): NetworkFault => ({
    kind,
    detail,
    ...(code === undefined ? {} : { code }),
    ...(status === undefined ? {} : { status }),
  });

  const status = httpStatusOf(shape, detail);
  if (status !== undefined) return fault('http-status', status);
  if (code === 'ECONNREFUSED') return fault('refused');
  if (code !== undefined && DNS_CODES.has(code)) return fault('dns');
  if (
    (code !== undefined && TIMEOUT_CODES.has(code)) ||
    shape.name === 'TimeoutError' ||
    /timed? ?out|timeout expired/i.test(detail)
  ) {
    return fault('timeout');
  }
  if (
    (code !== undefined && CERTIFICATE_CODES.has(code)) ||
    /certificate|self[- ]signed|unable to verify/i.test(detail)
  ) {
    return fault('tls-verification');
  }
  if (
    code === 'EPROTO' ||
    code?.startsWith('ERR_SSL_') === true ||
    code?.startsWith('ERR_TLS_') === true ||
    /wrong version number|ssl routines|does not support ssl/i.test(detail)
  ) {
    return fault('tls-protocol');
  }
  if (
    (code !== undefined && RESET_CODES.has(code)) ||
    /socket hang up|connection terminated unexpectedly/i.test(detail)
  ) {
    return fault('reset');
  }
  return fault('other');
}

/**
 * OpenSSL's errors read `80BCEB9A:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:<source
 * file>:350:` followed by a new line (as ERR_print_errors_cb writes them, crypto/err/err_prn.c): the reason is enough.
 */
function plainWords(text: string): string {
  const openssl = /^[0-9A-F]+:error:[0-9A-F]+:[^:]*:[^:]*:([^:]+):/.exec(text.trim());
  return (openssl ? openssl[1]! : text).replace(/\s+/g, ' ').trim();
}

/** got's HTTPError carries the response; ws without an `unexpected-response` listener only says it in words. */
function httpStatusOf(shape: ErrorShape, detail: string): number | undefined {
  const status = shape.response?.statusCode;
  if (typeof status === 'number') return status;
  const match = /^Unexpected server response: (\d{3})$/.exec(detail);
  return match ? Number(match[1]) : undefined;
}

interface Wording {
  /** The fault as a sentence naming the server: `Home Assistant at http://ha:8123/ refused the connection`. */
  sentence(subject: string, fault: NetworkFault): string;
  /** The fault after the caller's own words on what failed: `cannot reach …: connection refused`. */
  reason(target: NetworkTarget, fault: NetworkFault): string;
  /** What to check, common to every server. */
  advice(target: NetworkTarget, fault: NetworkFault): string;
  /** Whether the library's words say more than the reason. */
  detailed: boolean;
}

function statusAdvice(status: number, target: NetworkTarget): string {
  if (status === 401 || status === 403) return `${target.service} refused the credentials`;
  if (status === 404) return `check the path in ${target.urlOption}`;
  if (status >= 300 && status < 400) return `set ${target.urlOption} to the address it redirects to`;
  if (status >= 500) return `${target.service} or a proxy in front of it failed: see its logs`;
  return `check ${target.urlOption}`;
}

const hostPort = (url: URL) => (url.port ? `${url.hostname}:${url.port}` : url.hostname);

const WORDING: Record<NetworkFaultKind, Wording> = {
  refused: {
    sentence: (subject) => `${subject} refused the connection`,
    reason: () => 'connection refused',
    advice: (target) =>
      `is ${target.service} running and listening on ${hostPort(target.url)}? check ${target.urlOption}`,
    detailed: false,
  },
  dns: {
    sentence: (subject) => `cannot resolve the host name of ${subject}`,
    reason: (target) => `unknown host name "${target.url.hostname}"`,
    advice: (target) => `check the host name in ${target.urlOption}`,
    detailed: false,
  },
  timeout: {
    sentence: (subject) => `no answer from ${subject}`,
    reason: (target) =>
      target.timeoutMs === undefined ? 'no answer in time' : `no answer within ${target.timeoutMs} ms`,
    advice: (target) =>
      `check the host, the port and any firewall${target.timeoutOption ? `, or raise ${target.timeoutOption}` : ''}`,
    detailed: false,
  },
  reset: {
    sentence: (subject) => `${subject} closed the connection without answering`,
    reason: () => 'connection reset',
    advice: (target) =>
      `check the host, the port and the scheme (with or without TLS) in ${target.urlOption}`,
    detailed: false,
  },
  'tls-verification': {
    sentence: (subject) => `TLS verification failed with ${subject}`,
    reason: () => 'TLS verification failed',
    advice: (target) =>
      `${target.caOption ? `give the CA that signed the certificate of ${target.service} with ${target.caOption}, or ` : ''}check that the host name in ${target.urlOption} is one the certificate names`,
    detailed: true,
  },
  'tls-protocol': {
    sentence: (subject) => `TLS handshake failed with ${subject}`,
    reason: () => 'TLS handshake failed',
    advice: (target) =>
      `is the scheme (with or without TLS) in ${target.urlOption} the one the server speaks?`,
    detailed: true,
  },
  'http-status': {
    sentence: (subject, fault) => `${subject} answered HTTP ${fault.status}`,
    reason: (_target, fault) => `HTTP ${fault.status}`,
    advice: (target, fault) => statusAdvice(fault.status ?? 0, target),
    detailed: false,
  },
  other: {
    sentence: (subject) => `cannot reach ${subject}`,
    reason: () => 'cannot connect',
    advice: (target) => `check ${target.urlOption}`,
    detailed: true,
  },
};

function adviceFor(fault: NetworkFault, target: NetworkTarget): string {
  const own = target.hints?.[fault.kind];
  return `${WORDING[fault.kind].advice(target, fault)}${own ? `, ${own}` : ''}`;
}

/**
 * The failure as one sentence: `Home Assistant at http://127.0.0.1:8123/ refused the connection (connect
 * ECONNREFUSED 127.0.0.1:8123): is Home Assistant running and listening on 127.0.0.1:8123? check HOME_ASSISTANT_URL`.
 */
export function explainNetworkError(error: unknown, target: NetworkTarget): string {
  const fault = classifyNetworkError(error);
  const subject = `${target.service} at ${displayUrl(target.url)}`;
  return `${WORDING[fault.kind].sentence(subject, fault)} (${fault.detail}): ${adviceFor(fault, target)}`;
}

/**
 * The failure for a caller that already said what failed and where (`cannot reach <url>: `, `cannot connect to
 * PostgreSQL at <url>: `): `connection refused (is VictoriaMetrics running and listening on …? check …)`.
 */
export function networkErrorReason(error: unknown, target: NetworkTarget): string {
  const fault = classifyNetworkError(error);
  const wording = WORDING[fault.kind];
  const reason = wording.reason(target, fault);
  return `${wording.detailed ? `${reason}: ${fault.detail}` : reason} (${adviceFor(fault, target)})`;
}
