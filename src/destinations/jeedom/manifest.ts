import { defineManifest } from '../../contract/destination.js';
import type { Destination } from '../../contract/destination.js';
import { jeedomFields } from './config.js';

export const jeedomManifest = defineManifest({
  id: 'jeedom',
  title: 'Jeedom',
  envPrefixes: ['JEEDOM'],
  fields: jeedomFields,
  load: async (): Promise<Destination> => (await import('./index.js')).jeedomDestination,
});
