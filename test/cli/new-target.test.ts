import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parisParts, addDays } from '../../src/domain/paris-time.js';
import { demoOptions, generateMedData } from '../support/generate-med-data.js';
import { runCli } from '../support/run-cli.js';
import { createTestDatabase } from '../support/test-database.js';
import type { TestDatabase } from '../support/test-database.js';
import { startVictoriaMetrics } from '../destinations/victoriametrics/victoria-metrics-server.js';
import type { VictoriaMetricsUnderTest } from '../destinations/victoriametrics/victoria-metrics-server.js';

const today = parisParts(new Date()).date;
let database: TestDatabase;
const servers: VictoriaMetricsUnderTest[] = [];

async function dailySamples(vm: VictoriaMetricsUnderTest): Promise<number> {
  const series = await vm.exportSeries('{__name__="myelectricaldata_consumption_wh",type="daily"}');
  return series.reduce((sum, one) => sum + one.timestamps.length, 0);
}

beforeAll(async () => {
  database = await createTestDatabase();
  await generateMedData(database, { ...demoOptions(today), from: addDays(today, -60) });
});

afterAll(async () => {
  for (const server of servers) await server.close();
  await database?.close();
});

describe('a destination pointed at a new target', () => {
  it('sends the whole history to it on the next run, says so in one line, and takes up a known one again', async () => {
    const first = await startVictoriaMetrics();
    const second = await startVictoriaMetrics();
    servers.push(first, second);
    const env = {
      DATABASE_URL: database.url,
      VICTORIAMETRICS_ENABLED: 'true',
      VICTORIAMETRICS_URL: first.url,
      VICTORIAMETRICS_EXPORT_DATA: 'consumption_daily',
    };
    expect((await runCli(['export', '--all'], env)).exitCode).toBe(0);
    const history = await dailySamples(first);
    expect(history).toBeGreaterThanOrEqual(59);

    // The same target again: no announcement.
    const again = await runCli(['export', '--all', '--force'], env);
    expect(again.exitCode).toBe(0);
    expect(again.stdout).not.toMatch(/new target/);

    const moved = await runCli(['export', '--all'], { ...env, VICTORIAMETRICS_URL: second.url });
    expect(moved.exitCode).toBe(0);
    const url = (vm: VictoriaMetricsUnderTest) => vm.url.replace(/\/$/, '');
    const announcements = moved.stdout.split('\n').filter((line) => line.includes(url(first)));
    expect(announcements).toEqual([
      `    new target ${url(second)} (was ${url(first)}): sent the whole history to it`,
    ]);
    expect(moved.stderr).toBe('');
    expect(await dailySamples(second)).toBe(history);

    // Back to the first: its own state is taken up again, so it is not sent everything a second time.
    const back = await runCli(['export', '--all', '--json'], env);
    expect(back.exitCode).toBe(0);
    const [result] = JSON.parse(back.stdout) as { records: number; target_switch: unknown }[];
    expect(result!.target_switch).toEqual({ from: url(second), to: url(first), restored: true });
    expect(result!.records).toBeLessThan(history);
  });
});
