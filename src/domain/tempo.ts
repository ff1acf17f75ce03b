import type { TempoColorCode } from './vocabulary.js';
import { addDays, dayNumberOf, daysBetween } from './paris-time.js';

export type FrenchTempoColor = 'BLEU' | 'BLANC' | 'ROUGE' | 'INCONNU';
export type TempoColorOrUnknown = TempoColorCode | 'UNKNOWN';

export interface TempoSeason {
  /** `2024-2025` */
  label: string;
  /** 1 September, `YYYY-09-01` */
  start: string;
  /** 31 August of the next year, `YYYY-08-31` */
  end: string;
}

export interface TempoCounts {
  blue: number;
  white: number;
  red: number;
}

export interface TempoSeasonCounts extends TempoCounts {
  /** Season label, `2024-2025` */
  season: string;
}

/** Days of each colour per season, set by the Tempo offer (CRE): 22 red, 43 white, the rest blue. */
const RED_DAYS = 22;
const WHITE_DAYS = 43;

const CODES_BY_SPELLING: Record<string, TempoColorCode> = {
  BLUE: 'BLUE',
  BLEU: 'BLUE',
  WHITE: 'WHITE',
  BLANC: 'WHITE',
  RED: 'RED',
  ROUGE: 'RED',
};

const FRENCH_BY_CODE: Record<TempoColorCode, FrenchTempoColor> = {
  BLUE: 'BLEU',
  WHITE: 'BLANC',
  RED: 'ROUGE',
};

/** A colour in English or French, any case → its code; anything else → `UNKNOWN`. */
export function colorCode(code: string | null | undefined): TempoColorOrUnknown {
  return (code && CODES_BY_SPELLING[code.trim().toUpperCase()]) || 'UNKNOWN';
}

export function frenchColor(code: string | null | undefined): FrenchTempoColor {
  const known = colorCode(code);
  return known === 'UNKNOWN' ? 'INCONNU' : FRENCH_BY_CODE[known];
}

/** The Tempo season (1 September → 31 August) a day belongs to. */
export function tempoSeasonOf(date: string): TempoSeason {
  dayNumberOf(date); // throws on a malformed date rather than inventing a season
  const year = Number(date.slice(0, 4));
  const startYear = Number(date.slice(5, 7)) >= 9 ? year : year - 1;
  return {
    label: `${startYear}-${startYear + 1}`,
    start: `${startYear}-09-01`,
    end: `${startYear + 1}-08-31`,
  };
}

export function tempoQuotas(season: TempoSeason): TempoCounts {
  const days = daysBetween(season.start, season.end) + 1;
  return { blue: days - RED_DAYS - WHITE_DAYS, white: WHITE_DAYS, red: RED_DAYS };
}

/**
 * Days of each colour spent in `date`'s season up to and including the day after `date` (tomorrow's colour is
 * spent once published). Days of other seasons are ignored; a day listed twice counts once (last colour wins).
 */
export function tempoUsed(
  date: string,
  days: Iterable<{ date: string; color: TempoColorCode }>,
): TempoSeasonCounts {
  const season = tempoSeasonOf(date);
  const tomorrow = addDays(date, 1);
  const last = tomorrow < season.end ? tomorrow : season.end;
  const colorByDate = new Map<string, TempoColorCode>();
  for (const day of days) {
    if (day.date >= season.start && day.date <= last) colorByDate.set(day.date, day.color);
  }
  const used: TempoSeasonCounts = { blue: 0, white: 0, red: 0, season: season.label };
  for (const color of colorByDate.values()) {
    const code = colorCode(color);
    if (code === 'BLUE') used.blue += 1;
    else if (code === 'WHITE') used.white += 1;
    else if (code === 'RED') used.red += 1;
  }
  return used;
}

/** Days of each colour left in `date`'s season (quota minus {@link tempoUsed}), never below 0. */
export function tempoRemaining(
  date: string,
  days: Iterable<{ date: string; color: TempoColorCode }>,
): TempoSeasonCounts {
  const quotas = tempoQuotas(tempoSeasonOf(date));
  const used = tempoUsed(date, days);
  return {
    blue: Math.max(0, quotas.blue - used.blue),
    white: Math.max(0, quotas.white - used.white),
    red: Math.max(0, quotas.red - used.red),
    season: used.season,
  };
}
