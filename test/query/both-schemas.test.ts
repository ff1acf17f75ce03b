import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../src/db/connect.js';
import type { Database } from '../../src/db/tables.js';
import { DuplicateGuard, toInterval } from '../../src/domain/readings.js';
import { createQueryLayer } from '../../src/query/query-layer.js';
import type { DetailedRow, QueryLayer } from '../../src/query/types.js';
import { DEMO_PDL, generateMedData } from '../support/generate-med-data.js';
import { MED_SCHEMA_SHAPES } from '../support/med-schema.js';
import { createTestDatabase } from '../support/test-database.js';
import type { TestDatabase } from '../support/test-database.js';

const PDL = DEMO_PDL.usagePointId;

// Whatever MED_TEST_SCHEMA says, the query layer is checked on both real shapes here.
describe.each(MED_SCHEMA_SHAPES)('the query layer on the %s schema', (shape) => {
  let database: TestDatabase;
  let db: Kysely<Database>;
  let query: QueryLayer;

  beforeAll(async () => {
    database = await createTestDatabase({ shape });
    for (const [from, to] of [
      ['2025-03-29', '2025-03-31'],
      ['2025-10-25', '2025-10-27'],
      ['2025-11-25', '2025-12-03'],
    ]) {
      await generateMedData(database, { pdls: [DEMO_PDL], from: from!, to: to!, tempo: true, ecowatt: true });
    }
    db = connect(new URL(database.url), { maxConnections: 2 });
    query = createQueryLayer(db);
  });
  afterAll(async () => {
    await db?.destroy();
    await database?.close();
  });

  const detailed = async (date: string): Promise<DetailedRow[]> => {
    const rows: DetailedRow[] = [];
    for await (const page of query.detailedPages('consumption', PDL, { from: date, to: date }))
      rows.push(...page);
    return rows;
  };

  const instants = (rows: DetailedRow[]) => {
    const guard = new DuplicateGuard();
    return rows.map((row) => {
      const reading = toInterval(row);
      const checked = reading.ok ? guard.check(reading) : reading;
      if (!checked.ok) throw new Error(`${row.date} ${row.intervalStart}: ${checked.reason}`);
      return new Date(checked.startMs).toISOString().slice(0, 16);
    });
  };

  it('keeps all 46 spring-forward half-hours, each at its real instant', async () => {
    const starts = instants(await detailed('2025-03-30'));
    expect(starts).toHaveLength(46);
    expect(starts.slice(0, 5)).toEqual([
      '2025-03-29T23:00',
      '2025-03-29T23:30',
      '2025-03-30T00:00',
      '2025-03-30T00:30',
      '2025-03-30T01:00',
    ]);
    expect(starts.at(-1)).toBe('2025-03-30T21:30');
  });

  it('places the fall-back 01:30, 02:00, 02:30 on their CET instants', async () => {
    const rows = await detailed('2025-10-26');
    const starts = instants(rows);
    expect(starts).toHaveLength(48);
    const at = (label: string) => starts[rows.findIndex((row) => row.intervalStart === label)];
    expect([at('01:00'), at('01:30'), at('02:00'), at('02:30'), at('03:00')]).toEqual([
      '2025-10-25T23:00',
      '2025-10-26T00:30',
      '2025-10-26T01:00',
      '2025-10-26T01:30',
      '2025-10-26T02:00',
    ]);
  });

  it('reads a JSON null raw_data as the default step', async () => {
    await database.query(
      `update consumption_data set raw_data = 'null'::json where usage_point_id = $1 and date = '2025-03-29'
         and interval_start = '12:00'`,
      [PDL],
    );
    const row = (await detailed('2025-03-29')).find((candidate) => candidate.intervalStart === '12:00')!;
    expect(toInterval(row)).toMatchObject({ ok: true, minutes: 30 });
  });

  it('pages the load curve by whole days, in order, each row once', async () => {
    const range = { from: '2025-03-29', to: '2025-03-31' };
    const whole: DetailedRow[] = [];
    for await (const page of query.detailedPages('consumption', PDL, range)) whole.push(...page);
    const pages: DetailedRow[][] = [];
    for await (const page of query.detailedPages('consumption', PDL, range, 48)) pages.push(page);
    expect(pages.map((page) => [...new Set(page.map((row) => row.date))])).toEqual([
      ['2025-03-29'],
      ['2025-03-30'],
      ['2025-03-31'],
    ]);
    // The spring-forward day holds 46 half-hours: a page is a whole day, whatever its length.
    expect(pages.map((page) => page.length)).toEqual([48, 46, 48]);
    expect(pages.flat()).toEqual(whole);
  });

  it('reads raw_data objects by their interval_length and keeps anything else whole', async () => {
    const set = (start: string, raw: string) =>
      database.query(
        `update consumption_data set raw_data = $2 where usage_point_id = $1 and date = '2025-03-31'
           and interval_start = $3`,
        [PDL, raw, start],
      );
    await set('10:00', '\n {"interval_length": "PT15M", "value": "12"}');
    await set('10:30', ' {"value": "12"}');
    await set('11:00', '[1, 2]');
    await set('11:30', '"PT30M"');
    const rows = await detailed('2025-03-31');
    const rawData = (start: string) => rows.find((row) => row.intervalStart === start)!.rawData;
    expect(rawData('10:00')).toEqual({ interval_length: 'PT15M' });
    expect(rawData('10:30')).toEqual({});
    expect(rawData('11:00')).toEqual([1, 2]);
    expect(rawData('11:30')).toBe('PT30M');
    expect(toInterval(rows.find((row) => row.intervalStart === '11:00')!)).toMatchObject({
      ok: false,
      reason: 'raw_data_not_object',
    });
  });

  it('uses the newest of duplicate daily rows and counts the others', async () => {
    await database.query(
      `insert into consumption_data (id, usage_point_id, date, granularity, interval_start, value, source, raw_data,
         updated_at)
       values ('dup-old', $1, '2025-03-31', 'daily', null, 1, 'myelectricaldata', 'null', now() - interval '2 days'),
              ('dup-new', $1, '2025-03-31', 'daily', null, 424242, 'myelectricaldata', 'null', now() + interval '1 day')`,
      [PDL],
    );
    const rows = await query.dailyRows('consumption', PDL, { from: '2025-03-30', to: '2025-04-01' });
    expect(rows.map((row) => [row.date, row.value === 424242])).toEqual([
      ['2025-03-30', false],
      ['2025-03-31', true],
    ]);
    expect(await query.duplicateDailyRows('consumption', PDL)).toBe(2);
    expect(await query.duplicateDailyRows('production', PDL)).toBe(0);
  });

  it('dates EcoWatt by the Paris day of its naive-UTC periode, and tolerates a Paris-midnight periode', async () => {
    const stored = await database.query<{ level: number }>(
      `select dvalue as level from ecowatt where periode = '2025-11-30 23:00:00'`,
    );
    const days = await query.ecowattDays({ from: '2025-12-01', to: '2025-12-01' });
    expect(days).toHaveLength(1);
    expect(days[0]).toMatchObject({ date: '2025-12-01', level: stored[0]!.level });
    expect(days[0]!.generatedAt.toISOString()).toMatch(/^2025-11-(28T11:15|30T16:00):00\.000Z$/);

    await database.query(
      `insert into ecowatt (periode, generation_datetime, dvalue, message, "values")
       values ('2025-12-10 00:00:00', '2025-12-09 16:00:00', 3, 'local midnight', $1::json)`,
      [JSON.stringify(Array.from({ length: 24 }, () => 3))],
    );
    const local = await query.ecowattDays({ from: '2025-12-10', to: '2025-12-10' });
    expect(local.map((day) => [day.date, day.level])).toEqual([['2025-12-10', 3]]);
  });

  it('reads Tempo colours from either column type', async () => {
    const days = await query.tempoDays({ from: '2025-12-01', to: '2025-12-02' });
    expect(days.map((day) => day.date)).toEqual(['2025-12-01', '2025-12-02']);
    for (const day of days) expect(['BLUE', 'WHITE', 'RED']).toContain(day.color);
  });
});
