import { connect, createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A TCP forwarder in front of a server that runs in this process (a stand-in) or is shared (Mosquitto): its
 * `restart` does to clients what a server restart does (every connection dropped, new ones refused while it is
 * down), while what the server stored stays, as a real one keeps it on disk.
 */
export interface RestartableProxy {
  url(scheme: string): string;
  restart(downMs: number): Promise<void>;
  close(): Promise<void>;
}

export async function startRestartableProxy(target: {
  host: string;
  port: number;
}): Promise<RestartableProxy> {
  const sockets = new Set<Socket>();
  let down = false;
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const server = createServer((client) => {
    track(client);
    if (down) return void client.destroy();
    const upstream = connect(target.port, target.host);
    track(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const dropAll = () => {
    for (const socket of sockets) socket.destroy();
  };
  return {
    url: (scheme) => `${scheme}://127.0.0.1:${port}`,
    async restart(downMs) {
      down = true;
      dropAll();
      await new Promise((resolve) => setTimeout(resolve, downMs));
      down = false;
    },
    async close() {
      dropAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
