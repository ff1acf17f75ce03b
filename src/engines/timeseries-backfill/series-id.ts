import type { Sample, SeriesKey } from './writer.js';

/** A text naming one series: lengths keep it unambiguous whatever its names and values hold. */
export function seriesId(key: SeriesKey): string {
  let id = `${key.metric.length}:${key.metric}`;
  if (key.field !== undefined) id += `=${key.field.length}:${key.field}`;
  if (key.integer) id += 'i';
  for (const name of Object.keys(key.labels)) {
    const value = key.labels[name] ?? '';
    id += ` ${name.length}:${name}${value.length}:${value}`;
  }
  for (const [name, value] of Object.entries(key.textFields ?? {})) {
    id += ` "${name.length}:${name}${value.length}:${value}`;
  }
  return id;
}

/** The series a sample belongs to: the sample without its value and instant. */
export function seriesKeyOf({ value: _value, timestampMs: _timestampMs, ...key }: Sample): SeriesKey {
  return key;
}
