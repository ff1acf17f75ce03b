import type { DestinationResult } from '../export/run-export.js';
import type { TargetSwitch } from '../export/target-state.js';
import type { Output } from './io.js';

const PREVIEW_LINES = 12;
/** Previews are cut to the terminal's width, or this when the output is not a terminal. */
const DEFAULT_WIDTH = 160;

/**
 * The output contract: results on stdout, failures (also) on stderr. Under --quiet only failures are printed,
 * so cron mails nothing when all is well and `>/dev/null` never hides a failure.
 */
export function printResults(
  output: Output,
  results: readonly DestinationResult[],
  options: { json: boolean; dryRun: boolean },
): void {
  if (options.json) {
    output.print(
      JSON.stringify(
        results.map((result) => jsonResult(result, options.dryRun)),
        null,
        2,
      ),
    );
    return;
  }
  const { color } = output;
  // A line made only when shown: under --quiet (cron), the time of a "not due" line is not even formatted.
  const say = (line: () => string) => {
    if (!output.quiet) output.print(line());
  };
  for (const result of results) {
    const seconds = `${(result.durationMs / 1000).toFixed(1)} s`;
    switch (result.status) {
      case 'success':
        say(
          () =>
            `${color.green('✔')} ${result.destination}: ${options.dryRun ? 'would send ' : ''}${result.summary} (${seconds})`,
        );
        if (result.targetSwitch && !output.quiet) printTargetSwitch(output, result.targetSwitch);
        if (options.dryRun && !output.quiet) {
          printNotes(output, result);
          printPreview(output, result);
        }
        break;
      case 'partial':
      case 'error':
        // In the results (stdout) like every destination, and on stderr whatever --quiet says, so that
        // `>/dev/null` or --quiet never hides a failure.
        say(() => `${color.red('✖')} ${result.destination}: ${result.status}: ${result.error}`);
        output.printError(`error: ${result.destination}: ${result.status}: ${result.error}`);
        break;
      case 'not_due':
        say(
          () =>
            `${color.dim('-')} ${result.destination}: not due until ${result.nextDueAt ? output.time(result.nextDueAt) : '?'} (use --force to export now)`,
        );
        break;
      case 'skipped':
        say(() => `${color.yellow('-')} ${result.destination}: skipped, ${result.summary}`);
        break;
    }
  }
}

function printTargetSwitch(output: Output, { from, to, restored }: TargetSwitch): void {
  output.print(
    restored
      ? `    back to ${to} (was ${from}): sent what changed since it was last confirmed there`
      : `    new target ${to} (was ${from}): sent the whole history to it`,
  );
}

/** What a destination noted about its dry run (`dry_run_note`, `note` …): as visible as in --json. */
function printNotes(output: Output, result: DestinationResult): void {
  for (const [key, value] of Object.entries(result.details)) {
    if (/(^|_)notes?$/.test(key) && typeof value === 'string') {
      output.print(`    ${output.color.yellow('note:')} ${value}`);
    }
  }
}

function printPreview(output: Output, result: DestinationResult): void {
  const width = output.io.columns ?? DEFAULT_WIDTH;
  for (const payload of result.payloads.slice(0, PREVIEW_LINES)) {
    const body = typeof payload.body === 'string' ? payload.body : JSON.stringify(payload.body);
    // One line each: a payload's own line breaks would make it several.
    const text = `    ${payload.target} ${body}`.replace(/\s*\n\s*/g, ' ');
    output.print(text.length > width ? `${text.slice(0, width - 1)}…` : text);
  }
  const more = result.payloads.length - PREVIEW_LINES;
  if (more > 0) output.print(`    … and ${more} more (--json shows them all)`);
}

function jsonResult(result: DestinationResult, dryRun: boolean) {
  return {
    destination: result.destination,
    status: result.status,
    records: result.records,
    summary: result.summary,
    error: result.error,
    details: result.details,
    duration_ms: result.durationMs,
    next_due_at: result.nextDueAt?.toISOString() ?? null,
    target_switch: result.targetSwitch,
    ...(dryRun ? { payloads: result.payloads } : {}),
  };
}
