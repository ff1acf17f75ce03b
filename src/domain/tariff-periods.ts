/**
 * Which tariff period (and so which price) bills a half-hour, for every MyElectricalData offer type. Sources
 * are in MyElectricalData/myelectricaldata_new at tag 1.22.0 (apps/api/src/services/offers/*.py, and
 * apps/web/src/pages/Simulator.tsx, the code that actually bills in its UI: the calculators are not called).
 *
 * A half-hour is classified by its start on the Paris wall clock: its local calendar day (weekday, month) and
 * its minute of that day, so both daylight-saving days need nothing special.
 */
import { DAY_MS, MINUTE_MS } from './durations.js';
import { BILLING_RULES, tariffPeriodsOf } from './offer-types.js';
import type { BillingRule, OfferType, TariffPeriod } from './offer-types.js';
import { isOffpeak, parseOffpeakHours } from './offpeak-hours.js';
import type { OffpeakSchedule } from './offpeak-hours.js';
import { dateOfDayNumber, dayNumberOf, parisMidnightUtcMs, parisOffsetMs } from './paris-time.js';
import type { TempoColorCode } from './vocabulary.js';

/** A Paris calendar day, computed once and shared by all its half-hours. */
export interface ParisDay {
  /** `YYYY-MM-DD` */
  date: string;
  previousDate: string;
  /** Days since 1970-01-01. */
  dayNumber: number;
  /** 1 = Monday … 7 = Sunday */
  isoWeekday: number;
  /** 1 = January … 12 = December */
  month: number;
  /** UTC instant of the day's Paris midnight. */
  startMs: number;
  /** UTC instant of the next day's Paris midnight (23 or 25 hours later on the daylight-saving days). */
  endMs: number;
}

function parisDayOfDayNumber(dayNumber: number): ParisDay {
  const date = dateOfDayNumber(dayNumber);
  return {
    date,
    previousDate: dateOfDayNumber(dayNumber - 1),
    dayNumber,
    // 1970-01-01 was a Thursday (ISO 4).
    isoWeekday: ((((dayNumber + 3) % 7) + 7) % 7) + 1,
    month: Number(date.slice(5, 7)),
    startMs: parisMidnightUtcMs(date),
    endMs: parisMidnightUtcMs(dateOfDayNumber(dayNumber + 1)),
  };
}

export function parisDayOfDate(date: string): ParisDay {
  return parisDayOfDayNumber(dayNumberOf(date));
}

/** The Paris day an instant falls in. */
export function parisDayAt(utcMs: number): ParisDay {
  return parisDayOfDayNumber(Math.floor((utcMs + parisOffsetMs(utcMs)) / DAY_MS));
}

/** Minute of the Paris wall clock (0…1439) of an instant inside `day`. */
export function parisMinuteAt(day: ParisDay, utcMs: number): number {
  return Math.floor((utcMs + parisOffsetMs(utcMs) - day.dayNumber * DAY_MS) / MINUTE_MS);
}

const HOUR = 60;
/** The Tempo day runs 06:00 → 06:00, HP 06:00–22:00 and HC 22:00–06:00 whatever the PDL's off-peak hours
 * (the offer's rule; MyElectricalData's simulator fixes them too, Simulator.tsx:1042-1043). */
const TEMPO_DAY_START = 6 * HOUR;
const TEMPO_HC_START = 22 * HOUR;
/** hc_nuit_weekend.py:48-49 and :96-99: HC 23:00–06:00 on weekdays. */
const NUIT_HC_START = 23 * HOUR;
const NUIT_HC_END = 6 * HOUR;
/** Zen Flex's off-peak hours are fixed at 22:00–06:00 (Simulator.tsx:1178-1179). */
const ZEN_FLEX_HC_START = 22 * HOUR;
const ZEN_FLEX_HC_END = 6 * HOUR;
/** seasonal.py:26: winter is November to March. */
const WINTER_MONTHS: ReadonlySet<number> = new Set([11, 12, 1, 2, 3]);

/** The Tempo day a minute of a Paris day belongs to (the one that started at 06:00 on or before it). */
export function tempoDayOfMinute(day: ParisDay, minute: number): string {
  return minute < TEMPO_DAY_START ? day.previousDate : day.date;
}

/** The Paris days a Tempo day's colour bills: its own from 06:00, and the next one until 06:00. */
export function energyDatesOfTempoDay(tempoDay: string): [string, string] {
  return [tempoDay, dateOfDayNumber(dayNumberOf(tempoDay) + 1)];
}

