import { Command, Option } from 'commander';
import { destinationIdList } from '../../destinations/names.js';
import type { RegisterAction } from '../io.js';
import type { ExportOptions } from '../actions/export.js';

export function exportCommand(run: RegisterAction): Command {
  return new Command('export')
    .description('run one export pass to the destinations that are due, record it in export_logs, and exit')
    .option('--all', 'every enabled destination that is due')
    .addOption(
      new Option('--destination <name>', `only this destination (repeatable): ${destinationIdList}`)
        .argParser((value: string, previous: string[] = []) => [...previous, value])
        .default([]),
    )
    .option('--force', 'ignore the interval: export even if the last success is recent')
    .option('--dry-run', 'read the data and show what would be sent; send nothing, record nothing')
    .option('--since <YYYY-MM-DD>', 're-send history from that day on (backfill or repair)')
    .option('--json', 'print the results (and with --dry-run the payloads) as JSON')
    .addHelpText(
      'after',
      `
Examples:
  med-export export --all                          # from cron or the systemd timer
  med-export export --destination mqtt --force     # now, whatever the interval
  med-export export --all --dry-run --json         # what would be sent, as JSON
  med-export export --destination victoriametrics --since 2024-01-01

Results on stdout, warnings and errors on stderr; --quiet prints only what failed or needs you.
Exit status: 0 something is enabled and every destination that ran succeeded (or was not due), 1 one failed,
2 usage or configuration error (including no destination enabled).`,
    )
    .action(function (this: Command) {
      const options = this.opts<ExportOptions>();
      run(async (output, globals) =>
        (await import('../actions/export.js')).exportAction(output, globals, options),
      );
    });
}
