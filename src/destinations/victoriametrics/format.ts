/**
 * Prometheus exposition text, one sample per line with an explicit millisecond timestamp, as VictoriaMetrics'
 * `/api/v1/import/prometheus` reads it (VictoriaMetrics/VictoriaMetrics lib/protoparser/prometheus/parser.go,
 * `Row.unmarshal` and `unmarshalTags`).
 *
 * VictoriaMetrics answers 204 even when it cannot parse a line: it logs the line and drops it
 * (`unmarshalRow` → `vm_rows_invalid_total`). So a malformed line is never reported back; every rule below is
 * enforced here, before sending.
 */

export interface Sample {
  metric: string;
  /** Written in this order; values are any text (escaped on output). */
  labels: Readonly<Record<string, string>>;
  value: number;
  /** Epoch milliseconds. */
  timestampMs: number;
}

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
