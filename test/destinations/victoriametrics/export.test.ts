import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../support/run-cli.js';
import { DEMO_PDL, generateMedData } from '../../support/generate-med-data.js';
import type { GeneratedPdl } from '../../support/generate-med-data.js';
import { createTestDatabase } from '../../support/test-database.js';
import type { TestDatabase } from '../../support/test-database.js';
import {
  dstDays,
  expectedDaily,
  expectedDetailed,
  expectedEcowatt,
  expectedMonthly,
  expectedTempo,
  findSeries,
  parisInstant,
  parisMidnight,
  samplesByTimestamp,
  shiftDate,
  singleSamples,
  todayInParis,
} from './expected-samples.js';
import { backendTitle, startVictoriaMetrics } from './victoria-metrics-server.js';
import type { ExportedSeries, VictoriaMetricsUnderTest } from './victoria-metrics-server.js';

const HOME: GeneratedPdl = { ...DEMO_PDL, name: 'Maison "du lac" \\ nord' };
const FLAT: GeneratedPdl = {
  usagePointId: '22222222222222',
  name: null,
  pricingOption: 'BASE',
  offpeakHours: null,
  hasProduction: false,
};
const ALL_KINDS =
  'consumption_daily,consumption_monthly,consumption_detailed,production_daily,production_monthly,production_detailed,tempo,ecowatt';
const EXTRA_LABELS = { env: 'test', host: 'rasp "pi" \\ 2' };
/** The exporter holds back samples more than 36 h ahead (VictoriaMetrics drops those past ~2 days). */
const FUTURE_MARGIN_MS = 36 * 3_600_000;

const today = todayInParis();
/** The base history ends two days ago; the incremental test adds yesterday. */
const lastDay = shiftDate(today, -2);
const firstDay = shiftDate(lastDay, -400);
const newDay = shiftDate(today, -1);

async function backdateMeasures(db: TestDatabase): Promise<void> {
  // As if MyElectricalData had synced each day the morning after, rather than all rows in the same second.
  for (const table of ['consumption_data', 'production_data']) {
    await db.query(
      `update ${table} set updated_at = date + interval '30 hours', created_at = date + interval '30 hours'`,
    );
  }
}

async function readAll(vm: VictoriaMetricsUnderTest): Promise<ExportedSeries[]> {
  return vm.exportSeries('{__name__=~"myelectricaldata_.*"}');
}

function energySeries(all: ExportedSeries[], direction: string, pdl: string, type: string) {
  return findSeries(all, { __name__: `myelectricaldata_${direction}_wh`, pdl, type });
}

function expectClose(actual: Map<number, number>, expected: Map<number, number>): void {
  expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [timestamp, value] of expected) {
    // VictoriaMetrics keeps about 12 significant digits.
    expect(Math.abs(actual.get(timestamp)! - value)).toBeLessThanOrEqual(Math.abs(value) * 1e-11);
  }
}

