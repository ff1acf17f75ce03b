/**
 * The recorder's long-term statistics as the stand-in keeps them, and the WebSocket commands reading and
 * writing them, following home-assistant/core homeassistant/components/recorder/websocket_api.py and
 * homeassistant/components/recorder/statistics.py.
 */
import {
  Invalid,
  bool,
  datetime,
  dict,
  listOf,
  number,
  oneOf,
  optional,
  orNone,
  required,
  str,
  type KeySpec,
  type ParsedDatetime,
  type Validator,
} from './voluptuous.js';
import { STATISTICS_MEAN_TYPE_REQUIRED_VERSION, STATISTICS_MEAN_TYPE_VERSION, atLeast } from './versions.js';

export interface StatisticMetadata {
  statistic_id: string;
  source: string;
  name: string | null;
  unit_of_measurement: string | null;
  has_sum: boolean;
  /** 0 none, 1 arithmetic, 2 circular (recorder/models/statistics.py `StatisticMeanType`). */
  mean_type: number;
  unit_class: string | null;
}

export interface StatisticRow {
  /** Hour start, ms since the epoch (UTC). */
  start: number;
  state?: number | null;
  sum?: number | null;
  mean?: number | null;
  min?: number | null;
  max?: number | null;
  last_reset?: number | null;
}

export interface StoredStatistic {
  metadata: StatisticMetadata;
  rows: Map<number, StatisticRow>;
}

/** A failure Home Assistant reports in a `result` message with `success: false`. */
export class CommandError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** homeassistant/exceptions.py `HomeAssistantError`, reported by connection.py `async_handle_exception`. */
export class HomeAssistantError extends CommandError {
  constructor(message: string) {
    // connection.py `async_handle_exception`: a HomeAssistantError keeps ERR_UNKNOWN_ERROR with its own text.
    super('unknown_error', message);
  }
}

/** recorder/statistics.py `VALID_STATISTIC_ID` (`valid_statistic_id`): `<domain>:<object_id>`, both slugs. */
export const VALID_STATISTIC_ID = /^(?!.+__)(?!_)[\da-z_]+(?<!_):(?!_)[\da-z_]+(?<!_)$/;
/** homeassistant/core.py `VALID_ENTITY_ID` (`valid_entity_id`). */
export const VALID_ENTITY_ID = /^(?!.+__)(?!_)[\da-z_]+(?<!_)\.(?!_)[\da-z_]+(?<!_)$/;

/** homeassistant/util/unit_conversion.py: the unit classes and the units each accepts (energy is all we need). */
const UNIT_CLASS_UNITS: Record<string, Record<string, number>> = {
  energy: {
    Wh: 1,
    kWh: 1000,
    MWh: 1_000_000,
    GWh: 1_000_000_000,
    TWh: 1_000_000_000_000,
    MJ: 277.7777777778,
    GJ: 277_777.7777777778,
  },
};

const HOUR_MS = 3_600_000;

/** The `metadata` schema of `recorder/import_statistics` for one Home Assistant version. */
function importMetadataSchema(haVersion: string): Validator {
  const keys: Record<string, KeySpec> = {
    has_sum: required(bool),
    name: required(orNone(str)),
    source: required(str),
    statistic_id: required(str),
    unit_of_measurement: required(orNone(str)),
  };
  if (atLeast(haVersion, STATISTICS_MEAN_TYPE_VERSION)) {
    keys.has_mean = optional(bool);
    keys.mean_type = optional(oneOf([0, 1, 2]));
    keys.unit_class = optional(orNone(str));
  } else {
    keys.has_mean = required(bool);
  }
  return dict(keys);
}

/** websocket_api.py `ws_import_statistics`: the `stats` items (the same in every version). */
const importStatSchema = dict({
  start: required(datetime),
  mean: optional(number),
  min: optional(number),
  max: optional(number),
  last_reset: optional(orNone(datetime)),
  state: optional(number),
  sum: optional(number),
});

export function importStatisticsSchema(haVersion: string): Record<string, KeySpec> {
  return { metadata: required(importMetadataSchema(haVersion)), stats: required(listOf(importStatSchema)) };
}

