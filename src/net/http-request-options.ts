/**
 * The `got` options every destination's HTTP client shares: one attempt (a resend is the next run's job, and
 * only after confirmation does state move), no redirects (a redirect to a login page is a misconfiguration to
 * report, not to follow), the whole request bounded by the destination's timeout, aborted on SIGTERM/SIGINT,
 * the body as text for the caller to interpret, and TLS verified unless the user said otherwise.
 */
export function httpRequestOptions(options: {
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  certificateAuthority?: Buffer | undefined;
  tlsInsecure?: boolean | undefined;
}) {
  return {
    throwHttpErrors: false,
    followRedirect: false,
    retry: { limit: 0 },
    timeout: { request: options.timeoutMs },
    signal: options.signal,
    responseType: 'text' as const,
    https: {
      certificateAuthority: options.certificateAuthority,
      rejectUnauthorized: options.tlsInsecure !== true,
    },
  };
}
