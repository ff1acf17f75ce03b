import type { LoadedConfig } from '../config/load-config.js';
import { ConfigError } from '../config/config-error.js';
import { UsageError } from './errors.js';
import type { Destination } from '../destinations/destination.js';
import type { SelectedDestination } from '../export/run-export.js';

/**
 * `--all`: the enabled destinations; `--destination x`: exactly those, which must exist and be enabled.
 * Every selected destination must have its required options.
 */
export function selectDestinations(
  registry: ReadonlyMap<string, Destination>,
  config: LoadedConfig,
  selection: { all: boolean; names: readonly string[] },
  options: { requireEnabled: boolean } = { requireEnabled: true },
): SelectedDestination[] {
  if (!selection.all && selection.names.length === 0) {
    throw new UsageError('say which destinations to export: --all, or --destination <name> (repeatable)');
  }
  const names = selection.all
    ? [...registry.keys()].filter((id) => config.destinations.get(id)?.common.enabled)
    : [...new Set(selection.names)];
  return names.map((name) => {
    const destination = registry.get(name);
    const destinationConfig = config.destinations.get(name);
    if (!destination || !destinationConfig) {
      throw new UsageError(`unknown destination "${name}": choose one of ${[...registry.keys()].join(', ')}`);
    }
    const envPrefix = destination.envPrefixes[0]!;
    if (options.requireEnabled && !destinationConfig.common.enabled) {
      throw new UsageError(
        `destination "${name}" is not enabled: set ${envPrefix}_ENABLED=true (or ${name}.enabled)`,
      );
    }
    const [missing] = destinationConfig.missing;
    if (missing) throw new ConfigError(missing, undefined, `a value: ${name} needs it`);
    return { destination, config: destinationConfig };
  });
}
