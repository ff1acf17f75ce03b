/**
 * MyElectricalData's offer types, the tariff periods each one bills, and which `energy_offers` price column
 * prices each period. Sources are in MyElectricalData/myelectricaldata_new at tag 1.22.0 (apps/api/src/… and
 * apps/web/src/…, cited below from those roots).
 */

/**
 * `energy_offers.offer_type` (and so `pdls.pricing_option`, which routers/pdl.py sets to the selected offer's
 * type): one calculator each in services/offers/ (base_offer.py:23, hc_hp.py:66, tempo.py:36, ejp.py:28,
 * hc_nuit_weekend.py:30, seasonal.py:32, weekend.py:26), plus the EDF scraper's own
 * (services/price_scrapers/edf_scraper.py:450, :465, :484).
 */
export const OFFER_TYPES = [
  'BASE',
  'HC_HP',
  'TEMPO',
  'EJP',
  'HC_NUIT_WEEKEND',
  'SEASONAL',
  'WEEKEND',
  'BASE_WEEKEND',
  'HC_WEEKEND',
  'ZEN_FLEX',
] as const;
export type OfferType = (typeof OFFER_TYPES)[number];

/** Spellings by their letters alone, so `HC/HP`, `hc-hp`, `Hc Hp` and `HC_HP` are one. */
const OFFER_TYPES_BY_LETTERS: Readonly<Record<string, OfferType>> = {
  BASE: 'BASE',
  HCHP: 'HC_HP',
  HPHC: 'HC_HP',
  TEMPO: 'TEMPO',
  EJP: 'EJP',
  HCNUITWEEKEND: 'HC_NUIT_WEEKEND',
  SEASONAL: 'SEASONAL',
  WEEKEND: 'WEEKEND',
  BASEWEEKEND: 'BASE_WEEKEND',
  HCWEEKEND: 'HC_WEEKEND',
  HCHPWEEKEND: 'HC_WEEKEND',
  ZENFLEX: 'ZEN_FLEX',
};

/** `HC/HP`, `hc-hp`, `HCHP`, `Hc_Weekend`, `zen flex`… → the offer type; null when empty or unknown. */
export function normalizeOfferType(raw: string | null): OfferType | null {
  if (raw === null) return null;
  return OFFER_TYPES_BY_LETTERS[raw.toUpperCase().replace(/[^A-Z]/g, '')] ?? null;
}

/**
 * The tariff periods energy is split into, named as MyElectricalData names them (lower case, without the
 * calculators' offer prefix: tempo.py:119 `blue_hc`…, weekend.py:94-96 `weekday_hc`…, seasonal.py:122-124
 * `winter_hc`…, ejp.py:96/:110 `normal`/`peak`, base_offer.py:113/:122 `weekday`/`weekend`; Zen Flex's from the
 * simulator's breakdown, apps/web/src/pages/Simulator.tsx:811-812 `eco_hc`… `sobriety_hp`).
 */
export const TARIFF_PERIODS = [
  'base',
  'hc',
  'hp',
  'blue_hc',
  'blue_hp',
  'white_hc',
  'white_hp',
  'red_hc',
  'red_hp',
  'weekday_hc',
  'weekday_hp',
  'weekend_hc',
  'weekend_hp',
  'weekday',
  'weekend',
  'winter_hc',
  'winter_hp',
  'summer_hc',
  'summer_hp',
  'normal',
  'peak',
  'eco_hc',
  'eco_hp',
  'sobriety_hc',
  'sobriety_hp',
] as const;
export type TariffPeriod = (typeof TARIFF_PERIODS)[number];

/** The €/kWh TTC columns of `energy_offers` (schema-docker.sql, table energy_offers). */
export const PRICE_COLUMNS = [
  'base_price',
  'hc_price',
  'hp_price',
  'base_price_weekend',
  'hp_price_weekend',
  'hc_price_weekend',
  'tempo_blue_hc',
  'tempo_blue_hp',
  'tempo_white_hc',
  'tempo_white_hp',
  'tempo_red_hc',
  'tempo_red_hp',
  'ejp_normal',
  'ejp_peak',
  'hc_price_winter',
  'hp_price_winter',
  'hc_price_summer',
  'hp_price_summer',
  'peak_day_price',
] as const;
export type PriceColumn = (typeof PRICE_COLUMNS)[number];

