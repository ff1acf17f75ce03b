import { Command } from 'commander';
import { destinationIdList } from '../../destinations/names.js';
import type { RegisterAction } from '../io.js';

export function testCommand(run: RegisterAction): Command {
  return new Command('test')
    .description(
      'check that a destination is reachable, accepts the credentials and lets us write (enabled or not)',
    )
    .requiredOption('--destination <name>', `the destination to check: ${destinationIdList}`)
    .addHelpText(
      'after',
      `
Examples:
  med-export test --destination mqtt
  med-export test --destination home_assistant --verbose

Each check prints one line; a failed one says what to fix. Exit status 0 when every check passed, else 1.`,
    )
    .action(function (this: Command) {
      const { destination } = this.opts<{ destination: string }>();
      run(async (output, globals) =>
        (await import('../actions/test.js')).testAction(output, globals, destination),
      );
    });
}
