import { Command } from 'commander';
import type { RegisterAction } from '../io.js';
import type { StatusOptions } from '../actions/status.js';

export function statusCommand(run: RegisterAction): Command {
  return new Command('status')
    .description(
      'per destination: enabled or not, its target, last success, last error, what it holds, when it is due next',
    )
    .option('--json', 'print the same as JSON (times in ISO 8601)')
    .addHelpText(
      'after',
      `
Examples:
  med-export status
  med-export status --json | jq '.[] | {destination, last_success}'

Reads only: creates no table. Exit status 1 when a destination's last run failed, else 0.`,
    )
    .action(function (this: Command) {
      const options = this.opts<StatusOptions>();
      run(async (output, globals) =>
        (await import('../actions/status.js')).statusAction(output, globals, options),
      );
    });
}