/** A Zen Flex day as EDF announces it: Éco (345 a year, every weekend day) or Sobriété (edf_scraper.py:478-479). */
export type ZenFlexDayType = 'ECO' | 'SOBRIETY';

export interface TariffRulesInput {
  offerType: OfferType;
  /** Off-peak hours where the offer does not fix them (see {@link chooseOffpeakSchedule}). */
  schedule: OffpeakSchedule;
  /** A Tempo day's colour, undefined while it is unknown (never guessed). */
  tempoColorOf: (tempoDay: string) => TempoColorCode | undefined;
  /** Only when a Zen Flex calendar is stored (MyElectricalData's `zen_flex_days`, after 1.22). */
  zenFlexDayOf?: ((date: string) => ZenFlexDayType | undefined) | undefined;
  /** Whether the offer has a `peak_day_price` (SEASONAL "Pointe" offers) in any of its price rows. */
  hasPeakDayPrice?: boolean | undefined;
}

/** A half-hour that will get a tariff once the day's colour (Tempo) or type (Zen Flex) is published. */
export interface AwaitingDay {
  awaiting: 'tempo_color' | 'zen_flex_day';
  day: string;
}

export type HalfHourBilling = BillingRule | AwaitingDay;

/** Why an offer's energy cannot be split by tariff at all: MyElectricalData does not store the calendar it needs. */
export type UnsplitReason =
  'ejp_peak_days_not_stored' | 'seasonal_peak_days_not_stored' | 'zen_flex_days_not_stored';

const UNSPLIT_MESSAGES: Record<UnsplitReason, string> = {
  ejp_peak_days_not_stored:
    'EJP peak days are not stored by MyElectricalData: energy is exported unsplit and without cost',
  seasonal_peak_days_not_stored:
    'this seasonal offer has a peak-day price and MyElectricalData does not store peak days: energy is exported unsplit and without cost',
  zen_flex_days_not_stored:
    'Zen Flex Sobriété days are not stored by this MyElectricalData (no zen_flex_days table): energy is exported unsplit and without cost',
};

export type TariffRules =
  | {
      kind: 'split';
      offerType: OfferType;
      tariffs: TariffPeriod[];
      /** The billing of the half-hour starting at `minute` (Paris wall clock) of `day`. */
      billingAt(day: ParisDay, minute: number): HalfHourBilling;
    }
  | { kind: 'unsplit'; offerType: OfferType; reason: UnsplitReason; message: string };

function unsplitReasonOf(input: TariffRulesInput): UnsplitReason | null {
  switch (input.offerType) {
    // ejp.py:129-160 guesses peak days; the simulator borrows Tempo red days (Simulator.tsx:1090-1098).
    case 'EJP':
      return 'ejp_peak_days_not_stored';
    // seasonal.py:52-58 and :107 need a peak-day set nobody stores; the simulator borrows red days (:874-877).
    case 'SEASONAL':
      return input.hasPeakDayPrice ? 'seasonal_peak_days_not_stored' : null;
    // The simulator guesses Sobriété days from red Tempo days (Simulator.tsx:1137-1168).
    case 'ZEN_FLEX':
      return input.zenFlexDayOf ? null : 'zen_flex_days_not_stored';
    default:
      return null;
  }
}

/** How an offer's energy is split: by half-hour, or not at all (with the reason to report). */
export function tariffRulesOf(input: TariffRulesInput): TariffRules {
  const reason = unsplitReasonOf(input);
  if (reason !== null) {
    return { kind: 'unsplit', offerType: input.offerType, reason, message: UNSPLIT_MESSAGES[reason] };
  }
  return {
    kind: 'split',
    offerType: input.offerType,
    tariffs: tariffPeriodsOf(input.offerType),
    billingAt: (day, minute) => billingOfHalfHour(input, day, minute)!,
  };
}

const isWeekend = (day: ParisDay) => day.isoWeekday >= 6;

/**
 * The billing of one half-hour, or null when the offer cannot be split ({@link tariffRulesOf} says why).
 * The price-less rules of an offer do not depend on its price rows, except SEASONAL's peak days.
 */
