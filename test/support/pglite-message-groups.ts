import { PGLiteSocketHandler } from '@electric-sql/pglite-socket';

/**
 * pglite-socket (0.2) hands PGlite one wire message at a time from every connection in arrival order, over a
 * single PGlite session: two connections' extended-protocol queries (Parse, Bind, Execute, Sync) can then
 * interleave and bind one's parameters to the other's unnamed statement ("bind message supplies 1 parameters,
 * but prepared statement "" requires 2"). A real PostgreSQL has one session per connection. This keeps each
 * connection's messages together up to the one that ends a request (Sync, a simple Query, Terminate, or a
 * startup/SSL/cancel packet), so the embedded server behaves as a real one for concurrent clients.
 */

const SSL_REQUEST_CODE = 80877103;
const CANCEL_REQUEST_CODE = 80877102;
const ENDS_A_REQUEST = new Set(['S', 'Q', 'X', 'H'].map((letter) => letter.charCodeAt(0)));

interface HandlerInternals {
  socket: { writable: boolean; write(data: Buffer): boolean } | null;
  active: boolean;
  id: number;
  groupBuffer?: Buffer;
  queryQueue: {
    enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number>;
  };
}

/** Length of the first complete message of `buffer` (untyped startup packets included), or 0. */
function firstMessageLength(buffer: Buffer, startup: boolean): number {
  if (startup) {
    if (buffer.length < 4) return 0;
    const length = buffer.readInt32BE(0);
    return buffer.length >= length ? length : 0;
  }
  if (buffer.length < 5) return 0;
  const length = 1 + buffer.readInt32BE(1);
  return buffer.length >= length ? length : 0;
}

async function handleDataInGroups(this: HandlerInternals, data: Buffer): Promise<number> {
  if (!this.socket || !this.active) return 0;
  let buffer = Buffer.concat([this.groupBuffer ?? Buffer.alloc(0), data]);
  let groupEnd = 0;
  let offset = 0;
  // A startup, SSL or cancel packet has no type byte: it comes first, before any typed message.
  let startup = buffer.length >= 8 && buffer[0] === 0;
  for (;;) {
    const length = firstMessageLength(buffer.subarray(offset), startup);
    if (length === 0) break;
    const code = startup ? buffer.readInt32BE(offset + 4) : 0;
    if (code === SSL_REQUEST_CODE || code === CANCEL_REQUEST_CODE) {
      // As pglite-socket does: no TLS ("N"), cancellation not supported. Neither reaches PGlite.
      if (code === SSL_REQUEST_CODE) this.socket.write(Buffer.from('N'));
      buffer = Buffer.concat([buffer.subarray(0, offset), buffer.subarray(offset + length)]);
    } else {
      if (startup || ENDS_A_REQUEST.has(buffer[offset]!)) groupEnd = offset + length;
      offset += length;
    }
    startup = buffer.length - offset >= 8 && buffer[offset] === 0;
  }
  const group = buffer.subarray(0, groupEnd);
  this.groupBuffer = buffer.subarray(groupEnd);
  if (group.length === 0) return 0;
  let sent = 0;
  await this.queryQueue.enqueue(this.id, new Uint8Array(group), (reply) => {
    if (reply.length > 0 && this.socket?.writable && this.active) this.socket.write(Buffer.from(reply));
    sent += reply.length;
  });
  return sent;
}

const prototype = PGLiteSocketHandler.prototype as unknown as { handleData: unknown };
prototype.handleData = handleDataInGroups;
