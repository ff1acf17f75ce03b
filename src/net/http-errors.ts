/** A server answered, but not with success: its status and its own text (cleaned by the caller), then advice. */
export class HttpStatusError extends Error {
  constructor(
    readonly status: number,
    readonly serverText: string,
    readonly url: string,
    advice: string,
  ) {
    super(`HTTP ${status} from ${url}${serverText ? `: ${serverText}` : ''}${advice}`);
    this.name = 'HttpStatusError';
  }
}

/** A server could not be reached at all (refused, unknown host, timeout, TLS): `detail` says which and what to do. */
export class UnreachableError extends Error {
  constructor(
    readonly url: string,
    readonly code: string | undefined,
    detail: string,
  ) {
    super(`cannot reach ${url}: ${detail}`);
    this.name = 'UnreachableError';
  }
}
