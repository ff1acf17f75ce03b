import type { LoadedConfig } from '../config/load-config.js';
import { ConfigError } from '../config/config-error.js';
import { UsageError } from './errors.js';
import type { DestinationManifest } from '../contract/destination.js';
import { destinationManifests } from '../destinations/registry.js';
import type { SelectedDestination } from '../export/run-export.js';

/**
 * `--all`: the enabled destinations; `--destination x`: exactly those, which must exist and be enabled.
 * Every selected destination must have its required options.
 */
export async function selectDestinations(
  config: LoadedConfig,
  selection: { all: boolean; names: readonly string[] },
  options: { requireEnabled: boolean } = { requireEnabled: true },
): Promise<SelectedDestination[]> {
  if (!selection.all && selection.names.length === 0) {
    throw new UsageError('say which destinations to export: --all, or --destination <name> (repeatable)');
  }
  const names = selection.all
    ? destinationManifests
        .map((manifest) => manifest.id)
        .filter((id) => config.destinations.get(id)?.common.enabled)
    : [...new Set(selection.names)];
  const chosen = names.map((name) => {
    const manifest = destinationManifests.find((candidate) => candidate.id === name);
    const destinationConfig = config.destinations.get(name);
    if (!manifest || !destinationConfig) {
      throw new UsageError(
        `unknown destination "${name}": choose one of ${destinationManifests.map((manifest) => manifest.id).join(', ')}`,
      );
    }
    const envPrefix = manifest.envPrefixes[0]!;
    if (options.requireEnabled && !destinationConfig.common.enabled) {
      throw new UsageError(
        `destination "${name}" is not enabled: set ${envPrefix}_ENABLED=true (or ${name}.enabled)`,
      );
    }
    const [missing] = destinationConfig.missing;
    if (missing) throw new ConfigError(missing, undefined, `a value: ${name} needs it`);
    return { manifest, config: destinationConfig };
  });
  return Promise.all(
    chosen.map(
      async ({
        manifest,
        config: destinationConfig,
      }: {
        manifest: DestinationManifest;
        config: (typeof chosen)[number]['config'];
      }) => ({
        destination: await manifest.load(),
        config: destinationConfig,
      }),
    ),
  );
}
