import { influxdb2Standin } from './backends.js';
import { describeInfluxExport } from './export-suite.js';

describeInfluxExport(influxdb2Standin);
