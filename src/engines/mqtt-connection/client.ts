import { readPem } from '../../net/read-pem.js';
import type { IClientOptions, MqttClient } from 'mqtt';
import { withDeadline } from '../../net/deadline.js';
import { explainNetworkError } from '../../net/explain-network-error.js';
import { displayUrl } from '../../redact.js';

/** The options of `mqttConnectionFields`, as a destination's configuration holds them. */
export interface MqttConnectionConfig {
  broker: URL;
  /** Takes precedence over a user name in the broker URL. */
  username?: string | undefined;
  /** Takes precedence over a password in the broker URL. */
  password?: string | undefined;
  client_id?: string | undefined;
  ca_cert?: string | undefined;
  client_cert?: string | undefined;
  client_key?: string | undefined;
  tls_insecure: boolean;
}

export interface Will {
  topic: string;
  payload: string;
  qos: 0 | 1 | 2;
  retain: boolean;
}

/** Minimal surface the destinations use, in front of mqtt.js. */
export interface MqttConnection {
  publish(topic: string, payload: string, options: { qos: 0 | 1 | 2; retain: boolean }): Promise<void>;
  subscribe(
    topic: string,
    onMessage: (topic: string, payload: string, retained: boolean) => void,
  ): Promise<void>;
  close(): Promise<void>;
}

/** One connection, no automatic reconnection: a pass either completes or reports why it could not. */
export async function connectMqtt(
  config: MqttConnectionConfig,
  options: { timeoutMs: number; will?: Will; signal?: AbortSignal },
): Promise<MqttConnection> {
  // mqtt is CommonJS: its exports are on the module's default export, both natively and once bundled.
  const { connect } = (await import('mqtt')).default;
  const url = new URL(config.broker.href);
  const username = config.username ?? decodeURIComponent(url.username);
  const password = config.password ?? decodeURIComponent(url.password);
  url.username = '';
  url.password = '';
  const clientOptions: IClientOptions = {
    clientId: config.client_id ?? `med-export-${Math.random().toString(16).slice(2, 10)}`,
    reconnectPeriod: 0,
    connectTimeout: options.timeoutMs,
    // mqtt-packet otherwise builds a buffer for each of the 65,536 two-byte numbers before its first packet
    // (`generateCache`, numbers.js; its README: "It creates a list of buffers for faster write"): 10 to 20 ms
    // and their garbage on every pass, for the few dozen packets a pass writes.
    writeCache: false,
    clean: true,
    rejectUnauthorized: !config.tls_insecure,
    ...(username ? { username } : {}),
    ...(password ? { password } : {}),
    ...(config.ca_cert ? { ca: readPem(config.ca_cert) } : {}),
    ...(config.client_cert ? { cert: readPem(config.client_cert) } : {}),
    ...(config.client_key ? { key: readPem(config.client_key) } : {}),
    ...(options.will ? { will: { ...options.will } } : {}),
  };
  const deadline = { timeoutMs: options.timeoutMs, signal: options.signal };
  const client: MqttClient = connect(url.href, clientOptions);
  try {
    await withDeadline(connected(client), { ...deadline, what: 'connecting' });
  } catch (error) {
    client.end(true);
    throw new Error(explainMqttError(error, config.broker), { cause: error });
  }
  // With reconnection off, mqtt.js keeps unacknowledged publishes pending forever once the socket closes.
  const lost = new Promise<never>((_, reject) => {
    client.once('close', () =>
      reject(
        options.signal?.aborted
          ? (options.signal.reason as Error)
          : new Error('the connection was closed before the broker acknowledged'),
      ),
    );
  });
  lost.catch(() => undefined);
  // One listener for the whole connection (not one per publish in flight): aborting closes the socket, which
  // rejects every pending publish through `lost`.
  const abort = () => client.end(true);
  options.signal?.addEventListener('abort', abort, { once: true });
  const handlers: ((topic: string, payload: string, retained: boolean) => void)[] = [];
  client.on('message', (topic, payload, packet) => {
    for (const handler of handlers) handler(topic, payload.toString('utf8'), packet.retain);
  });
  // One publish in flight at a time, whatever the callers do. Mosquitto keeps Nagle's algorithm on its sockets
  // (set_tcp_nodelay "Defaults to false", mosquitto.conf(5), 2.0.11): acknowledging several QoS 1 publishes it
  // read at once, it sends the first PUBACK and holds the others until our TCP ACK, which Linux delays up to
  // 40 ms. One after the other, each PUBLISH carries the ACK of the PUBACK before it: 13 retained states to a
  // local Mosquitto took 44–47 ms all at once, 3–4 ms in turn. After a failure the waiting ones fail at once.
  let previous: Promise<unknown> = Promise.resolve();
  let failure: unknown = null;
  const inTurn = (send: () => Promise<void>): Promise<void> => {
    const turn = previous.then(() => {
      if (failure !== null) throw failure;
      return send().catch((error: unknown) => {
        failure ??= error;
        throw error;
      });
    });
    previous = turn.catch(() => undefined);
    return turn;
  };
  const publishNow = async (
    topic: string,
    payload: string,
    publishOptions: { qos: 0 | 1 | 2; retain: boolean },
  ): Promise<void> => {
    try {
      const published = client.publishAsync(topic, payload, publishOptions);
      await withDeadline(Promise.race([published, lost]), {
        timeoutMs: options.timeoutMs,
        what: `publishing ${topic}`,
      });
    } catch (error) {
      const reason = (error as Error).message;
      throw new Error(`the broker at ${displayUrl(config.broker)} did not acknowledge ${topic}: ${reason}`, {
        cause: error,
      });
    }
  };
  return {
    publish: (topic, payload, publishOptions) => inTurn(() => publishNow(topic, payload, publishOptions)),
    async subscribe(topic, onMessage) {
      handlers.push(onMessage);
      await withDeadline(client.subscribeAsync(topic, { qos: 1 }), {
        ...deadline,
        what: `subscribing ${topic}`,
      });
    },
    async close() {
      options.signal?.removeEventListener('abort', abort);
      // endAsync waits for a DISCONNECT that a dead connection never sends: force it after a short wait.
      if (!client.connected) {
        client.end(true);
        return;
      }
      await withDeadline(client.endAsync(), { timeoutMs: 2000, what: 'disconnecting' }).catch(() =>
        client.end(true),
      );
    },
  };
}

