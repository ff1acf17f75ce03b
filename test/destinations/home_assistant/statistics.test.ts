import { describe, expect, it } from 'vitest';
import { hcHpCosts } from './hc-hp-costs.js';
import type { DetailedRow, Pdl } from '../../../src/query/types.js';
import {
  costSeries,
  energySeries,
  tariffSeries,
} from '../../../src/destinations/home_assistant/statistic-series.js';
import { importMessage } from '../../../src/destinations/home_assistant/encode.js';
import { DirectionAggregator } from '../../../src/destinations/home_assistant/hour-aggregation.js';
import { HourBlockPool, HourlySums } from '../../../src/destinations/home_assistant/hourly-sums.js';
import { RowStream, buildRows, rowChunks } from '../../../src/destinations/home_assistant/statistic-rows.js';

/**
 * The building blocks of a fast import: hourly sums kept in blocks, rows streamed while the load curve is
 * still being read, messages written as bytes. Each must give exactly what the plain way gives.
 */

const HOUR = 3_600_000;
const BASE = Date.UTC(2024, 0, 1);

const PDL: Pdl = {
  usagePointId: '12345678901234',
  name: 'Éléonore',
  pricingOption: 'HC/HP',
  offpeakHours: null,
  hasConsumption: true,
  hasProduction: false,
  isActive: true,
  selectedOfferId: null,
};

/** A deterministic pseudo-random sequence (Park–Miller). */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 16_807) % 2_147_483_647;
    return state / 2_147_483_647;
  };
}

/** Hours with gaps, values of many magnitudes, and a few oddities (zero, negative, not a whole hour). */
function someHours(next: () => number, count: number): Map<number, number> {
  const hours = new Map<number, number>();
  const scale = 10 ** Math.floor(next() * 12 - 4);
  let start = BASE + Math.floor(next() * 1000) * HOUR;
  for (let index = 0; index < count; index++) {
    start += HOUR * (next() < 0.2 ? 1 + Math.floor(next() * 50) : 1);
    const roll = next();
    hours.set(start, roll < 0.02 ? 0 : roll < 0.03 ? -next() * scale : next() * scale);
  }
  hours.set(BASE + 1_234_567, 5.5);
  return hours;
}

function chunksAllAtOnce(hours: Map<number, number>, unit: 'kWh' | 'EUR', fromMs: number, base: number) {
  return [...rowChunks(hours, unit, fromMs, base, 700)].map((chunk) => ({
    count: chunk.count,
    first: chunk.firstStartMs,
    last: chunk.lastStartMs,
    text: importMessage(Buffer.from('{"stats":['), chunk).toString(),
  }));
}

describe('hourly sums in blocks', () => {
  it('hold what a map adding each value would hold, in order, whatever the order of the additions', () => {
    const next = random(3);
    const sums = new HourlySums(new HourBlockPool());
    const map = new Map<number, number>();
    for (let index = 0; index < 20_000; index++) {
      const start = BASE + Math.floor(next() * 5000) * HOUR + (next() < 0.001 ? 1800_000 : 0);
      const value = next() * 1000;
      sums.add(start, value);
      map.set(start, (map.get(start) ?? 0) + value);
    }
    const expected = [...map.keys()].sort((a, b) => a - b);
    expect([...sums.toMap().keys()]).toEqual(expected);
    expect([...sums.toMap().values()]).toEqual(expected.map((start) => map.get(start)));
    const from = BASE + 2000 * HOUR;
    const to = BASE + 3000 * HOUR;
    expect(sums.count(from, to)).toBe(expected.filter((start) => start >= from && start < to).length);
  });

  it('reuses the blocks handed back, as new', () => {
    const pool = new HourBlockPool();
    const first = new HourlySums(pool);
    first.add(BASE, 1);
    first.add(BASE + 5 * HOUR, 2);
    first.release();
    const second = new HourlySums(pool);
    second.add(BASE + 7 * HOUR, 3);
    expect(second.toMap()).toEqual(new Map([[BASE + 7 * HOUR, 3]]));
    expect(() => first.add(BASE, 1)).toThrow(/after release/);
  });
});

