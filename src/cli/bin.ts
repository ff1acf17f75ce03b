import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { installCompileCache } from './compile-cache.js';
import { applyHeapSettings } from './heap-settings.js';

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

// Only the built bundle (bin.js) is compiled through the cache, so everything else is loaded after it is in place.
const self = fileURLToPath(import.meta.url);
const compileCache = self.endsWith('.js') ? installCompileCache(dirname(self)) : undefined;

// No top-level await: the bundle is CommonJS (scripts/build.mjs).
void (async () => {
  const [{ main }, { processIo }] = await Promise.all([import('./main.js'), import('./process-io.js')]);
  await applyHeapSettings(process.argv.slice(2), (flags) => compileCache?.flagsChanging(flags));
  const exitCode = await main(process.argv.slice(2), processIo(controller.signal));
  process.exitCode = exitCode;
  // A library keeping a socket open must not leave cron waiting forever.
  setTimeout(() => process.exit(exitCode), 5000).unref();
})();
