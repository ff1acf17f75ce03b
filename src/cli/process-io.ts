import type { CliIo } from './io.js';

/** The real process's streams as a CliIo: the spinner only when stdout and stderr are both a terminal. */
export function processIo(signal: AbortSignal): CliIo {
  return {
    env: process.env,
    cwd: process.cwd(),
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    isTTY: Boolean(process.stdout.isTTY),
    ...(process.stdout.isTTY ? { columns: process.stdout.columns } : {}),
    ...(process.stdout.isTTY && process.stderr.isTTY ? { progressStream: process.stderr } : {}),
    signal,
  };
}