describe('import messages written as bytes', () => {
  it('are exactly JSON.stringify of the message with the rows of buildRows', () => {
    const next = random(11);
    for (let round = 0; round < 40; round++) {
      const hours = someHours(next, 1 + Math.floor(next() * 2000));
      const unit = next() < 0.5 ? 'kWh' : 'EUR';
      const fromMs = next() < 0.5 ? Number.NEGATIVE_INFINITY : BASE + Math.floor(next() * 2000) * HOUR;
      const base = next() < 0.5 ? 0 : (next() - 0.3) * 10 ** Math.floor(next() * 11);
      const metadata = { name: `${PDL.name} ☀`, statistic_id: 'med:x' };
      const { rows } = buildRows(hours, unit, fromMs, base);
      const written: string[] = [];
      for (const chunk of rowChunks(hours, unit, fromMs, base, 500)) {
        const head = `{"id":${round},"type":"recorder/import_statistics","metadata":${JSON.stringify(metadata)},"stats":[`;
        written.push(importMessage(Buffer.from(head), chunk).toString('utf8'));
      }
      const expected: string[] = [];
      for (let index = 0; index < rows.length; index += 500) {
        const stats = rows.slice(index, index + 500);
        expected.push(JSON.stringify({ id: round, type: 'recorder/import_statistics', metadata, stats }));
      }
      expect(written).toEqual(expected);
    }
  });

  it('write odd values as JSON does', () => {
    const hours = new Map([
      [BASE, 1e-7],
      [BASE + HOUR, 2e21],
      [BASE + 2 * HOUR, Number.NaN],
      [Date.UTC(1960, 0, 1), 0.1 + 0.2],
      [Date.UTC(10_000, 0, 1), -123.4567894],
    ]);
    for (const unit of ['kWh', 'EUR'] as const) {
      const [chunk] = [...rowChunks(hours, unit, Number.NEGATIVE_INFINITY, 0.5, 10)];
      expect(importMessage(Buffer.from('{"stats":['), chunk!).toString()).toBe(
        JSON.stringify({ stats: buildRows(hours, unit, Number.NEGATIVE_INFINITY, 0.5).rows }),
      );
    }
  });
});

describe('rows streamed while the hours come in', () => {
  it('come in the chunks of an import of the whole, whatever the steps', () => {
    const next = random(5);
    for (let round = 0; round < 30; round++) {
      const hours = someHours(next, 1 + Math.floor(next() * 3000));
      const unit = next() < 0.5 ? 'kWh' : 'EUR';
      const fromMs = next() < 0.5 ? Number.NEGATIVE_INFINITY : BASE + Math.floor(next() * 2000) * HOUR;
      const stream = new RowStream(hours, unit, fromMs, 42, 700);
      const streamed = [];
      const starts = [...hours.keys()].sort((a, b) => a - b);
      for (let index = 0; index < starts.length; index += 1 + Math.floor(next() * 400)) {
        stream.advance(starts[index]!);
        for (let chunk = stream.take(false); chunk; chunk = stream.take(false)) {
          expect(chunk.count).toBe(700);
          streamed.push(chunk);
        }
      }
      stream.advance(Number.POSITIVE_INFINITY);
      for (let chunk = stream.take(true); chunk; chunk = stream.take(true)) streamed.push(chunk);
      expect(
        streamed.map((chunk) => ({
          count: chunk.count,
          first: chunk.firstStartMs,
          last: chunk.lastStartMs,
          text: importMessage(Buffer.from('{"stats":['), chunk).toString(),
        })),
      ).toEqual(chunksAllAtOnce(hours, unit, fromMs, 42));
    }
  });
});

describe('hours settled while the load curve is read', () => {
  function aggregator() {
    return new DirectionAggregator(
      {
        energy: energySeries('med', PDL, 'consumption'),
        tariffs: new Map([
          ['hc', tariffSeries('med', PDL, 'hc')],
          ['hp', tariffSeries('med', PDL, 'hp')],
        ]),
        costs: new Map([['hp', costSeries('med', PDL, 'hp')]]),
        totalCost: null,
        revenue: null,
      },
      hcHpCosts('22:30-06:30', { hp: 0.27 }),
      new HourBlockPool(),
    );
  }

  it('are final, and the sums the same as when everything is summed first', () => {
    const days = ['2025-03-28', '2025-03-29', '2025-03-30', '2025-03-31', '2025-04-01', '2025-04-02'];
    const rows: DetailedRow[] = [];
    for (const date of days) {
      // 2025-03-31 has no load curve (its daily value stands in), 2025-04-01 only unusable rows.
      if (date === '2025-03-31') continue;
      for (let minute = 0; minute < 1440; minute += 30) {
        const time = `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
        rows.push({
          date,
          intervalStart: time,
          value: date === '2025-04-01' ? null : 100 + minute,
          rawData: null,
          updatedAt: new Date(0),
        });
      }
    }
    const daily = days.map((date, index) => ({ date, value: 5000 + index, updatedAt: new Date(0) }));

    const whole = aggregator();
    for (const row of rows) whole.addDetailedRow(row);
    for (const row of daily) whole.addDailyRow(row);
    const expected = whole.finish();

    const streamed = aggregator();
    for (const row of daily) streamed.addDailyRow(row);
    const settled: number[] = [];
    for (const row of rows) {
      streamed.addDetailedRow(row);
      settled.push(streamed.settledBeforeMs());
    }
    const result = streamed.finish();
    expect(result.hourly).toEqual(expected.hourly);
    expect(result.notSplitDays).toEqual(expected.notSplitDays);
    expect(result.notSplitDays).toEqual(['2025-03-31', '2025-04-01']);
    // Once the rows of 2025-04-02 come, every hour before that day is final, the daily-only days included.
    expect(Math.max(...settled)).toBe(Date.UTC(2025, 3, 1, 22));
    expect(() =>
      streamed.addDetailedRow({ ...rows[0]!, date: '2025-03-28', intervalStart: '23:30' }),
    ).toThrow(/out of day order/);
  });
});
