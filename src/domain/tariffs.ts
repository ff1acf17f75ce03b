/**
 * The tariff split Home Assistant's statistics use today: five pricing options and their nine tariffs. The
 * rules themselves live in tariff-periods.ts (every offer type); this file narrows them to those names until
 * the destinations move to `OfferType` and `TariffPeriod`.
 */
import { normalizeOfferType } from './offer-types.js';
import { minuteOfDay } from './paris-time.js';
import { billingOfHalfHour, parisDayOfDate, tempoDayOfMinute } from './tariff-periods.js';
import type { ParisDay } from './tariff-periods.js';
import type { OffpeakSchedule } from './offpeak-hours.js';
import type { TempoColorCode } from './vocabulary.js';

export { isOffpeak, parseOffpeakHours, parseOffpeakRanges } from './offpeak-hours.js';
export type { OffpeakRange, OffpeakSchedule } from './offpeak-hours.js';

export type PricingOption = 'BASE' | 'HC_HP' | 'TEMPO' | 'EJP' | 'HC_WEEKEND';

export type TariffName =
  'base' | 'hc' | 'hp' | 'blue_hc' | 'blue_hp' | 'white_hc' | 'white_hp' | 'red_hc' | 'red_hp';

const PRICING_OPTIONS: ReadonlySet<string> = new Set<PricingOption>([
  'BASE',
  'HC_HP',
  'TEMPO',
  'EJP',
  'HC_WEEKEND',
]);

/** `HC/HP`, `hc-hp`, `HCHP`, `Hc_Weekend`… → the canonical option; null when empty, unknown or of another type. */
export function normalizePricingOption(raw: string | null): PricingOption | null {
  const offerType = normalizeOfferType(raw);
  return offerType !== null && PRICING_OPTIONS.has(offerType) ? (offerType as PricingOption) : null;
}

/** Tariff periods a pricing option splits energy into; EJP peak days are not in the database, so it is not split. */
export function tariffNames(option: PricingOption): TariffName[] {
  switch (option) {
    case 'BASE':
      return ['base'];
    case 'HC_HP':
    case 'HC_WEEKEND':
      return ['hc', 'hp'];
    case 'TEMPO':
      return ['blue_hc', 'blue_hp', 'white_hc', 'white_hp', 'red_hc', 'red_hp'];
    case 'EJP':
      return [];
  }
}

let lastDay: ParisDay | undefined;

function parisDayCached(date: string): ParisDay {
  if (lastDay?.date !== date) lastDay = parisDayOfDate(date);
  return lastDay;
}

/** The Tempo day (which runs 06:00 → 06:00) an interval starting at `localStart` on `date` belongs to. */
export function tempoDayOf(date: string, localStart: string): string {
  return tempoDayOfMinute(parisDayCached(date), minuteOfDay(localStart));
}

export interface TariffOfIntervalArgs {
  option: PricingOption;
  schedule: OffpeakSchedule;
  /** Paris calendar day of the interval start. */
  date: string;
  /** Interval start, `HH:MM` Paris wall clock. */
  localStart: string;
  tempoColorOf: (tempoDay: string) => TempoColorCode | undefined;
}

/** The tariff period an interval is billed in, decided by its start; null when it cannot be told (EJP, unknown Tempo colour). */
export function tariffOfInterval(args: TariffOfIntervalArgs): TariffName | null {
  const billing = billingOfHalfHour(
    { offerType: args.option, schedule: args.schedule, tempoColorOf: args.tempoColorOf },
    parisDayCached(args.date),
    minuteOfDay(args.localStart),
  );
  if (billing === null || 'awaiting' in billing) return null;
  // Every tariff of the five legacy options is a TariffName.
  return billing.tariff as TariffName;
}
