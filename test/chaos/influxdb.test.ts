import { influxdbAvailable } from '../destinations/influxdb/influxdb-server.js';
import { influxdbChaos } from './chaos-destinations.js';
import { SINGLE_DESTINATION_ROUNDS } from './chaos-harness.js';
import { describeChaos } from './describe-chaos.js';

describeChaos('InfluxDB 1.x', [influxdbChaos], SINGLE_DESTINATION_ROUNDS, influxdbAvailable);
