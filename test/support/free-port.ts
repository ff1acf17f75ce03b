import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';

/** A port nobody listens on right now, for a server process started next (influxd, victoria-metrics). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Starts a server process on ports from `freePort`, again on new ones when another process took one in between
 * (its output then says "address already in use"): likelier with several test workers starting servers at once.
 */
export async function onFreePorts<T>(start: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await start();
    } catch (error) {
      const taken = /address already in use/i.test(error instanceof Error ? error.message : String(error));
      if (!taken || attempt >= attempts) throw error;
    }
  }
}
