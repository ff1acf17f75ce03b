import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { Aedes } from 'aedes';
import type { AuthenticateError } from 'aedes';
import { connectAsync } from 'mqtt';
import type { MqttClient } from 'mqtt';

export interface TestBroker {
  url: string;
  /** Unique per broker: publish everything under it (state topics). */
  topicPrefix: string;
  /** Unique per broker, for Home Assistant discovery: `${topicPrefix}_ha`. */
  discoveryPrefix: string;
  kind: 'mosquitto' | 'aedes';
  /** Whether `credentials` are enforced (aedes); a shared Mosquitto cannot be reconfigured per test. */
  supportsAuth: boolean;
  /** aedes 1.x speaks MQTT 3.1/3.1.1 only and refuses protocol version 5. */
  supportsMqtt5: boolean;
  /** Topic → payload of the retained messages under `topicPrefix` (or matching `topicFilter`). */
  retained(topicFilter?: string): Promise<Map<string, string>>;
  close(): Promise<void>;
}

export interface CreateTestBrokerOptions {
  credentials?: { username: string; password: string };
}

// Retained messages arrive right after SUBACK; this leaves a loaded machine time to deliver all of them.
const RETAINED_COLLECT_MS = 300;
// MQTT 3.1.1 CONNACK "bad user name or password" (MQTT 5 clients see it as reason 0x86).
const BAD_USERNAME_OR_PASSWORD = 4;

/**
 * An MQTT broker isolated for one test file: MED_TEST_MQTT_URL's broker with unique topic prefixes when the
 * variable is set, otherwise an in-process aedes on 127.0.0.1 and an ephemeral port.
 */
export async function createTestBroker(options: CreateTestBrokerOptions = {}): Promise<TestBroker> {
  const suffix = randomBytes(6).toString('hex');
  const topicPrefix = `medtest_${suffix}`;
  const discoveryPrefix = `${topicPrefix}_ha`;
  const sharedUrl = process.env['MED_TEST_MQTT_URL'];
  if (sharedUrl) {
    return {
      url: sharedUrl,
      topicPrefix,
      discoveryPrefix,
      kind: 'mosquitto',
      supportsAuth: false,
      supportsMqtt5: true,
      retained: (topicFilter) => collectRetained(sharedUrl, [topicFilter ?? `${topicPrefix}/#`]),
      close: () => clearRetained(sharedUrl, [`${topicPrefix}/#`, `${discoveryPrefix}/#`]),
    };
  }
  return startAedes(topicPrefix, discoveryPrefix, options);
}

async function startAedes(
  topicPrefix: string,
  discoveryPrefix: string,
  options: CreateTestBrokerOptions,
): Promise<TestBroker> {
  const { credentials } = options;
  const broker = await Aedes.createBroker({
    authenticate: (_client, username, password, done) => {
      if (!credentials) return done(null, true);
      if (username === credentials.username && password?.toString('utf8') === credentials.password) {
        return done(null, true);
      }
      const error = Object.assign(new Error('Bad username or password'), {
        returnCode: BAD_USERNAME_OR_PASSWORD,
      }) as AuthenticateError;
      return done(error, false);
    },
  });
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    broker.handle(socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `mqtt://127.0.0.1:${port}`;
  const connectOptions = credentials ?? {};
  let closed = false;
  return {
    url,
    topicPrefix,
    discoveryPrefix,
    kind: 'aedes',
    supportsAuth: true,
    supportsMqtt5: false,
    retained: (topicFilter) => collectRetained(url, [topicFilter ?? `${topicPrefix}/#`], connectOptions),
    async close() {
      if (closed) return;
      closed = true;
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function collectRetained(
  url: string,
  topicFilters: string[],
  connectOptions: { username?: string; password?: string } = {},
): Promise<Map<string, string>> {
  const client = await connectAsync(url, {
    ...connectOptions,
    clientId: `medtest_probe_${randomBytes(6).toString('hex')}`,
    clean: true,
    reconnectPeriod: 0,
    protocolVersion: 4,
  });
  try {
    return await readRetained(client, topicFilters);
  } finally {
    await client.endAsync();
  }
}

async function readRetained(client: MqttClient, topicFilters: string[]): Promise<Map<string, string>> {
  const retained = new Map<string, string>();
  client.on('message', (topic, payload, packet) => {
    // An empty retained payload is a deletion, never a value.
    if (packet.retain && payload.length > 0) retained.set(topic, payload.toString('utf8'));
  });
  await client.subscribeAsync(topicFilters, { qos: 0 });
  await new Promise((resolve) => setTimeout(resolve, RETAINED_COLLECT_MS));
  return retained;
}

/** Leaves the shared broker as found: every retained message under the prefixes is deleted. */
async function clearRetained(url: string, topicFilters: string[]): Promise<void> {
  const client = await connectAsync(url, {
    clientId: `medtest_cleaner_${randomBytes(6).toString('hex')}`,
    clean: true,
    reconnectPeriod: 0,
    protocolVersion: 4,
  });
  try {
    const retained = await readRetained(client, topicFilters);
    await client.unsubscribeAsync(topicFilters);
    await Promise.all(
      [...retained.keys()].map((topic) => client.publishAsync(topic, '', { retain: true, qos: 1 })),
    );
  } finally {
    await client.endAsync();
  }
}
