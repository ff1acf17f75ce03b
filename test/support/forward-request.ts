import { request as httpRequest } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * What the test proxies do with a request they let through: the same method, path, headers and body sent on to
 * `target` (an http:// base URL), its answer streamed back as it came. A backend that fails ends the client's
 * connection, as a reverse proxy's cut would.
 */
export function forwardRequest(target: string, incoming: IncomingMessage, outgoing: ServerResponse): void {
  const forwarded = httpRequest(
    `${target}${incoming.url ?? '/'}`,
    { method: incoming.method, headers: incoming.headers },
    (answer) => {
      outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(outgoing);
    },
  );
  forwarded.on('error', () => outgoing.destroy());
  incoming.pipe(forwarded);
}
