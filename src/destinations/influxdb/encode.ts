import {
  frenchColor,
  parisLocalToUtcMs,
  parisMidnightUtcMs,
  parisParts,
  parseHourlyLevels,
} from '../../domain/index.js';
import type { DailyEnergy, IntervalReading } from '../../domain/index.js';
import type { TariffPeriod } from '../../domain/offer-types.js';
import type { EnergyDirection, TempoColorCode } from '../../domain/vocabulary.js';
import type { EcowattDay, MonthlyTotal, Pdl, TempoDay } from '../../query/types.js';
import type {
  BackfillSchema,
  EnergySeries,
  EnergyType,
  LineFormat,
  Sample,
  TariffGranularity,
  TariffSeries,
} from '../../engines/timeseries-backfill/writer.js';

/**
 * InfluxDB line protocol, as both the 1.x `/write` and the 2.x `/api/v2/write` endpoints read it
 * (https://docs.influxdata.com/influxdb/v2/reference/syntax/line-protocol/ and, for 1.x,
 * https://docs.influxdata.com/influxdb/v1.8/write_protocols/line_protocol_reference/):
 * `measurement,tag=value field=value timestamp`, one point per line, timestamps here in milliseconds (the writes
 * say `precision=ms`).
 *
 * A malformed line fails the whole request on 2.x (400, nothing written) but only itself on 1.x (400 after the
 * other points were stored), so every rule is enforced here, before sending, by throwing RangeError.
 */

/** Floats are plain numbers, integers `bigint` (written with the `i` suffix), strings quoted. */
export type FieldValue = number | bigint | string;

export interface Point {
  measurement: string;
  tags: Readonly<Record<string, string>>;
  fields: Readonly<Record<string, FieldValue>>;
  /** Epoch milliseconds. */
  timestampMs: number;
}

/**
 * The names this exporter writes are plain words. Naming restrictions (line-protocol reference, "Naming
 * restrictions"): measurement names, tag keys and field keys cannot begin with `_` (reserved for InfluxDB's own
 * use, e.g. `_measurement`, `_field`); and `time` cannot be a tag or field key (1.x drops such a tag and refuses
 * such a field).
 */
const NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_]*$/;

/**
 * InfluxDB stores int64 nanoseconds: -9223372036854775806 to 9223372036854775806 ns (line-protocol reference,
 * "Timestamp"), that is about ±9.22e12 ms (years 1677 to 2262).
 */
const TIMESTAMP_LIMIT_MS = 9_223_372_036_854;

export function nameProblem(name: string, role: 'measurement' | 'tag key' | 'field key'): string | null {
  if (!NAME_PATTERN.test(name)) return `${role} ${JSON.stringify(name)} must match [A-Za-z][A-Za-z0-9_]*`;
  if (role !== 'measurement' && name === 'time') return `${role} "time" is reserved by InfluxDB`;
  return null;
}

function checkName(name: string, role: 'measurement' | 'tag key' | 'field key'): string {
  const problem = nameProblem(name, role);
  if (problem) throw new RangeError(problem);
  return name;
}

/**
 * Tag values escape comma, equals sign and space with a backslash ("Special characters": tag keys, tag values and
 * field keys). A line feed cannot be written at all ("Line protocol does not support the newline character \n in
 * tag or field values"), and a backslash is refused: 1.x keeps `\\` in a tag as two characters while 2.x reads
 * it as one, so no escaping gives the same value in both. Tag values cannot be empty (omit the tag instead).
 */
export function escapeTagValue(value: string): string {
  if (value === '') throw new RangeError('a tag value cannot be empty');
  if (/[\n\r\\]/.test(value))
    throw new RangeError(`tag value ${JSON.stringify(value)} contains \\ or a line break`);
  return value.replace(/[,= ]/g, (char) => `\\${char}`);
}

