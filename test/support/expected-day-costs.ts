/**
 * A TEMPO PDL's consumption cost by day, recomputed straight from the MyElectricalData tables with the offer's
 * rules written out plainly (independently of src/): each half-hour's kWh × the price of its tariff in the
 * price row valid at its start, plus `subscription_price × 12 / 365` for each day with a load curve. A
 * half-hour whose Tempo colour is unknown is in no tariff and no cost.
 */
import { parisDayStart } from '../destinations/home_assistant/expected.js';
import type { TestDatabase } from './test-database.js';
import { medIntervalStart } from './med-interval-start.js';

const DAY_MS = 86_400_000;

export interface ExpectedDayCost {
  date: string;
  /** Energy cost + subscription share, €. */
  costEur: number;
  subscriptionEur: number;
  /** Tariff (`blue_hc` … `red_hp`) → kWh and €. */
  tariffs: Map<string, { kwh: number; costEur: number }>;
}

interface PriceRow {
  fromMs: number;
  subscription: number;
  prices: Record<string, number>;
}

const TEMPO_TARIFFS = ['blue', 'white', 'red'].flatMap((color) => [`${color}_hc`, `${color}_hp`]);

const previousDay = (date: string) =>
  new Date(Date.parse(`${date}T00:00:00Z`) - DAY_MS).toISOString().slice(0, 10);

/** The price rows of the PDL's selected offer (same name and type), oldest first. */
async function priceRows(database: TestDatabase, pdl: string): Promise<PriceRow[]> {
  const rows = await database.query<Record<string, string | Date | null>>(
    `select o.* from energy_offers o join energy_offers selected
       on selected.name = o.name and selected.offer_type = o.offer_type
     join pdls p on p.selected_offer_id = selected.id
     where p.usage_point_id = $1 order by o.valid_from`,
    [pdl],
  );
  return rows.map((row) => ({
    fromMs: (row.valid_from as Date).getTime(),
    subscription: Number(row.subscription_price),
    prices: Object.fromEntries(TEMPO_TARIFFS.map((tariff) => [tariff, Number(row[`tempo_${tariff}`])])),
  }));
}

/** The row valid at `ms`; before the oldest row, the oldest. */
function rowAt(rows: readonly PriceRow[], ms: number): PriceRow {
  return [...rows].reverse().find((row) => row.fromMs <= ms) ?? rows[0]!;
}

/** Day → its cost, for every day of the PDL's load curve. */
export async function expectedTempoDayCosts(
  database: TestDatabase,
  pdl: string,
): Promise<Map<string, ExpectedDayCost>> {
  const rows = await priceRows(database, pdl);
  const colors = new Map(
    (await database.query<{ id: string; color: string }>('select id, color from tempo_days')).map((row) => [
      row.id,
      String(row.color).trim().toLowerCase(),
    ]),
  );
  const detailed = await database.query<{ day: string; start: string; value: number }>(
    `select to_char(date, 'YYYY-MM-DD') as day, interval_start as start, value from consumption_data
     where usage_point_id = $1 and granularity = 'detailed' order by date, interval_start`,
    [pdl],
  );
  const days = new Map<string, ExpectedDayCost>();
  for (const row of detailed) {
    let day = days.get(row.day);
    if (!day) {
      const subscriptionEur = (rowAt(rows, parisDayStart(row.day)).subscription * 12) / 365;
      day = { date: row.day, costEur: subscriptionEur, subscriptionEur, tariffs: new Map() };
      days.set(row.day, day);
    }
    const [h, m] = row.start.split(':').map(Number) as [number, number];
    const minute = h * 60 + m;
    // A Tempo day runs 06:00 → 06:00; HC 22:00–06:00 (the DST changes happen inside the night, all HC).
    const color = colors.get(minute < 360 ? previousDay(row.day) : row.day);
    if (!color) continue;
    const tariff = `${color}_${minute < 360 || minute >= 22 * 60 ? 'hc' : 'hp'}`;
    const kwh = Number(row.value) / 2 / 1000;
    const costEur = kwh * rowAt(rows, medIntervalStart(row.day, row.start, 30)).prices[tariff]!;
    const amount = day.tariffs.get(tariff) ?? { kwh: 0, costEur: 0 };
    amount.kwh += kwh;
    amount.costEur += costEur;
    day.tariffs.set(tariff, amount);
    day.costEur += costEur;
  }
  return days;
}

/**
 * A TEMPO offer whose prices changed at the Paris midnight starting `changeDay`: the generated row is closed
 * there (`valid_to`, no longer active) and a new row of the same provider, offer, name and power opens, as
 * MyElectricalData's price updates leave them (routers/energy_offers.py, price_update_service.py).
 */
export async function changeTempoPrices(
  database: TestDatabase,
  pdl: string,
  changeDay: string,
): Promise<void> {
  const change = new Date(parisDayStart(changeDay)).toISOString();
  const [selected] = await database.query<{ id: string }>(
    'select selected_offer_id as id from pdls where usage_point_id = $1',
    [pdl],
  );
  await database.query(
    'update energy_offers set subscription_price = 15.5, valid_to = $2, is_active = false where id = $1',
    [selected!.id, change],
  );
  await database.query(
    `insert into energy_offers (id, provider_id, name, offer_type, subscription_price, tempo_blue_hc, tempo_blue_hp,
       tempo_white_hc, tempo_white_hp, tempo_red_hc, tempo_red_hp, power_kva, valid_from, is_active, created_at,
       updated_at)
     select 'offer-tempo-new', provider_id, name, offer_type, 16.2, 0.1368, 0.1654, 0.1563, 0.1896, 0.1617,
       0.7562, power_kva, $2, true, now(), now()
     from energy_offers where id = $1`,
    [selected!.id, change],
  );
}
