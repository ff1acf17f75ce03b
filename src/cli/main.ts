import { Command, CommanderError } from 'commander';
import { ConfigProblem, ConfigProblems } from '../config/config-error.js';
import { doctorCommand } from './commands/doctor.js';
import { exportCommand } from './commands/export.js';
import { logsCommand } from './commands/logs.js';
import { migrateCommand } from './commands/migrate.js';
import { statusCommand } from './commands/status.js';
import { testCommand } from './commands/test.js';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, RunError, UsageError } from './errors.js';
import type { Action, CliIo, GlobalOptions } from './io.js';
import { createOutput } from './io.js';
import { destinationNames } from '../destinations/names.js';
import { redact } from '../redact.js';
import { VERSION } from '../version.js';

/** Parses the command line and runs one command; returns the exit status instead of exiting. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let action: Action | undefined;
  const program = new Command('med-export')
    .description(
      `Export MyElectricalData (Linky) data from PostgreSQL to ${listOfTitles()}.\n` +
        'Each run does one pass, records it in export_logs and exits: run it from cron or a systemd timer.',
    )
    .version(VERSION)
    .option(
      '--config <file>',
      'configuration file (default: the first of med-export.config.yaml here, ~/.config/med-export/config.yaml, /etc/med-export/config.yaml)',
    )
    .option('--verbose', 'say more, and show stack traces')
    .option('--quiet', 'print nothing unless something failed or needs you (for cron)')
    .option('--no-color', 'no colours even on a terminal')
    .addHelpText(
      'after',
      `
Examples:
  med-export export --all                          # from cron
  med-export test --destination home_assistant     # while debugging
  med-export status                                # what each destination holds, when it runs next
  med-export logs --last 10                        # what happened

Configuration comes from the file and from environment variables (which win): see config.example.yaml.`,
    );
  for (const command of [
    exportCommand,
    statusCommand,
    testCommand,
    logsCommand,
    doctorCommand,
    migrateCommand,
  ]) {
    program.addCommand(command((chosen) => (action = chosen)));
  }
  for (const command of [program, ...program.commands]) {
    command.exitOverride().configureOutput({
      writeOut: io.stdout,
      writeErr: io.stderr,
      outputError: (text, write) => write(text),
    });
  }

  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      const helpOrVersion = ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(
        error.code,
      );
      return helpOrVersion && (error.exitCode === 0 || argv.length > 0) ? EXIT_OK : EXIT_USAGE;
    }
    throw error;
  }
  if (!action) {
    io.stderr(program.helpInformation());
    return EXIT_USAGE;
  }
  const globals = program.opts<GlobalOptions>();
  const output = createOutput(io, globals);
  try {
    return await action(output, globals);
  } catch (error) {
    if (error instanceof ConfigProblems) {
      for (const problem of error.problems) output.log.error(problem.message);
      return EXIT_USAGE;
    }
    if (error instanceof ConfigProblem || error instanceof UsageError) {
      output.log.error(error.message);
      return EXIT_USAGE;
    }
    if (error instanceof RunError) {
      output.log.error(error.message);
      return EXIT_FAILED;
    }
    const err = error as Error;
    output.log.error(err?.message ?? String(error));
    if (output.verbose && err?.stack) io.stderr(`${redact(err.stack)}\n`);
    return EXIT_FAILED;
  }
}

/** "A, B and C": the destinations as the registry lists them. */
function listOfTitles(): string {
  const titles = destinationNames.map((destination) => destination.title);
  return titles.length > 1 ? `${titles.slice(0, -1).join(', ')} and ${titles.at(-1)}` : titles.join('');
}
