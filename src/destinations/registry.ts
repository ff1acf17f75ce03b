import type { Destination } from './destination.js';
import { homeAssistant } from './home_assistant/index.js';
import { jeedom } from './jeedom/index.js';
import { mqtt } from './mqtt/index.js';
import { victoriaMetricsDestination } from './victoriametrics/index.js';

/**
 * Every destination, by id. Adding one means a folder under src/destinations/ and one line here; a test
 * checks that the folders and these keys match.
 */
export const destinations: ReadonlyMap<string, Destination> = new Map<string, Destination>([
  ['mqtt', mqtt],
  ['victoriametrics', victoriaMetricsDestination],
  ['jeedom', jeedom],
  ['home_assistant', homeAssistant],
]);
