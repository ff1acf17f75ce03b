/**
 * What the Home Assistant statistics should hold, recomputed straight from the MyElectricalData tables with
 * SQL and Intl, independently of the destination's code: every interval's energy goes to the UTC hour
 * containing its start (Europe/Paris wall clock, the first occurrence of a repeated autumn time), days with no
 * load curve go whole to their first hour, tariffs follow the interval's own start.
 */
import { medIntervalStart } from '../../support/med-interval-start.js';
import type { TestDatabase } from '../../support/test-database.js';

const HOUR_MS = 3_600_000;

const offsetFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Paris',
  timeZoneName: 'shortOffset',
});

function parisOffsetHours(ms: number): number {
  const name = offsetFormat.formatToParts(new Date(ms)).find((part) => part.type === 'timeZoneName')!.value;
  return Number(/GMT([+-]\d+)/.exec(name)![1]);
}

/** The instant of a Paris wall-clock time; for a repeated autumn time, its first occurrence (summer time). */
export function parisInstant(date: string, time: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const [hh, mm] = time.split(':').map(Number) as [number, number];
  const wall = Date.UTC(y, m - 1, d, hh, mm);
  for (const offset of [2, 1]) {
    const candidate = wall - offset * HOUR_MS;
    if (parisOffsetHours(candidate) === offset) return candidate;
  }
  throw new Error(`${date} ${time} does not exist in Europe/Paris`);
}

export function parisDayStart(date: string): number {
  return parisInstant(date, '00:00');
}

export function nextDay(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

/** Statistic id → hour start (ms) → kWh (or EUR). */
export type ExpectedSeries = Map<string, Map<number, number>>;

export interface ExpectedPdl {
  series: ExpectedSeries;
  /** Days with a load curve (where tariffs can be told). */
  detailedDays: Set<string>;
  /** Days whose every interval had a known tariff. */
  fullyClassifiedDays: Set<string>;
  prices: Record<string, number>;
}

interface Options {
  prefix: string;
  pdl: string;
  /** Prices to use when the PDL has no selected offer. */
  priceOverrides?: Record<string, number>;
}

function add(series: ExpectedSeries, id: string, hour: number, value: number): void {
  let hours = series.get(id);
  if (!hours) series.set(id, (hours = new Map()));
  hours.set(hour, (hours.get(hour) ?? 0) + value);
}

function minutesOf(text: string): number {
  const [h, m] = text.split(':').map(Number) as [number, number];
  return h * 60 + m;
}

export async function expectedStatistics(db: TestDatabase, options: Options): Promise<ExpectedPdl> {
  const { prefix, pdl } = options;
  const [info] = await db.query<{ pricing_option: string; offpeak: string | null; offer: string | null }>(
    `select pricing_option, offpeak_hours->>'default' as offpeak, selected_offer_id as offer from pdls where usage_point_id = $1`,
    [pdl],
  );
  const option = info!.pricing_option;
  const prices: Record<string, number> = { ...(options.priceOverrides ?? {}) };
  if (info!.offer) {
    const [offer] = await db.query<Record<string, string | null>>(
      `select base_price, hc_price, hp_price, tempo_blue_hc, tempo_blue_hp, tempo_white_hc, tempo_white_hp,
              tempo_red_hc, tempo_red_hp from energy_offers where id = $1`,
      [info!.offer],
    );
    const column: Record<string, string> = {
      base: 'base_price',
      hc: 'hc_price',
      hp: 'hp_price',
      blue_hc: 'tempo_blue_hc',
      blue_hp: 'tempo_blue_hp',
      white_hc: 'tempo_white_hc',
      white_hp: 'tempo_white_hp',
      red_hc: 'tempo_red_hc',
      red_hp: 'tempo_red_hp',
    };
    for (const [tariff, name] of Object.entries(column)) {
      const value = offer?.[name];
      if (value !== null && value !== undefined) prices[tariff] = Number(value);
    }
  }
  const colors = new Map(
    (await db.query<{ id: string; color: string }>(`select id, color from tempo_days`)).map((row) => [
      row.id,
      row.color,
    ]),
  );
  // "HC (22H30-6H30)" → [22:30, 06:30)
  const offpeak = info!.offpeak ? /(\d+)H(\d+)-(\d+)H(\d+)/.exec(info!.offpeak) : null;
  const offpeakStart = offpeak ? Number(offpeak[1]) * 60 + Number(offpeak[2]) : 22 * 60;
  const offpeakEnd = offpeak ? Number(offpeak[3]) * 60 + Number(offpeak[4]) : 6 * 60;

  const tariffOf = (date: string, start: string): string | null => {
    const minute = minutesOf(start);
    if (option === 'BASE') return 'base';
    if (option === 'HC/HP' || option === 'HC_HP')
      return minute >= offpeakStart || minute < offpeakEnd ? 'hc' : 'hp';
    if (option === 'TEMPO') {
      const tempoDay =
        minute < 360
          ? new Date(Date.parse(`${date}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10)
          : date;
      const color = colors.get(tempoDay);
      if (!color) return null;
      const name = { BLUE: 'blue', WHITE: 'white', RED: 'red' }[color]!;
      return `${name}_${minute >= 360 && minute < 22 * 60 ? 'hp' : 'hc'}`;
    }
    return null;
  };

  const series: ExpectedSeries = new Map();
  const detailedDays = new Set<string>();
  const unclassifiedDays = new Set<string>();
  for (const direction of ['consumption', 'production'] as const) {
    const all = `${prefix}:${direction}_${pdl}`;
    const detailed = await db.query<{ day: string; start: string; value: number; length: string | null }>(
      `select to_char(date, 'YYYY-MM-DD') as day, interval_start as start, value, raw_data->>'interval_length' as length
       from ${direction}_data where usage_point_id = $1 and granularity = 'detailed' and value is not null and value >= 0`,
      [pdl],
    );
    const days = new Set<string>();
    for (const row of detailed) {
      const minutes = row.length ? Number(/PT(\d+)M/.exec(row.length)![1]) : 30;
      const wh = (Number(row.value) * minutes) / 60;
      const hour = Math.floor(medIntervalStart(row.day, row.start, minutes) / HOUR_MS) * HOUR_MS;
      days.add(row.day);
      add(series, all, hour, wh / 1000);
      if (direction !== 'consumption') continue;
      const tariff = tariffOf(row.day, row.start);
      if (!tariff) {
        unclassifiedDays.add(row.day);
        continue;
      }
      add(series, `${prefix}:consumption_${pdl}_${tariff}`, hour, wh / 1000);
      const price = prices[tariff];
      if (price !== undefined) add(series, `${prefix}:cost_${pdl}_${tariff}`, hour, (wh / 1000) * price);
    }
    const daily = await db.query<{ day: string; value: number }>(
      `select to_char(date, 'YYYY-MM-DD') as day, value from ${direction}_data
       where usage_point_id = $1 and granularity = 'daily' and value is not null and value >= 0`,
      [pdl],
    );
    for (const row of daily) {
      if (!days.has(row.day)) add(series, all, parisDayStart(row.day), Number(row.value) / 1000);
    }
    if (direction === 'consumption') for (const day of days) detailedDays.add(day);
  }
  const fullyClassifiedDays = new Set([...detailedDays].filter((day) => !unclassifiedDays.has(day)));
  return { series, detailedDays, fullyClassifiedDays, prices };
}
