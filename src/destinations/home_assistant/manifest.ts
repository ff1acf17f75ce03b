import { defineManifest, describeTarget } from '../../contract/destination.js';
import type { Destination } from '../../contract/destination.js';
import { homeAssistantFields } from './config.js';

export const homeAssistantManifest = defineManifest({
  id: 'home_assistant',
  title: 'Home Assistant',
  envPrefixes: ['HOME_ASSISTANT', 'HOMEASSISTANT'],
  fields: homeAssistantFields,
  target: (config) => describeTarget(config.url, { statistic_id_prefix: config.statistic_id_prefix }),
  load: async (): Promise<Destination> => (await import('./index.js')).homeAssistantDestination,
});
