import { main } from './main.js';

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

const exitCode = await main(process.argv.slice(2), {
  env: process.env,
  cwd: process.cwd(),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  isTTY: Boolean(process.stdout.isTTY),
  ...(process.stdout.isTTY ? { columns: process.stdout.columns } : {}),
  ...(process.stdout.isTTY && process.stderr.isTTY ? { progressStream: process.stderr } : {}),
  signal: controller.signal,
});
process.exitCode = exitCode;
// A library keeping a socket open must not leave cron waiting forever.
setTimeout(() => process.exit(exitCode), 5000).unref();
