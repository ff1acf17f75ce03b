import { readFileSync } from 'node:fs';
import type { ConfigurableUnit } from './configurable-unit.js';
import type { RunSettings } from './run-settings.js';
import type { DataKind } from '../domain/vocabulary.js';
import { registerSecret } from '../redact.js';
import { commonDestinationFields, globalFields } from './common-fields.js';
import { ConfigError } from './config-error.js';
import type { Field } from './fields.js';
import { readConfigFile } from './read-config-file.js';
import { NO_CONFIGURED_PRICES, parsePriceOverrides } from '../domain/offer-prices.js';
import type { PriceOverrides, ProductionPrice } from '../domain/offer-prices.js';

/** `HOME_ASSISTANT_PRICES` (`home_assistant.prices`) was Home Assistant's own; every destination prices now. */
const PRICES_ALIAS = { destination: 'home_assistant', key: 'prices', env: 'HOME_ASSISTANT_PRICES' } as const;

export interface CommonDestinationConfig {
  enabled: boolean;
  interval: number;
  exportData: ReadonlySet<DataKind>;
  timeoutMs: number;
}

export interface DestinationConfig {
  common: CommonDestinationConfig;
  /** The destination's own options, typed by its field map. */
  options: Record<string, unknown>;
  /** Names (environment form) of required options that have no value. */
  missing: string[];
}

export interface LoadedConfig {
  /** The configuration file that was read, if any. */
  file: string | null;
  databaseUrl: URL | undefined;
  settings: RunSettings;
  destinations: Map<string, DestinationConfig>;
  warnings: string[];
}

export type Environment = Readonly<Record<string, string | undefined>>;

/** One option's value and the name to blame when it is wrong (the env variable, or the file key). */
interface RawValue {
  value: unknown;
  key: string;
}

/**
 * Reads the configuration file (cosmiconfig) and the environment, which overrides it, and validates every
 * value: a bad value throws ConfigError naming the key. Unknown keys only produce warnings.
 */
export async function loadConfig(options: {
  env: Environment;
  configPath?: string;
  cwd?: string;
  destinations: readonly ConfigurableUnit[];
}): Promise<LoadedConfig> {
  const { env, destinations } = options;
  const { file, content } = await readConfigFile(options.configPath, options.cwd ?? process.cwd());
  const warnings: string[] = [];
  const fileKeys = new Set<string>();

  const globalValues: Record<string, unknown> = {};
  for (const [key, { env: envName, field }] of Object.entries(globalFields)) {
    fileKeys.add(key);
    globalValues[key] = resolve(field as Field<unknown>, [envName], content[key], key, env);
  }
  const databaseUrl = globalValues.database_url as URL | undefined;
  if (databaseUrl?.password) registerSecret(databaseUrl.password);

  const destinationConfigs = new Map<string, DestinationConfig>();
  for (const destination of destinations) {
    fileKeys.add(destination.id);
    const section = readSection(content[destination.id], destination.id);
    const allFields = { ...commonDestinationFields, ...destination.fields } as Record<string, Field<unknown>>;
    const values: Record<string, unknown> = {};
    const missing: string[] = [];
    for (const [key, field] of Object.entries(allFields)) {
      const envNames = destination.envPrefixes.map((prefix) => `${prefix}_${key.toUpperCase()}`);
      const value = resolve(
        field,
        envNames,
        section[key],
        `${destination.id}.${key}`,
        env,
        section[`${key}_file`],
      );
      if (value === undefined && field.required) missing.push(envNames[0]!);
      values[key] = value;
    }
    warnUnknownKeys(section, allFields, destination.id, warnings);
    const { enabled, interval, export_data, timeout, ...own } = values;
    destinationConfigs.set(destination.id, {
      common: {
        enabled: enabled as boolean,
        interval: interval as number,
        exportData: new Set(export_data as DataKind[]),
        timeoutMs: (timeout as number) * 1000,
      },
      options: own,
      missing,
    });
  }

  for (const key of Object.keys(content)) {
    if (!fileKeys.has(key)) warnings.push(`unknown key "${key}" in ${file} is ignored`);
  }
  warnUnknownEnvironment(env, destinations, warnings);

  let prices = globalValues.prices as PriceOverrides | undefined;
  const aliased = destinationConfigs.get(PRICES_ALIAS.destination)?.options[PRICES_ALIAS.key];
  if (aliased !== undefined) {
    warnings.push(
      `${PRICES_ALIAS.env} (${PRICES_ALIAS.destination}.${PRICES_ALIAS.key}) is deprecated: set MED_PRICES (file key prices), which every destination uses`,
    );
    const parsed = parsePriceOverrides(aliased, PRICES_ALIAS.env);
    if (prices === undefined && parsed.ok) prices = parsed.value;
  }

  return {
    file,
    databaseUrl,
    settings: {
      pdls: globalValues.pdl as string[],
      defaultOffpeakHours: globalValues.offpeak_hours as string,
      prices: prices ?? { all: NO_CONFIGURED_PRICES, byPdl: {} },
      productionPrice: (globalValues.production_price as ProductionPrice | null | undefined) ?? null,
    },
    destinations: destinationConfigs,
    warnings,
  };
}