describe(`VictoriaMetrics export against ${backendTitle}`, () => {
  let vm: VictoriaMetricsUnderTest;
  let db: TestDatabase;
  let env: Record<string, string>;

  beforeAll(async () => {
    vm = await startVictoriaMetrics();
    db = await createTestDatabase();
    await generateMedData(db, {
      pdls: [HOME, FLAT],
      from: firstDay,
      to: lastDay,
      detailed: true,
      seed: 11,
      tempo: true,
      ecowatt: true,
    });
    await backdateMeasures(db);
    env = {
      DATABASE_URL: db.url,
      VICTORIAMETRICS_ENABLED: 'true',
      VICTORIAMETRICS_URL: vm.url,
      VICTORIAMETRICS_EXPORT_DATA: ALL_KINDS,
      VICTORIAMETRICS_LABELS: JSON.stringify(EXTRA_LABELS),
      VICTORIAMETRICS_PDL_NAME_LABEL: 'true',
      VICTORIAMETRICS_BATCH_SIZE: '3000',
    };
  }, 180_000);

  afterAll(async () => {
    await vm?.close();
    await db?.close();
  });

  it('sends nothing and records nothing in dry-run', async () => {
    const result = await runCli(['export', '--all', '--dry-run', '--json'], env);
    expect(result.exitCode, `${result.stdout}${result.stderr}`).toBe(0);
    expect(result.stdout).toContain('myelectricaldata_consumption_wh{pdl=\\"12345678901234\\"');
    expect(await readAll(vm)).toEqual([]);
    // A dry run writes nothing at all, not even med-export's own tables (issue 10).
    expect(await db.query("select to_regclass('export_state') as t")).toEqual([{ t: null }]);
  });

  it('backfills the whole history at the times it happened', async () => {
    const result = await runCli(['export', '--all'], env);
    expect(result.exitCode, result.stderr).toBe(0);
    const horizon = Date.now() + FUTURE_MARGIN_MS;
    const all = await readAll(vm);

    for (const [pdl, directions] of [
      [HOME, ['consumption', 'production']],
      [FLAT, ['consumption']],
    ] as const) {
      for (const direction of directions) {
        const daily = singleSamples(energySeries(all, direction, pdl.usagePointId, 'daily'));
        const expected = await expectedDaily(db, direction, pdl.usagePointId);
        expect(daily.size).toBe(401);
        expect(daily).toEqual(expected);
        expect(singleSamples(energySeries(all, direction, pdl.usagePointId, 'monthly'))).toEqual(
          await expectedMonthly(db, direction, pdl.usagePointId),
        );
        expectClose(
          singleSamples(energySeries(all, direction, pdl.usagePointId, 'detailed')),
          await expectedDetailed(db, direction, pdl.usagePointId),
        );
      }
      expect(energySeries(all, 'production', FLAT.usagePointId, 'daily')).toBeUndefined();
    }

    // Tempo: one-hot per day at the day's midnight, for every stored day.
    const tempo = await expectedTempo(db);
    expect(tempo.size).toBeGreaterThan(400);
    for (const [color, code] of [
      ['BLEU', 'BLUE'],
      ['BLANC', 'WHITE'],
      ['ROUGE', 'RED'],
    ] as const) {
      const stored = singleSamples(findSeries(all, { __name__: 'myelectricaldata_tempo_color', color }));
      expect(stored).toEqual(new Map([...tempo].map(([at, dayColor]) => [at, dayColor === code ? 1 : 0])));
    }
    for (const metric of ['myelectricaldata_tempo_remaining', 'myelectricaldata_tempo_used']) {
      for (const color of ['blue', 'white', 'red'])
        expect(findSeries(all, { __name__: metric, color })).toBeDefined();
    }

    // EcoWatt: every hour of every stored day (newest signal), and the day level at midnight.
    const ecowatt = await expectedEcowatt(db, horizon);
    expect(ecowatt.hours.size).toBeGreaterThanOrEqual(24 * 20);
    expect(
      singleSamples(findSeries(all, { __name__: 'myelectricaldata_ecowatt_level', region: 'france' })),
    ).toEqual(ecowatt.hours);
    expect(
      singleSamples(findSeries(all, { __name__: 'myelectricaldata_ecowatt_day_level', region: 'france' })),
    ).toEqual(ecowatt.days);

    // Labels: pdl always, pdl_name when configured (and only when the PDL has a name), extra labels on all.
    for (const series of all) {
      for (const [name, value] of Object.entries(EXTRA_LABELS)) expect(series.metric[name]).toBe(value);
    }
    const home = energySeries(all, 'consumption', HOME.usagePointId, 'daily')!;
    expect(home.metric['pdl_name']).toBe(HOME.name);
    expect(energySeries(all, 'consumption', FLAT.usagePointId, 'daily')!.metric).not.toHaveProperty(
      'pdl_name',
    );

    // The pass's own figures.
    const [log] = await db.query<{ status: string; records_exported: number }>(
      `select status, records_exported from export_logs where destination = 'victoriametrics' and status <> 'running'`,
    );
    expect(log?.status).toBe('success');
    const total = findSeries(all, {
      __name__: 'myelectricaldata_export_total',
      destination: 'victoriametrics',
      status: 'success',
    });
    expect(total?.values).toEqual([1]);
    const records = findSeries(all, {
      __name__: 'myelectricaldata_export_records_total',
      destination: 'victoriametrics',
    });
    expect(records?.values).toEqual([Number(log?.records_exported)]);
    expect(await vm.invalidLineCount()).toBe(0);
  });

  it('puts daily samples at local midnight on both DST days', async () => {
    const { spring, autumn } = dstDays(firstDay, lastDay);
    expect(spring.length).toBeGreaterThan(0);
    expect(autumn.length).toBeGreaterThan(0);
    const daily = singleSamples(energySeries(await readAll(vm), 'consumption', HOME.usagePointId, 'daily'));
    for (const day of spring) {
      // Midnight before the switch is still winter time (UTC+1); the next one is summer time (UTC+2).
      const [y, m, d] = day.split('-').map(Number) as [number, number, number];
      expect(daily.has(Date.UTC(y, m - 1, d - 1, 23))).toBe(true);
      expect(daily.has(Date.UTC(y, m - 1, d, 22))).toBe(true);
    }
    for (const day of autumn) {
      const [y, m, d] = day.split('-').map(Number) as [number, number, number];
      expect(daily.has(Date.UTC(y, m - 1, d - 1, 22))).toBe(true);
      expect(daily.has(Date.UTC(y, m - 1, d, 23))).toBe(true);
    }
    // The detailed curve has 46 intervals on the 23-hour day, none at the skipped 02:00-02:59.
    const detailed = singleSamples(
      energySeries(await readAll(vm), 'consumption', HOME.usagePointId, 'detailed'),
    );
    for (const day of spring) {
      const start = parisMidnight(day);
      const end = parisMidnight(shiftDate(day, 1));
      expect([...detailed.keys()].filter((at) => at >= start && at < end)).toHaveLength(46);
      expect(parisInstant(day, '02:00')).toBeNull();
    }
  });

  it('later sends only new and changed rows, and the totals of their months', async () => {
    const before = await readAll(vm);
    const count = (series: ExportedSeries | undefined) => series?.timestamps.length ?? 0;

    // A new day, a corrected old value, tomorrow's Tempo colour and a revised EcoWatt signal.
    await generateMedData(db, { pdls: [HOME, FLAT], from: newDay, to: newDay, detailed: true, seed: 11 });
    const corrected = shiftDate(firstDay, 40);
    await db.query(
      `update consumption_data set value = value + 1000, updated_at = now()
       where usage_point_id = $1 and date = $2::date and granularity = 'daily'`,
      [HOME.usagePointId, corrected],
    );
    const tomorrow = shiftDate(today, 1);
    await db.query(
      `insert into tempo_days (id, date, color) values ($1, $2::timestamptz, 'RED')
       on conflict (id) do update set color = 'RED'`,
      [tomorrow, new Date(parisMidnight(tomorrow)).toISOString()],
    );
    const revisedDay = shiftDate(today, -3);
    await db.query(
      `insert into ecowatt (periode, generation_datetime, dvalue, message, "values")
       select $1::timestamp, now()::timestamp, 3, 'revised', jsonb_agg(jsonb_build_object('pas', h, 'hvalue', 3))
       from generate_series(0, 23) as h`,
      [`${revisedDay} 00:00:00`],
    );

    const result = await runCli(['export', '--all', '--force'], env);
    expect(result.exitCode, result.stderr).toBe(0);
    const after = await readAll(vm);

    for (const [pdl, directions] of [
      [HOME, ['consumption', 'production']],
      [FLAT, ['consumption']],
    ] as const) {
      for (const direction of directions) {
        const id = pdl.usagePointId;
        const expected = await expectedDaily(db, direction, id);
        const dailyBefore = energySeries(before, direction, id, 'daily');
        const dailyAfter = samplesByTimestamp(energySeries(after, direction, id, 'daily'));
        const fixes = direction === 'consumption' && pdl === HOME ? 1 : 0;
        // Exactly the new day (plus the corrected one) was added.
        expect(count(energySeries(after, direction, id, 'daily'))).toBe(count(dailyBefore) + 1 + fixes);
        expect(dailyAfter.get(parisMidnight(newDay))).toEqual([expected.get(parisMidnight(newDay))]);
        if (fixes) {
          const old = samplesByTimestamp(dailyBefore).get(parisMidnight(corrected))!;
          // No -dedup.minScrapeInterval here: the old value stays beside the corrected one.
          expect(dailyAfter.get(parisMidnight(corrected))?.sort()).toEqual(
            [...old, expected.get(parisMidnight(corrected))].sort(),
          );
        }
        const detailedBefore = count(energySeries(before, direction, id, 'detailed'));
        const newIntervals = (
          await db.query(
            `select 1 from ${direction}_data where usage_point_id = $1 and date = $2::date and granularity = 'detailed'`,
            [id, newDay],
          )
        ).length;
        expect(count(energySeries(after, direction, id, 'detailed'))).toBe(detailedBefore + newIntervals);

        // Monthly: the months of the new and the corrected day were re-sent with their new totals, nothing else.
        const monthly = samplesByTimestamp(energySeries(after, direction, id, 'monthly'));
        const expectedMonths = await expectedMonthly(db, direction, id);
        const resent = new Set([parisMidnight(`${newDay.slice(0, 7)}-01`)]);
        if (fixes) resent.add(parisMidnight(`${corrected.slice(0, 7)}-01`));
        for (const [at, total] of expectedMonths) {
          const values = monthly.get(at)!;
          // Samples sharing a timestamp come back in no particular order.
          expect(values).toContain(total);
          const existedBefore = samplesByTimestamp(energySeries(before, direction, id, 'monthly')).has(at);
          expect(values).toHaveLength(resent.has(at) && existedBefore ? 2 : 1);
        }
      }
    }

    // Tempo: only tomorrow's colour is new (3 one-hot samples), nothing re-sent.
    for (const color of ['BLEU', 'BLANC', 'ROUGE']) {
      const selector = { __name__: 'myelectricaldata_tempo_color', color };
      expect(count(findSeries(after, selector))).toBe(count(findSeries(before, selector)) + 1);
      expect(samplesByTimestamp(findSeries(after, selector)).get(parisMidnight(tomorrow))).toEqual([
        color === 'ROUGE' ? 1 : 0,
      ]);
    }

    // EcoWatt: the revised day's 24 hours and its day level, nothing else.
    const level = { __name__: 'myelectricaldata_ecowatt_level', region: 'france' };
    expect(count(findSeries(after, level))).toBe(count(findSeries(before, level)) + 24);
    const hours = samplesByTimestamp(findSeries(after, level));
    expect(hours.get(parisInstant(revisedDay, '12:00')!)).toContain(3);
    const dayLevel = { __name__: 'myelectricaldata_ecowatt_day_level', region: 'france' };
    expect(count(findSeries(after, dayLevel))).toBe(count(findSeries(before, dayLevel)) + 1);

    // The export counters grew by one pass.
    expect(
      findSeries(after, {
        __name__: 'myelectricaldata_export_total',
        destination: 'victoriametrics',
        status: 'success',
      })?.values.sort(),
    ).toEqual([1, 2]);
  });

  it('sends nothing again for rows re-read or rewritten without a change', async () => {
    const before = await readAll(vm);
    // The rows changed by the previous test are still inside the core's re-read margin (10 minutes before its
    // watermark), and a re-fetch rewrites identical rows: neither may store a duplicate.
    await db.query(
      `update consumption_data set updated_at = now() where usage_point_id = $1 and date = $2::date`,
      [HOME.usagePointId, newDay],
    );
    const result = await runCli(['export', '--all', '--force'], env);
    expect(result.exitCode, `${result.stdout}${result.stderr}`).toBe(0);
    const after = await readAll(vm);
    for (const series of before) {
      if (series.metric['__name__']!.startsWith('myelectricaldata_export_')) continue;
      if (series.metric['__name__']!.startsWith('myelectricaldata_tempo_remaining')) continue;
      if (series.metric['__name__']!.startsWith('myelectricaldata_tempo_used')) continue;
      const same = findSeries(after, series.metric);
      expect(same?.timestamps.length, JSON.stringify(series.metric)).toBe(series.timestamps.length);
    }
  });

  it('re-sends everything from --since on', async () => {
    const before = await readAll(vm);
    const since = shiftDate(lastDay, -9);
    const result = await runCli(['export', '--destination', 'victoriametrics', '--since', since], env);
    expect(result.exitCode, `${result.stdout}${result.stderr}`).toBe(0);
    const after = await readAll(vm);
    const daysFromSince = [...(await expectedDaily(db, 'consumption', HOME.usagePointId)).keys()].filter(
      (at) => at >= parisMidnight(since),
    ).length;
    expect(daysFromSince).toBe(11);
    const series = (all: ExportedSeries[]) => energySeries(all, 'consumption', HOME.usagePointId, 'daily');
    expect(series(after)!.timestamps.length).toBe(series(before)!.timestamps.length + daysFromSince);
  });
});
