import type { LineFormat, SeriesKey, SeriesSpan, TimeSeriesWriter, TimedValue } from './writer.js';

/**
 * Batches whose fate is unknown: a request cut mid-body (a real VictoriaMetrics ingests the complete lines it
 * received), or a process killed before the answer. Sending such a batch again would store its samples twice on
 * a server that keeps every sample it is given; reading its spans back lets the next pass send only what is
 * missing.
 */

/** The spans of both lists, one per series, each covering all of that series' spans. */
export function mergeSpans(...lists: readonly (readonly SeriesSpan[])[]): SeriesSpan[] {
  const bySeries = new Map<string, SeriesSpan>();
  for (const span of lists.flat()) {
    const id = JSON.stringify([span.series.metric, span.series.labels, span.series.field ?? null]);
    const known = bySeries.get(id);
    if (!known) bySeries.set(id, { ...span });
    else {
      known.fromMs = Math.min(known.fromMs, span.fromMs);
      known.toMs = Math.max(known.toMs, span.toMs);
    }
  }
  return [...bySeries.values()];
}

/** What the server holds in each uncertain span; nothing to read when the writer cannot read back. */
export async function readBackSpans(
  writer: TimeSeriesWriter,
  spans: readonly SeriesSpan[],
): Promise<Map<SeriesKey, TimedValue[]>> {
  const held = new Map<SeriesKey, TimedValue[]>();
  if (!writer.readBack) return held;
  for (const span of spans) held.set(span.series, await writer.readBack(span.series, span.fromMs, span.toMs));
  return held;
}

/**
 * How close a value read back must be to the one about to be sent to count as already stored: VictoriaMetrics
 * keeps values as decimals of about 12 significant digits (lib/decimal/decimal.go, `FromFloat`).
 */
const STORED_VALUE_TOLERANCE = 1e-9;

/** Samples the server already holds, per series (its line start as text), by timestamp. */
export type StoredSamples = Map<string, Map<number, number>>;

export function storedSamplesOf(
  format: LineFormat,
  samples: ReadonlyMap<SeriesKey, readonly TimedValue[]>,
): StoredSamples {
  const stored: StoredSamples = new Map();
  for (const [key, values] of samples) {
    const text = format.seriesPrefix(key.metric, key.labels, key.field);
    const byTimestamp = stored.get(text) ?? new Map<number, number>();
    for (const { timestampMs, value } of values) byTimestamp.set(timestampMs, value);
    stored.set(text, byTimestamp);
  }
  return stored;
}

/** Whether the server already holds this value of the series (its line start) at this instant. */
export function holds(stored: StoredSamples, series: string, timestampMs: number, value: number): boolean {
  const held = stored.get(series)?.get(timestampMs);
  return (
    held !== undefined && Math.abs(held - value) <= STORED_VALUE_TOLERANCE * Math.max(1, Math.abs(value))
  );
}
