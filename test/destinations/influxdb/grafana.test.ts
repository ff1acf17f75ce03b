import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openInflux } from '../../../src/destinations/influxdb/client.js';
import {
  dailyPoint,
  detailedPoint,
  ecowattPoints,
  encodePoints,
  monthlyPoint,
  tempoPoint,
} from '../../../src/destinations/influxdb/encode.js';
import type { Point } from '../../../src/destinations/influxdb/encode.js';
import { parisLocalToUtcMs } from '../../../src/domain/index.js';
import { backendTitle, influxdbAvailable, startInfluxdb } from './influxdb-server.js';
import type { InfluxUnderTest } from './influxdb-server.js';
import { influxConfig } from './influx-config.js';

interface Panel {
  title: string;
  targets?: { query: string }[];
}
const dashboard = JSON.parse(
  readFileSync(new URL('../../../grafana/med-export-influxdb.json', import.meta.url), 'utf8'),
) as { panels: Panel[]; templating: { list: { name: string; query: unknown }[] } };

/** Grafana's InfluxQL macros, as it expands them for "all PDLs" over the last ten years. */
function expand(query: string): string {
  return query
    .replaceAll('$timeFilter', 'time > now() - 3650d')
    .replaceAll('$__interval', '1h')
    .replaceAll('$pdl', '.*');
}

const PDL = '12345678901234';
const days = ['2024-07-01', '2024-07-02'];

describe.skipIf(!influxdbAvailable)(`the Grafana dashboard's InfluxQL against ${backendTitle}`, () => {
  let server: InfluxUnderTest;

  beforeAll(async () => {
    server = await startInfluxdb({ databases: ['myelectricaldata'] });
    const { client, target } = await openInflux(influxConfig({ url: server.url }), { timeoutMs: 5_000 });
    const start = parisLocalToUtcMs('2024-07-01', '12:00');
    await client.write(
      target,
      encodePoints([
        ...days.map((date, index) =>
          dailyPoint('consumption', PDL, { ok: true, date, wh: 1000 * (index + 1) }),
        ),
        ...days.map((date) => dailyPoint('production', PDL, { ok: true, date, wh: 500 })),
        monthlyPoint('consumption', PDL, { month: '2024-07', wh: 3000, days: 2 }),
        monthlyPoint('production', PDL, { month: '2024-07', wh: 1000, days: 2 }),
        detailedPoint('consumption', PDL, {
          ok: true,
          date: '2024-07-01',
          localStart: '12:00',
          startMs: start,
          endMs: start + 1_800_000,
          minutes: 30,
          watts: 600,
          wh: 300,
        }),
        ...(['tariff_energy', 'cost'] as const).map((measurement): Point => ({
          measurement,
          tags: { pdl: PDL, tariff: 'red_hp', granularity: 'daily' },
          fields: measurement === 'cost' ? { eur: 0.7562 } : { energy_wh: 1000 },
          timestampMs: parisLocalToUtcMs('2024-07-01', '00:00'),
        })),
        tempoPoint({ date: '2024-07-01', color: 'RED' }),
        tempoPoint({ date: '2024-07-02', color: 'BLUE' }),
        ...ecowattPoints({
          date: '2024-07-01',
          generatedAt: new Date(),
          level: 1,
          message: null,
          hourlyValues: new Array(24).fill(1),
        }).points,
      ]),
    );
  }, 60_000);

  afterAll(async () => {
    await server?.close();
  });

  const queries = dashboard.panels.flatMap((panel) =>
    (panel.targets ?? []).map((target) => [panel.title, target.query] as const),
  );

  it.each(queries)('%s: its query runs and finds the exported data', async (_title, query) => {
    const answer = await server.query(expand(query), 'myelectricaldata');
    expect(answer.series?.length ?? 0).toBeGreaterThan(0);
  });

  it('totals what was exported', async () => {
    const total = (title: string) => {
      const query = queries.find(([name]) => name === title)?.[1] ?? '';
      return server
        .query(expand(query), 'myelectricaldata')
        .then((answer) => answer.series?.[0]?.values?.[0]?.[1]);
    };
    expect(await total('Consumption in the range')).toBe(3);
    expect(await total('Production in the range')).toBe(1);
    expect(await total('Red days in the range')).toBe(1);
  });

  it('lists the PDLs for its variable', async () => {
    const variable = dashboard.templating.list.find((item) => item.name === 'pdl');
    const answer = await server.query(String(variable?.query), 'myelectricaldata');
    expect(answer.series?.[0]?.values).toEqual([['pdl', PDL]]);
  });
});
