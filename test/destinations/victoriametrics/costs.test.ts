import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../support/run-cli.js';
import {
  HC_HP,
  OLDEST_PRICE_DAY,
  TEMPO_PDL,
  createCostFixture,
} from '../../engines/timeseries-backfill/cost-fixture.js';
import type { CostFixture, ExpectedCosts } from '../../engines/timeseries-backfill/cost-fixture.js';
import { parisInstant } from './expected-samples.js';
import { backendTitle, startVictoriaMetrics } from './victoria-metrics-server.js';
import type { ExportedSeries, VictoriaMetricsUnderTest } from './victoria-metrics-server.js';

const PDLS = [TEMPO_PDL, HC_HP.usagePointId];

/** `tariff|type` → instant → the one value stored there; fails on a sample stored twice. */
function stored(all: ExportedSeries[], metric: string, pdl: string): Map<string, Map<number, number>> {
  const result = new Map<string, Map<number, number>>();
  for (const series of all) {
    if (series.metric['__name__'] !== metric || series.metric['pdl'] !== pdl) continue;
    const key = `${series.metric['tariff']}|${series.metric['type']}`;
    const values = new Map<number, number>();
    series.timestamps.forEach((timestamp, index) => {
      expect(
        values.has(timestamp),
        `${metric} ${key} ${new Date(timestamp).toISOString()} stored twice`,
      ).toBe(false);
      values.set(timestamp, series.values[index]!);
    });
    result.set(key, values);
  }
  return result;
}

function expectStored(all: ExportedSeries[], pdl: string, expected: ExpectedCosts): void {
  for (const [metric, field] of [
    ['myelectricaldata_tariff_energy_wh', 'wh'],
    ['myelectricaldata_cost_eur', 'eur'],
  ] as const) {
    const series = stored(all, metric, pdl);
    expect([...series.keys()].sort(), `${metric} ${pdl}`).toEqual([...expected.keys()].sort());
    for (const [key, amounts] of expected) {
      const values = series.get(key)!;
      expect([...values.keys()].sort(), `${metric} ${pdl} ${key}`).toEqual([...amounts.keys()].sort());
      for (const [at, amount] of amounts) {
        // VictoriaMetrics keeps about 12 significant digits.
        expect(Math.abs(values.get(at)! - amount[field]), `${metric} ${key} ${at}`).toBeLessThanOrEqual(
          Math.abs(amount[field]) * 1e-11 + 1e-12,
        );
      }
    }
  }
}

describe(`costs in VictoriaMetrics against ${backendTitle}`, () => {
  let fixture: CostFixture;
  let vm: VictoriaMetricsUnderTest;
  let env: Record<string, string>;
  const readAll = () => vm.exportSeries('{__name__=~"myelectricaldata_(tariff_energy_wh|cost_eur)"}');

  beforeAll(async () => {
    fixture = await createCostFixture();
    vm = await startVictoriaMetrics();
    env = {
      DATABASE_URL: fixture.db.url,
      VICTORIAMETRICS_ENABLED: 'true',
      VICTORIAMETRICS_URL: vm.url,
      VICTORIAMETRICS_EXPORT_DATA: 'consumption_daily,consumption_detailed,tempo',
      VICTORIAMETRICS_BATCH_SIZE: '5000',
    };
  }, 180_000);

  afterAll(async () => {
    await vm?.close();
    await fixture?.db.close();
  });

  it('holds per-tariff energy equal to the database and its cost at the price valid at each half-hour', async () => {
    const result = await runCli(['export', '--all'], env);
    expect(result.exitCode, `${result.stdout}${result.stderr}`).toBe(0);
    const all = await readAll();
    for (const pdl of PDLS) expectStored(all, pdl, await fixture.expected(pdl));

    const [log] = await fixture.db.query<{ details: { costs?: Record<string, Record<string, unknown>> } }>(
      `select details from export_logs where destination = 'victoriametrics' order by started_at desc limit 1`,
    );
    expect(log!.details.costs?.[TEMPO_PDL]?.['before_oldest_price']).toBe(
      `costs before ${OLDEST_PRICE_DAY} use the oldest price known for this offer`,
    );
    expect(log!.details.costs?.[TEMPO_PDL]?.['awaiting_tempo_colour']).toMatchObject({
      last: fixture.deleted.id,
    });
  });

  it('puts a Tempo colour published late in its tariff series on the next pass, no sample stored twice', async () => {
    const colour = `${fixture.deleted.color.toLowerCase()}_hp`;
    const hp = (all: ExportedSeries[]) =>
      stored(all, 'myelectricaldata_tariff_energy_wh', TEMPO_PDL).get(`${colour}|detailed`) ?? new Map();
    const from = parisInstant(fixture.deleted.id, '06:00')!;
    const inDay = (values: Map<number, number>) =>
      [...values.keys()].filter((at) => at >= from && at < from + 16 * 3_600_000);
    expect(inDay(hp(await readAll()))).toEqual([]);
    const loadCurve = async () =>
      (await vm.exportSeries('myelectricaldata_consumption_wh{type="detailed"}')).map(
        (series) => series.timestamps.length,
      );
    const loadCurveBefore = await loadCurve();

    await fixture.restoreColour();
    // A colour row merely rewritten later sends nothing more (checked by the pass after this one).
    const result = await runCli(['export', '--all', '--force'], env);
    expect(result.exitCode, `${result.stdout}${result.stderr}`).toBe(0);
    const after = await readAll();
    expect(inDay(hp(after))).toHaveLength(32);
    // The load curve itself is not sent again.
    expect(await loadCurve()).toEqual(loadCurveBefore);
    for (const pdl of PDLS) expectStored(after, pdl, await fixture.expected(pdl));

    await fixture.db.query(`update tempo_days set updated_at = now() where id = $1`, [fixture.deleted.id]);
    const again = await runCli(['export', '--all', '--force'], env);
    expect(again.exitCode, `${again.stdout}${again.stderr}`).toBe(0);
    for (const pdl of PDLS) expectStored(await readAll(), pdl, await fixture.expected(pdl));
  });
});
