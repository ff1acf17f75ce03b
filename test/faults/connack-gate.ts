import { connect, createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';

/**
 * CONNACK return codes of MQTT 3.1.1 (the protocol med-export speaks: mqtt.js's default), §3.2.2.3 Table 3.1.
 * Mosquitto answers NOT_AUTHORIZED to a user whose password check fails (eclipse/mosquitto src/handle_connect.c,
 * handle__connect: `case MOSQ_ERR_AUTH: send__connack(context, 0, CONNACK_REFUSED_NOT_AUTHORIZED)`).
 */
export const CONNACK_SERVER_UNAVAILABLE = 3;
export const CONNACK_NOT_AUTHORIZED = 5;

export interface ConnackGate {
  /** `mqtt://127.0.0.1:<port>`: where clients connect instead of the broker. */
  url: string;
  /** The only user and password let through; change them to revoke the old ones. */
  credentials: { username: string; password: string };
  /** When set, every CONNECT is answered with this CONNACK return code and the connection closed. */
  refusal: number | undefined;
  /** CONNECT packets received so far. */
  connects: number;
  close(): Promise<void>;
}

/**
 * The broker's authentication in front of any broker (the in-process aedes or a shared Mosquitto that cannot be
 * reconfigured per test): it reads each connection's CONNECT, refuses it with a CONNACK as a broker does, or
 * forwards it and everything after it untouched.
 */
export async function startConnackGate(
  broker: URL,
  credentials: { username: string; password: string },
): Promise<ConnackGate> {
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const gate: Omit<ConnackGate, 'url' | 'close'> = { credentials, refusal: undefined, connects: 0 };
  const server = createServer((client) => {
    track(client);
    let received = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const connectPacket = completePacket(received);
      if (!connectPacket) return;
      client.off('data', onData);
      gate.connects += 1;
      const code = gate.refusal ?? (accepted(connectPacket, gate.credentials) ? 0 : CONNACK_NOT_AUTHORIZED);
      if (code !== 0) return void client.end(Buffer.from([0x20, 0x02, 0x00, code]));
      const upstream = connect(Number(broker.port), broker.hostname);
      track(upstream);
      upstream.write(received);
      client.pipe(upstream);
      upstream.pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    };
    client.on('data', onData);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(gate, {
    url: `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}

/** The first packet of `bytes` once it has arrived whole (fixed header, §2.2: type, remaining length). */
function completePacket(bytes: Buffer): Buffer | undefined {
  let remaining = 0;
  for (let index = 1; index <= 4 && index < bytes.length; index += 1) {
    remaining += (bytes[index]! & 0x7f) * 128 ** (index - 1);
    if ((bytes[index]! & 0x80) === 0) {
      const end = index + 1 + remaining;
      return bytes.length >= end ? bytes.subarray(index + 1, end) : undefined;
    }
  }
  return undefined;
}

/** Whether a CONNECT's variable header and payload (§3.1.2, §3.1.3) carry the gate's user and password. */
function accepted(body: Buffer, credentials: { username: string; password: string }): boolean {
  let at = 0;
  const field = (): Buffer => {
    const length = body.readUInt16BE(at);
    const value = body.subarray(at + 2, at + 2 + length);
    at += 2 + length;
    return value;
  };
  field(); // protocol name
  const flags = body[at + 1]!;
  at += 4; // protocol level, connect flags, keep alive
  field(); // client identifier
  if (flags & 0x04) {
    field(); // will topic
    field(); // will message
  }
  const username = flags & 0x80 ? field().toString('utf8') : undefined;
  const password = flags & 0x40 ? field().toString('utf8') : undefined;
  return username === credentials.username && password === credentials.password;
}
