import type { SeriesKey } from './writer.js';

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
