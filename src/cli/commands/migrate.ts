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
      run(async (output, globals) => (await import('../actions/migrate.js')).migrateAction(output, globals));
    });
}
