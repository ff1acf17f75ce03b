import type { LineFormat, SeriesKey } from './writer.js';

/** What every line of one series writes around its value, checked, escaped and UTF-8 encoded once. */
export interface Series {
  readonly prefix: Uint8Array;
  /** Empty unless the format writes something after the value (see LineFormat.seriesSuffix). */
  readonly suffix: Uint8Array;
  /** Values must be whole numbers (SeriesKey.integer). */
  readonly integer: boolean;
}

/** Two series whose values at one instant share a line when `joint` (what goes between them) is not null. */
export interface SeriesPoint {
  readonly first: Series;
  readonly second: Series;
  readonly joint: Uint8Array | null;
}

const NO_SUFFIX = new Uint8Array(0);

/** A series' line parts in the format; throws on a name or label the format refuses. */
export function seriesLines(format: LineFormat, key: SeriesKey, prefixText: string): Series {
  const prefix = Buffer.from(prefixText, 'utf8');
  const integer = key.integer === true;
  if (format.seriesSuffix) {
    const suffix = format.seriesSuffix(key);
    return { prefix, suffix: suffix === '' ? NO_SUFFIX : Buffer.from(suffix, 'utf8'), integer };
  }
  if (key.textFields && Object.keys(key.textFields).length > 0) {
    throw new RangeError(`this format writes one value per line, no text fields (${key.metric})`);
  }
  return { prefix, suffix: NO_SUFFIX, integer };
}

/** Two series as one point, joined when the format writes both values in one line (LineFormat.fieldJoint). */
export function seriesPoint(
  format: LineFormat,
  first: { series: Series; key: SeriesKey },
  second: { series: Series; key: SeriesKey },
): SeriesPoint {
  const joint =
    first.series.suffix.length === 0 ? (format.fieldJoint?.(first.key, second.key) ?? null) : null;
  return {
    first: first.series,
    second: second.series,
    joint: joint === null ? null : Buffer.from(joint, 'utf8'),
  };
}
