import type { LoadedConfig } from '../config/load-config.js';
import { ConfigError, ConfigProblem, ProblemList } from '../config/config-error.js';
import { didYouMean } from '../config/near-miss.js';
import type { DestinationManifest } from '../contract/destination.js';
import { destinationIds, destinationManifests } from '../destinations/registry.js';
import type { SelectedDestination } from '../export/run-export.js';
import { UsageError } from './errors.js';

/**
 * The destination a command-line name means: its id, or the spelling of its environment prefix
 * (`homeassistant`, `home-assistant`, `HOME_ASSISTANT` all mean `home_assistant`).
 */
export function manifestNamed(name: string): DestinationManifest | undefined {
  const wanted = name.toLowerCase().replace(/-/g, '_');
  const squeezed = wanted.replace(/_/g, '');
  return destinationManifests.find(
    (manifest) =>
      manifest.id === wanted ||
      manifest.id.replace(/_/g, '') === squeezed ||
      manifest.envPrefixes.some((prefix) => prefix.toLowerCase() === wanted),
  );
}

/** The id a command-line name means, or a usage error that lists the choices and the near miss. */
export function destinationIdNamed(name: string): string {
  const manifest = manifestNamed(name);
  if (!manifest) throw new UsageError(unknownDestination(name));
  return manifest.id;
}

function unknownDestination(name: string): string {
  return (
    `unknown destination "${name}"${didYouMean(name, destinationIds)}` +
    ` (choose one of ${destinationIds.join(', ')})`
  );
}

/**
 * `--all`: the enabled destinations; `--destination x`: exactly those, which must exist and be enabled.
 * Every selected destination must have its required options. Every problem is reported, not only the first.
 */
export async function selectDestinations(
  config: LoadedConfig,
  selection: { all: boolean; names: readonly string[] },
  options: { requireEnabled: boolean } = { requireEnabled: true },
): Promise<SelectedDestination[]> {
  if (!selection.all && selection.names.length === 0) {
    throw new UsageError('say which destinations to export: --all, or --destination <name> (repeatable)');
  }
  const problems = new ProblemList();
  const manifests = selection.all
    ? destinationManifests.filter((manifest) => config.destinations.get(manifest.id)?.common.enabled)
    : selection.names.flatMap((name) => {
        const manifest = manifestNamed(name);
        if (!manifest) problems.add(new ConfigProblem(unknownDestination(name)));
        return manifest ? [manifest] : [];
      });
  const chosen = [...new Set(manifests)].flatMap((manifest) => {
    const destinationConfig = config.destinations.get(manifest.id)!;
    if (options.requireEnabled && !destinationConfig.common.enabled) {
      problems.add(
        new ConfigProblem(
          `destination "${manifest.id}" is not enabled: set ${manifest.envPrefixes[0]}_ENABLED=true (or ${manifest.id}.enabled)`,
        ),
      );
    }
    for (const missing of destinationConfig.missing) {
      problems.add(new ConfigError(missing, undefined, `a value: ${manifest.id} needs it`));
    }
    return [{ manifest, config: destinationConfig }];
  });
  problems.throwIfAny();
  return Promise.all(
    chosen.map(async ({ manifest, config: destinationConfig }) => ({
      destination: await manifest.load(),
      config: destinationConfig,
    })),
  );
}
