import { Command } from 'commander';
import { EXIT_OK } from '../errors.js';
import type { GlobalOptions, Output } from '../io.js';
import { openDatabase, readConfiguration } from '../session.js';

export function migrateCommand(
  run: (action: (output: Output, globals: GlobalOptions) => Promise<number>) => void,
): Command {
  return new Command('migrate')
    .description("create or update med-export's own tables (export_logs, export_state); export does it too")
    .addHelpText(
      'after',
      '\nExample:\n  DATABASE_URL=postgres://med@localhost/myelectricaldata med-export migrate',
    )
    .action(() => {
      run(async (output, globals) => {
        const config = await readConfiguration(output, globals);
        const session = await openDatabase(config, output);
        await session.close();
        output.print('database is up to date');
        return EXIT_OK;
      });
    });
}
