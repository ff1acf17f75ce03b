import { defineDestination } from '../../contract/destination.js';
import { homeAssistantChecks } from './checks.js';
import { homeAssistantManifest } from './manifest.js';
import { homeAssistantPass } from './pass.js';

export const homeAssistantDestination = defineDestination({
  ...homeAssistantManifest,
  exportPass: homeAssistantPass,
  test: homeAssistantChecks,
});
