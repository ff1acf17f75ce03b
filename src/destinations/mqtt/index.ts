import { defineDestination } from '../../contract/destination.js';
import { mqttChecks } from './checks.js';
import { mqttManifest } from './manifest.js';
import { mqttPass } from './pass.js';

export const mqttDestination = defineDestination({
  ...mqttManifest,
  exportPass: mqttPass,
  test: mqttChecks,
});
