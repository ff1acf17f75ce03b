import { defineManifest, describeTarget } from '../../contract/destination.js';
import type { Destination } from '../../contract/destination.js';
import { jeedomFields } from './config.js';

export const jeedomManifest = defineManifest({
  id: 'jeedom',
  title: 'Jeedom',
  envPrefixes: ['JEEDOM'],
  fields: jeedomFields,
  target: (config) => describeTarget(config.url),
  load: async (): Promise<Destination> => (await import('./index.js')).jeedomDestination,
});
