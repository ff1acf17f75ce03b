import ora from 'ora';
import type { Ora } from 'ora';
import type { ProgressReporter } from '../contract/destination.js';
import type { ProgressBoard } from '../export/run-export.js';
import type { Logger } from '../logger.js';
import type { Output } from './io.js';

/** The spinner when it may be shown: on a terminal, and neither under --quiet nor --json. */
export function terminalProgress(output: Output, options: { json: boolean }): TerminalProgress | undefined {
  const stream = output.io.progressStream;
  if (!stream || output.quiet || options.json) return undefined;
  return new TerminalProgress(stream, { color: output.color.level > 0 });
}

/** A pass shorter than this shows nothing: a spinner that flashes for 200 ms is noise. */
const SHOW_AFTER_MS = 1000;

/**
 * The spinner on a terminal (stderr): one line naming each destination still running, what it is doing and
 * how far it is. Only created when stdout and stderr are a terminal and neither --quiet nor --json is given.
 */
export class TerminalProgress implements ProgressBoard {
  private readonly lines = new Map<string, string>();
  private readonly spinner: Ora;
  private readonly timer: NodeJS.Timeout;
  private due = false;

  constructor(
    private readonly stream: NodeJS.WriteStream,
    options: { color: boolean; showAfterMs?: number },
  ) {
    this.spinner = ora({
      stream,
      isEnabled: true,
      // Raw stdin would turn Ctrl+C into a keystroke: SIGINT must stop the run the usual way (bin.ts).
      discardStdin: false,
      color: options.color ? 'cyan' : false,
    });
    this.timer = setTimeout(() => {
      this.due = true;
      this.render();
    }, options.showAfterMs ?? SHOW_AFTER_MS);
    this.timer.unref();
  }

  reporter(destination: string): ProgressReporter {
    return {
      report: (activity, done, total, unit) => {
        this.lines.set(destination, `${destination}: ${describe(activity, done, total, unit)}`);
        this.render();
      },
    };
  }

  finished(destination: string): void {
    this.lines.delete(destination);
    this.render();
  }

  /** The same logger, its lines written around the spinner instead of through it. */
  around(log: Logger): Logger {
    const aside =
      (write: (message: string) => void) =>
      (message: string): void => {
        if (!this.spinner.isSpinning) return write(message);
        this.spinner.clear();
        write(message);
        this.spinner.render();
      };
    return { debug: aside(log.debug), info: aside(log.info), warn: aside(log.warn), error: aside(log.error) };
  }

  /** Clears the spinner's line, before the results are printed. */
  stop(): void {
    clearTimeout(this.timer);
    if (this.spinner.isSpinning) this.spinner.stop();
  }

  private render(): void {
    if (!this.due) return;
    if (this.lines.size === 0) {
      if (this.spinner.isSpinning) this.spinner.stop();
    } else if (this.spinner.isSpinning) {
      this.spinner.text = this.text();
    } else {
      this.spinner.start(this.text());
    }
  }

  private text(): string {
    const columns = this.stream.columns ?? 80;
    const text = [...this.lines.values()].join(' · ');
    // Two columns for the spinner itself; a wrapped line would leave copies behind on every frame.
    return text.length > columns - 3 ? `${text.slice(0, columns - 4)}…` : text;
  }
}

function describe(activity: string, done?: number, total?: number, unit?: string): string {
  if (done === undefined) return activity;
  const amount = total ? `${format(done)}/${format(total)}` : format(done);
  const percent = total ? ` (${Math.min(100, Math.floor((done / total) * 100))}%)` : '';
  return `${activity} ${amount}${unit ? ` ${unit}` : ''}${percent}`;
}

function format(count: number): string {
  return count.toLocaleString('en-US');
}
