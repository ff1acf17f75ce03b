import { createServer, connect } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';

/**
 * A TCP proxy in front of a real server, to inject network faults into any destination's protocol:
 * - `pass`: forwards both ways, after `delayMs` (a slow server);
 * - `blackhole`: accepts connections and never answers (a hung server: the client's timeout must fire);
 * - `cut`: forwards, then cuts both sockets once the client has sent `cutAfterBytes` bytes (a connection lost
 *   in the middle of a batch);
 * - `refuse`: closes every new connection at once.
 */
export type ProxyMode = 'pass' | 'blackhole' | 'cut' | 'refuse';

export interface FaultyProxy {
  /** `host:port` to use instead of the real server's. */
  host: string;
  port: number;
  mode: ProxyMode;
  cutAfterBytes: number;
  delayMs: number;
  /** Connections accepted so far. */
  connections: number;
  /** Closes every open connection: a kept-alive one must not dodge the next fault. */
  dropConnections(): void;
  close(): Promise<void>;
}

export async function startFaultyProxy(target: { host: string; port: number }): Promise<FaultyProxy> {
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const state: Omit<FaultyProxy, 'close' | 'dropConnections' | 'host' | 'port'> = {
    mode: 'pass',
    cutAfterBytes: 0,
    delayMs: 0,
    connections: 0,
  };
  const server: Server = createServer((client) => {
    track(client);
    state.connections += 1;
    if (state.mode === 'refuse') return void client.destroy();
    if (state.mode === 'blackhole') return void client.resume();
    const upstream = connect(target.port, target.host);
    track(upstream);
    let sent = 0;
    const mode = state.mode;
    const limit = state.cutAfterBytes;
    client.on('data', (chunk: Buffer) => {
      if (mode === 'cut' && sent + chunk.length > limit) {
        upstream.write(chunk.subarray(0, Math.max(0, limit - sent)));
        client.destroy();
        upstream.destroy();
        return;
      }
      sent += chunk.length;
      if (state.delayMs > 0) setTimeout(() => upstream.write(chunk), state.delayMs);
      else upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    host: '127.0.0.1',
    port,
    dropConnections: () => {
      for (const socket of sockets) socket.destroy();
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}
