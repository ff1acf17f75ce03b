import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { APPLICATION_NAME } from '../db/application-name.js';
import type { Database } from '../db/tables.js';
import { addDays, dateOfDayNumber, naiveUtcMs, parisDateOfNaiveUtc } from '../domain/paris-time.js';
import { PRICE_COLUMNS } from '../domain/offer-types.js';
import type { PriceColumn } from '../domain/offer-types.js';
import { toDailyEnergy } from '../domain/readings.js';
import type {
  ChangedDay,
  DailyRow,
  DateRange,
  DetailedRow,
  EcowattDay,
  MonthlyTotal,
  OfferPriceHistory,
  OfferPriceHistoryRow,
  Pdl,
  QueryLayer,
  TempoDay,
} from './types.js';
import type { EnergyDirection, TempoColorCode } from '../domain/vocabulary.js';

const TABLES = { consumption: 'consumption_data', production: 'production_data' } as const;
const DEFAULT_PAGE_SIZE = 20_000;
const HALF_HOURS_PER_DAY = 48;
const TEMPO_COLORS = new Set<string>(['BLUE', 'WHITE', 'RED']);

const rawDataObjects = new Map<string, Readonly<Record<string, unknown>>>();
const NO_INTERVAL_LENGTH: Readonly<Record<string, unknown>> = Object.freeze({});

/**
 * A detailed row's raw_data object as the readers see it: only `interval_length` (the one key they read),
 * shared between rows with the same one. Without one (or without raw_data, or with a JSON null) it is empty:
 * either way the readers take the default step.
 */
function rawDataObject(intervalLength: unknown): Readonly<Record<string, unknown>> {
  if (intervalLength === null || intervalLength === undefined) return NO_INTERVAL_LENGTH;
  if (typeof intervalLength !== 'string') return { interval_length: intervalLength };
  let object = rawDataObjects.get(intervalLength);
  if (!object) {
    object = Object.freeze({ interval_length: intervalLength });
    if (rawDataObjects.size < 64) rawDataObjects.set(intervalLength, object);
  }
  return object;
}

/** A half-hour as detailedPages reads it: interval_start, value, raw_interval_length, raw_other, updated_us. */
type HalfHourFields = [string | null, number | null, unknown, unknown, string | null];

/**
 * How long every other session must have been idle before PostgreSQL's write counts are taken as complete
 * (`writeCounts`): its statistics flush interval when idle, and a margin.
 */
export const COUNTS_QUIET_MS = 15_000;