export function billingOfHalfHour(
  input: TariffRulesInput,
  day: ParisDay,
  minute: number,
): HalfHourBilling | null {
  const offpeak = () => isOffpeak(input.schedule, day.isoWeekday, minute);
  switch (input.offerType) {
    case 'BASE':
      return BILLING_RULES.BASE.base;
    case 'BASE_WEEKEND': {
      // Saturday and Sunday by the local calendar day (base_offer.py:96-100, Simulator.tsx:823).
      const rules = BILLING_RULES.BASE_WEEKEND;
      return isWeekend(day) ? rules.weekend : rules.weekday;
    }
    case 'HC_HP': {
      // The PDL's off-peak hours of that weekday, start included and end excluded (hc_hp.py:121-131).
      const rules = BILLING_RULES.HC_HP;
      return offpeak() ? rules.hc : rules.hp;
    }
    case 'HC_WEEKEND': {
      // The whole weekend off-peak, weekdays by the PDL's hours (price_scrapers/README.md:239,
      // Simulator.tsx:958-970).
      const rules = BILLING_RULES.HC_WEEKEND;
      if (isWeekend(day)) return rules.weekendHc;
      return offpeak() ? rules.hc : rules.hp;
    }
    case 'HC_NUIT_WEEKEND': {
      // Fixed hours, the PDL's ignored: the whole weekend and 23:00–06:00 on weekdays (hc_nuit_weekend.py:84-99).
      const rules = BILLING_RULES.HC_NUIT_WEEKEND;
      if (isWeekend(day)) return rules.hc;
      return minute >= NUIT_HC_START || minute < NUIT_HC_END ? rules.hc : rules.hp;
    }
    case 'WEEKEND': {
      // Weekday or weekend by the local calendar day, HC by the PDL's hours (weekend.py:82-96). The simulator
      // bills WEEKEND as HC_NUIT_WEEKEND instead (Simulator.tsx:929-930); the calculator is the reference here.
      const rules = BILLING_RULES.WEEKEND;
      if (isWeekend(day)) return offpeak() ? rules.weekendHc : rules.weekendHp;
      return offpeak() ? rules.weekdayHc : rules.weekdayHp;
    }
    case 'TEMPO': {
      const tempoDay = tempoDayOfMinute(day, minute);
      const color = input.tempoColorOf(tempoDay);
      if (color === undefined) return { awaiting: 'tempo_color', day: tempoDay };
      const hc = minute < TEMPO_DAY_START || minute >= TEMPO_HC_START;
      const rules = BILLING_RULES.TEMPO;
      switch (color) {
        case 'BLUE':
          return hc ? rules.blueHc : rules.blueHp;
        case 'WHITE':
          return hc ? rules.whiteHc : rules.whiteHp;
        case 'RED':
          return hc ? rules.redHc : rules.redHp;
        default:
          return { awaiting: 'tempo_color', day: tempoDay };
      }
    }
    case 'SEASONAL': {
      if (input.hasPeakDayPrice) return null;
      // The season of the local calendar month (seasonal.py:103-114), HC by the PDL's hours (seasonal.py:117-119).
      const rules = BILLING_RULES.SEASONAL;
      if (WINTER_MONTHS.has(day.month)) return offpeak() ? rules.winterHc : rules.winterHp;
      return offpeak() ? rules.summerHc : rules.summerHp;
    }
    case 'EJP':
      return null;
    case 'ZEN_FLEX': {
      if (!input.zenFlexDayOf) return null;
      const hc = minute >= ZEN_FLEX_HC_START || minute < ZEN_FLEX_HC_END;
      const rules = BILLING_RULES.ZEN_FLEX;
      // Weekends are always Éco (edf_scraper.py:479, Simulator.tsx:1181-1182); a weekday by its calendar day.
      const type = isWeekend(day) ? 'ECO' : input.zenFlexDayOf(day.date);
      if (type === undefined) return { awaiting: 'zen_flex_day', day: day.date };
      if (type === 'SOBRIETY') return hc ? rules.sobrietyHc : rules.sobrietyHp;
      return hc ? rules.ecoHc : rules.ecoHp;
    }
  }
}

export interface ChosenSchedule {
  schedule: OffpeakSchedule;
  source: 'pdl' | 'offer';
}

/**
 * The off-peak hours to split by: the PDL's own (`pdls.offpeak_hours`, the meter's, which MyElectricalData's
 * simulator uses: Simulator.tsx:887, :964, :973), else the selected offer's `hc_schedules` (the calculators'
 * source, hc_hp.py:104), else null: the caller then uses its configured default.
 */
export function chooseOffpeakSchedule(
  pdlOffpeakHours: unknown,
  offerHcSchedules: unknown,
): ChosenSchedule | null {
  const fromPdl = parseOffpeakHours(pdlOffpeakHours);
  if (fromPdl) return { schedule: fromPdl, source: 'pdl' };
  const fromOffer = parseOffpeakHours(offerHcSchedules);
  return fromOffer ? { schedule: fromOffer, source: 'offer' } : null;
}
