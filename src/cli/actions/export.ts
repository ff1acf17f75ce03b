import { createQueryLayer } from '../../query/query-layer.js';
import { runExport } from '../../export/run-export.js';
import type { DestinationResult } from '../../export/run-export.js';
import { selectDestinations } from '../select-destinations.js';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError } from '../errors.js';
import { destinationManifests } from '../../destinations/registry.js';
import type { QueryLayer } from '../../query/types.js';
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
    // A configuration that enables nothing is broken, not idle: cron must not take it for success.
    output.log.error(
      `no destination is enabled${config.file ? ` (configuration file ${config.file})` : ' (no configuration file found)'}: ` +
        `set ${destinationManifests.map((manifest) => `${manifest.envPrefixes[0]}_ENABLED`).join(', ')} to true (or <name>.enabled in the file)`,
    );
    return EXIT_USAGE;
  }
  const session = await openDatabase(config, output, { writes: !(options.dryRun ?? false) });
  // ora and its spinners load only when there is a terminal to show them on: cron's runs never pay for them.
  const progress = output.io.progressStream
    ? (await import('../progress.js')).terminalProgress(output, { json: options.json ?? false })
    : undefined;
  let results: DestinationResult[];
  try {
    const query = createQueryLayer(session.db);
    await warnAboutUnknownPdls(query, config.settings.pdls, output);
    results = await runExport({
      db: session.db,
      query,
      config,
      selected,
      force: options.force ?? false,
      dryRun: options.dryRun ?? false,
      since: options.since ?? null,
      now: new Date(),
      log: progress ? progress.around(output.log) : output.log,
      signal: output.io.signal,
      ...(progress ? { progress } : {}),
    });
  } finally {
    progress?.stop();
    await session.close();
  }
  printResults(output, results, { json: options.json ?? false, dryRun: options.dryRun ?? false });
  const failed = results.some((result) => result.status === 'error' || result.status === 'partial');
  return failed || output.io.signal.aborted ? EXIT_FAILED : EXIT_OK;
}

/** `MED_PDL=11111111111111` would silently export no meter data: say so, naming the PDLs there are. */
async function warnAboutUnknownPdls(query: QueryLayer, wanted: readonly string[], output: Output) {
  if (wanted.length === 0) return;
  const found = new Set((await query.listPdls(wanted)).map((pdl) => pdl.usagePointId));
  const unknown = wanted.filter((pdl) => !found.has(pdl));
  if (unknown.length === 0) return;
  const existing = (await query.listPdls()).map((pdl) => pdl.usagePointId);
  output.log.warn(
    `MED_PDL: ${unknown.join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not in the pdls table, so nothing is exported for ${unknown.length === 1 ? 'it' : 'them'}; ` +
      (existing.length > 0 ? `the active PDLs are ${existing.join(', ')}` : 'the table has no active PDL'),
  );
}

function isDate(text: string): boolean {
  return (
    /^\d{4}-\d{2}-\d{2}$/.test(text) &&
    !Number.isNaN(Date.parse(`${text}T00:00:00Z`)) &&
    new Date(`${text}T00:00:00Z`).toISOString().startsWith(text)
  );
}