/** Every SQL statement against MyElectricalData's tables lives here. */
export function createQueryLayer(
  db: Kysely<Database>,
  { quietMs = COUNTS_QUIET_MS }: { quietMs?: number } = {},
): QueryLayer {
  const energy = (direction: EnergyDirection, usagePointId: string, range: DateRange | undefined) => {
    let query = db.selectFrom(TABLES[direction]).where('usage_point_id', '=', usagePointId);
    if (range?.from) query = query.where(sql`date`, '>=', sql`${range.from}::date`);
    if (range?.to) query = query.where(sql`date`, '<=', sql`${range.to}::date`);
    return query;
  };

  // A database never migrated by MyElectricalData's 20260223_fix_nulls_not_distinct can hold several daily rows
  // for one day (a NULL interval_start defeats its unique key): the newest updated_at is the one its sync wrote last.
  const dailyRows = async (direction: EnergyDirection, usagePointId: string, range?: DateRange) => {
    const rows = await energy(direction, usagePointId, range)
      .where('granularity', '=', 'daily')
      .select([sql<string>`to_char(date, 'YYYY-MM-DD')`.as('day'), 'value', 'updated_at'])
      .orderBy('date')
      .orderBy('updated_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    const newest: DailyRow[] = [];
    for (const row of rows) {
      if (newest.at(-1)?.date === row.day) continue;
      newest.push({ date: row.day, value: row.value, updatedAt: row.updated_at });
    }
    return newest;
  };

  const changedDays = async (direction: EnergyDirection, usagePointId: string, since: Date) => {
    const rows = await db
      .selectFrom(TABLES[direction])
      .where('usage_point_id', '=', usagePointId)
      .where('updated_at', '>', since)
      .select([
        sql<string>`to_char(date, 'YYYY-MM-DD')`.as('day'),
        // Epoch µs (exact; int8 comes as text): a Date would drop the microseconds a later `since` is compared to.
        sql<string>`(extract(epoch from max(updated_at)) * 1000000)::bigint`.as('updated_us'),
      ])
      .groupBy('date')
      .orderBy('date')
      .execute();
    return rows.map((row): ChangedDay => ({ date: row.day, updatedUs: Number(row.updated_us) }));
  };

  return {
    async listPdls(only) {
      let query = db
        .selectFrom('pdls')
        .select([
          'usage_point_id',
          'name',
          'pricing_option',
          'offpeak_hours',
          'has_consumption',
          'has_production',
          'is_active',
          'selected_offer_id',
        ])
        .orderBy('usage_point_id');
      query =
        only && only.length > 0
          ? query.where('usage_point_id', 'in', only)
          : query.where('is_active', '=', true);
      const rows = await query.execute();
      return rows.map((row): Pdl => ({
        usagePointId: row.usage_point_id,
        name: row.name,
        pricingOption: row.pricing_option,
        offpeakHours: row.offpeak_hours,
        hasConsumption: row.has_consumption ?? true,
        hasProduction: row.has_production ?? false,
        isActive: row.is_active ?? true,
        selectedOfferId: row.selected_offer_id,
      }));
    },

    dailyRows,

    async duplicateDailyRows(direction, usagePointId, range) {
      const row = await energy(direction, usagePointId, range)
        .where('granularity', '=', 'daily')
        .select(sql<string>`count(*) - count(distinct date)`.as('duplicates'))
        .executeTakeFirst();
      return Number(row?.duplicates ?? 0);
    },

    async *detailedPages(direction, usagePointId, range, pageSize = DEFAULT_PAGE_SIZE) {
      // One row per day, its half-hours one JSON array each: pg decodes a row field by field in JavaScript, a
      // JSON column natively (JSON.parse), so 52,554 half-hours cost about half the CPU they cost as rows. A page
      // is whole days, keyset on the day: as many as `pageSize` half-hours at 48 a day.
      const pageDays = Math.max(1, Math.ceil(pageSize / HALF_HOURS_PER_DAY));
      let afterDay: number | null = null;
      for (;;) {
        let query = energy(direction, usagePointId, range).where('granularity', '=', 'detailed');
        // On the column itself, so that the index on (usage_point_id, date) starts the next page where it is.
        if (afterDay !== null)
          query = query.where(sql`date`, '>', sql`date '1970-01-01' + ${afterDay}::integer`);
        const days = await query
          .select([
            // Days since 1970-01-01: much cheaper for PostgreSQL than to_char, and one string per day here.
            sql<number>`date - date '1970-01-01'`.as('day_number'),
            // [interval_start, value, raw_interval_length, raw_other, updated_us] per half-hour:
            // - of a raw_data object only interval_length is ever read: sending and parsing the whole object of
            //   every half-hour was a large part of a backfill's time;
            // - raw_data is jsonb in the Docker install and json in the create-all one (Helm, installs before
            //   MyElectricalData's migration 008): only operators both types have, and no cast, since casting
            //   jsonb to json re-serializes every object (half of PostgreSQL's time for this query). `->` gives
            //   NULL on anything but an object; a value that is not an object is sent whole (rare, reported as
            //   skipped), told from an object without interval_length by its text (JSON whitespace allowed);
            // - updated_at as epoch µs in text: exact, and much cheaper to read than a timestamp's text.
            sql<HalfHourFields[]>`json_agg(json_build_array(
              interval_start,
              value,
              raw_data -> 'interval_length',
              case when raw_data -> 'interval_length' is not null
                or ltrim(raw_data::text, E' \\t\\n\\r') like '{%' then null else raw_data end,
              ((extract(epoch from updated_at) * 1000000)::bigint)::text
            ) order by coalesce(interval_start, ''))`.as('half_hours'),
          ])
          .groupBy('date')
          .orderBy('date')
          .limit(pageDays)
          .execute();
        if (days.length === 0) return;
        // Rows written together (one day's, one sync's) share one Date: readers only compare them.
        let lastUpdatedUs: string | null = null;
        let lastUpdatedAt: Date | null = null;
        const updatedAt = (us: string | null) => {
          if (us !== lastUpdatedUs) {
            lastUpdatedUs = us;
            lastUpdatedAt = us === null ? null : new Date(Math.floor(Number(us) / 1000));
          }
          return lastUpdatedAt as Date;
        };
        const page: DetailedRow[] = [];
        for (const day of days) {
          const date = dateOfDayNumber(day.day_number);
          for (const [intervalStart, value, rawIntervalLength, rawOther, updatedUs] of day.half_hours) {
            page.push({
              date,
              intervalStart,
              value,
              rawData: rawOther !== null ? rawOther : rawDataObject(rawIntervalLength),
              // As pg reads a timestamp: the instant truncated to the millisecond.
              updatedAt: updatedAt(updatedUs),
            });
          }
        }
        yield page;
        if (days.length < pageDays) return;
        afterDay = days[days.length - 1]!.day_number;
      }
    },

    async monthlyTotals(direction, usagePointId, range) {
      const totals = new Map<string, MonthlyTotal>();
      for (const row of await dailyRows(direction, usagePointId, range)) {
        const reading = toDailyEnergy(row);
        if (!reading.ok) continue;
        const month = reading.date.slice(0, 7);
        const total = totals.get(month) ?? { month, wh: 0, days: 0 };
        total.wh += reading.wh;
        total.days += 1;
        totals.set(month, total);
      }
      return [...totals.values()];
    },

    changedDays,

    changedDates: async (direction, usagePointId, since) =>
      (await changedDays(direction, usagePointId, since)).map((day) => day.date),

    async writeCounts() {
      // PostgreSQL's cumulative statistics, kept in shared memory since 15 (MyElectricalData's Docker image runs
      // 15: ../shared/myelectricaldata/schema-docker.sql:8; before, a busy collector could drop counts). A
      // session flushes its counts when it goes idle, at most once a second, else within PGSTAT_IDLE_INTERVAL (10 s,
      // postgres src/backend/utils/activity/pgstat.c, "Timer definitions"): so the counts are only taken as
      // complete once every other session of this database has been idle for longer, and never while one is in
      // a transaction or hidden from us (another role's). Not usable either: counting off (track_counts), a
      // standby (it does not count the writes it replays), a single-user backend, such as embedded PGlite's,
      // which every client shares (no other session to see, and its idle flush never comes), counts at zero.
      const result = await sql<{ counts: string | null }>`
        select case
          when current_setting('server_version_num')::integer >= 150000
            and current_setting('track_counts')::boolean and not pg_is_in_recovery()
            and (select backend_type from pg_stat_activity where pid = pg_backend_pid()) = 'client backend'
            and not exists (
              select from pg_stat_activity
              where datname = current_database() and backend_type = 'client backend'
                and pid <> pg_backend_pid() and application_name is distinct from ${APPLICATION_NAME}
                and (state is distinct from 'idle' or state_change > now() - ${quietMs} * interval '1 millisecond')
            )
          then (
            select string_agg(concat_ws(' ', relname, n_tup_ins, n_tup_upd, n_tup_del), ', ' order by relname)
            from pg_stat_user_tables
            where relid in (to_regclass(${TABLES.consumption}), to_regclass(${TABLES.production}))
            having sum(n_tup_ins + n_tup_upd + n_tup_del) > 0
          )
        end as counts`.execute(db);
      return result.rows[0]?.counts ?? null;
    },

    async changeCursor() {
      const result = await sql<{ now: Date }>`select now() as now`.execute(db);
      return result.rows[0]!.now;
    },

    async tempoDays(range) {
      // color is varchar in the Docker install and the enum tempocolor in the create-all one.
      let query = db
        .selectFrom('tempo_days')
        .select(['id', sql<string>`color::text`.as('color')])
        .orderBy('id');
      if (range?.from) query = query.where('id', '>=', range.from);
      if (range?.to) query = query.where('id', '<=', range.to);
      const rows = await query.execute();
      return rows
        .map((row) => ({ date: row.id.slice(0, 10), color: row.color.trim().toUpperCase() }))
        .filter((row): row is TempoDay => TEMPO_COLORS.has(row.color) && /^\d{4}-\d{2}-\d{2}$/.test(row.date))
        .map((row) => ({ date: row.date, color: row.color as TempoColorCode }));
    },

    async ecowattDays(range) {
      // periode and generation_datetime are naive UTC (MyElectricalData apps/api/src/services/rte.py): the day
      // is the Paris date of periode read as UTC, so a day's row may sit on the evening before. Rows are read
      // as text and dated in the domain; the json `values` column is never compared, sorted or grouped.
      let query = db
        .selectFrom('ecowatt')
        .select([
          sql<string>`to_char(periode, 'YYYY-MM-DD HH24:MI:SS')`.as('periode'),
          sql<string>`to_char(generation_datetime, 'YYYY-MM-DD HH24:MI:SS.US')`.as('generated_at'),
          'dvalue',
          'message',
          'values',
        ])
        .orderBy('periode');
      if (range?.from)
        query = query.where('periode', '>=', sql<string>`${addDays(range.from, -1)}::timestamp`);
      if (range?.to) query = query.where('periode', '<', sql<string>`${addDays(range.to, 2)}::timestamp`);
      const byDay = new Map<string, EcowattDay>();
      for (const row of await query.execute()) {
        const date = parisDateOfNaiveUtc(row.periode);
        const generatedMs = naiveUtcMs(row.generated_at);
        if (date === null || generatedMs === null) continue;
        if ((range?.from && date < range.from) || (range?.to && date > range.to)) continue;
        const known = byDay.get(date);
        if (known && known.generatedAt.getTime() >= generatedMs) continue;
        byDay.set(date, {
          date,
          generatedAt: new Date(generatedMs),
          level: row.dvalue,
          message: row.message,
          hourlyValues: row.values,
        });
      }
      return [...byDay.values()].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
    },

    offerPriceHistory: (offerId) => offerPriceHistory(db, offerId),

    tempoDaysChangedSince: (since) => tempoDaysChangedSince(db, since),
  };
}

const numberOrNull = (value: string | null) => (value === null ? null : Number(value));

/**
 * MyElectricalData keeps an offer's old prices as rows of the same provider, type, name and power, closed by
 * `valid_to` (routers/energy_offers.py:56-63, services/price_update_service.py:247-255).
 */
async function offerPriceHistory(db: Kysely<Database>, offerId: string): Promise<OfferPriceHistory | null> {
  const selected = await db
    .selectFrom('energy_offers')
    .select(['provider_id', 'offer_type', 'name', 'power_kva'])
    .where('id', '=', offerId)
    .executeTakeFirst();
  if (!selected) return null;
  const rows = await db
    .selectFrom('energy_offers')
    .selectAll()
    .where(sql<boolean>`provider_id is not distinct from ${selected.provider_id}`)
    .where('offer_type', '=', selected.offer_type)
    .where('name', '=', selected.name)
    .where(sql<boolean>`power_kva is not distinct from ${selected.power_kva}::integer`)
    .orderBy(sql`valid_from asc nulls first`)
    .orderBy('id')
    .execute();
  return {
    offerType: selected.offer_type,
    name: selected.name,
    providerId: selected.provider_id,
    powerKva: selected.power_kva,
    rows: rows.map((row): OfferPriceHistoryRow => {
      const prices: Partial<Record<PriceColumn, number | null>> = {};
      for (const column of PRICE_COLUMNS) prices[column] = numberOrNull(row[column]);
      return {
        id: row.id,
        validFrom: row.valid_from,
        validTo: row.valid_to,
        subscriptionPrice: numberOrNull(row.subscription_price),
        prices,
        hcSchedules: row.hc_schedules,
      };
    }),
  };
}

/** `tempo_days.updated_at` moves when a colour is written or rewritten (models/tempo_day.py:26, onupdate). */
async function tempoDaysChangedSince(db: Kysely<Database>, since: Date): Promise<string[]> {
  const rows = await db
    .selectFrom('tempo_days')
    .select('id')
    .where('updated_at', '>', since)
    .orderBy('id')
    .execute();
  return rows.map((row) => row.id.slice(0, 10)).filter((day) => /^\d{4}-\d{2}-\d{2}$/.test(day));
}
