import { createQueryLayer } from '../../query/query-layer.js';
import { runExport } from '../../export/run-export.js';
import type { DestinationResult } from '../../export/run-export.js';
import { selectDestinations } from '../select-destinations.js';
import { EXIT_FAILED, EXIT_OK, UsageError } from '../errors.js';
import type { GlobalOptions, Output } from '../io.js';
import { openDatabase, readConfiguration } from '../session.js';
import { printResults } from '../print-results.js';

export interface ExportOptions {
  all?: boolean;
  destination: string[];
  force?: boolean;
  dryRun?: boolean;
  since?: string;
  json?: boolean;
}

export async function exportAction(
  output: Output,
  globals: GlobalOptions,
  options: ExportOptions,
): Promise<number> {
  if (options.since !== undefined && !isDate(options.since)) {
    throw new UsageError(`--since: "${options.since}" is not a date; expected YYYY-MM-DD`);
  }
  const config = await readConfiguration(output, globals);
  const selected = await selectDestinations(config, {
    all: options.all ?? false,
    names: options.destination,
  });
  if (selected.length === 0) {
    output.log.info('no destination is enabled: set MQTT_ENABLED=true (or another destination) to export');
    return EXIT_OK;
  }
  const session = await openDatabase(config, output, { writes: !(options.dryRun ?? false) });
  let results: DestinationResult[];
  try {
    results = await runExport({
      db: session.db,
      query: createQueryLayer(session.db),
      config,
      selected,
      force: options.force ?? false,
      dryRun: options.dryRun ?? false,
      since: options.since ?? null,
      now: new Date(),
      log: output.log,
      signal: output.io.signal,
    });
  } finally {
    await session.close();
  }
  printResults(output, results, { json: options.json ?? false, dryRun: options.dryRun ?? false });
  const failed = results.some((result) => result.status === 'error' || result.status === 'partial');
  return failed || output.io.signal.aborted ? EXIT_FAILED : EXIT_OK;
}

function isDate(text: string): boolean {
  return (
    /^\d{4}-\d{2}-\d{2}$/.test(text) &&
    !Number.isNaN(Date.parse(`${text}T00:00:00Z`)) &&
    new Date(`${text}T00:00:00Z`).toISOString().startsWith(text)
  );
}
