import { ConfigError } from './config-error.js';

/**
 * One configuration option: how a raw value (a YAML scalar or an environment string) becomes a typed value.
 * `parse` throws ConfigError naming the key, the value and what is expected.
 */
export interface Field<T> {
  readonly kind: string;
  readonly default: T | undefined;
  readonly required: boolean;
  /** Secret values accept a `_FILE` variant and are redacted from every output. */
  readonly secret: boolean;
  readonly describe: string;
  /**
   * Former names of this option (file keys, e.g. `ca_file`; the environment variable follows, `JEEDOM_CA_FILE`):
   * still read, with a warning naming the new one, when the option itself is not set.
   */
  readonly deprecatedAliases?: readonly string[];
  parse(raw: unknown, key: string): T;
}

export type FieldMap = Record<string, Field<unknown>>;

type FieldValue<F> = F extends Field<infer T> ? T : never;

/** The typed configuration a field map produces. */
export type ConfigOf<M extends FieldMap> = { [K in keyof M]: FieldValue<M[K]> };

/** `withDeprecatedAliases(stringField({…}), 'ca_file')`: the option keeps answering to its old names. */
export function withDeprecatedAliases<T>(field: Field<T>, ...aliases: string[]): Field<T> {
  return { ...field, deprecatedAliases: aliases };
}

/** A field that may be left unset (no default): its value is then `undefined`. */
export function optional<T>(field: Field<T>): Field<T | undefined> {
  return field;
}

interface Options<T> {
  default?: T;
  required?: boolean;
  describe: string;
}

function makeField<T>(
  kind: string,
  options: Options<T> & { secret?: boolean },
  parse: (raw: unknown, key: string) => T,
): Field<T> {
  return {
    kind,
    default: options.default,
    required: options.required ?? false,
    secret: options.secret ?? false,
    describe: options.describe,
    parse,
  };
}

function asText(raw: unknown, key: string, expected: string): string {
  if (typeof raw === 'string') return raw.trim();
  if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
  throw new ConfigError(key, raw, expected);
}

export function stringField(
  options: Options<string> & { pattern?: RegExp; secret?: boolean },
): Field<string> {
  const expected = options.pattern ? `text matching ${options.pattern}` : 'a non-empty text';
  return makeField('string', options, (raw, key) => {
    const text = asText(raw, key, expected);
    if (text === '' || (options.pattern && !options.pattern.test(text))) {
      throw new ConfigError(key, raw, expected);
    }
    return text;
  });
}

export function secretField(options: Options<string>): Field<string> {
  return stringField({ ...options, secret: true });
}

export function booleanField(options: Options<boolean>): Field<boolean> {
  const expected = 'true or false';
  return makeField('boolean', options, (raw, key) => {
    if (typeof raw === 'boolean') return raw;
    const text = asText(raw, key, expected).toLowerCase();
    if (['true', '1', 'yes', 'on'].includes(text)) return true;
    if (['false', '0', 'no', 'off'].includes(text)) return false;
    throw new ConfigError(key, raw, expected);
  });
}

export function integerField(options: Options<number> & { min: number; max: number }): Field<number> {
  const expected = `a whole number from ${options.min} to ${options.max}`;
  return makeField('integer', options, (raw, key) => {
    const text = asText(raw, key, expected);
    const value = Number(text);
    if (!/^-?\d+$/.test(text) || value < options.min || value > options.max) {
      throw new ConfigError(key, raw, expected);
    }
    return value;
  });
}

export function enumField<const V extends string>(values: readonly V[], options: Options<V>): Field<V> {
  const expected = `one of ${values.join(', ')}`;
  return makeField('enum', options, (raw, key) => {
    const text = asText(raw, key, expected).toLowerCase();
    const match = values.find((value) => value.toLowerCase() === text);
    if (!match) throw new ConfigError(key, raw, expected);
    return match;
  });
}

/** A comma list (environment) or a YAML sequence, each item one of `values`. */
export function enumListField<const V extends string>(
  values: readonly V[],
  options: Options<readonly V[]>,
): Field<readonly V[]> {
  const expected = `a comma list out of ${values.join(', ')}`;
  return makeField('list', options, (raw, key) => {
    const items = Array.isArray(raw)
      ? raw.map((item) => asText(item, key, expected))
      : splitList(raw, key, expected);
    const unknown = items.filter((item) => !values.includes(item as V));
    if (unknown.length > 0) throw new ConfigError(key, raw, `${expected} (unknown: ${unknown.join(', ')})`);
    return [...new Set(items)] as V[];
  });
}

export function stringListField(
  options: Options<readonly string[]> & { itemPattern: RegExp; itemExpected: string },
): Field<readonly string[]> {
  const expected = `a comma list of ${options.itemExpected}`;
  return makeField('list', options, (raw, key) => {
    const items = Array.isArray(raw)
      ? raw.map((item) => asText(item, key, expected))
      : splitList(raw, key, expected);
    if (items.some((item) => !options.itemPattern.test(item))) throw new ConfigError(key, raw, expected);
    return items;
  });
}

function splitList(raw: unknown, key: string, expected: string): string[] {
  return asText(raw, key, expected)
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

export function urlField(options: Options<URL> & { protocols: readonly string[] }): Field<URL> {
  const expected = `a URL starting with ${options.protocols.map((p) => `${p}//`).join(' or ')}`;
  return makeField('url', options, (raw, key) => {
    const text = asText(raw, key, expected);
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw new ConfigError(key, raw, expected);
    }
    if (!options.protocols.includes(url.protocol)) throw new ConfigError(key, raw, expected);
    return url;
  });
}

/** A JSON object given as text (environment) or as a YAML mapping. */
export function jsonObjectField(
  options: Options<Record<string, unknown>> & {
    validate?: (value: Record<string, unknown>) => string | null;
  },
): Field<Record<string, unknown>> {
  const expected = 'a JSON object';
  return makeField('object', options, (raw, key) => {
    let value: unknown = raw;
    if (typeof raw === 'string') {
      try {
        value = JSON.parse(raw);
      } catch {
        throw new ConfigError(key, raw, expected);
      }
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw new ConfigError(key, raw, expected);
    const problem = options.validate?.(value as Record<string, unknown>);
    if (problem) throw new ConfigError(key, raw, problem);
    return value as Record<string, unknown>;
  });
}
