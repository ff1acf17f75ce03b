import { mqttChaos } from './chaos-destinations.js';
import { SINGLE_DESTINATION_ROUNDS } from './chaos-harness.js';
import { describeChaos } from './describe-chaos.js';

describeChaos('MQTT', [mqttChaos], SINGLE_DESTINATION_ROUNDS);
