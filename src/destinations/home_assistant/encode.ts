/**
 * The messages of `recorder/import_statistics` (recorder/websocket_api.py `ws_import_statistics`): the
 * metadata of a statistic for a Home Assistant version, and the JSON of its rows written as bytes.
 */
import { DAY_MS, HOUR_MS } from '../../domain/durations.js';
import { dateOfDayNumber } from '../../domain/paris-time.js';
import type { SeriesSpec } from './statistic-series.js';

/**
 * The release whose `recorder/import_statistics` accepts `mean_type` and `unit_class` (and no longer requires
 * `has_mean`): Home Assistant 2025.11. Source: home-assistant/developers.home-assistant
 * blog/2025-10-16-recorder-statistics-api-changes.md, home-assistant/core
 * homeassistant/components/recorder/websocket_api.py `ws_import_statistics`. Older releases declare
 * `vol.Required("has_mean"): bool` and nothing else optional, so the new keys are refused as extra keys; newer
 * ones log a deprecation for imports without them, announced to stop working in 2026.11.
 */
export const MEAN_TYPE_SINCE = { year: 2025, month: 11 };

/** `2025.11.2`, `2025.11.0b3`, `2026.1.0.dev0` → whether it is at least `MEAN_TYPE_SINCE`. */
export function acceptsMeanType(haVersion: string): boolean {
  const match = /^(\d+)\.(\d+)/.exec(haVersion);
  if (!match) return true; // an unknown format is a development build: newer than any release we know
  const year = Number(match[1]);
  const month = Number(match[2]);
  return year > MEAN_TYPE_SINCE.year || (year === MEAN_TYPE_SINCE.year && month >= MEAN_TYPE_SINCE.month);
}

/**
 * The `metadata` of `recorder/import_statistics` for this Home Assistant version. An external statistic's
 * `source` must equal the part of its id before the colon (recorder/statistics.py
 * `async_add_external_statistics`). `unit_class` names the unit converter: `energy` for kWh; EUR has none, so
 * it is null (recorder/statistics.py `_async_import_statistics` refuses an unknown class).
 */
export function statisticMetadata(
  series: SeriesSpec,
  source: string,
  haVersion: string,
): Record<string, unknown> {
  const metadata: Record<string, unknown> = {
    has_sum: true,
    name: series.name,
    source,
    statistic_id: series.statisticId,
    unit_of_measurement: series.unit,
  };
  if (acceptsMeanType(haVersion)) {
    metadata.mean_type = 0;
    metadata.unit_class = series.unit === 'kWh' ? 'energy' : null;
  } else {
    metadata.has_mean = false;
  }
  return metadata;
}

/** 10000-01-01, the first day `toISOString` writes with a six-digit year. */
const FIRST_DAY_OF_YEAR_10000 = 2_932_897;
const HOUR_TEXT = Array.from({ length: 24 }, (_, hour) => `T${hour < 10 ? '0' : ''}${hour}:00:00+00:00`);

/**
 * An hour start as Home Assistant's `cv.datetime` wants it: ISO 8601 with an explicit UTC offset. Called once
 * per imported row, so whole hours of years 1970–9999 are written from the (cached) day text, without a Date.
 */
export function isoHour(ms: number): string {
  const day = Math.floor(ms / DAY_MS);
  const hour = (ms - day * DAY_MS) / HOUR_MS;
  if (day >= 0 && day < FIRST_DAY_OF_YEAR_10000 && Number.isInteger(hour)) {
    return dateOfDayNumber(day) + HOUR_TEXT[hour]!;
  }
  return new Date(ms).toISOString().replace('.000Z', '+00:00');
}

/** Consecutive rows of a statistic, ready to be written in an import message (`importMessage`). */
export interface RowsChunk {
  starts: number[];
  states: number[];
  sums: number[];
  count: number;
  firstStartMs: number;
  lastStartMs: number;
}

/** What `JSON.stringify` writes for a number. */
const jsonNumber = (value: number): string => (Number.isFinite(value) ? String(value) : 'null');

/** Longest text of a row besides its two numbers: `{"start":"…","state":,"sum":},` (`isoHour` writes at most 28 characters). */
const ROW_FRAME_BYTES = 60;
/** Longest number text: `writeMicros` writes at most 17 characters, `String` at most 24. */
const NUMBER_BYTES = 24;
const ROW_START = asciiBytes('{"start":"');
const ROW_STATE = asciiBytes('","state":');
const ROW_SUM = asciiBytes(',"sum":');
/** What `isoHour` writes after the hour of a whole hour. */
const WHOLE_HOUR_END = ':00:00+00:00';
const HOUR_END = asciiBytes(`${WHOLE_HOUR_END}","state":`);
const CHAR_0 = 48;
const CHAR_T = 84;
const CHAR_COMMA = 44;
const CHAR_CLOSE_BRACE = 125;
const CHAR_CLOSE_BRACKET = 93;

