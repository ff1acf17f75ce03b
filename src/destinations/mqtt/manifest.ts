import { defineManifest, describeTarget } from '../../contract/destination.js';
import type { Destination } from '../../contract/destination.js';
import { mqttFields } from './config.js';

export const mqttManifest = defineManifest({
  id: 'mqtt',
  title: 'MQTT broker',
  envPrefixes: ['MQTT'],
  fields: mqttFields,
  target: (config) => describeTarget(config.broker, { topic_prefix: config.topic_prefix }),
  load: async (): Promise<Destination> => (await import('./index.js')).mqttDestination,
});
