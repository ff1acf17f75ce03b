import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  CURRENT_HA_VERSION,
  OLDER_HA_VERSION,
  startHomeAssistantStandin,
  type HomeAssistantStandin,
  type StandinOptions,
} from '../../home-assistant-standin/index.js';

/** A bare WebSocket client, so the stand-in's rules are checked independently of the destination's client. */
class RawSession {
  private readonly queue: unknown[] = [];
  private waiting: ((message: unknown) => void) | null = null;
  private nextId = 1;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const message = JSON.parse(String(data));
      if (this.waiting) {
        const resolve = this.waiting;
        this.waiting = null;
        resolve(message);
      } else this.queue.push(message);
    });
  }

  static async open(standin: HomeAssistantStandin): Promise<RawSession> {
    const socket = new WebSocket(`${standin.url.replace('http', 'ws')}/api/websocket`);
    // Listen before `open`: the server speaks first (auth_required).
    const session = new RawSession(socket);
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    return session;
  }

  receive(): Promise<Record<string, unknown>> {
    const queued = this.queue.shift();
    if (queued !== undefined) return Promise.resolve(queued as Record<string, unknown>);
    return new Promise((resolve) => (this.waiting = resolve as (message: unknown) => void));
  }

  send(message: Record<string, unknown>): void {
    this.socket.send(JSON.stringify(message));
  }

  async command(message: Record<string, unknown>): Promise<Record<string, unknown>> {
    this.send({ id: this.nextId++, ...message });
    return this.receive();
  }

  close(): void {
    this.socket.close();
  }
}

let standin: HomeAssistantStandin | undefined;
const sessions: RawSession[] = [];

afterEach(async () => {
  for (const session of sessions.splice(0)) session.close();
  await standin?.close();
  standin = undefined;
});

async function authenticated(options: StandinOptions = {}): Promise<RawSession> {
  standin = await startHomeAssistantStandin(options);
  const session = await RawSession.open(standin);
  sessions.push(session);
  await session.receive();
  session.send({ type: 'auth', access_token: standin.options.token });
  expect((await session.receive()).type).toBe('auth_ok');
  return session;
}

const currentMetadata = {
  has_sum: true,
  mean_type: 0,
  unit_class: 'energy',
  name: 'Consumption',
  source: 'med',
  statistic_id: 'med:consumption_1',
  unit_of_measurement: 'kWh',
};