/**
 * String field values are double-quoted; inside, a double quote and a backslash are escaped with a backslash
 * ("Special characters": string field values), which 1.x and 2.x both undo. No line feed (see above).
 */
export function formatStringField(value: string): string {
  if (/[\n\r]/.test(value))
    throw new RangeError(`string field ${JSON.stringify(value)} contains a line break`);
  return `"${value.replace(/["\\]/g, (char) => `\\${char}`)}"`;
}

/**
 * A float field. Line protocol reads a bare number as a float ("Data types and format": Float, scientific
 * notation included), which String() gives (shortest text reading back as the same double, "1e-7" and "1.5e+21"
 * included; -0 prints "0"). NaN and the infinities have no line-protocol form.
 */
export function formatFloat(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`field value ${value} is not a finite number`);
  return String(value);
}

/** A signed 64-bit integer field, `1i` ("Data types and format": Integer). */
export function formatInteger(value: bigint): string {
  if (value < -(2n ** 63n) || value >= 2n ** 63n)
    throw new RangeError(`integer field ${value} exceeds int64`);
  return `${value}i`;
}

export function formatFieldValue(value: FieldValue): string {
  if (typeof value === 'number') return formatFloat(value);
  if (typeof value === 'bigint') return formatInteger(value);
  return formatStringField(value);
}

export function formatTimestamp(timestampMs: number): string {
  if (!Number.isSafeInteger(timestampMs) || Math.abs(timestampMs) > TIMESTAMP_LIMIT_MS) {
    throw new RangeError(`timestamp ${timestampMs} is not a whole number of ms InfluxDB can store`);
  }
  return String(timestampMs);
}

/**
 * `measurement,tag=value,…` with the tags sorted by key, as the line-protocol reference advises ("sort by tag key
 * … to match the results from the Go bytes.Compare function"; plain code-unit order is the same for the ASCII
 * names allowed here). Built once per series, it lets a stream write many points without escaping the same tags
 * again.
 */
export function seriesKey(measurement: string, tags: Readonly<Record<string, string>>): string {
  let key = checkName(measurement, 'measurement');
  for (const name of Object.keys(tags).sort()) {
    key += `,${checkName(name, 'tag key')}=${escapeTagValue(tags[name] ?? '')}`;
  }
  return key;
}

/** One line (without its line feed) of a series whose key `seriesKey` built. */
export function encodeLine(
  key: string,
  fields: Readonly<Record<string, FieldValue>>,
  timestampMs: number,
): string {
  const names = Object.keys(fields);
  if (names.length === 0) throw new RangeError('a point needs at least one field');
  const pairs = names.map((name) => `${checkName(name, 'field key')}=${formatFieldValue(fields[name]!)}`);
  return `${key} ${pairs.join(',')} ${formatTimestamp(timestampMs)}`;
}

export function encodePoint(point: Point): string {
  return encodeLine(seriesKey(point.measurement, point.tags), point.fields, point.timestampMs);
}

/**
 * Line protocol for the backfill engine, which writes `<prefix><value><suffix> <timestamp>`: the prefix is the
 * series key and the sample's field (`consumption,granularity=daily,pdl=… energy_wh=`), the suffix `i` for an
 * integer field and then the series' string fields (`code=3i,color="ROUGE"`: field order is free).
 */
