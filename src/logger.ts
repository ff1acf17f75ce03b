import { redact } from './redact.js';

export type LogLevel = 'quiet' | 'normal' | 'verbose';

/** Messages for humans on stderr, redacted; `debug` only with --verbose, `info` silenced by --quiet. */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export function createLogger(
  level: LogLevel,
  write: (line: string) => void = (line) => process.stderr.write(line),
): Logger {
  const emit = (prefix: string, message: string) => write(`${prefix}${redact(message)}\n`);
  return {
    debug: (message) => level === 'verbose' && emit('debug: ', message),
    info: (message) => level !== 'quiet' && emit('', message),
    warn: (message) => emit('warning: ', message),
    error: (message) => emit('error: ', message),
  };
}