/**
 * One way a half-hour is billed: its tariff period and the price columns that price it, the first one set in
 * the offer's row winning. Two rules can share a tariff period at different prices (HC_WEEKEND's weekend is
 * `hc` at the weekend off-peak price).
 */
export interface BillingRule {
  tariff: TariffPeriod;
  priceColumns: readonly PriceColumn[];
}

function rule(tariff: TariffPeriod, ...priceColumns: PriceColumn[]): BillingRule {
  return Object.freeze({ tariff, priceColumns: Object.freeze(priceColumns) });
}

/** Each offer type's billing rules, in the order its tariffs are listed; tariff-periods.ts picks one per half-hour. */
export const BILLING_RULES = {
  // base_offer.py:47.
  BASE: { base: rule('base', 'base_price') },
  // Semaine at base_price, week-end at base_price_weekend (edf_scraper.py:453-454, Simulator.tsx:829).
  BASE_WEEKEND: {
    weekday: rule('weekday', 'base_price'),
    weekend: rule('weekend', 'base_price_weekend', 'base_price'),
  },
  // hc_hp.py:100-101.
  HC_HP: { hc: rule('hc', 'hc_price'), hp: rule('hp', 'hp_price') },
  // Weekdays at hc/hp_price, the whole weekend off-peak at hc_price_weekend, else hc_price
  // (edf_scraper.py:468-471, Simulator.tsx:958-970 and :1000-1005).
  HC_WEEKEND: {
    hc: rule('hc', 'hc_price'),
    hp: rule('hp', 'hp_price'),
    weekendHc: rule('hc', 'hc_price_weekend', 'hc_price'),
  },
  // hc_nuit_weekend.py:71-72: one off-peak and one peak price, night and weekend alike.
  HC_NUIT_WEEKEND: { hc: rule('hc', 'hc_price'), hp: rule('hp', 'hp_price') },
  // weekend.py:66-69 asks for hc/hp_price_weekday, which are no columns: weekdays are billed at hc/hp_price and
  // the weekend at hc/hp_price_weekend when set, as the simulator does (Simulator.tsx:994-1001).
  WEEKEND: {
    weekdayHc: rule('weekday_hc', 'hc_price'),
    weekdayHp: rule('weekday_hp', 'hp_price'),
    weekendHc: rule('weekend_hc', 'hc_price_weekend', 'hc_price'),
    weekendHp: rule('weekend_hp', 'hp_price_weekend', 'hp_price'),
  },
  // tempo.py:86-91.
  TEMPO: {
    blueHc: rule('blue_hc', 'tempo_blue_hc'),
    blueHp: rule('blue_hp', 'tempo_blue_hp'),
    whiteHc: rule('white_hc', 'tempo_white_hc'),
    whiteHp: rule('white_hp', 'tempo_white_hp'),
    redHc: rule('red_hc', 'tempo_red_hc'),
    redHp: rule('red_hp', 'tempo_red_hp'),
  },
  // seasonal.py:81-84.
  SEASONAL: {
    winterHc: rule('winter_hc', 'hc_price_winter'),
    winterHp: rule('winter_hp', 'hp_price_winter'),
    summerHc: rule('summer_hc', 'hc_price_summer'),
    summerHp: rule('summer_hp', 'hp_price_summer'),
  },
  // ejp.py:66-67.
  EJP: { normal: rule('normal', 'ejp_normal'), peak: rule('peak', 'ejp_peak') },
  // The EDF scraper stores Éco prices as *_winter and Sobriété prices as *_summer (edf_scraper.py:487-490);
  // a Sobriété price missing falls back to Éco's (Simulator.tsx:1211-1213).
  ZEN_FLEX: {
    ecoHc: rule('eco_hc', 'hc_price_winter'),
    ecoHp: rule('eco_hp', 'hp_price_winter'),
    sobrietyHc: rule('sobriety_hc', 'hc_price_summer', 'hc_price_winter'),
    sobrietyHp: rule('sobriety_hp', 'hp_price_summer', 'hp_price_winter'),
  },
} as const satisfies Record<OfferType, Record<string, BillingRule>>;

/** The tariff periods an offer type splits energy into, in display order, each once. */
export function tariffPeriodsOf(offerType: OfferType): TariffPeriod[] {
  const rules: readonly BillingRule[] = Object.values(BILLING_RULES[offerType]);
  return [...new Set(rules.map((billing) => billing.tariff))];
}
