import { DEMO_PDL, generateMedData } from '../../support/generate-med-data.js';
import type { GeneratedPdl } from '../../support/generate-med-data.js';
import { createTestDatabase } from '../../support/test-database.js';
import type { TestDatabase } from '../../support/test-database.js';
import {
  parisMidnight,
  parisWallClock,
  shiftDate,
  todayInParis,
} from '../../destinations/victoriametrics/expected-samples.js';
import { medIntervalStart } from '../../support/med-interval-start.js';

/**
 * The time-series destinations' costs (issue 11 item 6): a TEMPO PDL whose offer changed price 120 days ago (the
 * old row kept with valid_to, its first day inside the history so the oldest price stands in before it) and an
 * HC_HP PDL, with a non-blue Tempo colour missing at the first pass. What a server should hold is recomputed here
 * from the tables, each offer's rule written out plainly (not with the exporter's code).
 */

export const TEMPO_PDL = DEMO_PDL.usagePointId;
export const HC_HP: GeneratedPdl = {
  usagePointId: '33333333333333',
  name: 'Heures creuses',
  pricingOption: 'HC_HP',
  offpeakHours: { default: 'HC (22H30-6H30)' },
  hasProduction: false,
  selectedOfferId: 'offer-hc-hp',
};

const today = todayInParis();
export const FIRST_DAY = shiftDate(today, -150);
export const LAST_DAY = shiftDate(today, -2);
export const CHANGE_DAY = shiftDate(today, -120);
/** The old Tempo row's first day: costs before it use its prices. */
export const OLDEST_PRICE_DAY = shiftDate(today, -140);

/** Tariff → price column. */
const COLUMNS: Record<string, Record<string, string>> = {
  TEMPO: Object.fromEntries(
    ['blue', 'white', 'red'].flatMap((c) => ['hc', 'hp'].map((p) => [`${c}_${p}`, `tempo_${c}_${p}`])),
  ),
  HC_HP: { hc: 'hc_price', hp: 'hp_price' },
};

export interface Amount {
  wh: number;
  eur: number;
}

/** `tariff|detailed` or `tariff|daily` → instant → energy and cost. */
export type ExpectedCosts = Map<string, Map<number, Amount>>;

export interface CostFixture {
  db: TestDatabase;
  /** The Tempo day whose colour was deleted, and its colour. */
  deleted: { id: string; date: Date; color: string };
  restoreColour(): Promise<void>;
  expected(pdl: string): Promise<ExpectedCosts>;
}

function tariffOf(
  offerType: string,
  date: string,
  minute: number,
  colors: Map<string, string>,
): string | null {
  if (offerType === 'TEMPO') {
    // The Tempo day runs 06:00 → 06:00; HC 22:00–06:00.
    const color = colors.get(minute < 360 ? shiftDate(date, -1) : date);
    if (!color) return null;
    return `${color.toLowerCase()}_${minute < 360 || minute >= 22 * 60 ? 'hc' : 'hp'}`;
  }
  // HC_HP: the PDL's off-peak hours, 22:30–06:30, every day.
  return minute >= 22 * 60 + 30 || minute < 6 * 60 + 30 ? 'hc' : 'hp';
}