/** Resolves on CONNACK; rejects with the socket or CONNACK error (mqtt.js emits it before closing). */
function connected(client: MqttClient): Promise<void> {
  return new Promise((resolve, reject) => {
    let lastError: Error | undefined;
    client.once('connect', () => resolve());
    client.on('error', (error) => {
      lastError = error;
      reject(error);
    });
    client.once('close', () =>
      reject(lastError ?? new Error('the broker closed the connection before accepting it')),
    );
  });
}

/** Turns mqtt.js and socket errors into a sentence that says what to check. */
export function explainMqttError(error: unknown, broker: URL): string {
  const err = error as { code?: string | number; message?: string } | undefined;
  const message = err?.message ?? String(error);
  // CONNACK return codes 4/5 (MQTT 3.1.1) and reason codes 0x86/0x87 (MQTT 5): bad credentials / not authorized.
  if (
    /bad user ?name or password|not authorized/i.test(message) ||
    [4, 5, 134, 135].includes(Number(err?.code))
  ) {
    return (
      `the broker at ${displayUrl(broker)} rejected the credentials (${message}): check MQTT_USERNAME and ` +
      `MQTT_PASSWORD (HOME_ASSISTANT_MQTT_* for Home Assistant's own connection), or the user and password in the URL`
    );
  }
  // CONNACK return code 3 (MQTT 3.1.1) and reason code 0x88 (MQTT 5): reached, but it refuses service.
  if (/server unavailable/i.test(message) || [3, 136].includes(Number(err?.code))) {
    return `the broker at ${displayUrl(broker)} is unavailable (${message}): it answered but refused service; look at its log`;
  }
  return explainNetworkError(error, {
    service: 'the broker',
    url: broker,
    urlOption: 'MQTT_BROKER',
    timeoutOption: 'MQTT_TIMEOUT',
    caOption: 'MQTT_CA_CERT',
  });
}
