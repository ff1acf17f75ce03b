import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:https';
import type { Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../support/run-cli.js';
import { backendTitle, startVictoriaMetrics } from './victoria-metrics-server.js';
import type { VictoriaMetricsUnderTest } from './victoria-metrics-server.js';

/** VictoriaMetrics behind an HTTPS reverse proxy whose certificate a throwaway CA signed. */
describe(`VictoriaMetrics over HTTPS (${backendTitle})`, () => {
  let vm: VictoriaMetricsUnderTest;
  let proxy: Server;
  let url: string;
  let dir: string;
  const test = (env: Record<string, string>) =>
    runCli(['test', '--destination', 'victoriametrics'], { VICTORIAMETRICS_URL: url, ...env });

  beforeAll(async () => {
    vm = await startVictoriaMetrics();
    dir = mkdtempSync(join(tmpdir(), 'med-export-vm-tls-'));
    const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    openssl(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      '-days',
      '2',
      '-subj',
      '/CN=med-export test CA',
    );
    writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1\n');
    openssl(
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'server.key',
      '-out',
      'server.csr',
      '-subj',
      '/CN=127.0.0.1',
    );
    openssl(
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'server.pem',
      '-days',
      '2',
      '-extfile',
      'san.ext',
    );
    proxy = createServer(
      { key: readFileSync(join(dir, 'server.key')), cert: readFileSync(join(dir, 'server.pem')) },
      (incoming, outgoing) => {
        const forwarded = httpRequest(
          `${vm.url}${incoming.url ?? '/'}`,
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
    url = `https://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  }, 60_000);

  afterAll(async () => {
    await new Promise<void>((resolve) => (proxy ? proxy.close(() => resolve()) : resolve()));
    await vm?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a certificate it cannot verify and says how to fix it', async () => {
    const result = await test({});
    expect(result.exitCode, `${result.stdout}${result.stderr}`).toBe(1);
    expect(result.stdout).toMatch(/fail\s+reachable: .*TLS verification failed.*VICTORIAMETRICS_CA_CERT/);
  });

  it('trusts the CA given in VICTORIAMETRICS_CA_CERT', async () => {
    const result = await test({ VICTORIAMETRICS_CA_CERT: join(dir, 'ca.pem') });
    expect(result.stdout).toMatch(/pass\s+write permission: .*written and read back/);
    expect(result.exitCode, `${result.stdout}${result.stderr}`).toBe(0);
  });

  it('skips verification only when VICTORIAMETRICS_TLS_INSECURE=true', async () => {
    const result = await test({ VICTORIAMETRICS_TLS_INSECURE: 'true' });
    expect(result.exitCode, `${result.stdout}${result.stderr}`).toBe(0);
  });
});
