import { migrate } from '../../db/migrate.js';
import { explainDatabaseError } from '../../db/explain-db-error.js';
import { EXIT_OK, RunError } from '../errors.js';
import type { GlobalOptions, Output } from '../io.js';
import { connectWithoutMigrating } from '../plain-database.js';
import { readConfiguration } from '../session.js';

export async function migrateAction(output: Output, globals: GlobalOptions): Promise<number> {
  const config = await readConfiguration(output, globals);
  const db = await connectWithoutMigrating(config);
  try {
    const applied = await migrate(db).catch((error: unknown) => {
      throw new RunError(explainDatabaseError(error, config.databaseUrl!));
    });
    output.print(
      applied.length === 0
        ? 'nothing to apply: the database is up to date'
        : `applied ${applied.join(', ')}: the database is up to date`,
    );
  } finally {
    await db.destroy();
  }
  return EXIT_OK;
}
