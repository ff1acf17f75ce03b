/**
 * The price in force at an instant, from an offer's price history (`energy_offers` rows of the same provider,
 * type, name and power), and the configured prices that stand in for missing ones.
 */
import { DAY_MS } from './durations.js';
import { TARIFF_PERIODS } from './offer-types.js';
import type { BillingRule, PriceColumn, TariffPeriod } from './offer-types.js';
import { dateOfDayNumber, parisDate, parisMidnightUtcMs } from './paris-time.js';

/** One `energy_offers` row as far as prices go. */
export interface OfferPriceRow {
  /** `valid_from` (timestamptz); null: valid since ever. */
  validFrom: Date | null;
  /** `valid_to` (timestamptz); null: still valid. */
  validTo: Date | null;
  /** `subscription_price`, €/month TTC. */
  subscriptionPrice: number | null;
  /** €/kWh TTC by column; a column absent or null has no price. */
  prices: Readonly<Partial<Record<PriceColumn, number | null>>>;
}

interface TimelineEntry {
  fromMs: number;
  row: OfferPriceRow;
}

export interface PriceTimeline {
  /** Ordered by start. */
  readonly entries: readonly TimelineEntry[];
}

/**
 * MyElectricalData writes a price's first day as that day's UTC midnight (the EDF scraper's
 * `datetime.now(UTC).replace(day=1, hour=0, …)`, services/price_scrapers/edf_scraper.py:217, :432, :630; a
 * contribution's naive date read as UTC, routers/energy_offers.py:123-124), while regulated prices change at
 * midnight in France: a bound on a UTC midnight is read as the Paris midnight starting that date.
 */
export function validityStartMs(bound: Date | null): number {
  if (bound === null) return -Infinity;
  const ms = bound.getTime();
  return ms % DAY_MS === 0 ? parisMidnightUtcMs(dateOfDayNumber(ms / DAY_MS)) : ms;
}

/**
 * The timeline of an offer's price rows. Each row is in force from its `valid_from` until the next row starts:
 * MyElectricalData closes an old row at the new one's start (routers/energy_offers.py:63) or at the moment the
 * scraper ran (services/price_update_service.py:255, days after the new row's first-of-month start), so where
 * rows overlap the later start wins, and a closed row with no successor stays the last price known.
 */
export function priceTimeline(rows: readonly OfferPriceRow[]): PriceTimeline {
  const entries = rows
    .map((row) => ({ fromMs: validityStartMs(row.validFrom), row }))
    .sort((a, b) => a.fromMs - b.fromMs);
  return { entries };
}

export interface PriceRowAt {
  row: OfferPriceRow;
  /** The instant is before the oldest row's start: that row's prices stand in. */
  beforeOldest: boolean;
}

/** The row in force at an instant; null when the offer has no rows at all. */
export function priceRowAt(timeline: PriceTimeline, utcMs: number): PriceRowAt | null {
  const { entries } = timeline;
  const first = entries[0];
  if (!first) return null;
  if (utcMs < first.fromMs) return { row: first.row, beforeOldest: true };
  let low = 0;
  let high = entries.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (entries[middle]!.fromMs <= utcMs) low = middle;
    else high = middle - 1;
  }
  return { row: entries[low]!.row, beforeOldest: false };
}

/** The Paris day the oldest row starts, for "costs before <date> use the oldest price known"; null if unbounded. */
export function oldestPriceDate(timeline: PriceTimeline): string | null {
  const first = timeline.entries[0];
  return first && Number.isFinite(first.fromMs) ? parisDate(first.fromMs) : null;
}

