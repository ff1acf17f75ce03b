import { addDays, firstDayOfMonth, firstDayOfYear, parisParts } from '../../domain/paris-time.js';
import { toDailyEnergy } from '../../domain/readings.js';
import { tempoRemaining, tempoUsed } from '../../domain/tempo.js';
import { alertFrom, levelAt, parseHourlyLevels } from '../../domain/ecowatt.js';
import type { Pdl, QueryLayer } from '../../query/types.js';
import type { EnergyDirection, TempoColorCode } from '../../domain/vocabulary.js';

/**
 * "Now" values shared by the destinations that show current figures (MQTT topics, Home Assistant entities,
 * Jeedom commands): the latest day stored (J-2 on MyElectricalData) with its date, yesterday only when that day
 * is stored, the month and year of the latest day to date, Tempo and EcoWatt.
 */

export interface DayEnergy {
  date: string;
  wh: number;
}

export interface PeriodEnergy {
  /** `YYYY-MM` for a month, `YYYY` for a year. */
  period: string;
  /** First day of the period, `YYYY-MM-DD`. */
  start: string;
  wh: number;
  days: number;
}

export interface EnergyFigures {
  /** The newest day stored: J-2 on a MyElectricalData database. */
  latest: DayEnergy | null;
  /** J-1, only when it is stored (MyElectricalData normally has it a day later, when it is no longer J-1). */
  yesterday: DayEnergy | null;
  month: PeriodEnergy | null;
  year: PeriodEnergy | null;
  /** Daily rows that could not be used (NULL, negative, absurd), by reason. */
  skipped: number;
}

export interface PdlFigures {
  pdl: Pdl;
  consumption: EnergyFigures | null;
  production: EnergyFigures | null;
}

export interface TempoFigures {
  today: { date: string; color: TempoColorCode | null };
  tomorrow: { date: string; color: TempoColorCode | null };
  remaining: { blue: number; white: number; red: number; season: string };
  used: { blue: number; white: number; red: number; season: string };
}

export interface EcowattFigures {
  date: string;
  hour: number;
  level: number | null;
  nextHourLevel: number | null;
  dayLevel: number;
  message: string | null;
  forecast: { hour: number; level: number }[];
  alert: boolean;
}

export interface CurrentValues {
  today: string;
  pdls: PdlFigures[];
  tempo: TempoFigures;
  ecowatt: EcowattFigures | null;
}

export async function collectCurrentValues(
  query: QueryLayer,
  pdls: readonly Pdl[],
  now: Date,
): Promise<CurrentValues> {
  const { date: today, hour } = parisParts(now);
  const figures = await Promise.all(
    pdls.map(async (pdl) => ({
      pdl,
      consumption: pdl.hasConsumption
        ? await energyFigures(query, 'consumption', pdl.usagePointId, today)
        : null,
      production: pdl.hasProduction
        ? await energyFigures(query, 'production', pdl.usagePointId, today)
        : null,
    })),
  );
  return {
    today,
    pdls: figures,
    tempo: await tempoFigures(query, today),
    ecowatt: await ecowattFigures(query, today, hour),
  };
}

async function energyFigures(
  query: QueryLayer,
  direction: EnergyDirection,
  usagePointId: string,
  today: string,
): Promise<EnergyFigures> {
  // 400 days reach back past the start of the year of the latest day and find it after a long gap.
  const rows = await query.dailyRows(direction, usagePointId, { from: addDays(today, -400), to: today });
  let skipped = 0;
  const days: DayEnergy[] = [];
  for (const row of rows) {
    const reading = toDailyEnergy(row);
    if (reading.ok) days.push({ date: reading.date, wh: reading.wh });
    else skipped += 1;
  }
  const latest = days.at(-1) ?? null;
  const yesterday = addDays(today, -1);
  if (!latest) return { latest, yesterday: null, month: null, year: null, skipped };
  // Month and year "to date" cover the period of the latest day stored: MyElectricalData stores up to J-2
  // (domain/med-calendar.ts, latestStoredDay), so on the 1st and 2nd of a month the current month has no data
  // yet, and an empty figure would hide last month's total.
  const monthStart = firstDayOfMonth(latest.date);
  const yearStart = firstDayOfYear(latest.date);
  return {
    latest,
    yesterday: days.find((day) => day.date === yesterday) ?? null,
    month: period(days, monthStart, monthStart.slice(0, 7)),
    year: period(days, yearStart, yearStart.slice(0, 4)),
    skipped,
  };
}

function period(days: readonly DayEnergy[], start: string, label: string): PeriodEnergy | null {
  // `label` is the period's `YYYY-MM` or `YYYY`: the days of the period are the dates it prefixes.
  const inPeriod = days.filter((day) => day.date.startsWith(label));
  if (inPeriod.length === 0) return null;
  return { period: label, start, wh: inPeriod.reduce((sum, day) => sum + day.wh, 0), days: inPeriod.length };
}

async function tempoFigures(query: QueryLayer, today: string): Promise<TempoFigures> {
  const tomorrow = addDays(today, 1);
  const days = await query.tempoDays({ from: addDays(today, -370), to: tomorrow });
  const colorOf = (date: string) => days.find((day) => day.date === date)?.color ?? null;
  return {
    today: { date: today, color: colorOf(today) },
    tomorrow: { date: tomorrow, color: colorOf(tomorrow) },
    remaining: tempoRemaining(today, days),
    used: tempoUsed(today, days),
  };
}

async function ecowattFigures(
  query: QueryLayer,
  today: string,
  hour: number,
): Promise<EcowattFigures | null> {
  const [day] = await query.ecowattDays({ from: today, to: today });
  if (!day) return null;
  const levels = parseHourlyLevels(day.hourlyValues) ?? [];
  return {
    date: day.date,
    hour,
    level: levelAt(levels, hour),
    nextHourLevel: hour < 23 ? levelAt(levels, hour + 1) : null,
    dayLevel: day.level,
    message: day.message,
    forecast: levels.map((level, index) => ({ hour: index, level })),
    alert: alertFrom(levels, hour),
  };
}
