import type { DestinationResult } from '../export/run-export.js';
import type { Output } from './io.js';

const PREVIEW_LINES = 12;
const PREVIEW_WIDTH = 160;

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
  for (const result of results) {
    const seconds = `${(result.durationMs / 1000).toFixed(1)} s`;
    switch (result.status) {
      case 'success':
        output.print(
          `${color.green('✔')} ${result.destination}: ${options.dryRun ? 'would send ' : ''}${result.summary} (${seconds})`,
        );
        if (options.dryRun) printPreview(output, result);
        break;
      case 'partial':
      case 'error':
        output.print(`${color.red('✖')} ${result.destination}: ${result.status}: ${result.error}`);
        break;
      case 'not_due':
        output.print(
          `${color.dim('-')} ${result.destination}: not due until ${result.nextDueAt?.toISOString()} (use --force to export now)`,
        );
        break;
      case 'skipped':
        output.print(`${color.yellow('-')} ${result.destination}: skipped, ${result.summary}`);
        break;
    }
  }
}

function printPreview(output: Output, result: DestinationResult): void {
  for (const payload of result.payloads.slice(0, PREVIEW_LINES)) {
    const body = typeof payload.body === 'string' ? payload.body : JSON.stringify(payload.body);
    const text = `    ${payload.target} ${body}`;
    output.print(text.length > PREVIEW_WIDTH ? `${text.slice(0, PREVIEW_WIDTH - 1)}…` : text);
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
    ...(dryRun ? { payloads: result.payloads } : {}),
  };
}
