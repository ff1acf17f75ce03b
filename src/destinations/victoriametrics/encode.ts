import { frenchColor, parisMidnightUtcMs } from '../../domain/index.js';
import type { TempoCounts } from '../../domain/index.js';
import type { TariffPeriod } from '../../domain/offer-types.js';
import type { EnergyDirection, TempoColorCode } from '../../domain/vocabulary.js';
import type { EcowattDay, Pdl, TempoDay } from '../../query/types.js';
import { ecowattInstants } from '../../engines/timeseries-backfill/ecowatt-instants.js';
import type {
  BackfillSchema,
  EcowattSamples,
  EnergyType,
  Labels,
  LineFormat,
  Sample,
  SeriesKey,
  TariffGranularity,
  TariffSeries,
} from '../../engines/timeseries-backfill/writer.js';
import type { ExportCounters, PassFigures } from './state.js';

/**
 * Prometheus exposition text, one sample per line with an explicit millisecond timestamp, as VictoriaMetrics'
 * `/api/v1/import/prometheus` reads it (VictoriaMetrics/VictoriaMetrics lib/protoparser/prometheus/parser.go,
 * `Row.unmarshal` and `unmarshalTags`).
 *
 * VictoriaMetrics answers 204 even when it cannot parse a line: it logs the line and drops it
 * (`unmarshalRow` → `vm_rows_invalid_total`). So a malformed line is never reported back; every rule below is
 * enforced here, before sending.
 */

/** Prometheus data model: metric names may contain colons, label names may not. */
export const METRIC_NAME_PATTERN = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
export const LABEL_NAME_PATTERN = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * `Row.unmarshal` takes a timestamp in [-2^31, 2^31) for OpenMetrics seconds and multiplies it by 1000; any
 * millisecond timestamp below 2^31 (before 1970-01-25) would be read that way, so such instants are refused.
 */
const SMALLEST_UNAMBIGUOUS_MS = 2 ** 31;

const NEEDS_ESCAPE = /[\\"\n]/;

/**
 * Escapes a label value per the exposition format: backslash, double quote and line feed become `\\`, `\"` and
 * `\n` (`unescapeValue` in parser.go undoes exactly these three; any other character is taken as is).
 */
export function escapeLabelValue(value: string): string {
  if (!NEEDS_ESCAPE.test(value)) return value;
  let escaped = '';
  for (const char of value) {
    if (char === '\\') escaped += '\\\\';
    else if (char === '"') escaped += '\\"';
    else if (char === '\n') escaped += '\\n';
    else escaped += char;
  }
  return escaped;
}

/** Why `name` cannot be a label name, or null when it can. */
export function labelNameProblem(name: string): string | null {
  if (!LABEL_NAME_PATTERN.test(name)) {
    return `label name ${JSON.stringify(name)} must match [a-zA-Z_][a-zA-Z0-9_]*`;
  }
  if (name.startsWith('__')) return `label name ${JSON.stringify(name)} is reserved (names starting with __)`;
  return null;
}

/** A sample value as text; throws RangeError on NaN or an infinity, which no metric here should ever carry. */
export function formatValue(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`Sample value ${value} is not a finite number`);
  // String() gives the shortest text that reads back as the same double ("1e-7", "1.5e+21" included), which
  // Go's float parsing accepts; -0 prints as "0".
  return String(value);
}

export function formatTimestamp(timestampMs: number): string {
  if (!Number.isSafeInteger(timestampMs) || timestampMs < SMALLEST_UNAMBIGUOUS_MS) {
    throw new RangeError(`Sample timestamp ${timestampMs} is not a whole number of ms after 1970-01-25`);
  }
  return String(timestampMs);
}

/**
 * What starts every line of a series: the metric name, its labels and the space before the value. Throws on a
 * name VictoriaMetrics would drop. Built once per series, it lets a stream write its samples without checking
 * and escaping the same labels again for each one.
 */
export function seriesPrefix(metric: string, labels: Readonly<Record<string, string>>): string {
  if (!METRIC_NAME_PATTERN.test(metric)) {
    throw new RangeError(`Metric name ${JSON.stringify(metric)} is not a valid Prometheus name`);
  }
  let line = metric;
  const names = Object.keys(labels);
  if (names.length > 0) {
    const pairs: string[] = [];
    for (const name of names) {
      const problem = labelNameProblem(name);
      if (problem) throw new RangeError(problem);
      pairs.push(`${name}="${escapeLabelValue(labels[name] ?? '')}"`);
    }
    line += `{${pairs.join(',')}}`;
  }
  return `${line} `;
}

/** One exposition line (without its line feed). Throws on a name, value or timestamp VictoriaMetrics would drop. */
export function formatSample(sample: Sample): string {
  return `${seriesPrefix(sample.metric, sample.labels)}${formatValue(sample.value)} ${formatTimestamp(sample.timestampMs)}`;
}

/**
 * Checks the user's extra labels (`VICTORIAMETRICS_LABELS`): valid names, not one of the labels this exporter
 * sets itself, and scalar values. Returns the problem as text, or null.
 */
export function extraLabelsProblem(
  labels: Record<string, unknown>,
  reserved: readonly string[],
): string | null {
  for (const [name, value] of Object.entries(labels)) {
    const problem = labelNameProblem(name);
    if (problem) return problem;
    if (reserved.includes(name)) {
      return `label name ${JSON.stringify(name)} is set by med-export itself (reserved: ${reserved.join(', ')})`;
    }
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      return `label ${JSON.stringify(name)} must have a text, number or boolean value`;
    }
    if (value === '')
      return `label ${JSON.stringify(name)} has an empty value, which Prometheus reads as no label`;
  }
  return null;
}

