import { influxdb1 } from './backends.js';
import { describeInfluxExport } from './export-suite.js';

describeInfluxExport(influxdb1);