describe('Home Assistant stand-in', () => {
  it('announces its version and rejects a wrong token', async () => {
    standin = await startHomeAssistantStandin({ haVersion: OLDER_HA_VERSION });
    const session = await RawSession.open(standin);
    sessions.push(session);
    expect(await session.receive()).toEqual({ type: 'auth_required', ha_version: OLDER_HA_VERSION });
    session.send({ type: 'auth', access_token: 'wrong' });
    expect(await session.receive()).toEqual({
      type: 'auth_invalid',
      message: 'Invalid access token or password',
    });
  });

  it('answers auth/current_user and refuses imports from a non-admin user', async () => {
    const session = await authenticated({ isAdmin: false });
    const user = await session.command({ type: 'auth/current_user' });
    expect((user.result as { is_admin: boolean }).is_admin).toBe(false);
    const reply = await session.command({
      type: 'recorder/import_statistics',
      metadata: currentMetadata,
      stats: [{ start: '2025-01-01T00:00:00+01:00', state: 1, sum: 1 }],
    });
    expect(reply).toMatchObject({ success: false, error: { code: 'unauthorized' } });
    expect(standin!.statisticIds()).toEqual([]);
  });

  it('rejects mean_type/unit_class on an older version and requires has_mean', async () => {
    const session = await authenticated({ haVersion: OLDER_HA_VERSION });
    const reply = await session.command({
      type: 'recorder/import_statistics',
      metadata: currentMetadata,
      stats: [{ start: '2025-01-01T00:00:00+01:00', state: 1, sum: 1 }],
    });
    expect(reply.success).toBe(false);
    const error = reply.error as { code: string; message: string };
    expect(error.code).toBe('invalid_format');
    expect(error.message).toContain("extra keys not allowed @ data['metadata']['mean_type']");
    expect(error.message).toContain("required key not provided @ data['metadata']['has_mean']");
  });

  it('accepts the current metadata, upserts by start and answers statistics_during_period', async () => {
    const session = await authenticated({ haVersion: CURRENT_HA_VERSION });
    const first = await session.command({
      type: 'recorder/import_statistics',
      metadata: currentMetadata,
      stats: [
        { start: '2025-01-01T00:00:00+01:00', state: 1, sum: 1 },
        { start: '2025-01-01T01:00:00+01:00', state: 2, sum: 3 },
      ],
    });
    expect(first.success).toBe(true);
    await session.command({
      type: 'recorder/import_statistics',
      metadata: currentMetadata,
      stats: [{ start: '2024-12-31T23:00:00Z', state: 5, sum: 5 }],
    });
    expect(standin!.statistics('med:consumption_1').map((row) => row.sum)).toEqual([5, 3]);
    expect(standin!.warnings()).toEqual([]);

    const read = await session.command({
      type: 'recorder/statistics_during_period',
      start_time: '2025-01-01T00:30:00+01:00',
      statistic_ids: ['med:consumption_1', 'med:unknown'],
      period: 'hour',
      types: ['sum', 'state'],
      units: { energy: 'Wh' },
    });
    expect(read.result).toEqual({
      'med:consumption_1': [
        { start: Date.UTC(2025, 0, 1, 0), end: Date.UTC(2025, 0, 1, 1), state: 2000, sum: 3000 },
      ],
    });
    const list = await session.command({ type: 'recorder/list_statistic_ids', statistic_type: 'sum' });
    expect(list.result).toEqual([
      expect.objectContaining({ statistic_id: 'med:consumption_1', unit_class: 'energy' }),
    ]);
  });

  it('enforces the statistic id format, the source, aware starts at the top of the hour and unit classes', async () => {
    const session = await authenticated();
    const attempt = async (metadata: Record<string, unknown>, start: string) =>
      (
        (await session.command({
          type: 'recorder/import_statistics',
          metadata: { ...currentMetadata, ...metadata },
          stats: [{ start, state: 1, sum: 1 }],
        })) as { error?: { message: string } }
      ).error?.message;
    expect(await attempt({ statistic_id: 'med:Bad-Id' }, '2025-01-01T00:00:00Z')).toBe(
      'Invalid statistic_id',
    );
    expect(await attempt({ source: 'other' }, '2025-01-01T00:00:00Z')).toBe('Invalid source');
    expect(await attempt({}, '2025-01-01T00:00:00')).toMatch(/^Naive timestamp/);
    expect(await attempt({}, '2025-01-01T00:30:00Z')).toMatch(/top of the hour/);
    expect(await attempt({ unit_of_measurement: 'EUR' }, '2025-01-01T00:00:00Z')).toMatch(/Unsupported unit/);
    expect(standin!.statisticIds()).toEqual([]);
  });

  it('warns like Home Assistant when the current version gets the deprecated has_mean only', async () => {
    const session = await authenticated();
    const metadata: Record<string, unknown> = { ...currentMetadata, has_mean: false };
    delete metadata.mean_type;
    delete metadata.unit_class;
    const reply = await session.command({
      type: 'recorder/import_statistics',
      metadata,
      stats: [{ start: '2025-01-01T00:00:00Z', state: 1, sum: 1 }],
    });
    expect(reply.success).toBe(true);
    expect(standin!.warnings().join('\n')).toMatch(/without specifying mean_type/);
  });

  it('serves REST /api/ and /api/states with bearer auth only', async () => {
    standin = await startHomeAssistantStandin();
    const unauthenticated = await fetch(`${standin.url}/api/`);
    expect(unauthenticated.status).toBe(401);
    const headers = { Authorization: `Bearer ${standin.options.token}` };
    expect(await (await fetch(`${standin.url}/api/`, { headers })).json()).toEqual({
      message: 'API running.',
    });
    const created = await fetch(`${standin.url}/api/states/sensor.med_test`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ state: '12.5', attributes: { unit_of_measurement: 'kWh' } }),
    });
    expect(created.status).toBe(201);
    expect(standin.states().get('sensor.med_test')?.state).toBe('12.5');
    const invalid = await fetch(`${standin.url}/api/states/Sensor.Bad`, {
      method: 'POST',
      headers,
      body: '{"state":1}',
    });
    expect(invalid.status).toBe(400);
  });
});
