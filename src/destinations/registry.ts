import type { Destination, DestinationManifest } from '../contract/destination.js';
import { homeAssistantManifest } from './home_assistant/manifest.js';
import { influxdbManifest } from './influxdb/manifest.js';
import { jeedomManifest } from './jeedom/manifest.js';
import { mqttManifest } from './mqtt/manifest.js';
import { victoriaMetricsManifest } from './victoriametrics/manifest.js';

/**
 * Every destination. Adding one means a folder under src/destinations/ and one line here; a test checks that
 * the folders and this list match. Manifests are cheap (configuration only): a destination's code is loaded
 * only when a command uses it, so a cron run that exports nothing loads none.
 */
export const destinationManifests: readonly DestinationManifest[] = [
  mqttManifest,
  homeAssistantManifest,
  victoriaMetricsManifest,
  jeedomManifest,
  influxdbManifest,
];

export const destinationIds: readonly string[] = destinationManifests.map((manifest) => manifest.id);

export function manifestOf(id: string): DestinationManifest | undefined {
  return destinationManifests.find((manifest) => manifest.id === id);
}

export async function loadDestinations(
  manifests: readonly DestinationManifest[] = destinationManifests,
): Promise<Destination[]> {
  return Promise.all(manifests.map((manifest) => manifest.load()));
}
