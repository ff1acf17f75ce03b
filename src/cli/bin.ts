import { applyHeapSettings } from './heap-settings.js';
import { main } from './main.js';
import { processIo } from './process-io.js';

/** The process around `main`: real streams, signals, and an exit that cannot hang cron. */
const controller = new AbortController();
// `med-export logs | head`: a closed pipe is not an error worth a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    process.stderr.write(`received ${signal}: stopping the current batch, recording the run, then exiting\n`);
    controller.abort(new Error(`stopped by ${signal}`));
  });
}

// No top-level await: the bundle is CommonJS (scripts/build.mjs).
void (async () => {
  await applyHeapSettings(process.argv.slice(2));
  const exitCode = await main(process.argv.slice(2), processIo(controller.signal));
  process.exitCode = exitCode;
  // A library keeping a socket open must not leave cron waiting forever.
  setTimeout(() => process.exit(exitCode), 5000).unref();
})();
