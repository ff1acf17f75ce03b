import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../support/run-cli.js';
import { backendTitle, startVictoriaMetrics } from './victoria-metrics-server.js';
import type { VictoriaMetricsUnderTest } from './victoria-metrics-server.js';

const test = (env: Record<string, string>) => runCli(['test', '--destination', 'victoriametrics'], env);

/** The line the CLI prints for one check. */
function checkLine(stdout: string, name: string): string {
  return stdout.split('\n').find((line) => new RegExp(`(pass|fail)\\s+${name}`).test(line)) ?? '';
}

describe(`med-export test --destination victoriametrics against ${backendTitle}`, () => {
  let open: VictoriaMetricsUnderTest;
  let guarded: VictoriaMetricsUnderTest;
  let proxied: VictoriaMetricsUnderTest;
  let shortRetention: VictoriaMetricsUnderTest;

  beforeAll(async () => {
    [open, guarded, proxied, shortRetention] = await Promise.all([
      startVictoriaMetrics(),
      startVictoriaMetrics({ basicAuth: { username: 'writer', password: 'right-password' } }),
      startVictoriaMetrics({
        proxyUsers: [
          { token: 'the-bearer-token' },
          { username: 'reader', password: 'read-only-pw', readOnly: true },
        ],
      }),
      startVictoriaMetrics({ retentionPeriod: '1' }),
    ]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([open?.close(), guarded?.close(), proxied?.close(), shortRetention?.close()]);
  });

  it('passes every check, proving writes by reading the probe back, and leaves no exporter series behind', async () => {
    const result = await test({ VICTORIAMETRICS_URL: open.url, VICTORIAMETRICS_LABELS: '{"env":"probe"}' });
    expect(result.exitCode, `${result.stdout}${result.stderr}`).toBe(0);
    expect(checkLine(result.stdout, 'reachable')).toMatch(/pass/);
    expect(checkLine(result.stdout, 'credentials')).toMatch(/pass/);
    expect(checkLine(result.stdout, 'write permission')).toMatch(/pass.*written and read back/);
    expect(checkLine(result.stdout, 'retention')).toMatch(/pass.*100y/);
    const probe = await open.exportSeries('med_export_write_probe');
    expect(probe).toHaveLength(1);
    expect(probe[0]?.metric).toEqual({
      __name__: 'med_export_write_probe',
      source: 'med-export',
      env: 'probe',
    });
    expect(await open.exportSeries('{__name__=~"myelectricaldata_.*"}')).toEqual([]);
  });

  it('explains an unreachable server', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const result = await test({ VICTORIAMETRICS_URL: `http://127.0.0.1:${port}` });
    expect(result.exitCode, `${result.stdout}${result.stderr}`).toBe(1);
    expect(checkLine(result.stdout, 'reachable')).toMatch(/fail.*connection refused/);
    expect(result.stdout).toMatch(/fix: Check that VictoriaMetrics runs/);
  });

  it('explains rejected credentials (401) without printing the password', async () => {
    const result = await test({
      VICTORIAMETRICS_URL: guarded.url,
      VICTORIAMETRICS_USERNAME: 'writer',
      VICTORIAMETRICS_PASSWORD: 'wrong-password',
    });
    expect(result.exitCode, `${result.stdout}${result.stderr}`).toBe(1);
    expect(checkLine(result.stdout, 'reachable')).toMatch(/pass/);
    expect(checkLine(result.stdout, 'credentials')).toMatch(/fail.*HTTP 401/);
    expect(result.stdout).toMatch(/fix: Set VICTORIAMETRICS_USERNAME/);
    expect(`${result.stdout}${result.stderr}`).not.toContain('wrong-password');
  });

  it('passes with the right basic auth credentials', async () => {
    const result = await test({
      VICTORIAMETRICS_URL: guarded.url,
      VICTORIAMETRICS_USERNAME: 'writer',
      VICTORIAMETRICS_PASSWORD: 'right-password',
    });
    expect(result.exitCode, `${result.stdout}${result.stderr}`).toBe(0);
    expect(checkLine(result.stdout, 'write permission')).toMatch(/pass.*written and read back/);
  });

  it('passes with a bearer token (vmauth in front)', async () => {
    const result = await test({
      VICTORIAMETRICS_URL: proxied.proxyUrl!,
      VICTORIAMETRICS_TOKEN: 'the-bearer-token',
    });
    expect(result.exitCode, `${result.stdout}${result.stderr}`).toBe(0);
    expect(checkLine(result.stdout, 'write permission')).toMatch(/pass.*written and read back/);
  });

  it('explains a rejected bearer token', async () => {
    const result = await test({
      VICTORIAMETRICS_URL: proxied.proxyUrl!,
      VICTORIAMETRICS_TOKEN: 'not-the-token',
    });
    expect(result.exitCode, `${result.stdout}${result.stderr}`).toBe(1);
    expect(checkLine(result.stdout, 'credentials')).toMatch(/fail/);
    expect(`${result.stdout}${result.stderr}`).not.toContain('not-the-token');
  });

  it('explains a read-only user', async () => {
    const result = await test({
      VICTORIAMETRICS_URL: proxied.proxyUrl!,
      VICTORIAMETRICS_USERNAME: 'reader',
      VICTORIAMETRICS_PASSWORD: 'read-only-pw',
    });
    expect(result.exitCode, `${result.stdout}${result.stderr}`).toBe(1);
    expect(checkLine(result.stdout, 'credentials')).toMatch(/pass/);
    expect(checkLine(result.stdout, 'write permission')).toMatch(/fail.*missing route/);
    expect(result.stdout).toMatch(/fix: The proxy \(vmauth\) has no write route/);
  });

  it('explains a URL that cannot import (a vmselect path)', async () => {
    const result = await test({ VICTORIAMETRICS_URL: `${open.url}/select/0/prometheus` });
    expect(result.exitCode, `${result.stdout}${result.stderr}`).toBe(1);
    expect(checkLine(result.stdout, 'write permission')).toMatch(/fail.*unsupported path/);
    expect(result.stdout).toMatch(/fix: This URL does not accept imports/);
  });

  it('warns that a short -retentionPeriod silently drops the history', async () => {
    const result = await test({ VICTORIAMETRICS_URL: shortRetention.url });
    expect(result.exitCode, `${result.stdout}${result.stderr}`).toBe(1);
    expect(checkLine(result.stdout, 'retention')).toMatch(/fail.*-retentionPeriod=1 \(about 31 days\)/);
    expect(result.stdout).toMatch(/fix: VictoriaMetrics silently drops samples older than its retention/);
  });
});
