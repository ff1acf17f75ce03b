import { influxdbAvailable } from '../destinations/influxdb/influxdb-server.js';
import {
  homeAssistantChaos,
  influxdbChaos,
  jeedomChaos,
  mqttChaos,
  victoriaMetricsChaos,
} from './chaos-destinations.js';
import { ALL_DESTINATIONS_ROUNDS } from './chaos-harness.js';
import { describeChaos } from './describe-chaos.js';

describeChaos(
  'every destination at once',
  [
    victoriaMetricsChaos,
    mqttChaos,
    homeAssistantChaos,
    jeedomChaos,
    // Where influxd is installed (CI requires it): skipped otherwise with the note influxdb-server.ts prints.
    ...(influxdbAvailable ? [influxdbChaos] : []),
  ],
  ALL_DESTINATIONS_ROUNDS,
);
