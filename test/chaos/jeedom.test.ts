import { jeedomChaos } from './chaos-destinations.js';
import { SINGLE_DESTINATION_ROUNDS } from './chaos-harness.js';
import { describeChaos } from './describe-chaos.js';

describeChaos('Jeedom', [jeedomChaos], SINGLE_DESTINATION_ROUNDS);