export const statisticsDuringPeriodSchema: Record<string, KeySpec> = {
  start_time: required(str),
  end_time: optional(str),
  statistic_ids: required((value, path, errors) => {
    const list = listOf(str)(value, path, errors);
    if (Array.isArray(list) && list.length < 1)
      errors.push(new Invalid('length of value must be at least 1', path));
    return list;
  }),
  period: required(oneOf(['5minute', 'hour', 'day', 'week', 'month'])),
  units: optional(dict(Object.fromEntries(Object.keys(UNIT_CLASS_UNITS).map((key) => [key, optional(str)])))),
  types: optional(listOf(oneOf(['change', 'last_reset', 'max', 'mean', 'min', 'state', 'sum']))),
};

export const listStatisticIdsSchema: Record<string, KeySpec> = {
  statistic_type: optional(oneOf(['sum', 'mean'])),
};

export const getStatisticsMetadataSchema: Record<string, KeySpec> = {
  statistic_ids: optional(listOf(str)),
};

export class RecorderStore {
  readonly statistics = new Map<string, StoredStatistic>();
  /** The metadata of the last accepted import of each statistic, as received (for tests). */
  readonly receivedMetadata = new Map<string, Record<string, unknown>>();
  /** What Home Assistant would write to its log (deprecation warnings), newest last. */
  readonly warnings: string[] = [];

  /**
   * websocket_api.py `ws_import_statistics` then statistics.py `async_add_external_statistics` and
   * `_async_import_statistics`, then `_import_statistics_with_session` (update when (metadata, start) exists,
   * insert otherwise). Entity statistics (`sensor.x`, source `recorder`) are accepted the same way.
   */
  importStatistics(haVersion: string, message: Record<string, unknown>): void {
    const metadata = message.metadata as Record<string, unknown>;
    const stats = message.stats as Record<string, unknown>[];
    const current = atLeast(haVersion, STATISTICS_MEAN_TYPE_VERSION);

    if (current) {
      for (const key of ['mean_type', 'unit_class']) {
        if (!(key in metadata)) {
          if (atLeast(haVersion, STATISTICS_MEAN_TYPE_REQUIRED_VERSION)) {
            throw new HomeAssistantError(`WS command recorder/import_statistics requires ${key} in metadata`);
          }
          this.warnings.push(
            `WS command recorder/import_statistics called without specifying ${key} in metadata, ` +
              'this is deprecated and will stop working in HA Core 2026.11',
          );
        }
      }
    }

    const statisticId = metadata.statistic_id as string;
    const source = metadata.source as string;
    if (VALID_ENTITY_ID.test(statisticId)) {
      // statistics.py `async_import_statistics`: entity statistics belong to the recorder.
      if (!source || source !== 'recorder') throw new HomeAssistantError('Invalid source');
    } else {
      // statistics.py `async_add_external_statistics`.
      if (!VALID_STATISTIC_ID.test(statisticId)) throw new HomeAssistantError('Invalid statistic_id');
      const [domain] = statisticId.split(':', 1);
      if (!source || source !== domain) throw new HomeAssistantError('Invalid source');
    }

    // statistics.py `_async_import_statistics`: has_mean becomes mean_type, unit_class is guessed from the unit.
    const meanType = 'mean_type' in metadata ? (metadata.mean_type as number) : metadata.has_mean ? 1 : 0;
    const unit = metadata.unit_of_measurement as string | null;
    let unitClass: string | null;
    if (current && 'unit_class' in metadata) {
      unitClass = metadata.unit_class as string | null;
      if (unitClass !== null) {
        const units = UNIT_CLASS_UNITS[unitClass];
        if (!units) throw new HomeAssistantError(`Unsupported unit_class: '${unitClass}'`);
        if (unit === null || !(unit in units)) {
          throw new HomeAssistantError(
            `Unsupported unit_of_measurement '${unit}' for unit_class '${unitClass}'`,
          );
        }
      }
    } else {
      unitClass =
        Object.entries(UNIT_CLASS_UNITS).find(([, units]) => unit !== null && unit in units)?.[0] ?? null;
    }

    const rows: StatisticRow[] = [];
    for (const stat of stats) {
      const start = stat.start as ParsedDatetime;
      if (start.naive) throw new HomeAssistantError('Naive timestamp: no or invalid timezone info provided');
      if (start.minute !== 0 || start.second !== 0 || start.microsecond !== 0) {
        throw new HomeAssistantError(
          'Invalid timestamp: timestamps must be from the top of the hour (minutes and seconds = 0)',
        );
      }
      const lastReset = stat.last_reset as ParsedDatetime | null | undefined;
      if (lastReset && lastReset.naive) throw new HomeAssistantError('Naive timestamp');
      rows.push({
        start: start.ms,
        state: (stat.state as number | undefined) ?? null,
        sum: (stat.sum as number | undefined) ?? null,
        mean: (stat.mean as number | undefined) ?? null,
        min: (stat.min as number | undefined) ?? null,
        max: (stat.max as number | undefined) ?? null,
        last_reset: lastReset ? lastReset.ms : null,
      });
    }

    const stored = this.statistics.get(statisticId) ?? { metadata: undefined!, rows: new Map() };
    stored.metadata = {
      statistic_id: statisticId,
      source,
      name: metadata.name as string | null,
      unit_of_measurement: unit,
      has_sum: metadata.has_sum as boolean,
      mean_type: meanType,
      unit_class: unitClass,
    };
    for (const row of rows) stored.rows.set(row.start, row);
    this.statistics.set(statisticId, stored);
    this.receivedMetadata.set(statisticId, { ...metadata });
  }