function isPrice(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

/** €/kWh of a billing rule in a row: its first price column that is set; null when none is. */
export function unitPriceOf(billing: BillingRule, row: OfferPriceRow): number | null {
  for (const column of billing.priceColumns) {
    const price = row.prices[column];
    if (isPrice(price)) return price;
  }
  return null;
}

// ---- configured prices (MED_PRICES) ----

/** Configured prices of one PDL (or of every PDL): €/kWh by tariff period, €/month for the subscription. */
export interface ConfiguredPrices {
  byTariff: Readonly<Partial<Record<TariffPeriod, number>>>;
  subscription: number | null;
}

export interface PriceOverrides {
  all: ConfiguredPrices;
  byPdl: Readonly<Record<string, ConfiguredPrices>>;
}

export const NO_CONFIGURED_PRICES: ConfiguredPrices = Object.freeze({
  byTariff: Object.freeze({}),
  subscription: null,
});

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

const PDL_PATTERN = /^\d{14}$/;
const SUBSCRIPTION_KEY = 'subscription';
const TARIFF_SET: ReadonlySet<string> = new Set(TARIFF_PERIODS);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fromJsonText(raw: unknown): ParseResult<unknown> {
  if (typeof raw !== 'string') return { ok: true, value: raw };
  try {
    return { ok: true, value: JSON.parse(raw) as unknown };
  } catch {
    return { ok: false, error: 'is not valid JSON' };
  }
}

type ParsedPrices = { prices: ConfiguredPrices; byPdl: Record<string, ConfiguredPrices> } | { error: string };

function parseConfiguredPrices(
  raw: Record<string, unknown>,
  where: string,
  allowPdls: boolean,
): ParsedPrices {
  const byTariff: Partial<Record<TariffPeriod, number>> = {};
  let subscription: number | null = null;
  const byPdl: Record<string, ConfiguredPrices> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (allowPdls && PDL_PATTERN.test(key)) {
      if (!isPlainObject(value)) return { error: `${where}.${key} must be an object of prices` };
      const nested = parseConfiguredPrices(value, `${where}.${key}`, false);
      if ('error' in nested) return nested;
      byPdl[key] = nested.prices;
    } else if (key === SUBSCRIPTION_KEY || TARIFF_SET.has(key)) {
      if (!isPrice(value))
        return { error: `${where}.${key} must be a number ≥ 0, got ${JSON.stringify(value)}` };
      if (key === SUBSCRIPTION_KEY) subscription = value;
      else byTariff[key as TariffPeriod] = value;
    } else {
      const expected = allowPdls
        ? 'a tariff period, "subscription" or a 14-digit PDL'
        : 'a tariff period or "subscription"';
      return { error: `${where}: unknown key ${JSON.stringify(key)} (expected ${expected})` };
    }
  }
  return { prices: { byTariff, subscription }, byPdl };
}

/**
 * `MED_PRICES` (or its alias `HOME_ASSISTANT_PRICES`), parsed object or JSON text: €/kWh by tariff period and
 * `subscription` in €/month for every PDL, and under a 14-digit PDL key the same for that PDL only, e.g.
 * `{"hc": 0.2068, "hp": 0.27, "subscription": 15.74, "12345678901234": {"base": 0.1952}}`.
 * Errors name the offending key; `name` is the configuration key to name in them.
 */
export function parsePriceOverrides(raw: unknown, name = 'MED_PRICES'): ParseResult<PriceOverrides> {
  if (raw === undefined || raw === null || raw === '') {
    return { ok: true, value: { all: NO_CONFIGURED_PRICES, byPdl: {} } };
  }
  const json = fromJsonText(raw);
  if (!json.ok) return { ok: false, error: `${name} ${json.error}` };
  if (!isPlainObject(json.value))
    return { ok: false, error: `${name} must be an object of prices by tariff` };
  const parsed = parseConfiguredPrices(json.value, name, true);
  if ('error' in parsed) return { ok: false, error: parsed.error };
  return { ok: true, value: { all: parsed.prices, byPdl: parsed.byPdl } };
}

/** One PDL's configured prices: its own entries over the run-wide ones. */
export function configuredPricesFor(overrides: PriceOverrides, pdl: string): ConfiguredPrices {
  const own = overrides.byPdl[pdl];
  if (!own) return overrides.all;
  return {
    byTariff: { ...overrides.all.byTariff, ...own.byTariff },
    subscription: own.subscription ?? overrides.all.subscription,
  };
}

// ---- production price (MED_PRODUCTION_PRICE) ----

export interface ProductionPrice {
  /** €/kWh for every producing PDL, null when only some PDLs are priced. */
  all: number | null;
  byPdl: Readonly<Record<string, number>>;
}

/**
 * `MED_PRODUCTION_PRICE` / `production_price`: a number (or numeric text) in €/kWh for every PDL, or an object
 * of them by 14-digit PDL (or its JSON text). Absent: null (no revenue).
 */
export function parseProductionPrice(
  raw: unknown,
  name = 'MED_PRODUCTION_PRICE',
): ParseResult<ProductionPrice | null> {
  if (raw === undefined || raw === null || raw === '') return { ok: true, value: null };
  const asNumber = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  if (isPrice(asNumber)) return { ok: true, value: { all: asNumber, byPdl: {} } };
  const json = fromJsonText(raw);
  if (!json.ok || !isPlainObject(json.value)) {
    return { ok: false, error: `${name} must be a number ≥ 0 (€/kWh) or an object of them by PDL` };
  }
  const byPdl: Record<string, number> = {};
  for (const [pdl, price] of Object.entries(json.value)) {
    if (!PDL_PATTERN.test(pdl))
      return { ok: false, error: `${name}: ${JSON.stringify(pdl)} is not a 14-digit PDL` };
    if (!isPrice(price))
      return { ok: false, error: `${name}.${pdl} must be a number ≥ 0, got ${JSON.stringify(price)}` };
    byPdl[pdl] = price;
  }
  return { ok: true, value: { all: null, byPdl } };
}

export function productionPriceFor(price: ProductionPrice | null, pdl: string): number | null {
  if (price === null) return null;
  return price.byPdl[pdl] ?? price.all;
}