export const LINE_PROTOCOL: LineFormat = {
  seriesPrefix: (metric, labels, field) => {
    if (field === undefined) throw new RangeError(`an InfluxDB point needs a field name (${metric})`);
    return `${seriesKey(metric, labels)} ${checkName(field, 'field key')}=`;
  },
  seriesSuffix: (key) => {
    let suffix = key.integer ? 'i' : '';
    const text = key.textFields ?? {};
    for (const name of Object.keys(text)) {
      if (name === key.field) throw new RangeError(`field ${name} written twice in one point`);
      suffix += `,${checkName(name, 'field key')}=${formatStringField(text[name] ?? '')}`;
    }
    return suffix;
  },
  // Two fields of one point (same measurement and tags) share a line: `… energy_wh=250,power_w=500 …`.
  fieldJoint: (first, second) => {
    if (first.metric !== second.metric || first.field === undefined || second.field === undefined)
      return null;
    if (first.field === second.field || first.textFields !== undefined || second.textFields !== undefined) {
      return null;
    }
    const names = Object.keys(first.labels);
    const sameTags =
      names.length === Object.keys(second.labels).length &&
      names.every((name) => second.labels[name] === first.labels[name]);
    return sameTags ? `,${checkName(second.field, 'field key')}=` : null;
  },
  minTimestampMs: -TIMESTAMP_LIMIT_MS,
  formatValue: formatFloat,
  formatTimestamp,
};

/**
 * A point as the engine's samples: one per numeric field (an integer one flagged so), the string fields riding
 * with the first of them.
 */
export function pointSamples(point: Point): Sample[] {
  const textFields: Record<string, string> = {};
  const numeric: { field: string; value: number; integer: boolean }[] = [];
  for (const [field, value] of Object.entries(point.fields)) {
    if (typeof value === 'string') textFields[field] = value;
    else if (typeof value === 'bigint') {
      if (value < BigInt(Number.MIN_SAFE_INTEGER) || value > BigInt(Number.MAX_SAFE_INTEGER)) {
        throw new RangeError(`integer field ${field}=${value} is beyond what the engine carries`);
      }
      numeric.push({ field, value: Number(value), integer: true });
    } else numeric.push({ field, value, integer: false });
  }
  if (numeric.length === 0) throw new RangeError(`point ${point.measurement} has no numeric field`);
  const hasText = Object.keys(textFields).length > 0;
  return numeric.map(({ field, value, integer }, index) => ({
    metric: point.measurement,
    labels: point.tags,
    field,
    value,
    timestampMs: point.timestampMs,
    ...(integer ? { integer } : {}),
    ...(index === 0 && hasText ? { textFields } : {}),
  }));
}

/** A request body: one line per point, each ended by a line feed. */
export function encodePoints(points: readonly Point[]): string {
  let body = '';
  for (const point of points) body += `${encodePoint(point)}\n`;
  return body;
}

// The schema (docs/influxdb.md).

export type Granularity = 'daily' | 'detailed';

/** The series key of one PDL's daily or detailed energy: `consumption,granularity=daily,pdl=…`. */
export function energySeriesKey(direction: EnergyDirection, granularity: Granularity, pdl: string): string {
  return seriesKey(direction, { pdl, granularity });
}

/** Where the engine writes one energy stream: the fields of the points `dailyPoint` & co. build. */
export function energySeries(pdl: string, direction: EnergyDirection, type: EnergyType): EnergySeries {
  if (type === 'monthly') {
    return { energy: { metric: 'monthly', labels: { pdl, direction }, field: 'energy_wh' } };
  }
  const labels = { pdl, granularity: type };
  return {
    energy: { metric: direction, labels, field: 'energy_wh' },
    ...(type === 'detailed' ? { power: { metric: direction, labels, field: 'power_w' } } : {}),
  };
}

/**
 * A tariff's consumption (`tariff_energy`, field `energy_wh`) and its cost (`cost`, field `eur`), tags `pdl`,
 * `tariff` (MyElectricalData's period name) and `granularity`: `detailed` for each half-hour at its start,
 * `daily` for the day's sum at its Paris midnight.
 */
export function tariffSeries(
  pdl: string,
  tariff: TariffPeriod,
  granularity: TariffGranularity,
): TariffSeries {
  const tags = { pdl, tariff, granularity };
  return {
    energy: { metric: 'tariff_energy', labels: tags, field: 'energy_wh' },
    cost: { metric: 'cost', labels: tags, field: 'eur' },
  };
}

