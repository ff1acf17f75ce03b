import { homeAssistantFaults } from './adapters/home-assistant.js';
import { influxdbFaults } from './adapters/influxdb.js';
import { jeedomFaults } from './adapters/jeedom.js';
import { mqttFaults } from './adapters/mqtt.js';
import { victoriaMetricsFaults } from './adapters/victoriametrics.js';
import { describeFaults } from './fault-suite.js';
import type { FaultAdapter } from './fault-suite.js';

/** Every destination through the same six faults (fault-suite.ts); a new one adds its adapter. */
const DESTINATIONS: FaultAdapter[] = [
  homeAssistantFaults,
  jeedomFaults,
  mqttFaults,
  victoriaMetricsFaults,
  influxdbFaults,
];

for (const adapter of DESTINATIONS) describeFaults(adapter);
