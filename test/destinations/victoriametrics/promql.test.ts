import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../support/run-cli.js';
import { DEMO_PDL, generateMedData } from '../../support/generate-med-data.js';
import { createTestDatabase } from '../../support/test-database.js';
import type { TestDatabase } from '../../support/test-database.js';
import {
  expectedDaily,
  expectedEcowatt,
  expectedMonthly,
  expectedTempo,
  parisMidnight,
  shiftDate,
  todayInParis,
} from './expected-samples.js';
import { backendTitle, startVictoriaMetrics, victoriaMetricsBinary } from './victoria-metrics-server.js';
import { expectedCosts } from '../../engines/timeseries-backfill/cost-fixture.js';
import type { VictoriaMetricsUnderTest } from './victoria-metrics-server.js';

/** The ```promql blocks of the documentation, by the id on their first line (`# id: what it answers`). */
function documentedQueries(): Map<string, string> {
  const text = readFileSync(new URL('../../../docs/victoriametrics.md', import.meta.url), 'utf8');
  const queries = new Map<string, string>();
  for (const match of text.matchAll(/```promql\n# ([a-z0-9-]+):[^\n]*\n([\s\S]*?)```/g)) {
    queries.set(match[1]!, match[2]!.trim());
  }
  return queries;
}

interface DashboardPanel {
  title?: string;
  type: string;
  targets?: { expr: string }[];
}

function dashboardQueries(): { title: string; expr: string }[] {
  const text = readFileSync(new URL('../../../grafana/med-export.json', import.meta.url), 'utf8');
  const dashboard = JSON.parse(text) as { panels: DashboardPanel[] };
  return dashboard.panels.flatMap((panel) =>
    (panel.targets ?? []).map((target) => ({ title: panel.title ?? panel.type, expr: target.expr })),
  );
}

const DAY_MS = 86_400_000;
const PDL = DEMO_PDL.usagePointId;
const lastDay = shiftDate(todayInParis(), -1);
const day = shiftDate(lastDay, -5);
/** Evaluation instant: noon of `day`, so each window's edges fall between two daily samples. */
const at = parisMidnight(day) + 12 * 3_600_000;

const sumWhere = (values: Map<number, number>, keep: (timestamp: number) => boolean) =>
  [...values].filter(([timestamp]) => keep(timestamp)).reduce((total, [, value]) => total + value, 0);
const within = (days: number) => (timestamp: number) => timestamp > at - days * DAY_MS && timestamp <= at;

