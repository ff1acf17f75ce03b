import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { Aedes } from 'aedes';
import { afterEach, describe, expect, it } from 'vitest';
import { connectMqtt } from '../../../src/engines/mqtt-connection/client.js';

/**
 * An in-process broker that records each PUBLISH it is asked to accept, accepts it 10 ms later (so publishes
 * sent together overlap), counts the most awaiting acceptance at once, and never accepts topics under `stuck/`.
 */
async function recordingBroker() {
  const asked: string[] = [];
  let awaiting = 0;
  const record = { asked, mostAwaiting: 0 };
  const broker = await Aedes.createBroker({
    authorizePublish: (_client, packet, done) => {
      asked.push(packet.topic);
      awaiting += 1;
      record.mostAwaiting = Math.max(record.mostAwaiting, awaiting);
      if (packet.topic.startsWith('stuck/')) return;
      setTimeout(() => {
        awaiting -= 1;
        done(null);
      }, 10);
    },
  });
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    broker.handle(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    record,
    broker: new URL(`mqtt://127.0.0.1:${port}`),
    async close() {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('MQTT connection: publishes', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  it('go to the broker one at a time, in the order asked, even when asked all at once', async () => {
    const broker = await recordingBroker();
    close = broker.close;
    const connection = await connectMqtt({ broker: broker.broker, tls_insecure: false }, { timeoutMs: 5000 });
    const topics = Array.from({ length: 8 }, (_, index) => `states/${index}`);
    await Promise.all(topics.map((topic) => connection.publish(topic, 'x', { qos: 1, retain: false })));
    await connection.close();
    expect(broker.record.asked).toEqual(topics);
    expect(broker.record.mostAwaiting).toBe(1);
  });

  it('after one the broker never acknowledges, fail without sending the ones waiting', async () => {
    const broker = await recordingBroker();
    close = broker.close;
    const connection = await connectMqtt({ broker: broker.broker, tls_insecure: false }, { timeoutMs: 300 });
    const results = await Promise.allSettled(
      ['states/0', 'stuck/1', 'states/2', 'states/3'].map((topic) =>
        connection.publish(topic, 'x', { qos: 1, retain: false }),
      ),
    );
    await connection.close();
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'rejected']);
    for (const result of results.slice(1)) {
      expect((result as PromiseRejectedResult).reason.message).toMatch(/did not acknowledge stuck\/1/);
    }
    expect(broker.record.asked).toEqual(['states/0', 'stuck/1']);
  });
});
