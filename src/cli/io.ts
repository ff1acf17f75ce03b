import type { Environment } from '../config/environment.js';
import type { Logger, LogLevel } from '../logger.js';
import { createLogger } from '../logger.js';
import { redact } from '../redact.js';
import { createColors } from './colors.js';
import type { Colors } from './colors.js';
import { formatLocalTime } from './format-time.js';

/** Where a command reads its environment and writes its output: the process, or a test's buffers. */
export interface CliIo {
  env: Environment;
  cwd: string;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Colours and the spinner only on a terminal, so cron mail and journald stay clean. */
  isTTY: boolean;
  /** The terminal's width, when stdout is one. */
  columns?: number;
  /** Where the progress spinner draws: given only when stdout and stderr are both a terminal. */
  progressStream?: NodeJS.WriteStream;
  /** Aborted on SIGTERM/SIGINT: destinations stop after the current batch and the run is recorded. */
  signal: AbortSignal;
}

export interface GlobalOptions {
  config?: string;
  verbose?: boolean;
  quiet?: boolean;
  color?: boolean;
}

export interface Output {
  io: CliIo;
  log: Logger;
  color: Colors;
  verbose: boolean;
  quiet: boolean;
  /** A line on stdout, secrets removed. */
  print(line: string): void;
  /** A line on stderr (a failure, whatever --quiet says), secrets removed. */
  printError(line: string): void;
  /** A time for people: local, with its zone. */
  time(date: Date): string;
}

export function createOutput(io: CliIo, options: GlobalOptions): Output {
  const level: LogLevel = options.verbose ? 'verbose' : options.quiet ? 'quiet' : 'normal';
  const colorful = io.isTTY && options.color !== false && !io.env.NO_COLOR;
  // Checked once, on the first time printed (Intl's zone data loads only then).
  let zone: { name: string | undefined } | undefined;
  return {
    io,
    log: createLogger(level, io.stderr),
    color: createColors(colorful),
    verbose: level === 'verbose',
    quiet: level === 'quiet',
    print: (line) => io.stdout(`${redact(line)}\n`),
    printError: (line) => io.stderr(`${redact(line)}\n`),
    time: (date) => {
      zone ??= { name: validTimeZone(io.env.TZ) };
      return formatLocalTime(date, zone.name);
    },
  };
}

/** `TZ` as Intl understands it; an unknown or POSIX-style value leaves the machine's own zone. */
function validTimeZone(zone: string | undefined): string | undefined {
  if (!zone) return undefined;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone.replace(/^:/, '') });
    return zone.replace(/^:/, '');
  } catch {
    return undefined;
  }
}

/** What a command runs once the command line is parsed; returns the exit status. */
export type Action = (output: Output, globals: GlobalOptions) => Promise<number>;

/** How a command definition hands its action to `main` (which runs it after parsing). */
export type RegisterAction = (action: Action) => void;
