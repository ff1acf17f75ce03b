/**
 * Just enough of voluptuous (the schema library Home Assistant validates every WebSocket command with) to
 * reproduce its behaviour and its error texts:
 * - a dict schema rejects keys it does not declare ("extra keys not allowed", PREVENT_EXTRA is the default of
 *   `vol.Schema`, which `websocket_api.decorators.websocket_command` builds from
 *   `messages.BASE_COMMAND_MESSAGE_SCHEMA.extend(schema)`);
 * - a missing `vol.Required` key gives "required key not provided";
 * - every error of a message is collected, then `voluptuous.humanize.humanize_error` renders each one as
 *   "<message> @ data[<path>]. Got <python repr of the offending value>", sorted, one per line
 *   (home-assistant/core homeassistant/components/websocket_api/connection.py `async_handle_exception`).
 */

export type Path = readonly (string | number)[];

export class Invalid extends Error {
  readonly path: Path;

  /** `path` is copied: validators pass a path they keep changing (see `Validator`). */
  constructor(
    readonly reason: string,
    path: Path,
  ) {
    super(
      path.length > 0 ? `${reason} @ data${path.map((part) => `[${pythonRepr(part)}]`).join('')}` : reason,
    );
    this.path = [...path];
  }
}

/**
 * Validates `value` at `path`; pushes errors; returns the (possibly coerced) value. `path` is a working array
 * that container validators extend and restore around each item (an import holds thousands of rows: no
 * array per key), so a validator must not keep it: `Invalid` takes a copy.
 */
export type Validator = (value: unknown, path: Path, errors: Invalid[]) => unknown;

export interface KeySpec {
  required: boolean;
  validator: Validator;
}

export const required = (validator: Validator): KeySpec => ({ required: true, validator });
export const optional = (validator: Validator): KeySpec => ({ required: false, validator });

export function dict(keys: Record<string, KeySpec>): Validator {
  const requiredKeys = Object.entries(keys)
    .filter(([, spec]) => spec.required)
    .map(([key]) => key);
  return (value, path, errors) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      errors.push(new Invalid('expected a dictionary', path));
      return value;
    }
    const input = value as Record<string, unknown>;
    const output: Record<string, unknown> = {};
    // The path of each key is `path` extended in place, and restored even when a validator throws.
    const working = path as (string | number)[];
    const depth = working.length;
    try {
      for (const key of Object.keys(input)) {
        working.push(key);
        const spec = keys[key];
        if (!spec) errors.push(new Invalid('extra keys not allowed', working));
        else output[key] = spec.validator(input[key], working, errors);
        working.pop();
      }
      for (const key of requiredKeys) {
        if (key in input) continue;
        working.push(key);
        errors.push(new Invalid('required key not provided', working));
        working.pop();
      }
    } catch (error) {
      working.length = depth;
      throw error;
    }
    return output;
  };
}

export function listOf(item: Validator): Validator {
  return (value, path, errors) => {
    if (!Array.isArray(value)) {
      errors.push(new Invalid('expected list', path));
      return value;
    }
    const working = path as (string | number)[];
    const depth = working.length;
    const output: unknown[] = new Array<unknown>(value.length);
    try {
      for (let index = 0; index < value.length; index++) {
        working.push(index);
        output[index] = item(value[index], working, errors);
        working.pop();
      }
    } catch (error) {
      working.length = depth;
      throw error;
    }
    return output;
  };
}

export const str: Validator = (value, path, errors) => {
  if (typeof value !== 'string') errors.push(new Invalid('expected str', path));
  return value;
};

export const bool: Validator = (value, path, errors) => {
  if (typeof value !== 'boolean') errors.push(new Invalid('expected bool', path));
  return value;
};

/** `vol.Any(float, int)`; Python's bool is an int, JSON booleans pass like they do in Home Assistant. */
export const number: Validator = (value, path, errors) => {
  if (typeof value !== 'number' && typeof value !== 'boolean')
    errors.push(new Invalid('expected float', path));
  return value;
};

export const positiveInt: Validator = (value, path, errors) => {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    errors.push(new Invalid('expected int', path));
  }
  return value;
};

export function orNone(validator: Validator): Validator {
  return (value, path, errors) => (value === null ? null : validator(value, path, errors));
}

export function literal(expected: string): Validator {
  return (value, path, errors) => {
    if (value !== expected) errors.push(new Invalid(`not a valid value`, path));
    return value;
  };
}

export function oneOf(values: readonly (string | number)[]): Validator {
  return (value, path, errors) => {
    if (!values.includes(value as string | number)) {
      errors.push(new Invalid(`value must be one of [${values.map(pythonRepr).join(', ')}]`, path));
    }
    return value;
  };
}

