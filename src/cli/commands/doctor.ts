import { Command } from 'commander';
import type { RegisterAction } from '../io.js';
import type { DoctorOptions } from '../actions/doctor.js';

export function doctorCommand(run: RegisterAction): Command {
  return new Command('doctor')
    .description(
      "check MyElectricalData's data and settings for what would make exported figures wrong; writes nothing",
    )
    .option('--json', 'print the findings as JSON')
    .addHelpText(
      'after',
      `
Checks, per PDL and direction: the newest day stored against J-2 (MyElectricalData stores up to the day before
yesterday), missing days in the daily and detailed series, DST days whose row count differs from 46/48, days with
consumption but no Tempo colour (TEMPO contracts), off-peak hours it cannot read, an unknown pricing option, a
selected offer that is missing or lacks a price, duplicate daily rows, and MyElectricalData's own exports
(export_configs) writing where med-export writes.

Examples:
  med-export doctor
  med-export doctor --json | jq '.findings[].message'

Exit status: 0 nothing found, 1 at least one warning (or the database cannot be read), 2 configuration error.`,
    )
    .action(function (this: Command) {
      const options = this.opts<DoctorOptions>();
      run(async (output, globals) =>
        (await import('../actions/doctor.js')).doctorAction(output, globals, options),
      );
    });
}
