/**
 * A synthetic long pass for progress.test.ts: the CLI's own output and spinner gating (processIo, createOutput,
 * terminalProgress) and a destination reporting its progress the way ExportContext.progress is called.
 */
import { createOutput } from '../../src/cli/io.js';
import { processIo } from '../../src/cli/process-io.js';
import { terminalProgress } from '../../src/cli/progress.js';

const quiet = process.argv.includes('--quiet');
const output = createOutput(processIo(new AbortController().signal), { quiet });
const board = terminalProgress(output, { json: process.argv.includes('--json') });
const reporter = board?.reporter('victoriametrics');
reporter?.report('exporting');
const DAYS = 60;
for (let day = 1; day <= DAYS; day++) {
  reporter?.report('importing samples', day, DAYS, 'days');
  await new Promise((resolve) => setTimeout(resolve, 50));
}
board?.finished('victoriametrics');
board?.stop();
output.print('pass finished');
