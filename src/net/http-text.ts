import { request as httpRequest } from 'node:http';
import type { ClientRequest, IncomingHttpHeaders, IncomingMessage, RequestOptions } from 'node:http';

/**
 * One HTTP request with Node's own client, the body read as UTF-8 text, on the terms every destination's HTTP
 * client shares: one attempt, no redirect followed, any status returned (not thrown), the whole exchange bounded by the
 * timeout, aborted with the signal, TLS verified unless told otherwise. For a client whose every run makes a
 * request or two (an idle pass): loading got costs more than those requests.
 */
export interface HttpTextOptions {
  method: 'GET' | 'POST' | 'DELETE';
  body?: Buffer | string | undefined;
  headers?: Record<string, string>;
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  certificateAuthority?: Buffer | undefined;
  tlsInsecure?: boolean | undefined;
}

export interface HttpTextResponse {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** The timeout's error as got words it (core/timed-out.js), which the network-error explainer recognises. */
export class HttpTimeoutError extends Error {
  readonly code = 'ETIMEDOUT';
  constructor(timeoutMs: number) {
    super(`Timeout awaiting 'request' for ${timeoutMs}ms`);
    this.name = 'TimeoutError';
  }
}

export async function httpText(url: string, options: HttpTextOptions): Promise<HttpTextResponse> {
  const target = new URL(url);
  const body = typeof options.body === 'string' ? Buffer.from(options.body, 'utf8') : options.body;
  const requestOptions: RequestOptions = {
    method: options.method,
    headers: {
      ...options.headers,
      ...(body ? { 'content-length': String(body.length) } : {}),
    },
    ...(options.signal ? { signal: options.signal } : {}),
  };
  // node:https (and TLS with it) loads only for an https URL.
  const send =
    target.protocol === 'https:'
      ? (await import('node:https')).request
      : (httpRequest as (url: URL, options: RequestOptions) => ClientRequest);
  const tls =
    target.protocol === 'https:'
      ? {
          rejectUnauthorized: options.tlsInsecure !== true,
          ...(options.certificateAuthority ? { ca: options.certificateAuthority } : {}),
        }
      : {};
  return new Promise<HttpTextResponse>((resolve, reject) => {
    const outgoing = send(target, { ...requestOptions, ...tls });
    const timer = setTimeout(
      () => outgoing.destroy(new HttpTimeoutError(options.timeoutMs)),
      options.timeoutMs,
    );
    const fail = (error: Error) => {
      clearTimeout(timer);
      reject(error);
    };
    outgoing.on('error', fail);
    outgoing.on('response', (response: IncomingMessage) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', fail);
      response.on('end', () => {
        clearTimeout(timer);
        resolve({
          statusCode: response.statusCode ?? 0,
          headers: response.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        });
      });
    });
    outgoing.end(body);
  });
}