  /**
   * statistics.py `_adjust_sum_statistics` (WS `recorder/adjust_sum_statistics`): adds `adjustment` to the sum
   * of every row starting at or after `startMs`, as a user fixing a meter jump does.
   */
  adjustSumStatistics(statisticId: string, startMs: number, adjustment: number): void {
    const stored = this.statistics.get(statisticId);
    if (!stored) throw new CommandError('unknown_statistic_id', 'Unknown statistic ID');
    for (const row of stored.rows.values()) {
      if (row.start >= startMs && typeof row.sum === 'number') row.sum += adjustment;
    }
  }

  /**
   * websocket_api.py `ws_handle_get_statistics_during_period` and statistics.py `statistics_during_period`:
   * rows with start_time <= start < end_time, grouped by period (the last row of a period gives its state and
   * sum), `start`/`end` in ms, only the requested types, ids without rows left out.
   */
  statisticsDuringPeriod(message: Record<string, unknown>, timeZone: string): Record<string, unknown[]> {
    const start = parseTime(message.start_time as string, 'invalid_start_time', 'Invalid start_time');
    const end =
      message.end_time === undefined
        ? Number.POSITIVE_INFINITY
        : parseTime(message.end_time as string, 'invalid_end_time', 'Invalid end_time');
    const period = message.period as string;
    const types = new Set(
      (message.types as string[] | undefined) ?? [
        'change',
        'last_reset',
        'max',
        'mean',
        'min',
        'state',
        'sum',
      ],
    );
    const units = (message.units as Record<string, string> | undefined) ?? {};
    const result: Record<string, unknown[]> = {};
    // The 5-minute statistics live in another table that imports never fill.
    if (period === '5minute') return result;

    for (const statisticId of new Set(message.statistic_ids as string[])) {
      const stored = this.statistics.get(statisticId);
      if (!stored) continue;
      const sorted = [...stored.rows.values()].sort((a, b) => a.start - b.start);
      const factor = conversionFactor(stored.metadata, units);
      let previousSum = 0;
      const groups = new Map<
        number,
        { start: number; end: number; rows: StatisticRow[]; sumBefore: number }
      >();
      for (const row of sorted) {
        if (row.start < start) {
          previousSum = row.sum ?? previousSum;
          continue;
        }
        if (row.start >= end) break;
        const [groupStart, groupEnd] = periodBounds(row.start, period, timeZone);
        let group = groups.get(groupStart);
        if (!group) {
          group = { start: groupStart, end: groupEnd, rows: [], sumBefore: previousSum };
          groups.set(groupStart, group);
        }
        group.rows.push(row);
        previousSum = row.sum ?? previousSum;
      }
      const out: unknown[] = [];
      for (const group of groups.values()) {
        const last = group.rows[group.rows.length - 1]!;
        const entry: Record<string, unknown> = { start: group.start, end: group.end };
        if (types.has('state')) entry.state = scale(last.state, factor);
        if (types.has('sum')) entry.sum = scale(last.sum, factor);
        if (types.has('change')) entry.change = scale((last.sum ?? 0) - group.sumBefore, factor);
        if (types.has('last_reset')) entry.last_reset = last.last_reset ?? null;
        if (types.has('mean')) entry.mean = scale(average(group.rows.map((row) => row.mean)), factor);
        if (types.has('min'))
          entry.min = scale(
            extreme(
              group.rows.map((row) => row.min),
              Math.min,
            ),
            factor,
          );
        if (types.has('max'))
          entry.max = scale(
            extreme(
              group.rows.map((row) => row.max),
              Math.max,
            ),
            factor,
          );
        out.push(entry);
      }
      if (out.length > 0) result[statisticId] = out;
    }
    return result;
  }

