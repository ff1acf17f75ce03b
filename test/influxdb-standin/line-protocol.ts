/**
 * A line-protocol reader as strict as InfluxDB's (influxdata/influxdb models/points.go, `ParsePointsWithPrecision`;
 * rules as https://docs.influxdata.com/influxdb/v2/reference/syntax/line-protocol/ states them): it takes apart
 * what the exporter writes and refuses what InfluxDB would refuse, with InfluxDB's wording.
 */

export type StoredValue =
  | { type: 'float'; value: number }
  | { type: 'integer'; value: bigint }
  | { type: 'unsigned'; value: bigint }
  | { type: 'string'; value: string }
  | { type: 'boolean'; value: boolean };

export interface ParsedPoint {
  measurement: string;
  tags: Record<string, string>;
  fields: Record<string, StoredValue>;
  timeNs: bigint;
}

export class LineError extends Error {}

/** Multipliers to nanoseconds of the `precision` parameter (OpenAPI WritePrecision: ms, s, us, ns). */
export const PRECISIONS: Record<string, bigint> = { ns: 1n, us: 1_000n, ms: 1_000_000n, s: 1_000_000_000n };

const MIN_NS = -9_223_372_036_854_775_806n;
const MAX_NS = 9_223_372_036_854_775_806n;

/** Splits at `separator` outside backslash escapes (and, when asked, outside double-quoted strings). */
function splitUnescaped(text: string, separator: string, quotes: boolean): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (char === '\\' && i + 1 < text.length) {
      current += char + text[i + 1];
      i++;
      continue;
    }
    if (quotes && char === '"') quoted = !quoted;
    if (char === separator && !quoted) {
      parts.push(current);
      current = '';
      continue;
    }
    current += char;
  }
  if (quoted) throw new LineError('unbalanced quotes');
  parts.push(current);
  return parts;
}

/** Undoes `\,` `\=` `\ ` (keys and tag values); any other backslash stays as it is, as 1.x does. */
function unescapeKey(text: string): string {
  return text.replace(/\\([,= ])/g, '$1');
}

function parseFieldValue(raw: string): StoredValue {
  if (raw.startsWith('"')) {
    if (raw.length < 2 || !raw.endsWith('"') || raw.endsWith('\\"')) throw new LineError('unbalanced quotes');
    return { type: 'string', value: raw.slice(1, -1).replace(/\\(["\\])/g, '$1') };
  }
  if (/^[tT](rue)?$|^TRUE$|^True$/.test(raw)) return { type: 'boolean', value: true };
  if (/^[fF](alse)?$|^FALSE$|^False$/.test(raw)) return { type: 'boolean', value: false };
  if (/^-?\d+i$/.test(raw)) {
    const value = BigInt(raw.slice(0, -1));
    if (value < -(2n ** 63n) || value >= 2n ** 63n)
      throw new LineError(`unable to parse integer ${raw}: value out of range`);
    return { type: 'integer', value };
  }
  if (/^\d+u$/.test(raw)) return { type: 'unsigned', value: BigInt(raw.slice(0, -1)) };
  if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(raw)) {
    const value = Number(raw);
    if (!Number.isFinite(value)) throw new LineError(`invalid number`);
    return { type: 'float', value };
  }
  throw new LineError('invalid number');
}

export function parseLine(line: string, precision: bigint, nowNs: bigint): ParsedPoint {
  const sections = splitUnescaped(line, ' ', true).filter((section) => section !== '');
  if (sections.length < 2) throw new LineError('missing fields');
  if (sections.length > 3) throw new LineError('invalid field format');
  const [keyText, fieldText, timeText] = sections as [string, string, string | undefined];

  const keyParts = splitUnescaped(keyText, ',', false);
  const measurement = unescapeKey(keyParts[0]!);
  if (measurement === '') throw new LineError('missing measurement');
  const tags: Record<string, string> = {};
  for (const pair of keyParts.slice(1)) {
    const [name, value, ...rest] = splitUnescaped(pair, '=', false);
    if (name === undefined || name === '' || rest.length > 0) throw new LineError('missing tag key');
    if (value === undefined || value === '') throw new LineError('missing tag value');
    tags[unescapeKey(name)] = unescapeKey(value);
  }

  const fields: Record<string, StoredValue> = {};
  for (const pair of splitUnescaped(fieldText, ',', true)) {
    const at = pair.search(/(?<!\\)=/);
    if (at <= 0) throw new LineError('missing field key');
    const raw = pair.slice(at + 1);
    if (raw === '') throw new LineError('missing field value');
    const name = unescapeKey(pair.slice(0, at));
    // models/points.go refuses a field named "time" ("invalid field name"); 1.x drops a tag named so.
    if (name === 'time') throw new LineError('invalid field name: input field "time" is invalid');
    fields[name] = parseFieldValue(raw);
  }
  if (Object.keys(fields).length === 0) throw new LineError('missing fields');

  let timeNs = nowNs;
  if (timeText !== undefined) {
    if (!/^-?\d+$/.test(timeText)) throw new LineError('bad timestamp');
    timeNs = BigInt(timeText) * precision;
    if (timeNs < MIN_NS || timeNs > MAX_NS) throw new LineError('time outside range');
  }
  return { measurement, tags, fields, timeNs };
}

/** Every line of a body; InfluxDB skips empty lines and `#` comments ("Comments"). */
export function parseBody(body: string, precision: bigint, nowNs: bigint): ParsedPoint[] {
  const points: ParsedPoint[] = [];
  for (const rawLine of body.split('\n')) {
    const line = rawLine.replace(/\r$/, '');
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    try {
      points.push(parseLine(line.trimStart(), precision, nowNs));
    } catch (error) {
      if (error instanceof LineError) throw new LineError(`unable to parse '${line}': ${error.message}`);
      throw error;
    }
  }
  return points;
}
