import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:https';
import type { Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJeedomClient } from '../../../src/destinations/jeedom/client.js';
import { JeedomError } from '../../../src/destinations/jeedom/rpc-errors.js';
import { startJeedomStandin } from '../../jeedom-standin/jeedom-standin.js';
import type { JeedomStandin } from '../../jeedom-standin/jeedom-standin.js';

/** The stand-in behind an HTTPS reverse proxy whose certificate a throwaway CA signed. */
describe('Jeedom over HTTPS', () => {
  let standin: JeedomStandin;
  let proxy: Server;
  let url: URL;
  let dir: string;
  const client = (options: { caCert?: string; tlsInsecure?: boolean }) =>
    createJeedomClient({ url, apiKey: standin.apiKey, timeoutMs: 5000, ...options });

  beforeAll(async () => {
    standin = await startJeedomStandin();
    dir = mkdtempSync(join(tmpdir(), 'med-export-jeedom-tls-'));
    const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    const subject = (name: string) => ['-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${name}`];
    openssl(
      'req',
      '-x509',
      ...subject('med-export test CA'),
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      '-days',
      '2',
    );
    writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1\n');
    openssl('req', ...subject('127.0.0.1'), '-keyout', 'server.key', '-out', 'server.csr');
    openssl(
      'x509',
      ...['-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial'],
      ...['-out', 'server.pem', '-days', '2', '-extfile', 'san.ext'],
    );
    proxy = createServer(
      { key: readFileSync(join(dir, 'server.key')), cert: readFileSync(join(dir, 'server.pem')) },
      (incoming, outgoing) => {
        const forwarded = httpRequest(
          `${standin.url}${incoming.url ?? '/'}`,
          { method: incoming.method, headers: incoming.headers },
          (answer) => {
            outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(outgoing);
          },
        );
        incoming.pipe(forwarded);
      },
    );
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    url = new URL(`https://127.0.0.1:${(proxy.address() as AddressInfo).port}`);
  }, 60_000);

  afterAll(async () => {
    await new Promise<void>((resolve) => (proxy ? proxy.close(() => resolve()) : resolve()));
    await standin?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a certificate it cannot verify and says how to fix it', async () => {
    const jeedom = client({});
    const error = await jeedom.call('version').then(
      () => null,
      (caught: unknown) => caught,
    );
    jeedom.close();
    expect(error).toBeInstanceOf(JeedomError);
    expect((error as JeedomError).kind).toBe('network');
    expect((error as JeedomError).hint).toContain('JEEDOM_CA_CERT');
  });

  it('trusts the CA given in JEEDOM_CA_CERT, or skips verification when told to', async () => {
    for (const options of [{ caCert: join(dir, 'ca.pem') }, { tlsInsecure: true }]) {
      const jeedom = client(options);
      expect(await jeedom.call('version')).toBe(standin.version);
      jeedom.close();
    }
  });
});