// The stand-in stores and returns samples but does not evaluate PromQL: these need the real binary.
describe.skipIf(!victoriaMetricsBinary)(
  `documented PromQL queries and the Grafana dashboard against ${backendTitle}`,
  () => {
    let vm: VictoriaMetricsUnderTest;
    let db: TestDatabase;
    /** When the export ended: its figures and Tempo counts were sampled before. */
    let exportEndedAt = 0;

    async function query(
      expr: string,
      time: number,
    ): Promise<{ metric: Record<string, string>; value: number }[]> {
      const response = await fetch(`${vm.url}/api/v1/query`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ query: expr, time: String(time / 1000) }).toString(),
      });
      const body = (await response.json()) as {
        status: string;
        error?: string;
        data: { result: { metric: Record<string, string>; value: [number, string] }[] };
      };
      expect(body.status, `${expr}: ${body.error}`).toBe('success');
      return body.data.result.map((item) => ({ metric: item.metric, value: Number(item.value[1]) }));
    }

    async function single(expr: string, time = at): Promise<number> {
      const result = await query(expr, time);
      expect(result, expr).toHaveLength(1);
      return result[0]!.value;
    }

    beforeAll(async () => {
      vm = await startVictoriaMetrics();
      db = await createTestDatabase();
      await generateMedData(db, {
        pdls: [DEMO_PDL],
        from: shiftDate(lastDay, -400),
        to: lastDay,
        detailed: true,
        seed: 21,
        tempo: true,
        ecowatt: true,
        // The PDL's Tempo offer is selected: the cost panels have data.
        offers: true,
      });
      const result = await runCli(['export', '--all'], {
        DATABASE_URL: db.url,
        VICTORIAMETRICS_ENABLED: 'true',
        VICTORIAMETRICS_URL: vm.url,
        VICTORIAMETRICS_EXPORT_DATA:
          'consumption_daily,consumption_monthly,consumption_detailed,production_daily,production_monthly,tempo,ecowatt',
      });
      expect(result.exitCode, `${result.stdout}${result.stderr}`).toBe(0);
      exportEndedAt = Date.now();
      await vm.exportSeries('myelectricaldata_export_total'); // flushes: everything is searchable from here on
    }, 180_000);

    afterAll(async () => {
      await vm?.close();
      await db?.close();
    });

    const queries = documentedQueries();

    it('documents the queries this test checks', () => {
      expect([...queries.keys()].sort()).toEqual(
        [
          'daily-kwh',
          'day-cost-eur',
          'day-tariff-kwh',
          'ecowatt-tense-hours',
          'export-failures',
          'last-7-days-kwh',
          'month-kwh',
          'red-days-kwh',
          'red-days-year',
          'self-sufficiency',
        ].sort(),
      );
    });

    it('daily-kwh: the day’s consumption', async () => {
      const daily = await expectedDaily(db, 'consumption', PDL);
      expect(await single(queries.get('daily-kwh')!)).toBeCloseTo(daily.get(parisMidnight(day))! / 1000, 9);
    });

    it('last-7-days-kwh: the seven days up to this one', async () => {
      const daily = await expectedDaily(db, 'consumption', PDL);
      expect([...daily.keys()].filter(within(7))).toHaveLength(7);
      expect(await single(queries.get('last-7-days-kwh')!)).toBeCloseTo(sumWhere(daily, within(7)) / 1000, 9);
    });

    it('month-kwh: the current month’s total', async () => {
      const monthly = await expectedMonthly(db, 'consumption', PDL);
      expect(await single(queries.get('month-kwh')!)).toBeCloseTo(
        monthly.get(parisMidnight(`${day.slice(0, 7)}-01`))! / 1000,
        9,
      );
    });

    it('self-sufficiency: production over consumption for 30 days', async () => {
      const consumption = sumWhere(await expectedDaily(db, 'consumption', PDL), within(30));
      const production = sumWhere(await expectedDaily(db, 'production', PDL), within(30));
      expect(await single(queries.get('self-sufficiency')!)).toBeCloseTo(production / consumption, 9);
    });

    it('red-days-year: red days in 365 days', async () => {
      const tempo = await expectedTempo(db);
      const reds = [...tempo].filter(
        ([timestamp, color]) => color === 'RED' && within(365)(timestamp),
      ).length;
      expect(reds).toBeGreaterThan(0);
      expect(await single(queries.get('red-days-year')!)).toBe(reds);
    });

    it('red-days-kwh: consumption of the red days in 90 days, each day matched with its own colour', async () => {
      const tempo = await expectedTempo(db);
      const daily = await expectedDaily(db, 'consumption', PDL);
      const onRed = sumWhere(daily, (timestamp) => within(90)(timestamp) && tempo.get(timestamp) === 'RED');
      expect(await single(queries.get('red-days-kwh')!)).toBeCloseTo(onRed / 1000, 9);
    });

    it('ecowatt-tense-hours: hours at level 2 or 3 in 7 days', async () => {
      const ecowatt = await expectedEcowatt(db, Date.now() + 36 * 3_600_000);
      const tense = [...ecowatt.hours].filter(
        ([timestamp, level]) => level >= 2 && within(7)(timestamp),
      ).length;
      const result = await query(queries.get('ecowatt-tense-hours')!, at);
      expect(result.length === 0 ? 0 : result[0]!.value).toBe(tense);
    });

    it('day-cost-eur: the day’s energy cost, every tariff at the price valid at each half-hour', async () => {
      const costs = await expectedCosts(db, PDL);
      let total = 0;
      for (const [key, days] of costs)
        if (key.endsWith('|daily')) total += days.get(parisMidnight(day))?.eur ?? 0;
      expect(total).toBeGreaterThan(0);
      expect(await single(queries.get('day-cost-eur')!)).toBeCloseTo(total, 9);
    });

    it('day-tariff-kwh: the day’s consumption of each tariff', async () => {
      const costs = await expectedCosts(db, PDL);
      const expected = new Map(
        [...costs]
          .filter(([key, days]) => key.endsWith('|daily') && days.has(parisMidnight(day)))
          .map(([key, days]) => [key.split('|')[0]!, days.get(parisMidnight(day))!.wh / 1000]),
      );
      const result = await query(queries.get('day-tariff-kwh')!, at);
      expect(new Set(result.map((item) => item.metric['tariff']))).toEqual(new Set(expected.keys()));
      for (const item of result) expect(item.value).toBeCloseTo(expected.get(item.metric['tariff']!)!, 9);
    });

    it('export-failures: no failed pass was recorded', async () => {
      expect(await query(queries.get('export-failures')!, Date.now())).toEqual([]);
    });

    it('every dashboard query is valid, and the data panels show the exported data', async () => {
      const panels = dashboardQueries();
      expect(panels.length).toBeGreaterThan(10);
      // An instant query leaves out the samples of about the last second of VictoriaMetrics' clock, and a pass
      // can take less than that: the export-time samples are queried once they are older.
      const settled = exportEndedAt + 2_000 - Date.now();
      if (settled > 0) await new Promise((resolve) => setTimeout(resolve, settled));
      for (const { title, expr } of panels) {
        const resolved = expr.replaceAll('$pdl', '.*');
        // Export figures and Tempo counts are sampled at export time, the history at its own times.
        const atExportTime = /export_|tempo_remaining|tempo_used/.test(resolved);
        const result = await query(resolved, atExportTime ? Date.now() : at);
        // Production has no load curve in this export; everything else must show something.
        if (!/production_wh\{type="detailed"/.test(resolved))
          expect(result.length, `${title}: ${resolved}`).toBeGreaterThan(0);
      }
    });
  },
);
