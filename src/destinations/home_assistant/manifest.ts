import { defineManifest } from '../../contract/destination.js';
import type { Destination } from '../../contract/destination.js';
import { homeAssistantFields } from './config.js';

export const homeAssistantManifest = defineManifest({
  id: 'home_assistant',
  title: 'Home Assistant',
  envPrefixes: ['HOME_ASSISTANT', 'HOMEASSISTANT'],
  fields: homeAssistantFields,
  load: async (): Promise<Destination> => (await import('./index.js')).homeAssistantDestination,
});
