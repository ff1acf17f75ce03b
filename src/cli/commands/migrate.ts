import { Command } from 'commander';
import type { RegisterAction } from '../io.js';

export function migrateCommand(run: RegisterAction): Command {
  return new Command('migrate')
    .description("create or update med-export's own tables (export_logs, export_state); export does it too")
    .addHelpText(
      'after',
      '\nExample:\n  DATABASE_URL=postgres://med@localhost/myelectricaldata med-export migrate',
    )
    .action(() => {
      run(async (output, globals) => {
        const { EXIT_OK } = await import('../errors.js');
        const { openDatabase, readConfiguration } = await import('../session.js');
        const config = await readConfiguration(output, globals);
        const session = await openDatabase(config, output);
        await session.close();
        output.print('database is up to date');
        return EXIT_OK;
      });
    });
}
