import { runDoctor } from '../../doctor/run-doctor.js';
import { parisDate } from '../../domain/paris-time.js';
import { createHealthQueries } from '../../query/health-queries.js';
import { createQueryLayer } from '../../query/query-layer.js';
import { EXIT_FAILED, EXIT_OK } from '../errors.js';
import type { GlobalOptions, Output } from '../io.js';
import { openDatabase, readConfiguration } from '../session.js';

export interface DoctorOptions {
  json?: boolean;
}

export async function doctorAction(
  output: Output,
  globals: GlobalOptions,
  options: DoctorOptions,
): Promise<number> {
  const config = await readConfiguration(output, globals);
  const session = await openDatabase(config, output, { writes: false });
  const targets = [...config.destinations]
    .filter(([, destination]) => destination.common.enabled)
    .map(([destination, { options: destinationOptions }]) => ({ destination, options: destinationOptions }));
  let report;
  try {
    report = await runDoctor({
      query: createQueryLayer(session.db),
      health: createHealthQueries(session.db),
      targets,
      settings: config.settings,
      today: parisDate(new Date()),
    });
  } finally {
    await session.close();
  }
  if (options.json) {
    output.print(JSON.stringify({ ok: report.findings.length === 0, ...report }, null, 2));
  } else {
    const { color } = output;
    for (const finding of report.findings) {
      const where = [finding.usagePointId, finding.direction].filter(Boolean).join(' ');
      output.print(`${color.yellow('⚠')} ${where ? `[${where}] ` : ''}${finding.message}`);
      output.print(`    means: ${finding.meaning}`);
      output.print(`    do: ${finding.action}`);
    }
    output.print(
      report.findings.length === 0
        ? `${color.green('✔')} nothing found (${report.pdls.length} PDL(s) checked)`
        : `${report.findings.length} warning(s) for ${report.pdls.length} PDL(s)`,
    );
  }
  return report.findings.length === 0 ? EXIT_OK : EXIT_FAILED;
}