/** The schema of docs/influxdb.md for the backfill engine. */
export const INFLUXDB_SCHEMA: BackfillSchema = {
  energySeries: (pdl: Pdl, direction, type) => energySeries(pdl.usagePointId, direction, type),
  tariffSeries: (pdl, tariff, granularity) => tariffSeries(pdl.usagePointId, tariff, granularity),
  tempoDaySamples: (day) => pointSamples(tempoPoint(day)),
  ecowattDaySamples: (day) => {
    const { points, skippedHours, hourlyUnreadable } = ecowattPoints(day);
    return { samples: points.flatMap(pointSamples), skippedHours, hourlyUnreadable };
  },
};

/** A day's Wh at the day's Europe/Paris midnight. */
export function dailyPoint(direction: EnergyDirection, pdl: string, day: DailyEnergy): Point {
  return {
    measurement: direction,
    tags: { pdl, granularity: 'daily' },
    fields: { energy_wh: day.wh },
    timestampMs: parisMidnightUtcMs(day.date),
  };
}

/** An interval's Wh and average W at the interval's start. */
export function detailedPoint(direction: EnergyDirection, pdl: string, reading: IntervalReading): Point {
  return {
    measurement: direction,
    tags: { pdl, granularity: 'detailed' },
    fields: { energy_wh: reading.wh, power_w: reading.watts },
    timestampMs: reading.startMs,
  };
}

/** A month's Wh at the month's first Europe/Paris midnight. */
export function monthlyPoint(direction: EnergyDirection, pdl: string, month: MonthlyTotal): Point {
  return {
    measurement: 'monthly',
    tags: { pdl, direction },
    fields: { energy_wh: month.wh },
    timestampMs: parisMidnightUtcMs(`${month.month}-01`),
  };
}

/** RTE's Tempo codes: 1 blue, 2 white, 3 red (the order of the tariff's prices). */
const TEMPO_NUMBER: Record<TempoColorCode, bigint> = { BLUE: 1n, WHITE: 2n, RED: 3n };

/** A Tempo day at its Europe/Paris midnight: `color` in French (as EDF names it) and its `code`. */
export function tempoPoint(day: TempoDay): Point {
  return {
    measurement: 'tempo',
    tags: {},
    fields: { color: frenchColor(day.color), code: TEMPO_NUMBER[day.color] },
    timestampMs: parisMidnightUtcMs(day.date),
  };
}

export interface EcowattPoints {
  points: Point[];
  /** Hours that could not be placed: all 24 when the values are unreadable, or the hour DST skips. */
  skippedHours: number;
  hourlyUnreadable: boolean;
}

/**
 * The day's level at its midnight (`granularity=daily`) and each hourly level at that Paris hour
 * (`granularity=hourly`). RTE numbers the hours 0–23 of the local day; on the spring-forward day 02:00 does not
 * exist, so that hour is left out rather than written over 03:00.
 */
export function ecowattPoints(day: EcowattDay): EcowattPoints {
  const points: Point[] = [];
  if (Number.isInteger(day.level) && day.level >= 0 && day.level <= 3) {
    points.push({
      measurement: 'ecowatt',
      tags: { granularity: 'daily' },
      fields: { level: BigInt(day.level) },
      timestampMs: parisMidnightUtcMs(day.date),
    });
  }
  const levels = parseHourlyLevels(day.hourlyValues);
  if (!levels) return { points, skippedHours: 24, hourlyUnreadable: true };
  let skippedHours = 0;
  levels.forEach((level, hour) => {
    const timestampMs = parisLocalToUtcMs(day.date, `${String(hour).padStart(2, '0')}:00`);
    if (parisParts(timestampMs).hour !== hour) {
      skippedHours += 1;
      return;
    }
    points.push({
      measurement: 'ecowatt',
      tags: { granularity: 'hourly' },
      fields: { level: BigInt(level) },
      timestampMs,
    });
  });
  return { points, skippedHours, hourlyUnreadable: false };
}
