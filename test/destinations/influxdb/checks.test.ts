import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkInfluxdb } from '../../../src/destinations/influxdb/checks.js';
import type { Check } from '../../../src/contract/destination.js';
import { startInfluxdb2Standin } from '../../influxdb-standin/influxdb2-standin.js';
import type { InfluxdbStandin } from '../../influxdb-standin/influxdb2-standin.js';
import { backendTitle, influxdbAvailable, startInfluxdb } from './influxdb-server.js';
import type { InfluxUnderTest } from './influxdb-server.js';
import { testContext } from './influx-config.js';

const check = async (options: Record<string, string>) => checkInfluxdb(testContext(options));
const named = (checks: Check[], name: string) => checks.find((item) => item.name === name);

describe.skipIf(!influxdbAvailable)(`InfluxDB checks against ${backendTitle}`, () => {
  let open: InfluxUnderTest;
  let guarded: InfluxUnderTest;

  beforeAll(async () => {
    [open, guarded] = await Promise.all([
      startInfluxdb({ databases: ['myelectricaldata'] }),
      startInfluxdb({
        admin: { username: 'admin', password: 'admin-password' },
        databases: ['myelectricaldata'],
        users: [
          {
            username: 'writer',
            password: 'writer-password',
            grants: [{ database: 'myelectricaldata', privilege: 'WRITE' }],
          },
          {
            username: 'reader',
            password: 'reader-password',
            grants: [{ database: 'myelectricaldata', privilege: 'READ' }],
          },
        ],
      }),
    ]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([open?.close(), guarded?.close()]);
  });

  it('passes every check, detecting the 1.x API from /ping, and stores nothing', async () => {
    const checks = await check({ url: open.url });
    expect(checks.filter((item) => !item.ok)).toEqual([]);
    expect(named(checks, 'version')?.detail).toMatch(/InfluxDB 1\.6\.7.*1\.x API \(detected\)/);
    expect(named(checks, 'credentials')?.detail).toMatch(/none configured/);
    expect(named(checks, 'write permission')?.detail).toMatch(/nothing stored/);
    expect((await open.query('SHOW MEASUREMENTS', 'myelectricaldata')).series).toBeUndefined();
  });

  it('says how to create a missing database, and creates nothing itself', async () => {
    const checks = await check({ url: open.url, database: 'elsewhere' });
    const database = named(checks, 'database');
    expect(database?.ok).toBe(false);
    expect(database?.detail).toMatch(/"elsewhere" does not exist/);
    expect(database?.hint).toContain(`CREATE DATABASE "elsewhere"`);
    expect(database?.hint).toContain('INFLUXDB_CREATE_DATABASE=true');
    const databases = (await open.query('SHOW DATABASES')).series?.[0]?.values?.flat();
    expect(databases).toEqual(['myelectricaldata']);
  });

  it('passes a missing database when the user let the export create it', async () => {
    const database = named(
      await check({ url: open.url, database: 'later', create_database: 'true' }),
      'database',
    );
    expect(database).toMatchObject({ ok: true });
    expect(database?.detail).toMatch(/first export creates it/);
  });

  it('names a missing retention policy and how to create it', async () => {
    const write = named(await check({ url: open.url, retention_policy: 'forever' }), 'write permission');
    expect(write?.ok).toBe(false);
    expect(write?.detail).toMatch(/retention policy not found/);
    expect(write?.hint).toContain('CREATE RETENTION POLICY "forever" ON "myelectricaldata"');
  });

  it('accepts a user with write access on an auth-enabled server', async () => {
    const checks = await check({ url: guarded.url, username: 'writer', password: 'writer-password' });
    expect(checks.filter((item) => !item.ok)).toEqual([]);
    expect(named(checks, 'credentials')?.detail).toBe('accepted for writer');
  });

  it('rejects a wrong password, and asks for credentials when none are set', async () => {
    const wrong = named(
      await check({ url: guarded.url, username: 'writer', password: 'not-it' }),
      'credentials',
    );
    expect(wrong?.ok).toBe(false);
    expect(wrong?.detail).toMatch(/HTTP 401.*authorization failed/);
    expect(wrong?.detail).not.toContain('not-it');
    const none = named(await check({ url: guarded.url }), 'credentials');
    expect(none?.ok).toBe(false);
    expect(none?.hint).toMatch(/auth-enabled: set INFLUXDB_USERNAME and INFLUXDB_PASSWORD/);
  });

  it('tells a read-only user which GRANT it lacks', async () => {
    const write = named(
      await check({ url: guarded.url, username: 'reader', password: 'reader-password' }),
      'write permission',
    );
    expect(write?.ok).toBe(false);
    expect(write?.detail).toMatch(/HTTP 403/);
    expect(write?.hint).toBe('Grant this user write access: GRANT WRITE ON "myelectricaldata" TO "reader".');
  });

  it('refuses options of the other API rather than ignore them', async () => {
    const checks = await check({ url: open.url, token: 'a-token' });
    expect(checks).toHaveLength(1);
    expect(checks[0]).toMatchObject({ name: 'configuration', ok: false });
    expect(checks[0]?.detail).toMatch(/INFLUXDB_TOKEN/);
  });
});

describe('InfluxDB checks against the 2.x stand-in', () => {
  let standin: InfluxdbStandin;

  beforeAll(async () => {
    standin = await startInfluxdb2Standin({
      tokens: [
        { token: 'writer-token', write: ['myelectricaldata'] },
        { token: 'other-bucket-token', write: ['other'] },
      ],
      buckets: [
        { name: 'myelectricaldata', id: 'fedcba9876543210' },
        { name: 'other', id: '0000000000000001' },
      ],
    });
  });

  afterAll(async () => {
    await standin?.close();
  });

  const v2 = (options: Record<string, string>) =>
    check({ url: standin.url, org: 'home', bucket: 'myelectricaldata', token: 'writer-token', ...options });

  it('passes with a token allowed to write the bucket, detecting the 2.x API, and stores nothing', async () => {
    const checks = await v2({});
    expect(checks.filter((item) => !item.ok)).toEqual([]);
    expect(named(checks, 'version')?.detail).toMatch(/InfluxDB v2\.7\.11.*2\.x API \(detected\)/);
    expect(named(checks, 'bucket')?.detail).toMatch(/nothing stored/);
    expect(standin.points('myelectricaldata')).toEqual([]);
  });

  it('rejects an unknown token without showing it', async () => {
    const credentials = named(await v2({ token: 'wrong-token' }), 'credentials');
    expect(credentials?.ok).toBe(false);
    expect(credentials?.detail).toMatch(/HTTP 401.*unauthorized access/);
    expect(credentials?.hint).toMatch(/INFLUXDB_TOKEN/);
  });

  it('names the unknown organization, or the unknown bucket', async () => {
    const org = named(await v2({ org: 'nobody' }), 'bucket');
    expect(org?.ok).toBe(false);
    expect(org?.detail).toMatch(/organization name "nobody" not found/);
    expect(org?.hint).toMatch(/Check INFLUXDB_ORG/);
    const bucket = named(await v2({ bucket: 'missing' }), 'bucket');
    expect(bucket?.detail).toMatch(/bucket "missing" not found/);
    expect(bucket?.hint).toMatch(/Check INFLUXDB_BUCKET.*influx bucket create --name missing/);
  });

  it('tells a token that may not write this bucket what it needs', async () => {
    const bucket = named(await v2({ token: 'other-bucket-token' }), 'bucket');
    expect(bucket?.ok).toBe(false);
    expect(bucket?.detail).toMatch(/HTTP 403.*insufficient permissions for write/);
    expect(bucket?.hint).toMatch(/write access to "myelectricaldata"/);
  });

  it('asks for the 2.x options the configuration lacks', async () => {
    const checks = await check({ url: standin.url, org: 'home', token: 'writer-token' });
    expect(checks[0]).toMatchObject({ name: 'configuration', ok: false });
    expect(checks[0]?.detail).toMatch(/INFLUXDB_BUCKET is not set/);
  });
});

describe('InfluxDB checks without a server', () => {
  it('explain a refused connection', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const checks = await check({ url: `http://127.0.0.1:${port}` });
    expect(checks).toHaveLength(1);
    expect(checks[0]).toMatchObject({ name: 'reachable', ok: false });
    expect(checks[0]?.detail).toMatch(/connection refused/);
    expect(checks[0]?.hint).toMatch(/INFLUXDB_URL/);
  });

  it('ask for the API version when the server does not tell it', async () => {
    // Something that answers /ping 204 but is no InfluxDB: no X-Influxdb-Version.
    const silent = createHttpServer((_request, response) => response.writeHead(204).end());
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const checks = await check({ url: `http://127.0.0.1:${port}` });
      expect(checks[0]).toMatchObject({ name: 'configuration', ok: false });
      expect(checks[0]?.detail).toMatch(/INFLUXDB_API_VERSION.*X-Influxdb-Version: none/);
    } finally {
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});
