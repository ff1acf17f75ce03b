import type { SeriesKey, SeriesSpan, TimeSeriesWriter, TimedValue } from './writer.js';

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
