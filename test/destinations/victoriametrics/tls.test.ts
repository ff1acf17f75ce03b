import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTlsProxy } from '../../support/tls-proxy.js';
import type { TlsProxy } from '../../support/tls-proxy.js';
import { runCli } from '../../support/run-cli.js';
import { backendTitle, startVictoriaMetrics } from './victoria-metrics-server.js';
import type { VictoriaMetricsUnderTest } from './victoria-metrics-server.js';

/** VictoriaMetrics behind an HTTPS reverse proxy whose certificate a throwaway CA signed. */
describe(`VictoriaMetrics over HTTPS (${backendTitle})`, () => {
  let vm: VictoriaMetricsUnderTest;
  let proxy: TlsProxy;
  let url: string;
  const test = (env: Record<string, string>) =>
    runCli(['test', '--destination', 'victoriametrics'], { VICTORIAMETRICS_URL: url, ...env });

  beforeAll(async () => {
    vm = await startVictoriaMetrics();
    proxy = await startTlsProxy(vm.url);
    url = proxy.url;
  }, 60_000);

  afterAll(async () => {
    await proxy?.close();
    await vm?.close();
  });

  it('refuses a certificate it cannot verify and says how to fix it', async () => {
    const result = await test({});
    expect(result.exitCode, `${result.stdout}${result.stderr}`).toBe(1);
    expect(result.stdout).toMatch(/fail\s+reachable: .*TLS verification failed.*VICTORIAMETRICS_CA_CERT/);
  });

  it('trusts the CA given in VICTORIAMETRICS_CA_CERT', async () => {
    const result = await test({ VICTORIAMETRICS_CA_CERT: proxy.caFile });
    expect(result.stdout).toMatch(/pass\s+write permission: .*written and read back/);
    expect(result.exitCode, `${result.stdout}${result.stderr}`).toBe(0);
  });

  it('skips verification only when VICTORIAMETRICS_TLS_INSECURE=true', async () => {
    const result = await test({ VICTORIAMETRICS_TLS_INSECURE: 'true' });
    expect(result.exitCode, `${result.stdout}${result.stderr}`).toBe(0);
  });
});
