import type { ConfigurableUnit } from './configurable-unit.js';
import { commonDestinationFields, globalFields } from './common-fields.js';
import { COMPILE_CACHE_VARIABLE } from './environment.js';
import type { Environment } from './environment.js';
import type { Field } from './fields.js';
import { closest } from './near-miss.js';

/**
 * Warnings for the names a configuration uses that med-export does not know: a typo must not silently
 * disable a destination. Each names the known name meant when it is a near miss.
 */
export function unknownNameWarnings(options: {
  env: Environment;
  content: Record<string, unknown>;
  file: string | null;
  destinations: readonly ConfigurableUnit[];
}): string[] {
  const { env, content, file, destinations } = options;
  const warnings: string[] = [];
  const topKeys = [...Object.keys(globalFields), ...destinations.map((destination) => destination.id)];
  for (const key of Object.keys(content)) {
    if (!topKeys.includes(key))
      warnings.push(`unknown key "${key}" in ${file} is ignored${hint(key, topKeys)}`);
  }
  for (const destination of destinations) {
    const section = content[destination.id];
    if (typeof section !== 'object' || section === null || Array.isArray(section)) continue;
    const keys = fileKeys(destination);
    for (const key of Object.keys(section)) {
      if (keys.has(key)) continue;
      const suggestion = closest(key, keys);
      warnings.push(
        `unknown key "${destination.id}.${key}" is ignored` +
          (suggestion ? `; did you mean ${destination.id}.${suggestion}?` : ' (a typo?)'),
      );
    }
  }
  warnings.push(...unknownVariableWarnings(env, destinations));
  return warnings;
}

function hint(name: string, known: readonly string[]): string {
  const suggestion = closest(name, known);
  return suggestion ? `; did you mean ${suggestion}?` : ' (a typo?)';
}

function fieldsOf(destination: ConfigurableUnit): Record<string, Field<unknown>> {
  return { ...commonDestinationFields, ...destination.fields } as Record<string, Field<unknown>>;
}

/** A section's keys: each option, `<secret>_file`, and former names. */
function fileKeys(destination: ConfigurableUnit): Set<string> {
  const keys = new Set<string>();
  for (const [key, field] of Object.entries(fieldsOf(destination))) {
    keys.add(key);
    if (field.secret || field.kind === 'url') keys.add(`${key}_file`);
    for (const alias of field.deprecatedAliases ?? []) keys.add(alias);
  }
  return keys;
}

function unknownVariableWarnings(env: Environment, destinations: readonly ConfigurableUnit[]): string[] {
  const known = new Set<string>(
    Object.values(globalFields).flatMap(({ env: name }) => [name, `${name}_FILE`]),
  );
  known.add(COMPILE_CACHE_VARIABLE);
  const prefixes = ['MED_'];
  // A variable that ends like one of ours (`_ENABLED`, `_URL` …) may carry a mistyped prefix
  // (`HOME_ASISTANT_ENABLED`): it is named only when a known variable is that close.
  const suffixes = new Set<string>();
  for (const destination of destinations) {
    for (const key of fileKeys(destination)) suffixes.add(`_${key.toUpperCase()}`);
    for (const prefix of destination.envPrefixes) {
      prefixes.push(`${prefix}_`);
      for (const key of fileKeys(destination)) known.add(`${prefix}_${key.toUpperCase()}`);
    }
  }
  const warnings: string[] = [];
  for (const name of Object.keys(env)) {
    if (known.has(name) || name.startsWith('MED_TEST_')) continue;
    const ours = prefixes.some((prefix) => name.startsWith(prefix));
    const suggestion =
      ours || [...suffixes].some((suffix) => name.endsWith(suffix)) ? closest(name, known) : undefined;
    if (suggestion) {
      warnings.push(`unknown environment variable ${name} is ignored; did you mean ${suggestion}?`);
    } else if (ours) {
      warnings.push(`unknown environment variable ${name} is ignored (a typo?)`);
    }
  }
  return warnings;
}
