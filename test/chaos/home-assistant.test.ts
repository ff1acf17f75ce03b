import { homeAssistantChaos } from './chaos-destinations.js';
import { SINGLE_DESTINATION_ROUNDS } from './chaos-harness.js';
import { describeChaos } from './describe-chaos.js';

describeChaos('Home Assistant', [homeAssistantChaos], SINGLE_DESTINATION_ROUNDS);
