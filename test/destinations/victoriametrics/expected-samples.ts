import { medIntervalStart } from '../../support/med-interval-start.js';
import type { TestDatabase } from '../../support/test-database.js';
import type { ExportedSeries } from './victoria-metrics-server.js';

/**
 * What VictoriaMetrics should hold, recomputed in the test straight from the database rows with SQL and Intl
 * (not with the exporter's domain code), and helpers to read the stored samples.
 */

const wallClock = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Paris',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** `YYYY-MM-DD HH:MM` on a Paris wall clock. */
export function parisWallClock(ms: number): string {
  const parts = Object.fromEntries(wallClock.formatToParts(ms).map((part) => [part.type, part.value]));
  return `${parts['year']}-${parts['month']}-${parts['day']} ${parts['hour']}:${parts['minute']}`;
}

/** The first instant whose Paris wall clock reads `date time`; null for a time skipped by summer time. */
export function parisInstant(date: string, time: string): number | null {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const [hour, minute] = time.split(':').map(Number) as [number, number];
  const asUtc = Date.UTC(year, month - 1, day, hour, minute);
  // Paris is UTC+1 or UTC+2: the earlier candidate first, so a repeated autumn hour gives its first instant.
  for (const offsetHours of [2, 1]) {
    const candidate = asUtc - offsetHours * 3_600_000;
    if (parisWallClock(candidate) === `${date} ${time}`) return candidate;
  }
  return null;
}

export function parisMidnight(date: string): number {
  return parisInstant(date, '00:00')!;
}

export function todayInParis(): string {
  return parisWallClock(Date.now()).slice(0, 10);
}

export function shiftDate(date: string, days: number): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, day + days)).toISOString().slice(0, 10);
}

/** Days in [from, to] whose length is not 24 hours: the spring-forward (23 h) and fall-back (25 h) days. */
export function dstDays(from: string, to: string): { spring: string[]; autumn: string[] } {
  const spring: string[] = [];
  const autumn: string[] = [];
  for (let date = from; date <= to; date = shiftDate(date, 1)) {
    const hours = (parisMidnight(shiftDate(date, 1)) - parisMidnight(date)) / 3_600_000;
    if (hours === 23) spring.push(date);
    if (hours === 25) autumn.push(date);
  }
  return { spring, autumn };
}

/** A series' samples as `timestamp → values` (several values when the same timestamp was stored twice). */
export function samplesByTimestamp(series: ExportedSeries | undefined): Map<number, number[]> {
  const result = new Map<number, number[]>();
  if (!series) return result;
  series.timestamps.forEach((timestamp, index) => {
    const values = result.get(timestamp) ?? [];
    values.push(series.values[index]!);
    result.set(timestamp, values);
  });
  return result;
}

export function findSeries(
  all: readonly ExportedSeries[],
  labels: Record<string, string | undefined>,
): ExportedSeries | undefined {
  const matches = all.filter((series) =>
    Object.entries(labels).every(([name, value]) => series.metric[name] === value),
  );
  if (matches.length > 1) throw new Error(`several series match ${JSON.stringify(labels)}`);
  return matches[0];
}

type Direction = 'consumption' | 'production';

export async function expectedDaily(
  db: TestDatabase,
  direction: Direction,
  pdl: string,
): Promise<Map<number, number>> {
  const rows = await db.query<{ day: string; value: number }>(
    `select to_char(date, 'YYYY-MM-DD') as day, value from ${direction}_data
     where usage_point_id = $1 and granularity = 'daily' and value is not null order by date`,
    [pdl],
  );
  return new Map(rows.map((row) => [parisMidnight(row.day), Number(row.value)]));
}

export async function expectedMonthly(
  db: TestDatabase,
  direction: Direction,
  pdl: string,
): Promise<Map<number, number>> {
  const rows = await db.query<{ month: string; total: string }>(
    `select to_char(date, 'YYYY-MM') as month, sum(value) as total from ${direction}_data
     where usage_point_id = $1 and granularity = 'daily' and value is not null group by 1 order by 1`,
    [pdl],
  );
  return new Map(rows.map((row) => [parisMidnight(`${row.month}-01`), Number(row.total)]));
}

/** Interval energy in Wh = average W × interval minutes / 60, at the interval's start. */
export async function expectedDetailed(
  db: TestDatabase,
  direction: Direction,
  pdl: string,
): Promise<Map<number, number>> {
  const rows = await db.query<{ day: string; start: string; value: number; length: string | null }>(
    `select to_char(date, 'YYYY-MM-DD') as day, interval_start as start, value,
       raw_data->>'interval_length' as length
     from ${direction}_data where usage_point_id = $1 and granularity = 'detailed' and value is not null
     order by date, interval_start`,
    [pdl],
  );
  const result = new Map<number, number>();
  for (const row of rows) {
    const minutes = row.length === null ? 30 : Number(/^PT(\d+)M$/.exec(row.length)![1]);
    result.set(medIntervalStart(row.day, row.start, minutes), (Number(row.value) * minutes) / 60);
  }
  return result;
}

export async function expectedTempo(db: TestDatabase): Promise<Map<number, string>> {
  const rows = await db.query<{ id: string; color: string }>('select id, color from tempo_days order by id');
  return new Map(rows.map((row) => [parisMidnight(row.id), row.color]));
}

export interface ExpectedEcowatt {
  /** Midnight of each day → day level. */
  days: Map<number, number>;
  /** Each hour's instant → level. */
  hours: Map<number, number>;
}

/**
 * The newest signal of each day, limited to days whose last hour is at most `horizonMs`. MyElectricalData stores
 * `periode` in naive UTC (services/rte.py: the signal of 1 December at 30 November 23:00), so the day is the Paris
 * date of `periode` read as UTC; `values` holds the 24 hourly levels of that local day.
 */
export async function expectedEcowatt(db: TestDatabase, horizonMs: number): Promise<ExpectedEcowatt> {
  const rows = await db.query<{ periode: string; dvalue: number; values: number[] }>(
    `select to_char(periode, 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as periode, dvalue, "values"
     from ecowatt order by generation_datetime, periode`,
  );
  const newest = new Map<string, { dvalue: number; values: number[] }>();
  for (const row of rows) newest.set(parisWallClock(Date.parse(row.periode)).slice(0, 10), row);
  const days = new Map<number, number>();
  const hours = new Map<number, number>();
  for (const [day, row] of newest) {
    const instants = row.values.map((_, hour) => parisInstant(day, `${String(hour).padStart(2, '0')}:00`));
    const last = Math.max(...instants.filter((instant): instant is number => instant !== null));
    if (last > horizonMs) continue;
    days.set(parisMidnight(day), Number(row.dvalue));
    row.values.forEach((level, index) => {
      const instant = instants[index];
      if (instant !== null && instant !== undefined) hours.set(instant, Number(level));
    });
  }
  return { days, hours };
}

/** Asserts helper: stored samples (one per timestamp) as a map, failing on any timestamp stored twice. */
export function singleSamples(series: ExportedSeries | undefined): Map<number, number> {
  const result = new Map<number, number>();
  for (const [timestamp, values] of samplesByTimestamp(series)) {
    if (values.length !== 1) throw new Error(`timestamp ${timestamp} stored ${values.length} times`);
    result.set(timestamp, values[0]!);
  }
  return result;
}
