import { Command, InvalidArgumentError } from 'commander';
import type { ExportStatus } from '../../db/tables.js';
import type { RegisterAction } from '../io.js';
import type { LogsOptions } from '../actions/logs.js';

const STATUSES: readonly ExportStatus[] = ['running', 'success', 'partial', 'error', 'skipped'];

export function logsCommand(run: RegisterAction): Command {
  return new Command('logs')
    .description('show the export history recorded in export_logs, newest first')
    .option('--last <n>', 'how many runs to show', positiveInteger, 10)
    .option('--destination <name>', 'only this destination')
    .option('--status <status>', `only this status: ${STATUSES.join(', ')}`, status)
    .option('--json', 'print the rows as JSON')
    .addHelpText(
      'after',
      `
Examples:
  med-export logs --last 10
  med-export logs --destination home_assistant --status error
  med-export logs --json | jq '.[0].details'`,
    )
    .action(function (this: Command) {
      const options = this.opts<LogsOptions>();
      run(async (output, globals) =>
        (await import('../actions/logs.js')).logsAction(output, globals, options),
      );
    });
}

function positiveInteger(value: string): number {
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || parsed < 1) throw new InvalidArgumentError('expected a whole number ≥ 1');
  return parsed;
}

function status(value: string): ExportStatus {
  if (!STATUSES.includes(value as ExportStatus))
    throw new InvalidArgumentError(`expected one of ${STATUSES.join(', ')}`);
  return value as ExportStatus;
}
