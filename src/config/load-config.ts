import { readFileSync } from 'node:fs';
import type { ConfigurableUnit } from './configurable-unit.js';
import type { RunSettings } from './run-settings.js';
import type { DataKind } from '../domain/vocabulary.js';
import { registerSecret } from '../redact.js';
import { commonDestinationFields, globalFields } from './common-fields.js';
import { ConfigError, ProblemList } from './config-error.js';
import type { Environment } from './environment.js';
import type { Field } from './fields.js';
import { readConfigFile } from './read-config-file.js';
import { unknownNameWarnings } from './unknown-names.js';
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

/** One option's value and the name to blame when it is wrong (the env variable, or the file key). */
interface RawValue {
  value: unknown;
  key: string;
}

/** Where an option's value may come from, in the order it is looked for. */
interface Sources {
  envNames: readonly string[];
  fileValue: unknown;
  fileKey: string;
  fileSecretPath?: unknown;
  /** Former names, read only when none of the above is set. */
  deprecated?: { key: string; value: unknown; replacement: string }[];
}

/**
 * Reads the configuration file and the environment, which overrides it, and validates every value. Every bad
 * value is reported (one ConfigError, or ConfigProblems listing them all), each naming its key; unknown keys and
 * variables only produce warnings, with the name meant when it is a near miss.
 */
export async function loadConfig(options: {
  env: Environment;
  configPath?: string;
  cwd?: string;
  /** Where `/etc/med-export/config.yaml` is looked for; a test points it elsewhere. */
  systemDirectory?: string;
  destinations: readonly ConfigurableUnit[];
}): Promise<LoadedConfig> {
  const { env, destinations } = options;
  const { file, content } = await readConfigFile({
    cwd: options.cwd ?? process.cwd(),
    env,
    ...(options.configPath ? { explicitPath: options.configPath } : {}),
    ...(options.systemDirectory ? { systemDirectory: options.systemDirectory } : {}),
  });
  const warnings: string[] = [];
  const problems = new ProblemList();

  const globalValues: Record<string, unknown> = {};
  for (const [key, { env: envName, field }] of Object.entries(globalFields)) {
    const sources = { envNames: [envName], fileValue: content[key], fileKey: key };
    globalValues[key] = problems.attempt(() => resolve(field as Field<unknown>, sources, env, warnings));
  }
  const databaseUrl = globalValues.database_url as URL | undefined;
  if (databaseUrl?.password) registerSecret(databaseUrl.password);

  const destinationConfigs = new Map<string, DestinationConfig>();
  for (const destination of destinations) {
    const section = problems.attempt(() => readSection(content[destination.id], destination.id)) ?? {};
    const allFields = { ...commonDestinationFields, ...destination.fields } as Record<string, Field<unknown>>;
    const values: Record<string, unknown> = {};
    const missing: string[] = [];
    for (const [key, field] of Object.entries(allFields)) {
      const envNames = destination.envPrefixes.map((prefix) => `${prefix}_${key.toUpperCase()}`);
      const sources: Sources = {
        envNames,
        fileValue: section[key],
        fileKey: `${destination.id}.${key}`,
        fileSecretPath: section[`${key}_file`],
      };
      const value = problems.attempt(() =>
        resolve(field, withDeprecatedAliases(field, sources, destination, section, env), env, warnings),
      );
      if (value === undefined && field.required) missing.push(envNames[0]!);
      values[key] = value ?? field.default;
    }
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

  warnings.push(...unknownNameWarnings({ env, content, file, destinations }));
  problems.throwIfAny();

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

/** After the option's own names, its former ones (`JEEDOM_CA_FILE`, then `jeedom.ca_file`). */
function withDeprecatedAliases(
  field: Field<unknown>,
  sources: Sources,
  destination: ConfigurableUnit,
  section: Record<string, unknown>,
  env: Environment,
): Sources {
  const aliases = field.deprecatedAliases ?? [];
  if (aliases.length === 0) return sources;
  const fromEnv = aliases.flatMap((alias) =>
    destination.envPrefixes.map((prefix) => ({
      key: `${prefix}_${alias.toUpperCase()}`,
      value: env[`${prefix}_${alias.toUpperCase()}`] || undefined,
      replacement: sources.envNames[0]!,
    })),
  );
  const fromFile = aliases.map((alias) => ({
    key: `${destination.id}.${alias}`,
    value: section[alias] ?? undefined,
    replacement: sources.fileKey,
  }));
  return { ...sources, deprecated: [...fromEnv, ...fromFile] };
}

function resolve(field: Field<unknown>, sources: Sources, env: Environment, warnings: string[]): unknown {
  let raw = rawValue(field, sources, env);
  if (raw === undefined) {
    const old = sources.deprecated?.find((alias) => alias.value !== undefined);
    if (old) {
      warnings.push(`${old.key} is deprecated: use ${old.replacement} instead`);
      raw = { value: old.value, key: old.key };
    }
  }
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

function rawValue(field: Field<unknown>, sources: Sources, env: Environment): RawValue | undefined {
  const { envNames, fileValue, fileKey, fileSecretPath } = sources;
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