/**
 * The JSON of an import message holding `chunk`, as UTF-8 bytes: `head` (`{…,"stats":[`), the rows
 * `{"start":…,"state":…,"sum":…}` separated by commas, then `]}`. Exactly what `JSON.stringify` writes for
 * the message, produced without a string per row (an import is hundreds of kB, its rows pure ASCII).
 */
export function importMessage(head: Buffer, chunk: RowsChunk): Buffer {
  const { starts, states, sums, count } = chunk;
  const out = Buffer.allocUnsafe(head.length + count * (ROW_FRAME_BYTES + 2 * NUMBER_BYTES) + 2);
  let at = head.copy(out, 0);
  // The date of the last whole hour written as `YYYY-MM-DDTHH:00:00+00:00`: the next hours of that day only
  // need their hour.
  let day = Number.NaN;
  let dayText = '';
  for (let index = 0; index < count; index++) {
    if (index > 0) out[at++] = CHAR_COMMA;
    at = put(out, at, ROW_START);
    const start = starts[index]!;
    const startDay = Math.floor(start / DAY_MS);
    const hour = (start - startDay * DAY_MS) / HOUR_MS;
    const wholeHour = Number.isInteger(hour);
    if (startDay !== day || !wholeHour) {
      const text = isoHour(start);
      if (wholeHour && text.length === 25 && text.endsWith(WHOLE_HOUR_END)) {
        day = startDay;
        dayText = text;
      } else {
        day = Number.NaN;
        at += out.write(text, at, 'latin1');
        at = put(out, at, ROW_STATE);
      }
    }
    if (startDay === day && wholeHour) {
      for (let char = 0; char < 10; char++) out[at++] = dayText.charCodeAt(char);
      out[at++] = CHAR_T;
      out[at++] = CHAR_0 + Math.floor(hour / 10);
      out[at++] = CHAR_0 + (hour % 10);
      at = put(out, at, HOUR_END);
    }
    at = writeMicros(out, at, states[index]!);
    at = put(out, at, ROW_SUM);
    at = writeMicros(out, at, sums[index]!);
    out[at++] = CHAR_CLOSE_BRACE;
  }
  out[at++] = CHAR_CLOSE_BRACKET;
  out[at++] = CHAR_CLOSE_BRACE;
  return out.subarray(0, at);
}

function asciiBytes(text: string): Uint8Array {
  return Uint8Array.from(text, (char) => char.charCodeAt(0));
}

/** `bytes` written into `out` at `at`; returns the position after them. */
function put(out: Buffer, at: number, bytes: Uint8Array): number {
  for (let index = 0; index < bytes.length; index++) out[at + index] = bytes[index]!;
  return at + bytes.length;
}

/**
 * `jsonNumber` of a value rounded to 6 decimals, written into `out` at `at` from its integer count of
 * millionths (much cheaper than the shortest-round-trip conversion); returns the position after it. Exact:
 * when `value` is the double nearest to n / 10⁶ (checked) and below 10⁹ (its spacing is then under 10⁻⁶), the
 * shortest decimal that reads back as `value` is n / 10⁶ without its trailing zeros, which is what `String`
 * writes (in fixed notation from 10⁻⁶ up to 10²¹).
 */
function writeMicros(out: Buffer, at: number, value: number): number {
  const magnitude = Math.abs(value);
  let micros = Number.NaN;
  if (magnitude < 1e9 && value !== 0) {
    micros = Math.round(magnitude * 1e6);
    if (micros / 1e6 !== magnitude) micros = Number.NaN;
  }
  if (Number.isNaN(micros)) return at + out.write(jsonNumber(value), at, 'latin1');
  if (value < 0) out[at++] = 45; // '-'
  // micros < 10¹⁵: the division errs by less than 10⁻⁶, so the floor is exact; both parts are 32-bit integers.
  const integer = Math.floor(micros / 1e6);
  let fraction = micros - integer * 1e6;
  at = writeDigits(out, at, integer);
  if (fraction === 0) return at;
  let digits = 6;
  for (let tenth = (fraction / 10) | 0; fraction === tenth * 10; tenth = (fraction / 10) | 0) {
    fraction = tenth;
    digits -= 1;
  }
  out[at++] = 46; // '.'
  // `digits` fraction digits, leading zeros included.
  for (let place = digits - 1; place >= 0; place--) {
    const tenth = (fraction / 10) | 0;
    out[at + place] = CHAR_0 + fraction - tenth * 10;
    fraction = tenth;
  }
  return at + digits;
}

/** The decimal digits of a non-negative integer below 10⁹ written at `at`; returns the position after them. */
function writeDigits(out: Buffer, at: number, integer: number): number {
  let length = 1;
  for (let bound = 10; bound <= integer; bound *= 10) length += 1;
  for (let place = length - 1; place >= 0; place--) {
    const tenth = (integer / 10) | 0;
    out[at + place] = CHAR_0 + integer - tenth * 10;
    integer = tenth;
  }
  return at + length;
}
