import {
  parisLocalToUtcMs,
  parisMidnightUtcMs,
  parisParts,
  parseHourlyLevels,
  frenchColor,
} from '../../domain/index.js';
import type { DailyEnergy, IntervalReading, TempoCounts } from '../../domain/index.js';
import type { EcowattDay, MonthlyTotal, Pdl, TempoDay } from '../../query/types.js';
import type { EnergyDirection, TempoColorCode } from '../../domain/vocabulary.js';
import type { Sample } from './format.js';

/** Metric names; every sample also carries the user's extra labels (VICTORIAMETRICS_LABELS), last. */
export const METRICS = {
  consumption: 'myelectricaldata_consumption_wh',
  production: 'myelectricaldata_production_wh',
  tempoColor: 'myelectricaldata_tempo_color',
  tempoRemaining: 'myelectricaldata_tempo_remaining',
  tempoUsed: 'myelectricaldata_tempo_used',
  ecowattLevel: 'myelectricaldata_ecowatt_level',
  ecowattDayLevel: 'myelectricaldata_ecowatt_day_level',
  exportTotal: 'myelectricaldata_export_total',
  exportDuration: 'myelectricaldata_export_duration_seconds',
  exportRecords: 'myelectricaldata_export_records_total',
} as const;

export type Labels = Readonly<Record<string, string>>;

export type EnergyType = 'daily' | 'monthly' | 'detailed';

/** `pdl` always; `pdl_name` only when asked for, since renaming the PDL would then start new series. */
export function pdlLabels(pdl: Pdl, withName: boolean): Labels {
  const name = pdl.name?.trim();
  return withName && name ? { pdl: pdl.usagePointId, pdl_name: name } : { pdl: pdl.usagePointId };
}

/** The labels of an energy series, in the order they are written. */
export function energyLabels(type: EnergyType, pdl: Labels, extra: Labels): Labels {
  return { ...pdl, type, ...extra };
}

function energySample(
  direction: EnergyDirection,
  type: EnergyType,
  pdl: Labels,
  extra: Labels,
  value: number,
  timestampMs: number,
): Sample {
  return { metric: METRICS[direction], labels: energyLabels(type, pdl, extra), value, timestampMs };
}

/** The day's Wh at the day's Europe/Paris midnight. */
export function dailySample(
  direction: EnergyDirection,
  pdl: Labels,
  extra: Labels,
  day: DailyEnergy,
): Sample {
  return energySample(direction, 'daily', pdl, extra, day.wh, parisMidnightUtcMs(day.date));
}

/** The month's Wh at the first day's Europe/Paris midnight. */
export function monthlySample(
  direction: EnergyDirection,
  pdl: Labels,
  extra: Labels,
  month: MonthlyTotal,
): Sample {
  return energySample(direction, 'monthly', pdl, extra, month.wh, parisMidnightUtcMs(`${month.month}-01`));
}

/** An interval's Wh (W × minutes / 60) at the interval's start. */
export function detailedSample(
  direction: EnergyDirection,
  pdl: Labels,
  extra: Labels,
  reading: IntervalReading,
): Sample {
  return energySample(direction, 'detailed', pdl, extra, reading.wh, reading.startMs);
}

const TEMPO_CODES: readonly TempoColorCode[] = ['BLUE', 'WHITE', 'RED'];

/** One-hot: 1 for the day's colour, 0 for the two others, at the day's midnight (`color` in French). */
export function tempoColorSamples(day: TempoDay, extra: Labels): Sample[] {
  const timestampMs = parisMidnightUtcMs(day.date);
  return TEMPO_CODES.map((code) => ({
    metric: METRICS.tempoColor,
    labels: { color: frenchColor(code), ...extra },
    value: code === day.color ? 1 : 0,
    timestampMs,
  }));
}