function resolve(
  field: Field<unknown>,
  envNames: readonly string[],
  fileValue: unknown,
  fileKey: string,
  env: Environment,
  fileSecretPath?: unknown,
): unknown {
  const raw = rawValue(field, envNames, fileValue, fileKey, env, fileSecretPath);
  if (raw === undefined) return field.default;
  if (field.secret && typeof raw.value === 'string') registerSecret(raw.value.trim());
  try {
    const value = field.parse(raw.value, raw.key);
    if (value instanceof URL && value.password) registerSecret(value.password);
    return value;
  } catch (error) {
    if (error instanceof ConfigError && field.secret)
      throw new ConfigError(raw.key, '(secret)', 'a non-empty value');
    throw error;
  }
}

function rawValue(
  field: Field<unknown>,
  envNames: readonly string[],
  fileValue: unknown,
  fileKey: string,
  env: Environment,
  fileSecretPath: unknown,
): RawValue | undefined {
  for (const name of envNames) {
    const value = env[name];
    if (value !== undefined && value !== '') return { value, key: name };
  }
  // Secrets, and URLs (which may carry a password), can come from a file: systemd credentials, Docker secrets.
  if (field.secret || field.kind === 'url') {
    for (const name of envNames) {
      const path = env[`${name}_FILE`];
      if (path) return { value: readSecretFile(path, `${name}_FILE`), key: `${name}_FILE` };
    }
    if (typeof fileSecretPath === 'string') {
      return { value: readSecretFile(fileSecretPath, `${fileKey}_file`), key: `${fileKey}_file` };
    }
  }
  if (fileValue !== undefined && fileValue !== null) return { value: fileValue, key: fileKey };
  return undefined;
}

function readSecretFile(path: string, key: string): string {
  try {
    return readFileSync(path, 'utf8').replace(/\r?\n$/, '');
  } catch (error) {
    throw new ConfigError(
      key,
      path,
      `a readable file (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`,
    );
  }
}

function readSection(value: unknown, id: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value))
    throw new ConfigError(id, value, 'a mapping of options');
  return value as Record<string, unknown>;
}

function warnUnknownKeys(
  section: Record<string, unknown>,
  fields: Record<string, Field<unknown>>,
  id: string,
  warnings: string[],
): void {
  for (const key of Object.keys(section)) {
    const base = key.endsWith('_file') ? key.slice(0, -'_file'.length) : key;
    if (!(key in fields) && !(fields[base]?.secret ?? false)) {
      warnings.push(`unknown key "${id}.${key}" is ignored (a typo?)`);
    }
  }
}

function warnUnknownEnvironment(
  env: Environment,
  destinations: readonly ConfigurableUnit[],
  warnings: string[],
): void {
  const known = new Set<string>(
    Object.values(globalFields).flatMap(({ env: name }) => [name, `${name}_FILE`]),
  );
  const prefixes: string[] = [];
  for (const destination of destinations) {
    const fields = { ...commonDestinationFields, ...destination.fields } as Record<string, Field<unknown>>;
    for (const prefix of destination.envPrefixes) {
      prefixes.push(`${prefix}_`);
      for (const [key, field] of Object.entries(fields)) {
        known.add(`${prefix}_${key.toUpperCase()}`);
        if (field.secret || field.kind === 'url') known.add(`${prefix}_${key.toUpperCase()}_FILE`);
      }
    }
  }
  for (const name of Object.keys(env)) {
    if (known.has(name)) continue;
    if (name.startsWith('MED_') && !name.startsWith('MED_TEST_')) {
      warnings.push(`unknown environment variable ${name} is ignored (a typo?)`);
    } else if (prefixes.some((prefix) => name.startsWith(prefix))) {
      warnings.push(`unknown environment variable ${name} is ignored (a typo?)`);
    }
  }
}
