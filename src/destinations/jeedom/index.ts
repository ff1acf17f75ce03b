import { defineDestination } from '../../contract/destination.js';
import { jeedomChecks } from './checks.js';
import { jeedomManifest } from './manifest.js';
import { exportToJeedom } from './pass.js';

export const jeedomDestination = defineDestination({
  ...jeedomManifest,
  test: jeedomChecks,
  exportPass: exportToJeedom,
});
