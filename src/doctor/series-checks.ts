import {
  expectedDetailedRows,
  formatDayRange,
  isDstChangeDay,
  latestStoredDay,
  missingDayRanges,
} from '../domain/med-calendar.js';
import { addDays, daysBetween } from '../domain/paris-time.js';
import type { EnergyDirection } from '../domain/vocabulary.js';
import type { DayCount } from '../query/health-queries.js';
import type { TempoDay } from '../query/types.js';
import type { Finding } from './finding.js';

const MAX_LISTED_RANGES = 12;

/** The checks of one PDL's consumption or production series, from its rows counted per day. */
export function checkSeries(
  usagePointId: string,
  direction: EnergyDirection,
  days: readonly DayCount[],
  today: string,
): Finding[] {
  const where = { usagePointId, direction };
  const expected = latestStoredDay(today);
  const daily = days.filter((day) => day.daily > 0).map((day) => day.date);
  const detailed = days.filter((day) => day.detailed > 0);
  if (daily.length === 0 && detailed.length === 0) {
    return [
      {
        code: 'no_data',
        ...where,
        message: `no ${direction} stored at all`,
        meaning: `nothing of this PDL's ${direction} is exported`,
        action: `check that MyElectricalData syncs this PDL (its is_active${direction === 'production' ? ' and has_production' : ''}, the Enedis consent)`,
      },
    ];
  }
  const findings: Finding[] = [];
  const newest = [daily.at(-1), detailed.at(-1)?.date]
    .filter((d): d is string => d !== undefined)
    .sort()
    .at(-1)!;
  if (newest < expected) {
    findings.push({
      code: 'stale_data',
      ...where,
      message: `newest day stored is ${newest}, ${daysBetween(newest, expected)} day(s) behind ${expected} (J-2, what MyElectricalData's sync should have by now)`,
      meaning: `the exported figures stop at ${newest}: "latest day" values are that day's`,
      action:
        "look at MyElectricalData's sync (its logs, the Enedis consent, the gateway quota); med-export exports whatever it stores",
    });
  }
  if (daily.length > 0) findings.push(...missing(where, 'daily', daily, daily[0]!, daily.at(-1)!));
  if (detailed.length > 0) {
    const detailedDays = detailed.map((day) => day.date);
    findings.push(...missing(where, 'detailed', detailedDays, detailedDays[0]!, detailedDays.at(-1)!));
    for (const day of detailed) {
      if (!isDstChangeDay(day.date)) continue;
      const wanted = expectedDetailedRows(day.date);
      if (day.detailed === wanted) continue;
      findings.push({
        code: 'dst_row_count',
        ...where,
        message: `${day.date} (a DST change day) has ${day.detailed} half-hour rows, MyElectricalData stores ${wanted}`,
        meaning: `that day's load curve (hourly statistics, samples, day totals from it) has ${day.detailed < wanted ? 'gaps' : 'rows that are not half-hours of that day'}`,
        action: `have MyElectricalData fetch ${day.date} again (its sync re-reads recent days; older ones need a manual refresh)`,
      });
    }
  }
  const duplicates = days.filter((day) => day.daily > 1);
  if (duplicates.length > 0) {
    const extra = duplicates.reduce((sum, day) => sum + day.daily - 1, 0);
    findings.push({
      code: 'duplicate_daily_rows',
      ...where,
      message: `${extra} duplicate daily row(s) on ${listDays(duplicates.map((day) => day.date))}`,
      meaning:
        'med-export uses the newest row (latest updated_at) of each day and counts the others in details',
      action:
        'upgrade MyElectricalData past 1.22 (its migration 20260223_fix_nulls_not_distinct removes them and prevents new ones)',
    });
  }
  return findings;
}

/** Consumption days of a TEMPO PDL that have no colour. */
export function checkTempoColours(
  usagePointId: string,
  consumptionDays: readonly string[],
  tempoDays: readonly TempoDay[],
): Finding[] {
  const coloured = new Set(tempoDays.map((day) => day.date));
  const uncoloured = consumptionDays.filter((day) => !coloured.has(day));
  if (uncoloured.length === 0) return [];
  return [
    {
      code: 'missing_tempo_colour',
      usagePointId,
      direction: 'consumption',
      message: `${uncoloured.length} day(s) with consumption but no Tempo colour: ${listDays(uncoloured)}`,
      meaning:
        "those days' energy is in no Tempo colour statistic (and costs nothing) until the colour is stored",
      action:
        "let MyElectricalData refresh Tempo (RTE's calendar); med-export picks the days up once their colour exists",
    },
  ];
}

function missing(
  where: { usagePointId: string; direction: EnergyDirection },
  granularity: 'daily' | 'detailed',
  days: readonly string[],
  from: string,
  to: string,
): Finding[] {
  const ranges = missingDayRanges(days, from, to);
  if (ranges.length === 0) return [];
  const count = ranges.reduce((sum, range) => sum + daysBetween(range.from, range.to) + 1, 0);
  return [
    {
      code: 'missing_days',
      ...where,
      message: `${count} day(s) missing from the ${granularity} series between ${from} and ${to}: ${listRanges(ranges)}`,
      meaning:
        granularity === 'daily'
          ? 'those days count as 0 in daily, monthly and yearly totals'
          : 'those days have no load curve: no hourly statistics or samples for them',
      action: `have MyElectricalData fetch those days again; the next export sends them once stored`,
    },
  ];
}

function listRanges(ranges: readonly { from: string; to: string }[]): string {
  const shown = ranges.slice(0, MAX_LISTED_RANGES).map(formatDayRange).join(', ');
  return ranges.length > MAX_LISTED_RANGES ? `${shown} and ${ranges.length - MAX_LISTED_RANGES} more` : shown;
}

function listDays(days: readonly string[]): string {
  const ranges: { from: string; to: string }[] = [];
  for (const day of days) {
    const last = ranges.at(-1);
    if (last && addDays(last.to, 1) === day) last.to = day;
    else ranges.push({ from: day, to: day });
  }
  return listRanges(ranges);
}
