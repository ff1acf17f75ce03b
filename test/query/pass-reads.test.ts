import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../src/db/connect.js';
import type { Database } from '../../src/db/tables.js';
import { passReads } from '../../src/query/pass-reads.js';
import { createQueryLayer } from '../../src/query/query-layer.js';
import type { QueryLayer } from '../../src/query/types.js';
import { DEMO_PDL, generateMedData } from '../support/generate-med-data.js';
import { createTestDatabase } from '../support/test-database.js';
import type { TestDatabase } from '../support/test-database.js';

describe("one pass's reads, over a real database", () => {
  let database: TestDatabase;
  let db: Kysely<Database>;
  let direct: QueryLayer;
  let now = 0;
  const clock = () => now;

  beforeAll(async () => {
    database = await createTestDatabase();
    await generateMedData(database, {
      pdls: [DEMO_PDL],
      from: '2025-01-01',
      to: '2025-01-05',
      tempo: true,
      detailed: false,
    });
    db = connect(new URL(database.url), { maxConnections: 2 });
    direct = createQueryLayer(db);
  });
  afterAll(async () => {
    await db?.destroy();
    await database?.close();
  });

  const recolour = (date: string, color: string) =>
    database.query(`update tempo_days set color = $2 where id = $1`, [date, color]);

  it('answers a read asked again within a minute from the first answer, then reads again', async () => {
    await recolour('2025-01-02', 'BLUE');
    const query = passReads(direct, clock);
    now = 1_000;
    const first = await query.tempoDays();
    await recolour('2025-01-02', 'RED');
    now = 60_000;
    // tempoDays() and tempoDays({}) are the same read.
    expect(await query.tempoDays({})).toEqual(first);
    expect(first.find((day) => day.date === '2025-01-02')?.color).toBe('BLUE');
    // Other arguments are another read.
    expect((await query.tempoDays({ from: '2025-01-02' }))[0]).toEqual({ date: '2025-01-02', color: 'RED' });
    now = 61_001;
    expect((await query.tempoDays()).find((day) => day.date === '2025-01-02')?.color).toBe('RED');
  });

  it("gives each caller its own array: one caller's sort or push is not another's answer", async () => {
    const query = passReads(direct, clock);
    const first = await query.tempoDays();
    const count = first.length;
    first.reverse().push({ date: '2099-01-01', color: 'RED' });
    const second = await query.tempoDays();
    expect(second).toHaveLength(count);
    expect(second[0]!.date).toBe('2025-01-01');
  });

  it('keeps the last eight answers of the daily rows, not more', async () => {
    const query = passReads(direct, clock);
    now = 200_000;
    const pdl = DEMO_PDL.usagePointId;
    const firstDay = async (to: string) =>
      (await query.dailyRows('consumption', pdl, { from: '2025-01-01', to }))[0]?.value;
    const ends = [
      '2025-01-01',
      '2025-01-02',
      '2025-01-03',
      '2025-01-04',
      '2025-01-05',
      '2025-01-06',
      '2025-01-07',
    ];
    const before = await firstDay('2025-01-08');
    for (const to of ends) await firstDay(to);
    await database.query(
      `update consumption_data set value = value + 1 where usage_point_id = $1 and date = '2025-01-01' and granularity = 'daily'`,
      [pdl],
    );
    // Eight answers kept: the first is still one of them.
    expect(await firstDay('2025-01-08')).toBe(before);
    await firstDay('2025-01-09');
    // A ninth answer pushes the oldest out: the second is still kept, the first is read again.
    expect(await firstDay('2025-01-01')).toBe(before);
    expect(await firstDay('2025-01-08')).toBe(before! + 1);
  });

  it('never reuses the clock: each change cursor is the database now', async () => {
    const query = passReads(direct, clock);
    const first = await query.changeCursor();
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect((await query.changeCursor()).getTime()).toBeGreaterThan(first.getTime());
  });

  it('asks a failed read again instead of answering with the failure', async () => {
    const query = passReads(direct, clock);
    await database.query('alter table tempo_days rename to tempo_days_away');
    try {
      await expect(query.tempoDays()).rejects.toThrow(/tempo_days/);
    } finally {
      await database.query('alter table tempo_days_away rename to tempo_days');
    }
    expect((await query.tempoDays()).length).toBeGreaterThan(0);
  });

  it("answers each destination's changed days as PostgreSQL does for its own `since`, from one reading", async () => {
    const pdl = DEMO_PDL.usagePointId;
    // Three days changed at instants a microsecond apart from the ones asked about.
    await database.query(`update consumption_data set updated_at = '2025-06-01 12:00:00+00'`);
    for (const [date, at] of [
      ['2025-01-02', '2025-06-02 10:00:00.000001+00'],
      ['2025-01-03', '2025-06-02 10:05:00+00'],
      ['2025-01-04', '2025-06-02 10:20:00.000999+00'],
    ] as const) {
      await database.query(`update consumption_data set updated_at = $2 where date = $1`, [date, at]);
    }
    const query = passReads(direct, clock);
    now = 0;
    const sinces = ['10:20:00.000', '10:05:00.000', '10:00:00.000', '09:59:59.999'].map(
      (time) => new Date(`2025-06-02T${time}Z`),
    );
    for (const since of sinces) {
      expect(await query.changedDates('consumption', pdl, since)).toEqual(
        await direct.changedDates('consumption', pdl, since),
      );
    }
    expect(await query.changedDates('consumption', pdl, sinces[2]!)).toEqual([
      '2025-01-02',
      '2025-01-03',
      '2025-01-04',
    ]);
    // The first reading (from 10:05 back by the widening) still answers a later `since` within the minute…
    await database.query(
      `update consumption_data set updated_at = '2025-06-02 10:30:00+00' where date = $1`,
      ['2025-01-05'],
    );
    expect(await query.changedDates('consumption', pdl, new Date('2025-06-02T10:10:00Z'))).toEqual([
      '2025-01-04',
    ]);
    // …and a minute later, the database again.
    now = 60_001;
    expect(await query.changedDates('consumption', pdl, new Date('2025-06-02T10:10:00Z'))).toEqual([
      '2025-01-04',
      '2025-01-05',
    ]);
  });

  it('keeps changed days apart by their `since`', async () => {
    const query = passReads(direct, clock);
    const [row] = await database.query<{ latest: Date }>(
      `select max(updated_at) as latest from consumption_data`,
    );
    const latest = row!.latest;
    const before = new Date(latest.getTime() - 1);
    expect((await query.changedDates('consumption', DEMO_PDL.usagePointId, before)).length).toBeGreaterThan(
      0,
    );
    const after = new Date(latest.getTime() + 1000);
    expect(await query.changedDates('consumption', DEMO_PDL.usagePointId, after)).toEqual([]);
  });
});