/** Days left or used in the current season, per colour (`blue`, `white`, `red`), at export time. */
export function tempoCountSamples(
  metric: typeof METRICS.tempoRemaining | typeof METRICS.tempoUsed,
  counts: TempoCounts,
  timestampMs: number,
  extra: Labels,
): Sample[] {
  return (['blue', 'white', 'red'] as const).map((color) => ({
    metric,
    labels: { color, ...extra },
    value: counts[color],
    timestampMs,
  }));
}

export interface EcowattSamples {
  samples: Sample[];
  /** Hours that could not be placed: the whole day when its values are unreadable, or the hour DST skips. */
  skippedHours: number;
  hourlyUnreadable: boolean;
}

const FRANCE: Labels = { region: 'france' };

/**
 * The day's level at its midnight and each hourly level at that Paris hour. RTE numbers hours 0–23 of the
 * local day; on the spring-forward day 02:00 does not exist, so that hour's value has no instant and is left
 * out rather than written over 03:00.
 */
export function ecowattSamples(day: EcowattDay, extra: Labels): EcowattSamples {
  const samples: Sample[] = [];
  const labels = { ...FRANCE, ...extra };
  if (Number.isInteger(day.level) && day.level >= 0 && day.level <= 3) {
    samples.push({
      metric: METRICS.ecowattDayLevel,
      labels,
      value: day.level,
      timestampMs: parisMidnightUtcMs(day.date),
    });
  }
  const levels = parseHourlyLevels(day.hourlyValues);
  if (!levels) return { samples, skippedHours: 24, hourlyUnreadable: true };
  let skippedHours = 0;
  levels.forEach((level, hour) => {
    const timestampMs = parisLocalToUtcMs(day.date, `${String(hour).padStart(2, '0')}:00`);
    if (parisParts(timestampMs).hour !== hour) {
      skippedHours += 1;
      return;
    }
    samples.push({ metric: METRICS.ecowattLevel, labels, value: level, timestampMs });
  });
  return { samples, skippedHours, hourlyUnreadable: false };
}

/** One destination's pass, as the run reports it. */
export interface PassFigures {
  destination: string;
  status: string;
  records: number;
  durationMs: number;
}

/** Running totals kept in the state so the `_total` metrics are counters (they only grow, across runs). */
export interface ExportCounters {
  /** destination → status → passes */
  passes: Record<string, Record<string, number>>;
  /** destination → records */
  records: Record<string, number>;
}

/** Adds passes to the totals (a new object: the old one stays valid for a state that must not advance). */
export function countPasses(counters: ExportCounters, passes: readonly PassFigures[]): ExportCounters {
  const next: ExportCounters = {
    passes: Object.fromEntries(Object.entries(counters.passes).map(([key, value]) => [key, { ...value }])),
    records: { ...counters.records },
  };
  for (const pass of passes) {
    const byStatus = (next.passes[pass.destination] ??= {});
    byStatus[pass.status] = (byStatus[pass.status] ?? 0) + 1;
    next.records[pass.destination] = (next.records[pass.destination] ?? 0) + pass.records;
  }
  return next;
}

/**
 * The run's own figures: `myelectricaldata_export_total{destination,status}` and
 * `myelectricaldata_export_records_total{destination}` are counters (totals since the first export with this
 * state; use `increase()`), `myelectricaldata_export_duration_seconds{destination}` the last pass's duration.
 */
export function exportRunSamples(
  passes: readonly PassFigures[],
  counters: ExportCounters,
  timestampMs: number,
  extra: Labels,
): Sample[] {
  const samples: Sample[] = [];
  for (const pass of passes) {
    const destination = pass.destination;
    for (const [status, total] of Object.entries(counters.passes[destination] ?? {})) {
      samples.push({
        metric: METRICS.exportTotal,
        labels: { destination, status, ...extra },
        value: total,
        timestampMs,
      });
    }
    samples.push({
      metric: METRICS.exportDuration,
      labels: { destination, ...extra },
      value: pass.durationMs / 1000,
      timestampMs,
    });
    samples.push({
      metric: METRICS.exportRecords,
      labels: { destination, ...extra },
      value: counters.records[destination] ?? 0,
      timestampMs,
    });
  }
  return samples;
}
