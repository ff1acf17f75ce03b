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
  ['mqtt', mqtt as unknown as Destination],
  ['victoriametrics', victoriaMetricsDestination as unknown as Destination],
  ['jeedom', jeedom as unknown as Destination],
  ['home_assistant', homeAssistant as unknown as Destination],
]);