/** The extra labels as text values (numbers and booleans written as in JSON). */
export function extraLabelValues(labels: Record<string, unknown>): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(labels)) values[name] = String(value);
  return values;
}

/** Exposition lines for the backfill engine, which writes each sample's value and timestamp after its prefix. */
export const EXPOSITION: LineFormat = {
  seriesPrefix: (metric, labels, field) => {
    if (field !== undefined) throw new RangeError(`A Prometheus series has one value, no field (${field})`);
    return seriesPrefix(metric, labels);
  },
  minTimestampMs: SMALLEST_UNAMBIGUOUS_MS,
  formatValue,
  formatTimestamp,
};

/** Metric names; every sample also carries the user's extra labels (VICTORIAMETRICS_LABELS), last. */
export const METRICS = {
  consumption: 'myelectricaldata_consumption_wh',
  production: 'myelectricaldata_production_wh',
  tariffEnergy: 'myelectricaldata_tariff_energy_wh',
  cost: 'myelectricaldata_cost_eur',
  tempoColor: 'myelectricaldata_tempo_color',
  tempoRemaining: 'myelectricaldata_tempo_remaining',
  tempoUsed: 'myelectricaldata_tempo_used',
  ecowattLevel: 'myelectricaldata_ecowatt_level',
  ecowattDayLevel: 'myelectricaldata_ecowatt_day_level',
  exportTotal: 'myelectricaldata_export_total',
  exportDuration: 'myelectricaldata_export_duration_seconds',
  exportRecords: 'myelectricaldata_export_records_total',
} as const;

/** `pdl` always; `pdl_name` only when asked for, since renaming the PDL would then start new series. */
export function pdlLabels(pdl: Pdl, withName: boolean): Labels {
  const name = pdl.name?.trim();
  return withName && name ? { pdl: pdl.usagePointId, pdl_name: name } : { pdl: pdl.usagePointId };
}

/** The labels of an energy series, in the order they are written. */
export function energyLabels(type: EnergyType, pdl: Labels, extra: Labels): Labels {
  return { ...pdl, type, ...extra };
}

/**
 * A tariff's consumption and its cost: `tariff` is MyElectricalData's period name (`hc`, `blue_hp`, …), `type`
 * `detailed` for each half-hour at its start, `daily` for the day's sum at its Paris midnight, as the energy
 * series label them.
 */
export function tariffSeries(
  pdl: Labels,
  tariff: TariffPeriod,
  type: TariffGranularity,
  extra: Labels,
): TariffSeries {
  const labels = { ...pdl, tariff, type, ...extra };
  return { energy: { metric: METRICS.tariffEnergy, labels }, cost: { metric: METRICS.cost, labels } };
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

const FRANCE: Labels = { region: 'france' };

/** The day's level and its hourly levels, where `ecowattInstants` places them. */
export function ecowattSamples(day: EcowattDay, extra: Labels): EcowattSamples {
  const labels = { ...FRANCE, ...extra };
  const placed = ecowattInstants(day);
  const samples: Sample[] = [];
  if (placed.day) samples.push({ metric: METRICS.ecowattDayLevel, labels, ...placed.day });
  for (const hour of placed.hours) samples.push({ metric: METRICS.ecowattLevel, labels, ...hour });
  return { samples, skippedHours: placed.skippedHours, hourlyUnreadable: placed.hourlyUnreadable };
}

/** The series of every kind of data, with the user's extra labels (and the PDL's name when asked for). */
export function victoriaMetricsSchema(extra: Labels, pdlNameLabel: boolean): BackfillSchema {
  return {
    energySeries: (pdl: Pdl, direction: EnergyDirection, type: EnergyType) => ({
      energy: { metric: METRICS[direction], labels: energyLabels(type, pdlLabels(pdl, pdlNameLabel), extra) },
    }),
    tariffSeries: (pdl, tariff, type) => tariffSeries(pdlLabels(pdl, pdlNameLabel), tariff, type, extra),
    tempoDaySamples: (day) => tempoColorSamples(day, extra),
    tempoSeasonSamples: (remaining, used, timestampMs) => [
      ...tempoCountSamples(METRICS.tempoRemaining, remaining, timestampMs, extra),
      ...tempoCountSamples(METRICS.tempoUsed, used, timestampMs, extra),
    ],
    ecowattDaySamples: (day) => ecowattSamples(day, extra),
  };
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

/**
 * The series selector of one series, for `/api/v1/export`: its name and each label matched exactly. A label
 * with an empty value matches series without it, which is how VictoriaMetrics stores it (empty labels are
 * dropped at ingestion, lib/storage/metric_name.go). The values are MetricsQL string literals, which take the
 * escapes JSON writes.
 */
export function seriesSelector(series: SeriesKey): string {
  const matchers = [`__name__=${JSON.stringify(series.metric)}`];
  for (const [name, value] of Object.entries(series.labels))
    matchers.push(`${name}=${JSON.stringify(value)}`);
  return `{${matchers.join(',')}}`;
}

/** True when an exported series' labels are exactly the series' (a selector also matches supersets). */
export function isExactly(exported: Readonly<Record<string, string>>, series: SeriesKey): boolean {
  const expected = Object.entries(series.labels).filter(([, value]) => value !== '');
  const names = Object.keys(exported).filter((name) => name !== '__name__');
  return (
    exported['__name__'] === series.metric &&
    names.length === expected.length &&
    expected.every(([name, value]) => exported[name] === value)
  );
}