  /** statistics.py `list_statistic_ids` / `_flatten_list_statistic_ids_metadata_result`. */
  listStatisticIds(haVersion: string, statisticType?: string, only?: readonly string[]): unknown[] {
    const out: unknown[] = [];
    for (const { metadata } of this.statistics.values()) {
      if (only && !only.includes(metadata.statistic_id)) continue;
      if (statisticType === 'sum' && !metadata.has_sum) continue;
      if (statisticType === 'mean' && metadata.mean_type === 0) continue;
      const item: Record<string, unknown> = {
        statistic_id: metadata.statistic_id,
        display_unit_of_measurement: metadata.unit_of_measurement,
        has_mean: metadata.mean_type === 1,
        has_sum: metadata.has_sum,
        name: metadata.name,
        source: metadata.source,
        statistics_unit_of_measurement: metadata.unit_of_measurement,
        unit_class: metadata.unit_class,
      };
      if (atLeast(haVersion, STATISTICS_MEAN_TYPE_VERSION)) item.mean_type = metadata.mean_type;
      out.push(item);
    }
    return out;
  }
}

function parseTime(text: string, code: string, message: string): number {
  const parsed = datetimeOrNull(text);
  if (!parsed) throw new CommandError(code, message);
  return parsed.ms;
}

function datetimeOrNull(text: string): ParsedDatetime | null {
  const errors: Invalid[] = [];
  const parsed = datetime(text, [], errors);
  return errors.length > 0 ? null : (parsed as ParsedDatetime);
}

function conversionFactor(metadata: StatisticMetadata, units: Record<string, string>): number {
  const unitClass = metadata.unit_class;
  const wanted = unitClass ? units[unitClass] : undefined;
  const table = unitClass ? UNIT_CLASS_UNITS[unitClass] : undefined;
  if (!wanted || !table || metadata.unit_of_measurement === null) return 1;
  const from = table[metadata.unit_of_measurement];
  const to = table[wanted];
  return from !== undefined && to !== undefined ? from / to : 1;
}

const scale = (value: number | null | undefined, factor: number): number | null =>
  value === null || value === undefined ? null : value * factor;

function average(values: (number | null | undefined)[]): number | null {
  const present = values.filter((value): value is number => typeof value === 'number');
  return present.length > 0 ? present.reduce((a, b) => a + b, 0) / present.length : null;
}

function extreme(values: (number | null | undefined)[], pick: (...v: number[]) => number): number | null {
  const present = values.filter((value): value is number => typeof value === 'number');
  return present.length > 0 ? pick(...present) : null;
}

/** The period containing `ms`, in Home Assistant's configured time zone (statistics.py `_reduce_statistics_*`). */
function periodBounds(ms: number, period: string, timeZone: string): [number, number] {
  if (period === 'hour') {
    const start = Math.floor(ms / HOUR_MS) * HOUR_MS;
    return [start, start + HOUR_MS];
  }
  const { year, month, day, weekday } = localDate(ms, timeZone);
  if (period === 'day')
    return [localMidnight(year, month, day, timeZone), localMidnight(year, month, day + 1, timeZone)];
  if (period === 'week') {
    const monday = day - ((weekday + 6) % 7);
    return [localMidnight(year, month, monday, timeZone), localMidnight(year, month, monday + 7, timeZone)];
  }
  return [localMidnight(year, month, 1, timeZone), localMidnight(year, month + 1, 1, timeZone)];
}

function localDate(
  ms: number,
  timeZone: string,
): { year: number; month: number; day: number; weekday: number } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
  }).formatToParts(new Date(ms));
  const get = (type: string) => Number(parts.find((part) => part.type === type)?.value);
  const year = get('year');
  const month = get('month');
  const day = get('day');
  return { year, month, day, weekday: new Date(Date.UTC(year, month - 1, day)).getUTCDay() };
}

/** The UTC instant of local midnight of a (possibly overflowing) calendar day. */
function localMidnight(year: number, month: number, day: number, timeZone: string): number {
  const guess = Date.UTC(year, month - 1, day);
  let candidate = guess;
  for (let i = 0; i < 3; i++) candidate = guess - offsetMs(candidate, timeZone);
  return candidate;
}

function offsetMs(ms: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(ms));
  const get = (type: string) => Number(parts.find((part) => part.type === type)?.value);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return wall - Math.floor(ms / 1000) * 1000;
}