export async function createCostFixture(): Promise<CostFixture> {
  const db = await createTestDatabase();
  await generateMedData(db, {
    pdls: [{ ...DEMO_PDL, hasProduction: false }, HC_HP],
    from: FIRST_DAY,
    to: LAST_DAY,
    detailed: true,
    seed: 14,
    tempo: true,
    offers: true,
  });
  const [{ id: tempoOffer } = { id: '' }] = await db.query<{ id: string }>(
    `select selected_offer_id as id from pdls where usage_point_id = $1`,
    [TEMPO_PDL],
  );
  const change = new Date(parisMidnight(CHANGE_DAY)).toISOString();
  await db.query(`update energy_offers set valid_from = $2, valid_to = $3, is_active = false where id = $1`, [
    tempoOffer,
    new Date(parisMidnight(OLDEST_PRICE_DAY)).toISOString(),
    change,
  ]);
  await db.query(
    `insert into energy_offers (id, provider_id, name, offer_type, subscription_price, tempo_blue_hc, tempo_blue_hp,
       tempo_white_hc, tempo_white_hp, tempo_red_hc, tempo_red_hp, power_kva, valid_from, is_active, created_at, updated_at)
     select 'offer-tempo-new', provider_id, name, offer_type, 16.2, 0.1368, 0.1654, 0.1563, 0.1896, 0.1617, 0.7562,
       power_kva, $2, true, now(), now()
     from energy_offers where id = $1`,
    [tempoOffer, change],
  );
  await db.query(
    `insert into energy_offers (id, provider_id, name, offer_type, subscription_price, hc_price, hp_price, power_kva,
       valid_from, is_active, created_at, updated_at)
     select 'offer-hc-hp', provider_id, 'Heures creuses', 'HC_HP', 15.0, 0.2068, 0.27, 9,
       '2024-01-01T00:00:00+01:00', true, now(), now()
     from energy_offers where id = $1`,
    [tempoOffer],
  );
  // As MyElectricalData syncs: each day's rows the morning after, each colour the day before (RTE publishes at
  // 11:00), rather than everything in the same second (which the next pass's re-read margin would see as new).
  await db.query(
    `update consumption_data set updated_at = date + interval '30 hours', created_at = date + interval '30 hours'`,
  );
  await db.query(`update tempo_days set updated_at = date - interval '12 hours'`);
  // A non-blue colour missing at the first pass (the Tempo sync failed that day), well after the price change.
  const [colour] = await db.query<{ id: string; date: Date; color: string }>(
    `select id, date, color from tempo_days where color <> 'BLUE' and id between $1 and $2 order by id desc limit 1`,
    [CHANGE_DAY, shiftDate(today, -10)],
  );
  const deleted = colour!;
  await db.query(`delete from tempo_days where id = $1`, [deleted.id]);

  return {
    db,
    deleted,
    restoreColour: async () => {
      // MyElectricalData's model sets updated_at (the create-all schema has no default for it).
      await db.query(`insert into tempo_days (id, date, color, updated_at) values ($1, $2, $3, now())`, [
        deleted.id,
        deleted.date,
        deleted.color,
      ]);
    },
    expected: (pdl) => expectedCosts(db, pdl),
  };
}

/** What a PDL's selected offer (with its price history) makes of its load curve. */
export async function expectedCosts(db: TestDatabase, pdl: string): Promise<ExpectedCosts> {
  const [info] = await db.query<{ offer_type: string; name: string }>(
    `select o.offer_type, o.name from pdls p join energy_offers o on o.id = p.selected_offer_id where usage_point_id = $1`,
    [pdl],
  );
  const columns = COLUMNS[info!.offer_type]!;
  const rows = (
    await db.query<Record<string, string | Date | null>>(
      `select * from energy_offers where offer_type = $1 and name = $2 order by valid_from`,
      [info!.offer_type, info!.name],
    )
  ).map((row) => ({
    fromMs: (row.valid_from as Date).getTime(),
    prices: Object.fromEntries(
      Object.entries(columns).map(([tariff, column]) => [tariff, Number(row[column])]),
    ),
  }));
  // Before the oldest row, its prices.
  const priceAt = (ms: number, tariff: string) =>
    ([...rows].reverse().find((row) => row.fromMs <= ms) ?? rows[0]!).prices[tariff]!;
  const colors = new Map(
    (await db.query<{ id: string; color: string }>(`select id, color from tempo_days`)).map((r) => [
      r.id,
      r.color,
    ]),
  );
  const detailed = await db.query<{ day: string; start: string; value: number }>(
    `select to_char(date, 'YYYY-MM-DD') as day, interval_start as start, value from consumption_data
     where usage_point_id = $1 and granularity = 'detailed' order by date, interval_start`,
    [pdl],
  );
  const expected: ExpectedCosts = new Map();
  const add = (key: string, at: number, wh: number, eur: number) => {
    let series = expected.get(key);
    if (!series) expected.set(key, (series = new Map()));
    const amount = series.get(at) ?? { wh: 0, eur: 0 };
    series.set(at, { wh: amount.wh + wh, eur: amount.eur + eur });
  };
  const daily = new Map<string, { at: number; amounts: [string, number, number][]; awaiting: boolean }>();
  for (const row of detailed) {
    const startMs = medIntervalStart(row.day, row.start, 30);
    const wall = parisWallClock(startMs);
    const date = wall.slice(0, 10);
    const minute = Number(wall.slice(11, 13)) * 60 + Number(wall.slice(14, 16));
    const wh = Number(row.value) / 2;
    const tariff = tariffOf(info!.offer_type, date, minute, colors);
    let day = daily.get(date);
    if (!day) daily.set(date, (day = { at: parisMidnight(date), amounts: [], awaiting: false }));
    if (!tariff) {
      day.awaiting = true;
      continue;
    }
    const eur = (wh / 1000) * priceAt(startMs, tariff);
    add(`${tariff}|detailed`, startMs, wh, eur);
    day.amounts.push([tariff, wh, eur]);
  }
  // A day's totals only once every half-hour of it has its tariff.
  for (const day of daily.values()) {
    if (day.awaiting) continue;
    for (const [tariff, wh, eur] of day.amounts) add(`${tariff}|daily`, day.at, wh, eur);
  }
  return expected;
}
