import { createHash } from 'node:crypto';
import { mulberry32 } from './seeded-random.js';

export interface GeneratedPdl {
  usagePointId: string;
  name: string | null;
  pricingOption: string;
  offpeakHours: unknown;
  hasProduction: boolean;
  /** undefined: the generated offer when `offers` is on, else null. */
  selectedOfferId?: string | null;
}

export interface GenerateOptions {
  pdls: GeneratedPdl[];
  /** First day, YYYY-MM-DD (Europe/Paris calendar day). */
  from: string;
  /** Last day, inclusive, YYYY-MM-DD. */
  to: string;
  /** Also store the load curve; default true. Daily rows are always stored. */
  detailed?: boolean;
  intervalMinutes?: 30 | 15 | 60;
  seed?: number;
  tempo?: boolean;
  /** Last Tempo day stored, YYYY-MM-DD; default the day after `to`. */
  tempoTo?: string;
  ecowatt?: boolean;
  offers?: boolean;
}

export interface SqlRunner {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

export interface GenerateResult {
  /** Detailed rows written, consumption and production together. */
  detailedRows: number;
  /** Daily rows written, consumption and production together. */
  dailyRows: number;
}

export const DEMO_PDL: GeneratedPdl = {
  usagePointId: '12345678901234',
  name: 'Maison',
  pricingOption: 'TEMPO',
  offpeakHours: { default: 'HC (22H00-6H00)' },
  hasProduction: true,
};

/** What MyElectricalData holds by `today`: energy up to J-2, Tempo up to tomorrow (published around 11:00). */
export function demoOptions(today: string): GenerateOptions {
  const todayDay = parseDay(today);
  return {
    pdls: [DEMO_PDL],
    from: formatDay(todayDay - 430),
    // MyElectricalData apps/api/src/services/sync.py, _sync_energy_data: end_date = today - 1, exclusive.
    to: formatDay(todayDay - 2),
    tempoTo: formatDay(todayDay + 1),
    detailed: true,
    intervalMinutes: 30,
    seed: 42,
    tempo: true,
    ecowatt: true,
    offers: true,
  };
}

const DAY_MS = 86_400_000;
const ROWS_PER_STATEMENT = 5000;
// MyElectricalData's sync always writes this source (apps/api/src/services/sync.py).
const SOURCE = 'myelectricaldata';

type Kind = 'consumption' | 'production';

interface MeasureRow {
  id: string;
  usage_point_id: string;
  date: string;
  granularity: 'daily' | 'detailed';
  interval_start: string | null;
  value: number;
  source: string;
  /** null is stored as the JSON literal `null`, as SQLAlchemy does for a missing raw_data. */
  raw_data: Record<string, string> | null;
}

export async function generateMedData(db: SqlRunner, options: GenerateOptions): Promise<GenerateResult> {
  const seed = options.seed ?? 1;
  const intervalMinutes = options.intervalMinutes ?? 30;
  const detailed = options.detailed ?? true;
  const fromDay = parseDay(options.from);
  const toDay = parseDay(options.to);
  if (toDay < fromDay)
    throw new Error(`generateMedData: 'to' (${options.to}) is before 'from' (${options.from})`);

  const offerId = options.offers ? await insertTempoOffer(db, seed) : null;
  await insertPdls(db, options.pdls, offerId);

  let detailedRows = 0;
  let dailyRows = 0;
  for (const pdl of options.pdls) {
    const kinds: Kind[] = pdl.hasProduction ? ['consumption', 'production'] : ['consumption'];
    for (const kind of kinds) {
      const rows: MeasureRow[] = [];
      for (let day = fromDay; day <= toDay; day++) {
        const dayRows = measureRowsForDay(pdl.usagePointId, kind, day, intervalMinutes, seed);
        const daily = dayRows.pop();
        if (daily === undefined) continue;
        if (detailed) {
          rows.push(...dayRows);
          detailedRows += dayRows.length;
        }
        rows.push(daily);
        dailyRows += 1;
        if (rows.length >= ROWS_PER_STATEMENT) await insertMeasures(db, kind, rows.splice(0));
      }
      if (rows.length > 0) await insertMeasures(db, kind, rows);
    }
  }

  if (options.tempo) {
    await insertTempoDays(db, fromDay, options.tempoTo ? parseDay(options.tempoTo) : toDay + 1, seed);
  }
  if (options.ecowatt) await insertEcowatt(db, Math.max(fromDay, toDay - 26), toDay + 3, seed);
  return { detailedRows, dailyRows };
}

/**
 * The day's detailed rows followed by its daily row (always last), as MyElectricalData's sync stores them: each
 * Enedis interval labelled by its end stamp minus its length on the naive wall clock
 * (apps/api/src/adapters/enedis.py, `_shift_timestamps_to_interval_start`), `value` its average power in W, the
 * upsert keeping the last interval of each label (46 rows on the spring-forward day, with `02:30` and no `01:30`;
 * 48 on the fall-back day, the CEST 01:30 and 02:00 lost); the daily row is Enedis's daily energy in Wh, which
 * counts every interval of the day.
 */
function measureRowsForDay(
  usagePointId: string,
  kind: Kind,
  day: number,
  intervalMinutes: number,
  seed: number,
): MeasureRow[] {
  const date = formatDay(day);
  const random = mulberry32(hashToInt(`${seed}|${usagePointId}|${kind}|${date}`));
  const shape = kind === 'consumption' ? consumptionDay(day, random) : productionDay(day, random);
  const lengthTag = `PT${intervalMinutes}M`;
  const lengthMs = intervalMinutes * 60_000;
  const byLabel = new Map<string, MeasureRow>();
  let energyWh = 0;
  for (let startMs = parisMidnightMs(day); startMs < parisMidnightMs(day + 1); startMs += lengthMs) {
    const startWallMs = startMs + parisOffsetMs(startMs);
    const midHour = (startWallMs - day * DAY_MS + lengthMs / 2) / 3_600_000;
    const watts = Math.max(0, Math.round(shape(midHour)));
    energyWh += (watts * intervalMinutes) / 60;
    const endWallMs = startMs + lengthMs + parisOffsetMs(startMs + lengthMs);
    const labelWallMs = endWallMs - lengthMs;
    const labelDay = Math.floor(labelWallMs / DAY_MS);
    const intervalStart = minutesToHhMm((labelWallMs - labelDay * DAY_MS) / 60_000);
    byLabel.set(intervalStart, {
      id: deterministicUuid(`${kind}|${usagePointId}|${date}|detailed|${intervalStart}`),
      usage_point_id: usagePointId,
      date: formatDay(labelDay),
      granularity: 'detailed',
      interval_start: intervalStart,
      value: watts,
      source: SOURCE,
      raw_data: {
        date: wallStamp(endWallMs),
        value: String(watts),
        interval_length: lengthTag,
        measure_type: 'B',
      },
    });
  }
  const rows = [...byLabel.values()];
  const dailyWh = Math.round(energyWh);
  rows.push({
    id: deterministicUuid(`${kind}|${usagePointId}|${date}|daily`),
    usage_point_id: usagePointId,
    date,
    granularity: 'daily',
    interval_start: null,
    value: dailyWh,
    source: SOURCE,
    raw_data: { date, value: String(dailyWh) },
  });
  return rows;
}

/** Average household power (W) at a local hour of the day: base load, meal peaks, water heater, heating. */
function consumptionDay(day: number, random: () => number): (hour: number) => number {
  const winterness = Math.max(0, Math.cos((2 * Math.PI * (dayOfYear(day) - 15)) / 365.25));
  const coldSpell = 0.7 + 0.6 * random();
  const weekend = isWeekend(day);
  const morningPeakHour = weekend ? 9.5 : 7.25;
  const baseLoad = 260 + 80 * random();
  return (hour) => {
    let watts = baseLoad;
    watts += 700 * gaussian(hour, morningPeakHour, 0.8);
    watts += 1300 * gaussian(hour, 19.5, 1.4);
    if (weekend) watts += 800 * gaussian(hour, 12.5, 0.7);
    // Water heater on the 22:00-06:00 off-peak contract window.
    if (hour >= 22.5 || hour < 1) watts += 1800;
    const heatingShape = hour < 6 ? 0.6 : hour < 9 ? 1 : hour < 17 ? 0.7 : hour < 23 ? 1 : 0.6;
    watts += 1500 * winterness * coldSpell * heatingShape;
    return watts * (0.85 + 0.3 * random());
  };
}

/** Solar output (W) of a ~3 kWc installation near Paris: bell curve over the day, 0 at night. */
function productionDay(day: number, random: () => number): (hour: number) => number {
  const summerness = 0.5 + 0.5 * Math.sin((2 * Math.PI * (dayOfYear(day) - 80)) / 365.25);
  const dayLengthHours = 8.2 + 8 * summerness;
  const solarNoon = 12.8 + (isSummerTimeDay(day) ? 1 : 0);
  const sunrise = solarNoon - dayLengthHours / 2;
  const peakWatts = 2200 * (0.3 + 0.7 * summerness);
  const clouds = 0.1 + 0.9 * Math.pow(random(), 0.8);
  return (hour) => {
    const phase = (hour - sunrise) / dayLengthHours;
    if (phase <= 0 || phase >= 1) return 0;
    return peakWatts * clouds * Math.pow(Math.sin(Math.PI * phase), 1.6) * (0.9 + 0.2 * random());
  };
}

/** `YYYY-MM-DD HH:MM:SS` of a naive wall-clock time (ms since 1970-01-01 on that clock). */
function wallStamp(wallMs: number): string {
  const day = Math.floor(wallMs / DAY_MS);
  return `${formatDay(day)} ${minutesToHhMm((wallMs - day * DAY_MS) / 60_000)}:00`;
}

async function insertMeasures(db: SqlRunner, kind: Kind, rows: MeasureRow[]): Promise<void> {
  const table = kind === 'consumption' ? 'consumption_data' : 'production_data';
  // One JSON parameter instead of thousands of placeholders: identical over pg and PGlite, and fast.
  await db.query(
    `insert into ${table} (id, usage_point_id, date, granularity, interval_start, value, source, raw_data)
     select r.id, r.usage_point_id, r.date, r.granularity::datagranularity, r.interval_start, r.value, r.source,
       coalesce(r.raw_data, 'null'::json)
     from json_to_recordset($1::json) as r(id varchar, usage_point_id varchar, date date, granularity text,
       interval_start varchar, value integer, source varchar, raw_data json)
     on conflict (id) do update set value = excluded.value, raw_data = excluded.raw_data, updated_at = now()`,
    [JSON.stringify(rows)],
  );
}

async function insertPdls(db: SqlRunner, pdls: GeneratedPdl[], offerId: string | null): Promise<void> {
  if (pdls.length === 0) return;
  const rows = pdls.map((pdl) => ({
    id: deterministicUuid(`pdl|${pdl.usagePointId}`),
    usage_point_id: pdl.usagePointId,
    name: pdl.name,
    pricing_option: pdl.pricingOption,
    offpeak_hours: pdl.offpeakHours ?? null,
    has_production: pdl.hasProduction,
    selected_offer_id: pdl.selectedOfferId !== undefined ? pdl.selectedOfferId : offerId,
  }));
  await db.query(
    `insert into pdls (id, usage_point_id, user_id, name, pricing_option, offpeak_hours, has_consumption,
       has_production, is_active, selected_offer_id)
     select r.id, r.usage_point_id, $2, r.name, r.pricing_option, coalesce(r.offpeak_hours, 'null'::json), true,
       r.has_production, true, r.selected_offer_id
     from json_to_recordset($1::json) as r(id varchar, usage_point_id varchar, name varchar, pricing_option varchar,
       offpeak_hours json, has_production boolean, selected_offer_id varchar)
     on conflict (usage_point_id) do update set name = excluded.name, pricing_option = excluded.pricing_option,
       offpeak_hours = excluded.offpeak_hours, has_production = excluded.has_production,
       selected_offer_id = excluded.selected_offer_id, updated_at = now()`,
    [JSON.stringify(rows), deterministicUuid('user')],
  );
}

async function insertTempoOffer(db: SqlRunner, seed: number): Promise<string> {
  const id = deterministicUuid(`offer|tempo|${seed}`);
  const providerId = deterministicUuid('provider|EDF');
  await db.query(
    `insert into energy_providers (id, name, is_active, created_at, updated_at)
     values ($1, 'EDF', true, now(), now()) on conflict (id) do nothing`,
    [providerId],
  );
  await db.query(
    `insert into energy_offers (id, provider_id, name, offer_type, subscription_price, base_price, hc_price, hp_price,
       tempo_blue_hc, tempo_blue_hp, tempo_white_hc, tempo_white_hp, tempo_red_hc, tempo_red_hp, power_kva,
       valid_from, valid_to, is_active, created_at, updated_at)
     values ($1, $2, 'EDF Tempo', 'TEMPO', 16.55000, 0.25160, 0.20680, 0.27000, 0.12960, 0.16090, 0.14860, 0.17860,
       0.15680, 0.70620, 9, '2025-02-01T00:00:00+01:00', null, true, now(), now())
     on conflict (id) do nothing`,
    [id, providerId],
  );
  return id;
}

type TempoColor = 'BLUE' | 'WHITE' | 'RED';

const TEMPO_RED_QUOTA = 22;
const TEMPO_WHITE_QUOTA = 43;

async function insertTempoDays(db: SqlRunner, fromDay: number, toDay: number, seed: number): Promise<void> {
  const rows: { id: string; date: string; color: TempoColor }[] = [];
  let season = -1;
  let reds = 0;
  let whites = 0;
  for (let day = fromDay; day <= toDay; day++) {
    const { year, month } = yearMonth(day);
    const daySeason = month >= 8 ? year : year - 1;
    if (daySeason !== season) {
      season = daySeason;
      reds = 0;
      whites = 0;
    }
    const random = mulberry32(hashToInt(`${seed}|tempo|${formatDay(day)}`));
    const weekday = new Date(day * DAY_MS).getUTCDay();
    const deepWinter = month === 11 || month <= 1;
    const winter = deepWinter || month === 10 || month === 2;
    const redChance = weekday === 0 || weekday === 6 || !winter ? 0 : deepWinter ? 0.3 : 0.1;
    const whiteChance = weekday === 0 ? 0 : winter ? 0.3 : month === 9 || month === 3 ? 0.1 : 0.02;
    const draw = random();
    let color: TempoColor = 'BLUE';
    if (draw < redChance && reds < TEMPO_RED_QUOTA) {
      color = 'RED';
      reds += 1;
    } else if (draw >= 1 - whiteChance && whites < TEMPO_WHITE_QUOTA) {
      color = 'WHITE';
      whites += 1;
    }
    const date = formatDay(day);
    // Client mode stores the day at 00:00 UTC (MyElectricalData apps/api/src/services/sync.py, tempo sync).
    rows.push({ id: date, date: `${date}T00:00:00Z`, color });
  }
  for (let index = 0; index < rows.length; index += ROWS_PER_STATEMENT) {
    await db.query(
      `insert into tempo_days (id, date, color, updated_at, rte_updated_date)
       select r.id, r.date, r.color::tempocolor, now(), r.date
       from json_to_recordset($1::json) as r(id varchar, date timestamptz, color text)
       on conflict (id) do update set date = excluded.date, color = excluded.color, updated_at = now()`,
      [JSON.stringify(rows.slice(index, index + ROWS_PER_STATEMENT))],
    );
  }
}

const ECOWATT_MESSAGES: Record<number, string> = {
  1: "Pas d'alerte.",
  2: 'Système électrique tendu. Les écogestes sont les bienvenus.',
  3: 'Système électrique très tendu. Coupures inévitables si nous ne baissons pas notre consommation.',
};

interface EcowattRow {
  periode: string;
  generation_datetime: string;
  dvalue: number;
  message: string | null;
  values: number[];
}

/**
 * One signal per day as MyElectricalData stores it (apps/api/src/services/rte.py): `periode` and
 * `generation_datetime` naive UTC (1 December's signal at `30 November 23:00`), `values` the 24 hourly levels,
 * one row per `periode` (unique) updated in place when RTE revises it, as some days here are.
 */
async function insertEcowatt(db: SqlRunner, fromDay: number, toDay: number, seed: number): Promise<void> {
  const rows: EcowattRow[] = [];
  for (let day = fromDay; day <= toDay; day++) {
    const random = mulberry32(hashToInt(`${seed}|ecowatt|${formatDay(day)}`));
    const { month } = yearMonth(day);
    const winter = month >= 10 || month <= 2;
    const tenseChance = winter ? 0.25 : 0.03;
    const hvalues = Array.from({ length: 24 }, () => 1);
    if (random() < tenseChance) {
      for (const hour of [8, 9, 18, 19]) hvalues[hour] = 2;
      if (winter && random() < 0.2) hvalues[19] = 3;
    } else if (!winter && random() < 0.5) {
      // RTE's green "low-carbon" signal around solar noon.
      for (const hour of [12, 13, 14, 15]) hvalues[hour] = 0;
    }
    if (random() < 0.4) {
      const revised = hvalues.some((value) => value >= 2)
        ? hvalues.map((value) => Math.min(value, 1))
        : hvalues.map((value, hour) => (hour === 8 || hour === 19 ? 2 : value));
      rows.push(ecowattRow(day, day - 1, '16:00:00', revised));
    } else {
      rows.push(ecowattRow(day, day - 3, '11:15:00', hvalues));
    }
  }
  await db.query(
    `insert into ecowatt (periode, generation_datetime, dvalue, message, "values", hdebut, hfin, pas,
       created_at, updated_at)
     select r.periode, r.generation_datetime, r.dvalue, r.message, r."values", 0, 23, 60, now(), now()
     from json_to_recordset($1::json) as r(periode timestamp, generation_datetime timestamp, dvalue integer,
       message varchar, "values" json)
     on conflict (periode) do update set generation_datetime = excluded.generation_datetime,
       dvalue = excluded.dvalue, message = excluded.message, "values" = excluded."values", updated_at = now()`,
    [JSON.stringify(rows)],
  );
}

function ecowattRow(
  day: number,
  generationDay: number,
  generationTime: string,
  hvalues: number[],
): EcowattRow {
  const dvalue = Math.max(1, ...hvalues);
  return {
    periode: naiveUtc(parisMidnightMs(day)),
    generation_datetime: `${formatDay(generationDay)} ${generationTime}`,
    dvalue,
    message: ECOWATT_MESSAGES[dvalue] ?? null,
    values: hvalues,
  };
}

// --- calendar (days are counted from 1970-01-01, Europe/Paris calendar days) ---

function parseDay(isoDate: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (!match) throw new Error(`Expected a YYYY-MM-DD date, got '${isoDate}'`);
  return Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) / DAY_MS;
}

function formatDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

function yearMonth(day: number): { year: number; month: number } {
  const date = new Date(day * DAY_MS);
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() };
}

function dayOfYear(day: number): number {
  return day - Date.UTC(new Date(day * DAY_MS).getUTCFullYear(), 0, 1) / DAY_MS;
}

function isWeekend(day: number): boolean {
  const weekday = new Date(day * DAY_MS).getUTCDay();
  return weekday === 0 || weekday === 6;
}

function lastSundayDay(year: number, monthIndex: number): number {
  const lastDay = Date.UTC(year, monthIndex + 1, 0) / DAY_MS;
  return lastDay - new Date(lastDay * DAY_MS).getUTCDay();
}

// The EU rule (last Sunday of March to last Sunday of October) has applied to Europe/Paris since 1996,
// which avoids depending on the ICU time-zone data of the Node build.
function isSummerTimeDay(day: number): boolean {
  const year = new Date(day * DAY_MS).getUTCFullYear();
  return day > lastSundayDay(year, 2) && day < lastSundayDay(year, 9);
}

/** Europe/Paris UTC offset at an instant: +02:00 from the last Sunday of March to the last of October, 01:00 UTC. */
function parisOffsetMs(utcMs: number): number {
  const year = new Date(utcMs).getUTCFullYear();
  const summerStartMs = lastSundayDay(year, 2) * DAY_MS + 3_600_000;
  const summerEndMs = lastSundayDay(year, 9) * DAY_MS + 3_600_000;
  return utcMs >= summerStartMs && utcMs < summerEndMs ? 7_200_000 : 3_600_000;
}

/** The instant of 00:00 in Paris on a day; midnight is never inside a DST switch, which happens at 02:00/03:00. */
function parisMidnightMs(day: number): number {
  return day * DAY_MS - parisOffsetMs(day * DAY_MS - 3_600_000);
}

/** `YYYY-MM-DD HH:MM:SS` of an instant in UTC, as a naive `timestamp` holds it. */
function naiveUtc(utcMs: number): string {
  return new Date(utcMs).toISOString().slice(0, 19).replace('T', ' ');
}

function minutesToHhMm(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

// --- deterministic randomness ---

function gaussian(x: number, mean: number, width: number): number {
  return Math.exp(-((x - mean) ** 2) / (2 * width * width));
}

function hashToInt(text: string): number {
  return createHash('sha1').update(text).digest().readUInt32LE(0);
}

/** UUID-shaped (version 5 layout) id derived from a name, so the same row gets the same id on every run. */
function deterministicUuid(name: string): string {
  const hex = createHash('sha1').update(`med-export-test|${name}`).digest('hex');
  const variant = ((parseInt(hex.slice(16, 18), 16) & 0x3f) | 0x80).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(18, 20)}-${hex.slice(20, 32)}`;
}
