import { EXIT_OK } from '../errors.js';
import type { GlobalOptions, Output } from '../io.js';
import { openDatabase, readConfiguration } from '../session.js';

export async function migrateAction(output: Output, globals: GlobalOptions): Promise<number> {
  const config = await readConfiguration(output, globals);
  const session = await openDatabase(config, output);
  await session.close();
  output.print(
    session.applied.length === 0
      ? 'nothing to apply: the database is up to date'
      : `applied ${session.applied.join(', ')}: the database is up to date`,
  );
  return EXIT_OK;
}