/** `cv.datetime`: `dt_util.parse_datetime`, which keeps a missing offset as a naive datetime. */
export const datetime: Validator = (value, path, errors) => {
  const parsed = typeof value === 'string' ? parseDatetime(value) : null;
  if (!parsed) {
    errors.push(new Invalid(`Invalid datetime specified: ${String(value)}`, path));
    return value;
  }
  return parsed;
};

export interface ParsedDatetime {
  /** Milliseconds since the epoch, or, for a naive datetime, of the wall-clock time read as UTC. */
  ms: number;
  naive: boolean;
  minute: number;
  second: number;
  microsecond: number;
}

/** homeassistant/util/dt.py `parse_datetime` (ISO 8601 with optional seconds, fraction and offset). */
const DATETIME_RE =
  /^(\d{4})-(\d{1,2})-(\d{1,2})[T ](\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:[.,](\d{1,6})\d*)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/;

/** `YYYY-MM-DDTHH:MM:SS+00:00`, what clients nearly always send: read without the regular expression. */
const CANONICAL_UTC_LENGTH = 25;
const CANONICAL_UTC_DIGITS = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18, 20, 21, 23, 24];

function twoDigits(text: string, index: number): number {
  return (text.charCodeAt(index) - 48) * 10 + text.charCodeAt(index + 1) - 48;
}

function canonicalUtc(text: string): ParsedDatetime | null {
  if (text.length !== CANONICAL_UTC_LENGTH) return null;
  for (let digit = 0; digit < CANONICAL_UTC_DIGITS.length; digit++) {
    const code = text.charCodeAt(CANONICAL_UTC_DIGITS[digit]!);
    if (code < 48 || code > 57) return null;
  }
  if (
    text[4] !== '-' ||
    text[7] !== '-' ||
    text[10] !== 'T' ||
    text[13] !== ':' ||
    text[16] !== ':' ||
    text[19] !== '+' ||
    text[22] !== ':' ||
    text[20] !== '0' ||
    text[21] !== '0' ||
    text[23] !== '0' ||
    text[24] !== '0'
  ) {
    return null;
  }
  const minute = twoDigits(text, 14);
  const second = twoDigits(text, 17);
  // The general path below gives the same for this form: no fraction, a zero offset.
  const ms = Date.UTC(
    twoDigits(text, 0) * 100 + twoDigits(text, 2),
    twoDigits(text, 5) - 1,
    twoDigits(text, 8),
    twoDigits(text, 11),
    minute,
    second,
  );
  if (Number.isNaN(ms)) return null;
  return { ms, naive: false, minute, second, microsecond: 0 };
}

export function parseDatetime(text: string): ParsedDatetime | null {
  const canonical = canonicalUtc(text);
  if (canonical) return canonical;
  const match = DATETIME_RE.exec(text);
  if (!match) return null;
  const [, y, mo, d, h, mi, s, fraction, offset] = match;
  const second = Number(s ?? 0);
  const microsecond = Number((fraction ?? '').padEnd(6, '0') || 0);
  const wall =
    Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), second) + microsecond / 1000;
  if (Number.isNaN(wall)) return null;
  if (offset === undefined) return { ms: wall, naive: true, minute: Number(mi), second, microsecond };
  let offsetMinutes = 0;
  if (offset !== 'Z') {
    const sign = offset.startsWith('-') ? -1 : 1;
    const digits = offset.slice(1).replace(':', '');
    offsetMinutes = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || 0));
  }
  return { ms: wall - offsetMinutes * 60_000, naive: false, minute: Number(mi), second, microsecond };
}

const MAX_VALIDATION_ERROR_ITEM_LENGTH = 500;

/** `voluptuous.humanize.humanize_error`. */
export function humanizeErrors(data: unknown, errors: readonly Invalid[]): string {
  return errors
    .map((error) => {
      let got = pythonRepr(itemAt(data, error.path));
      if (got.length > MAX_VALIDATION_ERROR_ITEM_LENGTH)
        got = `${got.slice(0, MAX_VALIDATION_ERROR_ITEM_LENGTH - 3)}...`;
      return `${error.message}. Got ${got}`;
    })
    .sort()
    .join('\n');
}

function itemAt(data: unknown, path: Path): unknown {
  let current = data;
  for (const part of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string | number, unknown>)[part];
  }
  return current;
}

export function pythonRepr(value: unknown): string {
  if (value === undefined || value === null) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return `[${value.map(pythonRepr).join(', ')}]`;
  if (typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([key, item]) => `${pythonRepr(key)}: ${pythonRepr(item)}`)
      .join(', ')}}`;
  }
  return String(value);
}
