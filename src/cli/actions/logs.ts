import type { ExportStatus } from '../../db/tables.js';
import { EXIT_OK } from '../errors.js';
import type { GlobalOptions, Output } from '../io.js';
import { openDatabase, readConfiguration } from '../session.js';
import { destinationIdNamed } from '../select-destinations.js';

export interface LogsOptions {
  last: number;
  destination?: string;
  status?: ExportStatus;
  json?: boolean;
}

export async function logsAction(
  output: Output,
  globals: GlobalOptions,
  options: LogsOptions,
): Promise<number> {
  const destination = options.destination ? destinationIdNamed(options.destination) : undefined;
  const config = await readConfiguration(output, globals);
  const session = await openDatabase(config, output);
  try {
    let query = session.db
      .selectFrom('export_logs')
      .selectAll()
      .orderBy('started_at', 'desc')
      .limit(options.last);
    if (destination) query = query.where('destination', '=', destination);
    if (options.status) query = query.where('status', '=', options.status);
    const rows = await query.execute();
    if (options.json) {
      output.print(JSON.stringify(rows, null, 2));
      return EXIT_OK;
    }
    if (rows.length === 0) {
      output.print('no export recorded yet: run `med-export export --all`');
      return EXIT_OK;
    }
    const table = rows.map((row) => [
      output.time(row.started_at),
      row.destination,
      row.status,
      String(row.records_exported),
      row.completed_at
        ? `${((row.completed_at.getTime() - row.started_at.getTime()) / 1000).toFixed(1)} s`
        : '-',
      row.error_message ?? '',
    ]);
    printTable(output, ['WHEN', 'DESTINATION', 'STATUS', 'RECORDS', 'DURATION', 'ERROR'], table);
    return EXIT_OK;
  } finally {
    await session.close();
  }
}

function printTable(output: Output, header: string[], rows: string[][]): void {
  const widths = header.map((title, column) =>
    Math.min(
      column === header.length - 1 ? 200 : 40,
      Math.max(title.length, ...rows.map((row) => row[column]!.length)),
    ),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]!)))
      .join('  ')
      .trimEnd();
  output.print(output.color.bold(line(header)));
  for (const row of rows) output.print(line(row));
}
