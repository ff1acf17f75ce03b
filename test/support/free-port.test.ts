import { createServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, onFreePorts } from './free-port.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

function listen(port: number): Promise<Server> {
  const server = createServer();
  servers.push(server);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

describe('onFreePorts', () => {
  it('starts again on another port when the one it was given was taken meanwhile', async () => {
    const taken = await listen(0);
    const takenPort = (taken.address() as AddressInfo).port;
    const tried: number[] = [];
    const started = await onFreePorts(async () => {
      const port = tried.length === 0 ? takenPort : await freePort();
      tried.push(port);
      return listen(port);
    });
    expect(tried).toHaveLength(2);
    expect((started.address() as AddressInfo).port).toBe(tried[1]);
    expect(tried[1]).not.toBe(takenPort);
  });

  it('does not retry any other failure', async () => {
    let calls = 0;
    await expect(
      onFreePorts(async () => {
        calls += 1;
        throw new Error('influxd exited with 1: bad config');
      }),
    ).rejects.toThrow('bad config');
    expect(calls).toBe(1);
  });
});
